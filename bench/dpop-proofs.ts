/**
 * What a DPoP proof (RFC 9449) costs per request: proofs/s of the session's signer by algorithm
 * (against a bare jose SignJWT with the same claims), then OAuth2Session.get requests/s and client
 * CPU per request with a DPoP-bound token (a proof with `ath` on each request) against the same
 * session with a Bearer token, against a local server in a child process. Run with
 * `npm run bench:dpop`.
 */
import { createHash, randomUUID } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { SignJWT } from 'jose'
import { OAuth2Session } from '../lib/index.js'
import { type DPoPAlgorithm, generateDPoPKey } from '../lib/oauth2/dpop-key.js'
import { DPoPProver } from '../lib/oauth2/dpop-prover.js'
import { compare, median, startServer } from './bench-kit.js'

const PROOFS = Number(process.env.BENCH_PROOFS ?? 2000)
const PROOF_ROUNDS = Number(process.env.BENCH_PROOF_ROUNDS ?? 15)
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 250)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20)
const URL_ = 'https://api.example.com/v1/items?page=2'
const ACCESS_TOKEN = 'a'.repeat(40)

/** µs per call of `run` over PROOFS sequential calls, for each of PROOF_ROUNDS rounds. */
async function microseconds(run: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < PROOFS / 10; i++) await run()
  const rounds: number[] = []
  for (let round = 0; round < PROOF_ROUNDS; round++) {
    const started = performance.now()
    for (let i = 0; i < PROOFS; i++) await run()
    rounds.push(((performance.now() - started) * 1000) / PROOFS)
  }
  return rounds
}

const spread = (values: number[]) => `${Math.min(...values).toFixed(1)}–${Math.max(...values).toFixed(1)}`

console.log(`DPoP proof signing: ${PROOFS} proofs per round, median of ${PROOF_ROUNDS} rounds, Node ${process.versions.node}\n`)
console.log('| signer | µs/proof (median) | min–max | proofs/s |')
console.log('| --- | ---: | ---: | ---: |')
for (const alg of ['ES256', 'EdDSA', 'PS256', 'RS256'] as DPoPAlgorithm[]) {
  const key = await generateDPoPKey(alg)
  const prover = DPoPProver.from({ privateKey: key.privateKey, alg }) as DPoPProver
  const bare = await microseconds(() =>
    new SignJWT({
      htm: 'GET',
      htu: 'https://api.example.com/v1/items',
      iat: Math.floor(Date.now() / 1000),
      jti: randomUUID(),
      ath: createHash('sha256').update(ACCESS_TOKEN).digest('base64url'),
    })
      .setProtectedHeader({ alg, typ: 'dpop+jwt', jwk: key.publicJwk })
      .sign(key.privateKey),
  )
  const ours = await microseconds(() => prover.proof(key, 'GET', URL_, ACCESS_TOKEN))
  console.log(`| bare jose SignJWT ${alg} | ${median(bare).toFixed(1)} | ${spread(bare)} | ${(1e6 / median(bare)).toFixed(0)} |`)
  console.log(`| DPoPProver.proof ${alg} (with ath) | ${median(ours).toFixed(1)} | ${spread(ours)} | ${(1e6 / median(ours)).toFixed(0)} |`)
}

const { base, child } = await startServer(`
const http = require('node:http')
const server = http.createServer((request, response) => {
  request.resume()
  request.on('end', () => {
    response.writeHead(200, { 'Content-Type': 'application/json' })
    response.end('{"ok":true}')
  })
})
server.listen(0, '127.0.0.1', () => process.send(server.address().port))
process.on('disconnect', () => process.exit(0))
`)
const token = { access_token: ACCESS_TOKEN, expires_in: 3600 }
const bearer = new OAuth2Session('client', { token: { ...token, token_type: 'Bearer' } })
const es256 = new OAuth2Session('client', { dpop: true, token: { ...token, token_type: 'DPoP' } })
const eddsa = new OAuth2Session('client', { dpop: { alg: 'EdDSA' }, token: { ...token, token_type: 'DPoP' } })
try {
  console.log('')
  await compare(
    {
      'OAuth2Session.get (Bearer)': async () => (await bearer.get(`${base}/api/me`)).text,
      'OAuth2Session.get (DPoP ES256)': async () => (await es256.get(`${base}/api/me`)).text,
      'OAuth2Session.get (DPoP EdDSA)': async () => (await eddsa.get(`${base}/api/me`)).text,
    },
    'OAuth2Session.get (Bearer)',
    REQUESTS,
    ROUNDS,
    'DPoP-bound requests against Bearer ("vs got" columns: vs the Bearer session)',
  )
} finally {
  await Promise.all([bearer.close(), es256.close(), eddsa.close()])
  child.disconnect()
}
