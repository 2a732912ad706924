/**
 * One process of the refresh storm in bench/tokens.ts: on each `{ go }` message it builds a new
 * OAuth2Session on the shared store (no token of its own: it starts from the store's expired one),
 * sends `concurrent` requests at once and answers how many succeeded and how long it took.
 *
 * argv: kind, token file, redis socket, redis prefix, API base URL, token key, concurrent requests.
 */
import { performance } from 'node:perf_hooks'
import { OAuth2Session } from '../lib/index.js'
import { openStore, type StoreKind } from './bench-token-stores.js'

const [kind, file, socket, prefix, base, key, concurrent] = process.argv.slice(2) as [StoreKind, string, string, string, string, string, string]
const opened = await openStore(kind, { file, socket, prefix })

process.on('disconnect', () => {
  void opened.close().finally(() => process.exit(0))
})
process.on('message', (message: { go: number }) => {
  void storm().then((result) => process.send?.({ go: message.go, ...result }))
})
process.send?.({ ready: true })

async function storm(): Promise<{ ok: number; failed: number; errors: string[]; ms: number }> {
  const session = new OAuth2Session('bench-client', { tokenStore: opened.store, tokenKey: key, autoRefreshUrl: `${base}/token`, insecureTransport: true })
  const started = performance.now()
  const answers = await Promise.allSettled(Array.from({ length: Number(concurrent) }, () => session.get(`${base}/api/me`)))
  const ms = performance.now() - started
  await session.close()
  const errors: string[] = []
  let ok = 0
  for (const answer of answers) {
    if (answer.status === 'fulfilled' && answer.value.status === 200) ok++
    else errors.push(answer.status === 'fulfilled' ? `HTTP ${answer.value.status}` : String((answer.reason as { code?: string }).code ?? answer.reason))
  }
  return { ok, failed: answers.length - ok, errors: [...new Set(errors)], ms }
}
