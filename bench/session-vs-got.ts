/**
 * Requests per second of Session.get against plain got 14 and node:http with a keep-alive agent,
 * sequential and with 8 in flight, against a local server in a child process (its own core).
 * Run with `npm run bench:session`; `BENCH_ROUNDS=80` for longer runs. Short measurements (250 requests) in many interleaved rounds: the load on this shared machine swings over seconds, and a ratio taken within one short round cancels it.
 */
import { Agent } from 'node:http'
import got from 'got'
import { Session } from '../lib/index.js'
import { compare, nodeHttpGet, startServer } from './bench-kit.js'

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 250)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 40)

const { base, child } = await startServer(`
const http = require('node:http')
const body = JSON.stringify({ ok: true, items: [1, 2, 3] })
const server = http.createServer((request, response) => {
  request.resume()
  request.on('end', () => {
    response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) })
    response.end(body)
  })
})
server.keepAliveTimeout = 60000
server.listen(0, '127.0.0.1', () => process.send(server.address().port))
process.on('disconnect', () => process.exit(0))
`)
const url = `${base}/bench`
const agent = new Agent({ keepAlive: true })
const plainGot = got.extend({ agent: { http: agent }, retry: { limit: 0 } })
const session = new Session(process.env.BENCH_NO_TIMEOUT ? { timeout: null } : {})

try {
  await compare(
    { 'node:http (keep-alive)': () => nodeHttpGet(url, agent), 'got 14': () => plainGot(url).text(), 'Session.get': async () => (await session.get(url)).text },
    'got 14',
    REQUESTS,
    ROUNDS,
    'Session against got',
  )
} finally {
  await session.close()
  agent.destroy()
  child.disconnect()
}
