/**
 * `npm run bench`: the one benchmark report (#20), in a single run, as Markdown on stdout and in
 * `bench-report.md` (or `BENCH_OUT`). It needs the build for its cold-start part (`npm run bench`
 * builds first).
 *
 * 1. Requests per second against one local server in a child process (its own core), sequential
 *    and with 8 in flight, for node:http with keep-alive (the limit), undici, Node's fetch, got 14,
 *    the Session and each flavour, and Python requests / requests-oauthlib when /usr/bin/python3
 *    has them; each ratio is taken against got within a round, then the median over the rounds
 *    (BENCH_ROUNDS, 40 by default, 250 requests a measurement, the client or its got first in turn).
 * 2. Signing: HMAC-SHA1 header signatures per second against oauth-1.0a and a bare createHmac, and
 *    against the size of the query.
 * 3. How cost grows: the cookie jar's size, memory per idle session, a 100 MB streamed download.
 * 4. Cold start: the import against got's, and the command's `token` against node (their scripts).
 */
import { type ChildProcess, fork, spawn, spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { performance } from 'node:perf_hooks'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { HeaderMap, OAuth2Session, PreparedRequest, Session } from '../lib/index.js'
import { lastCpuPerRequest, measure, median, quantile, startServer } from './bench-kit.js'
import { CLIENTS } from './report-clients.js'
import { headerSigningTable, opsPerSecond, signers, TOKEN } from './signing-kit.js'

// A full GC for the heap figures. (Not before each measurement: a forced full GC made the requests after it about 2x dearer in CPU.)
setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

// The client side on core 0 and the server on core 1 (bench-kit's BENCH_PIN; BENCH_PIN=0 turns it off). On this
// 2-core machine, unpinned runs put the flavours at 0.90-0.96x got and pinned ones at 1.01-1.13x, with the same code.
process.env.BENCH_PIN ??= '1'
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 250)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 40)
/** New worker processes for every client and its got this many times over the rounds. */
const GENERATIONS = Number(process.env.BENCH_GENERATIONS ?? 8)
const SIGN_OPS = Number(process.env.BENCH_SIGN_OPS ?? 50_000)
const OUT = process.env.BENCH_OUT ?? 'bench-report.md'
/** BENCH_ONLY: a regular expression; only the clients whose names match it are measured (got always is). */
const ONLY = new RegExp(process.env.BENCH_ONLY ?? '')
/** BENCH_RAW: a file to write every measurement to, as JSON, for a closer look at the spread. */
const RAW = process.env.BENCH_RAW
/** BENCH_PARTS: which parts after the request rates to run, comma-separated (all by default). */
const PARTS = new Set((process.env.BENCH_PARTS ?? 'signing,growth,cold-start').split(','))
const PYTHON = '/usr/bin/python3'

const lines: string[] = []
function out(line = ''): void {
  lines.push(line)
  console.log(line)
}

const { base, child } = await startServer(`
const http = require('node:http')
const body = JSON.stringify({ ok: true, items: [1, 2, 3] })
const chunk = Buffer.alloc(64 * 1024)
const server = http.createServer((request, response) => {
  request.resume()
  request.on('end', () => {
    if (request.url.startsWith('/stream')) {
      const total = 100 * 1024 * 1024
      response.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': total })
      let sent = 0
      const pump = () => {
        while (sent < total) {
          sent += chunk.length
          if (!response.write(chunk)) return response.once('drain', pump)
        }
        response.end()
      }
      return pump()
    }
    response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) })
    response.end(body)
  })
})
server.keepAliveTimeout = 60000
server.listen(0, '127.0.0.1', () => process.send(server.address().port))
process.on('disconnect', () => process.exit(0))
`)
const url = `${base}/1.1/statuses/home_timeline.json?count=5`

/** A Node client in a worker process of its own, or one that runs in the Python helper. */
type Client = { worker: ChildProcess } | { python: 'requests' | 'oauth1' }

/** Forks the worker of one client and waits until it is warmed up. */
async function startWorker(name: string): Promise<ChildProcess> {
  const worker = fork(fileURLToPath(new URL('./client-worker.ts', import.meta.url)), [name, url], { execArgv: ['--import', 'tsx'] })
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve())
    worker.once('exit', (code: number | null) => reject(new Error(`the worker of ${name} exited (${code})`)))
  })
  return worker
}

