/**
 * OAuth 1 HMAC-SHA1 header signing: ops/s of OAuth1Auth against oauth-1.0a and a bare node:crypto
 * HMAC over the same base string; then signed OAuth1Session.get requests/s against plain got,
 * sequential and 8 in flight, against a local server in a child process.
 * Run with `npm run bench:oauth1`.
 */
import { createHmac } from 'node:crypto'
import { Agent } from 'node:http'
import { performance } from 'node:perf_hooks'
import got from 'got'
import OAuth from 'oauth-1.0a'
import { HeaderMap, OAuth1Auth, OAuth1Session, PreparedRequest, Session } from '../lib/index.js'
import { compare, startServer } from './bench-kit.js'

const SIGN_OPS = Number(process.env.BENCH_SIGN_OPS ?? 100_000)
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 250)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 40)

const url = 'https://api.twitter.com/1.1/statuses/update.json?include_entities=true'
const body = 'status=Hello%20Ladies%20%2B%20Gentlemen%2C%20a%20signed%20OAuth%20request%21'
const consumer = { key: 'xvz1evFS4wEEPTGEFPHBog', secret: 'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw' }
const token = { key: '370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb', secret: 'LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE' }

function opsPerSecond(run: () => unknown): number {
  for (let i = 0; i < SIGN_OPS / 10; i++) run()
  const started = performance.now()
  for (let i = 0; i < SIGN_OPS; i++) run()
  return SIGN_OPS / ((performance.now() - started) / 1000)
}

const ours = new OAuth1Auth(consumer.key, { clientSecret: consumer.secret, resourceOwnerKey: token.key, resourceOwnerSecret: token.secret })
const reference = new OAuth({
  consumer,
  signature_method: 'HMAC-SHA1',
  hash_function: (base, key) => createHmac('sha1', key).update(base).digest('base64'),
})
const probe = new PreparedRequest('POST', url, new HeaderMap({ 'Content-Type': 'application/x-www-form-urlencoded' }), body)
ours.apply(probe)
const baseString = ours.explainSignature(probe).baseString
const key = `${encodeURIComponent(consumer.secret)}&${encodeURIComponent(token.secret)}`

const signing = {
  'bare HMAC-SHA1 (node:crypto)': opsPerSecond(() => createHmac('sha1', key).update(baseString).digest('base64')),
  'oauth-1.0a authorize + toHeader': opsPerSecond(() =>
    reference.toHeader(reference.authorize({ url, method: 'POST', data: { status: 'Hello Ladies + Gentlemen, a signed OAuth request!' } }, token)),
  ),
  'OAuth1Auth.apply (header)': opsPerSecond(() => {
    ours.apply(new PreparedRequest('POST', url, new HeaderMap({ 'Content-Type': 'application/x-www-form-urlencoded' }), body))
  }),
}
const oauth10a = signing['oauth-1.0a authorize + toHeader']
console.log(`HMAC-SHA1 header signing, ${SIGN_OPS} ops, Node ${process.versions.node}\n`)
console.log('| signer | ops/s | µs/op | vs oauth-1.0a |')
console.log('| --- | ---: | ---: | ---: |')
for (const [name, ops] of Object.entries(signing)) {
  console.log(`| ${name} | ${ops.toFixed(0)} | ${(1e6 / ops).toFixed(2)} | ${(ops / oauth10a).toFixed(2)}x |`)
}

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
const session = new OAuth1Session(consumer.key, consumer.secret, token.key, token.secret)
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
