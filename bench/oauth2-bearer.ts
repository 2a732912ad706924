/**
 * Bearer OAuth2Session.get requests/s against plain got, sequential and 8 in flight, and the cost
 * of the single-flight refresh: 100 concurrent requests on an expired token against a local
 * server in a child process. Run with `npm run bench:oauth2`.
 */
import { Agent } from 'node:http'
import { performance } from 'node:perf_hooks'
import got from 'got'
import { OAuth2Session } from '../lib/index.js'
import { compare, median, startServer } from './bench-kit.js'

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 250)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 40)

const { base, child } = await startServer(`
const http = require('node:http')
let refreshes = 0
const server = http.createServer((request, response) => {
  let body = ''
  request.on('data', (chunk) => (body += chunk))
  request.on('end', () => {
    if (request.url === '/token') {
      refreshes++
      response.writeHead(200, { 'Content-Type': 'application/json' })
      return response.end(JSON.stringify({ access_token: 'fresh-' + refreshes, token_type: 'Bearer', expires_in: 3600, refresh_token: 'r' }))
    }
    if (request.url === '/refreshes') return response.end(String(refreshes))
    response.writeHead(200, { 'Content-Type': 'application/json' })
    response.end('{"ok":true}')
  })
})
server.listen(0, '127.0.0.1', () => process.send(server.address().port))
process.on('disconnect', () => process.exit(0))
`)
const agent = new Agent({ keepAlive: true })
const plainGot = got.extend({ agent: { http: agent }, retry: { limit: 0 } })
const session = new OAuth2Session('client', { token: { access_token: 'a'.repeat(40), token_type: 'Bearer', expires_in: 3600 } })

const clients: Record<string, () => Promise<unknown>> = {
  'got 14 (no token)': () => plainGot(`${base}/api/me`).text(),
  'OAuth2Session.get (Bearer)': async () => (await session.get(`${base}/api/me`)).text,
}
try {
  await compare(clients, 'got 14 (no token)', REQUESTS, ROUNDS, 'Bearer requests')

  // Single flight: 100 concurrent requests on an expired token, against 100 with a valid one.
  const expiring = new OAuth2Session('client', { autoRefreshUrl: `${base}/token`, tokenUpdater: () => undefined, insecureTransport: true })
  const burst = async (expired: boolean): Promise<number> => {
    expiring.token = { access_token: 'old', token_type: 'Bearer', refresh_token: 'r', expires_at: expired ? 1 : Date.now() / 1000 + 3600 }
    const started = performance.now()
    await Promise.all(Array.from({ length: 100 }, () => expiring.get(`${base}/api/me`)))
    return performance.now() - started
  }
  await burst(false)
  const before = Number(await plainGot(`${base}/refreshes`).text())
  const valid = median([await burst(false), await burst(false), await burst(false)])
  const expired = median([await burst(true), await burst(true), await burst(true)])
  const refreshes = Number(await plainGot(`${base}/refreshes`).text()) - before
  console.log(`\n100 concurrent requests: ${valid.toFixed(1)} ms with a valid token, ${expired.toFixed(1)} ms on an expired one`)
  console.log(`(${refreshes / 3} refresh request per burst; the refresh adds ${(expired - valid).toFixed(1)} ms)`)
  await expiring.close()
} finally {
  await session.close()
  agent.destroy()
  child.disconnect()
}