/** One measurement: requests per second, and the client's CPU µs per request. */
type Sample = { rate: number; cpu: number }

function askWorker(worker: ChildProcess, inFlight: number): Promise<Sample> {
  return new Promise((resolve) => {
    worker.once('message', (answer: unknown) => resolve(answer as Sample))
    worker.send({ inFlight, requests: REQUESTS })
  })
}

const GOT = 'got 14'
/**
 * Each client with a got worker of its own beside it, started afresh for each generation of rounds,
 * and one pair alive at a time: it runs its rounds of the generation back to back, then stops.
 * - Kept busy: a worker that sat idle for the other clients' turns paid for it on its next
 *   requests (more full GCs, cold caches): with all the pairs alive and measured in turn, got cost
 *   258-461 µs of CPU per request and node:http 45-133, against 209-258 and 32-49 with one pair at
 *   a time. The idle share also made the ratios swing (Session.get 0.93-1.20x over seven reports).
 *   A backend's client is busy, so each is measured busy, beside a got that is busy as much.
 * - Its own got: a worker's cost per request depends on how long it sat idle before, so each
 *   client is compared with a got that idles exactly as it does.
 * - Fresh processes: the same client in two processes ran 140 and 196 µs of CPU per request,
 *   steadily, for the whole life of each (the JIT's and GC's choices differ by process). One
 *   process per client for the whole report made its ratio a draw of that lottery; a new pair every
 *   few rounds takes the median over several draws.
 */
type Pair = { client: Client; got: Client }
const PYTHON_OAUTH1 = 'Python requests-oauthlib OAuth1Session (HMAC-SHA1)'
/** The Python clients by report name, each the helper's name for it. */
const PYTHON_CLIENTS: Record<string, 'requests' | 'oauth1'> = { 'Python requests.Session': 'requests', [PYTHON_OAUTH1]: 'oauth1' }
const startGot = async (): Promise<Client> => ({ worker: await startWorker(GOT) })
/** The names of the pairs, in the report's order: the Node clients, then the Python ones. */
function pairNames(python: boolean): string[] {
  const names = Object.keys(CLIENTS).filter((name) => name !== GOT && ONLY.test(name))
  return python ? [...names, ...Object.keys(PYTHON_CLIENTS)] : names
}
async function startPair(name: string): Promise<Pair> {
  const helperName = PYTHON_CLIENTS[name]
  const client: Client = helperName === undefined ? { worker: await startWorker(name) } : { python: helperName }
  return { client, got: await startGot() }
}
function stopPair(pair: Pair | undefined): void {
  for (const one of pair === undefined ? [] : [pair.client, pair.got]) if ('worker' in one) one.worker.disconnect()
}

/** The Python helper, when /usr/bin/python3 has requests and requests-oauthlib. */
function startPython(): { ask(client: string, inFlight: number): Promise<{ rate: number; cpu_us: number }>; close(): void } | undefined {
  const probe = spawnSync(PYTHON, ['-c', 'import requests, requests_oauthlib'], { stdio: 'ignore' })
  if (probe.status !== 0) return undefined
  const python = spawn(PYTHON, [fileURLToPath(new URL('./python-client.py', import.meta.url))], { stdio: ['pipe', 'pipe', 'inherit'] })
  const answers = createInterface({ input: python.stdout })[Symbol.asyncIterator]()
  return {
    async ask(client, inFlight) {
      python.stdin.write(`${client} ${inFlight} ${REQUESTS} ${url}\n`)
      const answer = await answers.next()
      if (answer.done === true) throw new Error('the Python helper stopped')
      return JSON.parse(answer.value) as { rate: number; cpu_us: number }
    },
    close: () => python.stdin.end(),
  }
}

const python = ONLY.test('Python') ? startPython() : undefined

interface Samples {
  sequential: number[]
  parallel: number[]
  cpu: number[]
  /** Against the got measurement taken right beside each one (before it in even rounds, after it in odd ones). */
  vsGot: { sequential: number[]; parallel: number[]; cpuOver: number[] }
}

