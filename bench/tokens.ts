/**
 * What a shared token store adds to OAuth2Session (#16), against a local API in a child process
 * and a redis-server on a unix socket (everything on this machine). Run with `npm run bench:tokens`.
 *
 * 1. Valid token: sequential OAuth2Session.get per store (none, memory, file, Redis with node-redis
 *    and ioredis, encrypted over Redis), interleaved runs; per-request median and p95, what the
 *    store adds against no store, and the raw cost of one store.get (the session re-reads the store
 *    at most once a second while its token is valid, so a valid token should cost ~nothing).
 * 2. Refresh storm: 8 processes × 50 concurrent requests on an expired shared token, against a
 *    token endpoint that rotates refresh tokens (a reused one is invalid_grant): refreshes at the
 *    provider, invalid_grant, failed requests and the wall time until all requests are answered.
 *
 * BENCH_REQUESTS (2000), BENCH_RUNS (5), BENCH_WORKERS (8), BENCH_CONCURRENT (50) and
 * BENCH_TOKEN_DELAY_MS (0, the token endpoint's answer time) change the sizes; BENCH_PART=valid or
 * BENCH_PART=storm runs one part only.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import got from 'got'
import { OAuth2Session, type OAuth2Token, type StoredToken, type TokenLease, type TokenStore } from '../lib/index.js'
import { startRedisServer } from '../spec/support/redis-server.js'
import { median, startServer } from './bench-kit.js'
import { type OpenStore, openStore, STORE_NAMES, type StoreKind } from './bench-token-stores.js'

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000)
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 5))
const WORKERS = Number(process.env.BENCH_WORKERS ?? 8)
const CONCURRENT = Number(process.env.BENCH_CONCURRENT ?? 50)
const TOKEN_DELAY_MS = Number(process.env.BENCH_TOKEN_DELAY_MS ?? 0)
const PART = process.env.BENCH_PART
/** The longest one storm run (or a worker's start) may take before the bench gives up. */
const STORM_TIMEOUT_MS = 60_000

const root = fileURLToPath(new URL('../', import.meta.url))

// The API answers 200 to any bearer token but the expired one (at-0); the token endpoint rotates:
// only the latest refresh token is taken, a spent one is invalid_grant and counted as reuse.
const { base, child: server } = await startServer(`
const http = require('node:http')
let generation = 0, refreshes = 0, reused = 0, unauthorized = 0
const json = (response, status, body) => {
  response.writeHead(status, { 'Content-Type': 'application/json' })
  response.end(JSON.stringify(body))
}
const server = http.createServer((request, response) => {
  let body = ''
  request.on('data', (chunk) => (body += chunk))
  request.on('end', () => {
    if (request.url === '/token') {
      const refreshToken = new URLSearchParams(body).get('refresh_token')
      const answer = () => {
        if (refreshToken !== 'rt-' + generation) {
          reused++
          return json(response, 400, { error: 'invalid_grant', error_description: 'refresh token already used' })
        }
        generation++
        refreshes++
        json(response, 200, { access_token: 'at-' + generation, refresh_token: 'rt-' + generation, token_type: 'Bearer', expires_in: 3600 })
      }
      return ${TOKEN_DELAY_MS} > 0 ? setTimeout(answer, ${TOKEN_DELAY_MS}) : answer()
    }
    if (request.url === '/reset') {
      generation = refreshes = reused = unauthorized = 0
      return json(response, 200, {})
    }
    if (request.url === '/stats') return json(response, 200, { refreshes, reused, unauthorized })
    const authorization = request.headers.authorization || ''
    if (!authorization.startsWith('Bearer ') || authorization === 'Bearer at-0') {
      unauthorized++
      response.writeHead(401, { 'WWW-Authenticate': 'Bearer error="invalid_token"' })
      return response.end()
    }
    json(response, 200, { ok: true })
  })
})
server.keepAliveTimeout = 60000
server.listen(0, '127.0.0.1', () => process.send(server.address().port))
process.on('disconnect', () => process.exit(0))
`)
const control = got.extend({ prefixUrl: base, retry: { limit: 0 } })
const dir = await mkdtemp(join(tmpdir(), 'oauth-sessions-bench-'))
const opened: OpenStore[] = []
const workers: ChildProcess[] = []

/** Counts the reads of the store it wraps: how often the session looked at the store. */
class CountingStore implements TokenStore {
  gets = 0
  constructor(readonly inner: TokenStore) {}
  get(key: string): Promise<StoredToken | undefined> {
    this.gets++
    return this.inner.get(key)
  }
  set(...args: Parameters<TokenStore['set']>): Promise<StoredToken | undefined> {
    return this.inner.set(...args)
  }
  delete(key: string): Promise<void> {
    return this.inner.delete(key)
  }
  lease(key: string, ttlMs: number): Promise<TokenLease | undefined> {
    return this.inner.lease(key, ttlMs)
  }
}

