/**
 * The Node clients of the benchmark report (bench/report.ts), each made in a worker process of its
 * own (bench/client-worker.ts): a backend runs one HTTP client, so each is measured with its own
 * JIT state and heap, not beside nine others whose shapes make got's code polymorphic.
 */
import { Agent } from 'node:http'
import got from 'got'
import { Agent as UndiciAgent, request as undiciRequest } from 'undici'
import { authFetch, MemoryTokenStore, OAuth1Auth, OAuth1Session, OAuth2Session, Session } from '../lib/index.js'
import { nodeHttpGet } from './bench-kit.js'
import { CONSUMER, TOKEN } from './signing-kit.js'

/** One client: a request to `url` with its body read, and its teardown. */
export interface BenchClient {
  call(): Promise<unknown>
  close(): Promise<void>
}

const bearerToken = { access_token: 'a'.repeat(40), token_type: 'Bearer', expires_in: 3600 }

/** Each client by its report name, made for `url`. */
export const CLIENTS: Record<string, (url: string) => Promise<BenchClient>> = {
  'node:http, keep-alive (the limit)': async (url) => {
    const agent = new Agent({ keepAlive: true })
    return { call: () => nodeHttpGet(url, agent), close: async () => agent.destroy() }
  },
  'undici 7 request()': async (url) => {
    const dispatcher = new UndiciAgent()
    return { call: async () => (await undiciRequest(url, { dispatcher })).body.text(), close: () => dispatcher.close() }
  },
  "fetch (Node's undici)": async (url) => ({ call: async () => (await fetch(url)).text(), close: async () => undefined }),
  'got 14': async (url) => {
    const agent = new Agent({ keepAlive: true })
    const plain = got.extend({ agent: { http: agent }, retry: { limit: 0 } })
    return { call: () => plain(url).text(), close: async () => agent.destroy() }
  },
  'Session.get': async (url) => sessionClient(new Session(), url),
  'OAuth1Session.get (HMAC-SHA1, header)': async (url) => sessionClient(new OAuth1Session(CONSUMER.key, CONSUMER.secret, TOKEN.key, TOKEN.secret), url),
  'OAuth2Session.get (Bearer)': async (url) => sessionClient(new OAuth2Session('client', { token: bearerToken }), url),
  'OAuth2Session.get (token from a MemoryTokenStore)': async (url) => {
    const store = new MemoryTokenStore()
    await store.set('bench', { access_token: 'b'.repeat(40), token_type: 'Bearer', expires_at: Date.now() / 1000 + 86_400 })
    return sessionClient(new OAuth2Session('client', { tokenStore: store, tokenKey: 'bench' }), url)
  },
  "authFetch(OAuth2Session.auth) over Node's fetch (Bearer)": async (url) => {
    const session = new OAuth2Session('client', { token: bearerToken })
    if (session.auth === undefined) throw new Error('an OAuth2Session with a token has its auth strategy')
    const fetchWithAuth = authFetch(session.auth)
    return { call: async () => (await fetchWithAuth(url)).text(), close: () => session.close() }
  },
  "authFetch(OAuth1Auth) over Node's fetch (HMAC-SHA1)": async (url) => {
    const fetchWithAuth = authFetch(
      new OAuth1Auth(CONSUMER.key, { clientSecret: CONSUMER.secret, resourceOwnerKey: TOKEN.key, resourceOwnerSecret: TOKEN.secret }),
    )
    return { call: async () => (await fetchWithAuth(url)).text(), close: async () => undefined }
  },
}

function sessionClient(session: Session, url: string): BenchClient {
  return { call: async () => (await session.get(url)).text, close: () => session.close() }
}