async function sample(client: Client, inFlight: number): Promise<Sample> {
  if ('worker' in client) return askWorker(client.worker, inFlight)
  const answer = await (python as NonNullable<typeof python>).ask(client.python, inFlight)
  return { rate: answer.rate, cpu: answer.cpu_us }
}

const results: Record<string, Samples> = {}
const entry = (name: string): Samples => (results[name] ??= { sequential: [], parallel: [], cpu: [], vsGot: { sequential: [], parallel: [], cpuOver: [] } })
/** One round of a pair, sequential then 8 in flight, each ratio against the got measured beside it. */
async function measureRound(name: string, { client, got: baseline }: Pair, round: number): Promise<void> {
  for (const inFlight of [1, 8]) {
    // The client and got side by side, in turn first: the load on this machine swings over seconds, and a pair shares it.
    const [got, ours] = (
      round % 2 === 0
        ? [await sample(baseline, inFlight), await sample(client, inFlight)]
        : [await sample(client, inFlight), await sample(baseline, inFlight)].reverse()
    ) as [Sample, Sample]
    const kind = inFlight === 1 ? 'sequential' : 'parallel'
    entry(GOT)[kind].push(got.rate)
    entry(name)[kind].push(ours.rate)
    entry(name).vsGot[kind].push(ours.rate / got.rate)
    if (inFlight === 8) {
      entry(GOT).cpu.push(got.cpu)
      entry(name).cpu.push(ours.cpu)
      entry(name).vsGot.cpuOver.push(ours.cpu - got.cpu)
    }
  }
}

let pair: Pair | undefined
try {
  entry(GOT)
  const perGeneration = Math.ceil(ROUNDS / GENERATIONS)
  for (let first = 0; first < ROUNDS; first += perGeneration) {
    const names = pairNames(python !== undefined)
    if ((first / perGeneration) % 2 === 1) names.reverse()
    // One pair alive at a time, for its rounds of this generation back to back: neither worker idles longer than the other's turn.
    for (const name of names) {
      pair = await startPair(name)
      for (let round = first; round < Math.min(ROUNDS, first + perGeneration); round++) await measureRound(name, pair, round)
      stopPair(pair)
      pair = undefined
    }
  }

  const spread = (values: number[]): string => `${median(values).toFixed(2)}x (${quantile(values, 0.1).toFixed(2)}–${quantile(values, 0.9).toFixed(2)})`
  const micros = (values: number[]): string =>
    `${median(values) >= 0 ? '+' : ''}${median(values).toFixed(1)} (${quantile(values, 0.1).toFixed(0)} to ${quantile(values, 0.9).toFixed(0)})`

  out('# oauth-sessions benchmark report')
  out()
  out(
    `Node ${process.versions.node}, ${ROUNDS} rounds of ${REQUESTS} requests per measurement. Each client runs in a worker process of its own (bench/client-worker.ts) beside a got worker of its own, both started afresh ${GENERATIONS} times over the rounds, one pair alive at a time for its rounds of each generation; the client is measured right before or after its got, in turn, and its ratio is taken against that measurement: the median over the rounds, and p10–p90. The got row is the median over all the got workers.`,
  )
  out()
  out('## Requests per second (loopback, one server process)')
  out()
  out('| client | sequential req/s | sequential vs got | 8 in flight req/s | 8 in flight vs got | client CPU µs/request (8 in flight) | CPU µs beyond got |')
  out('| --- | ---: | ---: | ---: | ---: | ---: | ---: |')
  for (const [name, { sequential, parallel, cpu, vsGot }] of Object.entries(results)) {
    const versus = name === GOT ? ['1.00x', '1.00x', '0'] : [spread(vsGot.sequential), spread(vsGot.parallel), micros(vsGot.cpuOver)]
    out(
      `| ${name} | ${median(sequential).toFixed(0)} | ${versus[0]} | ${median(parallel).toFixed(0)} | ${versus[1]} | ${median(cpu).toFixed(1)} | ${versus[2]} |`,
    )
  }
  out()
  // The targets of #20, each a median over the rounds.
  const TARGETED = ['Session.get', 'OAuth1Session.get (HMAC-SHA1, header)', 'OAuth2Session.get (Bearer)', 'OAuth2Session.get (token from a MemoryTokenStore)']
  const verdicts = TARGETED.filter((name) => results[name] !== undefined).map((name) => {
    const ratio = median(results[name]?.vsGot.parallel ?? [])
    return `${name} ${ratio.toFixed(2)}x ${ratio >= 0.95 ? 'met' : 'MISSED'}`
  })
  if (verdicts.length > 0) out(`8 in flight against got, target at least 0.95x: ${verdicts.join('; ')}.`)
  if (python === undefined) {
    if (ONLY.test('Python'))
      out(`(No Python rows: ${PYTHON} lacks requests or requests-oauthlib; on Debian \`apt-get install python3-requests-oauthlib\` adds both.)`)
  } else {
    // Each against its own got beside it, then one against the other, round by round.
    const ours = results['OAuth1Session.get (HMAC-SHA1, header)']?.vsGot.sequential ?? []
    const theirs = results[PYTHON_OAUTH1]?.vsGot.sequential ?? []
    const versus = ours.map((value, round) => value / (theirs[round] ?? value))
    const gotVersus = theirs.map((value) => 1 / value)
    // Only when both were measured (BENCH_ONLY may leave either out): a median over no rounds reads 0.00x.
    if (ours.length > 0 && theirs.length > 0)
      out(
        `Signed OAuth1Session against Python requests-oauthlib, sequential: ${spread(versus)} (target: at least 2.5x); got itself, unsigned: ${spread(gotVersus)}.`,
      )
  }
  const signed = results['OAuth1Session.get (HMAC-SHA1, header)']?.vsGot.cpuOver ?? []
  const unsigned = results['Session.get']?.vsGot.cpuOver ?? []
  const beyond = signed.map((value, round) => value - (unsigned[round] ?? value))
  if (signed.length > 0 && unsigned.length > 0)
    out(`The signed path's client CPU per request beyond Session.get (8 in flight), round by round: ${micros(beyond)} µs.`)
  out()
  if (RAW !== undefined) writeFileSync(RAW, JSON.stringify(results, null, 1))
} finally {
  python?.close()
  stopPair(pair)
}