const percentile = (values: readonly number[], share: number): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))] ?? 0
}
const spread = (values: readonly number[], digits: number): string => `${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)}`

/** Milliseconds of each of `count` sequential calls. */
async function timeEach(count: number, call: () => Promise<unknown>): Promise<number[]> {
  const times: number[] = []
  for (let i = 0; i < count; i++) {
    const started = performance.now()
    await call()
    times.push(performance.now() - started)
  }
  return times
}

async function validTokenRequests(socket: string): Promise<void> {
  const key = 'bench:valid'
  const token: OAuth2Token = { access_token: 'a'.repeat(40), refresh_token: 'r'.repeat(40), token_type: 'Bearer', expires_at: Date.now() / 1000 + 3600 * 24 }
  const url = `${base}/api/me`
  const kinds: StoreKind[] = ['memory', 'file', 'redis', 'ioredis', 'encrypted-redis']
  type Variant = { name: string; session: OAuth2Session; counting?: CountingStore; raw?: TokenStore }
  const variants: Variant[] = [{ name: 'no store (baseline)', session: new OAuth2Session('bench-client', { token, insecureTransport: true }) }]
  for (const kind of kinds) {
    const store = await openStore(kind, { file: join(dir, 'valid.json'), socket, prefix: `bench-valid-${kind}:` })
    opened.push(store)
    await store.store.set(key, token)
    const counting = new CountingStore(store.store)
    // No token of its own: the session starts from the store's, as a process sharing it does.
    const session = new OAuth2Session('bench-client', { tokenStore: counting, tokenKey: key, insecureTransport: true })
    variants.push({ name: STORE_NAMES[kind], session, counting, raw: store.store })
  }
  try {
    for (const { session } of variants) await timeEach(200, async () => expectOk(await session.get(url)))
    const runs = new Map<string, { medians: number[]; p95s: number[]; added: number[]; gets: number[]; rawGets: number[] }>()
    for (let run = 0; run < RUNS; run++) {
      const order = run % 2 === 1 ? [...variants].reverse() : variants
      const medians = new Map<string, number>()
      for (const { name, session, counting, raw } of order) {
        const entry = runs.get(name) ?? { medians: [], p95s: [], added: [], gets: [], rawGets: [] }
        runs.set(name, entry)
        const before = counting?.gets ?? 0
        const times = await timeEach(REQUESTS, async () => expectOk(await session.get(url)))
        entry.gets.push((counting?.gets ?? 0) - before)
        medians.set(name, median(times))
        entry.medians.push(median(times))
        entry.p95s.push(percentile(times, 0.95))
        if (raw !== undefined) entry.rawGets.push(median(await timeEach(REQUESTS, () => raw.get(key))) * 1000)
      }
      const baseline = medians.get('no store (baseline)') ?? 0
      for (const [name, value] of medians) runs.get(name)?.added.push(value - baseline)
    }
    console.log(`Valid token: ${REQUESTS} sequential OAuth2Session.get per run, ${RUNS} interleaved runs, Node ${process.versions.node}\n`)
    console.log(
      '| store | median ms | run medians min–max | p95 ms | added median ms (vs no store) | added min–max | store reads per run | raw store.get µs (min–max) |',
    )
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
    for (const [name, { medians, p95s, added, gets, rawGets }] of runs) {
      const raw = rawGets.length === 0 ? '–' : `${median(rawGets).toFixed(1)} (${spread(rawGets, 1)})`
      const reads = name.startsWith('no store') ? '–' : spread(gets, 0)
      console.log(
        `| ${name} | ${median(medians).toFixed(3)} | ${spread(medians, 3)} | ${median(p95s).toFixed(3)} | ` +
          `${name.startsWith('no store') ? '–' : median(added).toFixed(3)} | ${name.startsWith('no store') ? '–' : spread(added, 3)} | ${reads} | ${raw} |`,
      )
    }
  } finally {
    for (const { session } of variants) await session.close()
  }
}

function expectOk(response: { status: number }): void {
  if (response.status !== 200) throw new Error(`the API answered ${response.status}`)
}

/** Waits for one message of `child` that `accepts`, for at most {@link STORM_TIMEOUT_MS}. */
function nextMessage<T>(child: ChildProcess, accepts: (message: T) => boolean): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`storm worker ${child.pid} did not answer within ${STORM_TIMEOUT_MS} ms`)), STORM_TIMEOUT_MS)
    const onMessage = (message: T): void => {
      if (accepts(message)) done(undefined, message)
    }
    const onExit = (code: number | null): void => done(new Error(`storm worker ${child.pid} exited (code ${code})`))
    const done = (error: Error | undefined, message?: T): void => {
      clearTimeout(timer)
      child.off('message', onMessage)
      child.off('exit', onExit)
      if (error === undefined) resolve(message as T)
      else reject(error)
    }
    child.on('message', onMessage)
    child.once('exit', onExit)
  })
}

type StormAnswer = { go: number; ok: number; failed: number; errors: string[]; ms: number }

