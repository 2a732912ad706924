/**
 * OAuth 1 HMAC-SHA1 header signing: ops/s of OAuth1Auth against oauth-1.0a and a bare node:crypto
 * HMAC over the same base string; then signed OAuth1Session.get requests/s against plain got,
 * sequential and 8 in flight, against a local server in a child process.
 * Run with `npm run bench:oauth1`.
 */
import { Agent } from 'node:http'
import got from 'got'
import { OAuth1Session, Session } from '../lib/index.js'
import { compare, startServer } from './bench-kit.js'
import { CONSUMER, headerSigningTable, TOKEN } from './signing-kit.js'

const SIGN_OPS = Number(process.env.BENCH_SIGN_OPS ?? 100_000)
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 250)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 40)

console.log(`HMAC-SHA1 header signing, ${SIGN_OPS} ops, Node ${process.versions.node}\n`)
console.log(headerSigningTable(SIGN_OPS).join('\n'))

const { base, child } = await startServer(`
const http = require('node:http')
const server = http.createServer((request, response) => {
  request.resume()
  request.on('end', () => response.end('{"ok":true}'))
})
server.listen(0, '127.0.0.1', () => process.send(server.address().port))
process.on('disconnect', () => process.exit(0))
`)
const target = `${base}/1.1/statuses/home_timeline.json?count=5`
const agent = new Agent({ keepAlive: true })
const plainGot = got.extend({ agent: { http: agent }, retry: { limit: 0 } })
const session = new OAuth1Session(CONSUMER.key, CONSUMER.secret, TOKEN.key, TOKEN.secret)
const unsigned = new Session()

try {
  console.log('')
  await compare(
    {
      'got 14 (unsigned)': () => plainGot(target).text(),
      'Session.get (unsigned)': async () => (await unsigned.get(target)).text,
      'OAuth1Session.get (signed)': async () => (await session.get(target)).text,
    },
    'got 14 (unsigned)',
    REQUESTS,
    ROUNDS,
    'Signed requests',
  )
} finally {
  await session.close()
  await unsigned.close()
  agent.destroy()
  child.disconnect()
}