// 2. Signing
if (PARTS.has('signing')) {
  out(`## HMAC-SHA1 signing (${SIGN_OPS} signatures, one core)`)
  out()
  for (const line of headerSigningTable(SIGN_OPS)) out(line)
  out()
  const { ours, reference } = signers()
  // The same URL again (a signer keeps the encoded query of up to 64 URLs), and a new URL each time (the last value changes).
  out('| query parameters | OAuth1Auth.apply µs each, the same URL | OAuth1Auth.apply µs each, a new URL each time | oauth-1.0a µs each |')
  out('| ---: | ---: | ---: | ---: |')
  for (const count of [1, 10, 100]) {
    const query = Array.from({ length: count }, (_, index) => `p${index}=value%20${index}`).join('&')
    const target = `https://api.example.com/search?${query}`
    const sameOps = opsPerSecond(() => ours.apply(new PreparedRequest('GET', target, new HeaderMap(), undefined)), SIGN_OPS)
    let serial = 0
    const newOps = opsPerSecond(() => ours.apply(new PreparedRequest('GET', `${target}x${serial++}`, new HeaderMap(), undefined)), SIGN_OPS)
    const theirOps = opsPerSecond(() => reference.toHeader(reference.authorize({ url: target, method: 'GET' }, TOKEN)), SIGN_OPS)
    out(`| ${count} | ${(1e6 / sameOps).toFixed(2)} | ${(1e6 / newOps).toFixed(2)} | ${(1e6 / theirOps).toFixed(2)} |`)
  }
  out()
}