async function refreshStorm(socket: string): Promise<void> {
  const key = 'bench:storm'
  const expired: OAuth2Token = { access_token: 'at-0', refresh_token: 'rt-0', token_type: 'Bearer', expires_at: 1 }
  const fresh: OAuth2Token = { access_token: 'at-valid', refresh_token: 'rt-unused', token_type: 'Bearer', expires_at: Date.now() / 1000 + 3600 * 24 }
  const rows: string[] = []
  const notes: string[] = []
  for (const kind of ['file', 'redis', 'ioredis'] as const) {
    const where = { file: join(dir, 'storm.json'), socket, prefix: `bench-storm-${kind}:` }
    const parent = await openStore(kind, where)
    opened.push(parent)
    const args = ['--import', 'tsx', 'bench/token-storm-worker.ts', kind, where.file, socket, where.prefix, base, key, String(CONCURRENT)]
    const started = Array.from({ length: WORKERS }, () => spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }))
    workers.push(...started)
    await Promise.all(started.map((child) => nextMessage<{ ready?: boolean }>(child, (message) => message.ready === true)))
    const walls: number[] = []
    const calmWalls: number[] = []
    const totals = { refreshes: 0, reused: 0, failed: 0, wrongToken: 0, calmRefreshes: 0 }
    const errors = new Set<string>()
    // Run 0 warms the workers up (their first requests compile the code paths) and is not counted.
    let go = 0
    /** One storm: every worker sends its requests at once; resolves with the answers and the wall time until the last one. */
    const storm = async (): Promise<{ answers: StormAnswer[]; wall: number }> => {
      const id = ++go
      const begin = performance.now()
      const answers = await Promise.all(
        started.map((child) => {
          const answer = nextMessage<StormAnswer>(child, (message) => message.go === id)
          child.send({ go: id })
          return answer
        }),
      )
      return { answers, wall: performance.now() - begin }
    }
    for (let run = 0; run <= RUNS; run++) {
      // The same storm on a valid shared token first: what the requests alone take, without a refresh.
      await control.post('reset')
      await parent.store.set(key, fresh)
      const calm = await storm()
      const calmStats = await control.get('stats').json<{ refreshes: number; reused: number }>()
      await control.post('reset')
      await parent.store.set(key, expired)
      const { answers, wall } = await storm()
      const stats = await control.get('stats').json<{ refreshes: number; reused: number }>()
      const stored = await parent.store.get(key)
      if (run === 0) continue
      walls.push(wall)
      calmWalls.push(calm.wall)
      totals.failed += calm.answers.reduce((sum, answer) => sum + answer.failed, 0)
      totals.calmRefreshes += calmStats.refreshes + calmStats.reused
      totals.refreshes += stats.refreshes
      totals.reused += stats.reused
      totals.failed += answers.reduce((sum, answer) => sum + answer.failed, 0)
      if (stored?.token.access_token !== `at-${stats.refreshes}`) totals.wrongToken++
      for (const answer of answers) for (const error of answer.errors) errors.add(error)
    }
    for (const child of started) child.disconnect()
    if (totals.calmRefreshes > 0) notes.push(`${STORE_NAMES[kind]}: ${totals.calmRefreshes} token requests in the storms on a valid token (expected 0)`)
    rows.push(
      `| ${STORE_NAMES[kind]} | ${(totals.refreshes / RUNS).toFixed(2)} | ${totals.reused} | ${totals.failed}${errors.size > 0 ? ` (${[...errors].join(', ')})` : ''} | ` +
        `${totals.wrongToken} | ${median(walls).toFixed(1)} | ${spread(walls, 1)} | ${median(calmWalls).toFixed(1)} (${spread(calmWalls, 1)}) | ` +
        `${median(walls.map((wall, run) => wall - (calmWalls[run] ?? wall))).toFixed(1)} |`,
    )
  }
  console.log(
    `\nRefresh storm: ${WORKERS} processes × ${CONCURRENT} concurrent requests on an expired shared token, ${RUNS} runs (after one warm-up), token endpoint answer time ${TOKEN_DELAY_MS} ms\n`,
  )
  console.log(
    '| store | refreshes at the provider per run | invalid_grant (all runs) | failed requests (all runs) | runs not ending on the new token | ' +
      'wall ms, median | wall ms, min–max | same storm, valid token: wall ms (min–max) | the refresh adds, ms (median of runs) |',
  )
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
  for (const row of rows) console.log(row)
  for (const note of notes) console.log(`\nNote: ${note}`)
}

const redis = await startRedisServer()
try {
  if (PART !== 'storm') await validTokenRequests(redis.socket)
  if (PART !== 'valid') await refreshStorm(redis.socket)
} finally {
  for (const child of workers) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  for (const store of opened) await store.close().catch(() => undefined)
  await redis[Symbol.asyncDispose]()
  server.disconnect()
  await rm(dir, { recursive: true, force: true })
}
