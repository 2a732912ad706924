import nock from 'nock'
import { OAuth2Session, type OAuth2Token, type StoredToken, type TokenLease, type TokenStore, TokenStoreUnavailableError } from '../../lib/index.js'

// The pieces of the unit specs of sessions that share a token through a store (#16): one token
// endpoint, one API, one store key, tokens numbered n, and sessions that each stand for a process.

export const TOKEN_URL = 'https://idp.example/token'
export const API = 'https://api.example'
export const KEY = 'shared'

/** Token pair n, long expired. */
export const expired = (n: number): OAuth2Token => ({ access_token: `at-${n}`, refresh_token: `rt-${n}`, token_type: 'Bearer', expires_at: 1 })
/** Token pair n, valid for an hour. */
export const valid = (n: number): OAuth2Token => ({
  access_token: `at-${n}`,
  refresh_token: `rt-${n}`,
  token_type: 'Bearer',
  expires_at: Date.now() / 1000 + 3600,
})

/** Each session stands for one process: its own single flight, the store in common. */
export function worker(store: TokenStore, options: Record<string, unknown> = {}): OAuth2Session {
  return new OAuth2Session('client-1', { tokenStore: store, tokenKey: KEY, autoRefreshUrl: TOKEN_URL, ...options })
}

/**
 * A token endpoint that rotates: each refresh token once, the next pair in return, and
 * `invalid_grant` for one it has seen. It answers up to ten refreshes; the spec removes it with
 * `nock.removeInterceptor` when done.
 */
export function rotatingEndpoint(spent: string[], delayMs = 0): nock.Interceptor {
  const interceptor = nock('https://idp.example').post('/token').times(10).delay(delayMs)
  interceptor.reply((_uri, body) => {
    const refreshToken = new URLSearchParams(String(body)).get('refresh_token') ?? ''
    if (spent.includes(refreshToken)) return [400, { error: 'invalid_grant', error_description: 'grant revoked' }]
    spent.push(refreshToken)
    const n = spent.length + 1
    return [200, { access_token: `at-${n}`, refresh_token: `rt-${n}`, token_type: 'Bearer', expires_in: 3600 }]
  })
  return interceptor
}

/** A store whose every call fails, as a stopped redis-server does; `calls` counts them. */
export class DownStore implements TokenStore {
  calls = 0
  async get(): Promise<StoredToken | undefined> {
    this.calls += 1
    throw new TokenStoreUnavailableError('DownStore', 'get', 'The store is down.')
  }
  async set(): Promise<StoredToken | undefined> {
    this.calls += 1
    throw new TokenStoreUnavailableError('DownStore', 'set', 'The store is down.')
  }
  async delete(): Promise<void> {
    this.calls += 1
    throw new TokenStoreUnavailableError('DownStore', 'delete', 'The store is down.')
  }
  async lease(): Promise<TokenLease | undefined> {
    this.calls += 1
    throw new TokenStoreUnavailableError('DownStore', 'lease', 'The store is down.')
  }
}