// 3. How cost grows (in this process)
if (PARTS.has('growth')) {
  const session = new Session()
  try {
    out('## How cost grows')
    out()
    out('| cookies in the jar (1 for this host, the rest for others) | Session.get 8 in flight req/s | client CPU µs/request |')
    out('| ---: | ---: | ---: |')
    // One Session per size, warmed up as the workers are, then measured in turn over 20 rounds (the order reversed every
    // other round): measured one size after another, each row ran faster than the one before, the code still warming up.
    const sizes = [1, 100, 10_000]
    const jars = sizes.map((count) => {
      const jarred = new Session()
      jarred.cookies.setCookieSync('session=1', base)
      for (let index = 1; index < count; index++) jarred.cookies.setCookieSync(`c${index}=v`, `http://host${index}.example/`)
      return { count, session: jarred, call: async () => (await jarred.get(url)).text, rates: [] as number[], cpus: [] as number[] }
    })
    try {
      for (const jar of jars) await measure(jar.call, 8, Math.ceil(8000 / jars.length))
      for (let round = 0; round < 20; round++) {
        for (const jar of round % 2 === 0 ? jars : [...jars].reverse()) {
          await measure(jar.call, 8, Math.ceil(REQUESTS / 5))
          jar.rates.push(await measure(jar.call, 8, REQUESTS))
          jar.cpus.push(lastCpuPerRequest)
        }
      }
      for (const jar of jars) out(`| ${jar.count} | ${median(jar.rates).toFixed(0)} | ${median(jar.cpus).toFixed(1)} |`)
    } finally {
      await Promise.all(jars.map((jar) => jar.session.close()))
    }
    out()

    const heapPer = async (make: () => { close(): Promise<void> }): Promise<number> => {
      gc()
      const before = process.memoryUsage().heapUsed
      const made = Array.from({ length: 10_000 }, make)
      gc()
      const after = process.memoryUsage().heapUsed
      await Promise.all(made.map((one) => one.close()))
      return (after - before) / made.length
    }
    const idleSession = await heapPer(() => new Session())
    const idleOAuth2 = await heapPer(() => new OAuth2Session('client', { token: { access_token: 'a'.repeat(40), token_type: 'Bearer', expires_in: 3600 } }))
    out('| idle object (10,000 made, heap after a full GC) | heap bytes each |')
    out('| --- | ---: |')
    out(`| Session | ${idleSession.toFixed(0)} |`)
    out(`| OAuth2Session with a token | ${idleOAuth2.toFixed(0)} |`)
    out()

    gc()
    const start = process.memoryUsage()
    let peakRss = start.rss
    let peakHeap = start.heapUsed
    const sampler = setInterval(() => {
      const now = process.memoryUsage()
      peakRss = Math.max(peakRss, now.rss)
      peakHeap = Math.max(peakHeap, now.heapUsed)
    }, 20)
    const started = performance.now()
    const response = await session.get(`${base}/stream`, { stream: true })
    let received = 0
    for await (const part of response.raw as AsyncIterable<Buffer>) received += part.length
    const seconds = (performance.now() - started) / 1000
    clearInterval(sampler)
    const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1)
    out('| 100 MB download, `stream: true` | received | MB/s | peak heap growth | peak RSS growth |')
    out('| --- | ---: | ---: | ---: | ---: |')
    out(
      `| Session.get | ${mb(received)} MB | ${(received / 1024 / 1024 / seconds).toFixed(0)} | ${mb(peakHeap - start.heapUsed)} MB | ${mb(peakRss - start.rss)} MB |`,
    )
    out()
  } finally {
    await session.close()
  }
}
child.disconnect()

// 4. Cold start: the scripts of their own, each a fresh process per run.
for (const script of PARTS.has('cold-start') ? ['cold-start.ts', 'cli-cold-start.ts'] : []) {
  const path = fileURLToPath(new URL(`./${script}`, import.meta.url))
  // Exit 1 with a table means a target was missed: the table is still the report's.
  // On every core again: pinned to one, node loses its helper threads, and a package of many modules pays more for it than got.
  // cpus(), not availableParallelism(): that one counts the cores this (pinned) process may use, 1, so the range was 0-0.
  const everyCore = `0-${cpus().length - 1}`
  const pinned = process.env.BENCH_PIN === '1' && process.platform === 'linux'
  const run = pinned
    ? spawnSync('taskset', ['-c', everyCore, process.execPath, '--import', 'tsx', path], { encoding: 'utf8' })
    : spawnSync(process.execPath, ['--import', 'tsx', path], { encoding: 'utf8' })
  if (run.stdout.trim() === '') {
    out(`(${script} printed nothing: ${run.stderr.trim().split('\n')[0] ?? ''})`)
    continue
  }
  for (const line of run.stdout.trimEnd().split('\n')) out(line)
  out()
}

writeFileSync(OUT, `${lines.join('\n')}\n`)
console.error(`The report is also in ${OUT}.`)
