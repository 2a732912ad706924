/**
 * Requests per second of Session.get against plain got 14 and node:http with a keep-alive agent,
 * sequential and with 8 in flight, against a local server in a child process (its own core).
 * Run with `npm run bench`; `BENCH_REQUESTS=4000 BENCH_ROUNDS=5 npm run bench` for longer runs.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { Agent, request as httpRequest } from 'node:http'
import { performance } from 'node:perf_hooks'
import got from 'got'
import { Session } from '../lib/index.js'

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const IN_FLIGHT = 8

const SERVER = `
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
`

type Client = () => Promise<unknown>

async function startServer(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message) => resolve(Number(message)))
    child.once('error', reject)
  })
  return { url: `http://127.0.0.1:${port}/bench`, child }
}

function nodeHttpClient(url: string, agent: Agent): Client {
  return () =>
    new Promise((resolve, reject) => {
      const request = httpRequest(url, { agent }, (response) => {
        const chunks: Buffer[] = []
        response.on('data', (chunk: Buffer) => chunks.push(chunk))
        response.on('end', () => resolve(Buffer.concat(chunks)))
        response.on('error', reject)
      })
      request.on('error', reject)
      request.end()
    })
}

async function measure(client: Client, inFlight: number): Promise<number> {
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < REQUESTS) {
      next++
      await client()
    }
  }
  const started = performance.now()
  await Promise.all(Array.from({ length: inFlight }, worker))
  return REQUESTS / ((performance.now() - started) / 1000)
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? 0
}

const { url, child } = await startServer()
const agent = new Agent({ keepAlive: true })
const plainGot = got.extend({ agent: { http: agent }, retry: { limit: 0 } })
const session = new Session(process.env.BENCH_NO_TIMEOUT ? { timeout: null } : {})
const clients: Record<string, Client> = {
  'node:http (keep-alive)': nodeHttpClient(url, agent),
  'got 14': () => plainGot(url).text(),
  'Session.get': async () => (await session.get(url)).text,
}

try {
  for (const client of Object.values(clients)) await measure(client, IN_FLIGHT) // warm-up
  const results: Record<string, { sequential: number[]; parallel: number[] }> = {}
  for (let round = 0; round < ROUNDS; round++) {
    const order = Object.entries(clients)
    if (round % 2 === 1) order.reverse()
    for (const [name, client] of order) {
      const entry = (results[name] ??= { sequential: [], parallel: [] })
      entry.sequential.push(await measure(client, 1))
      entry.parallel.push(await measure(client, IN_FLIGHT))
    }
  }
  // Ratios are taken within each round (the two clients ran back to back), then the median.
  const ratio = (name: string, kind: 'sequential' | 'parallel'): number =>
    median((results[name]?.[kind] ?? []).map((value, round) => value / (results['got 14']?.[kind][round] ?? value)))
  console.log(`${REQUESTS} requests per measurement, median of ${ROUNDS} rounds, Node ${process.versions.node}\n`)
  console.log('| client | sequential req/s | vs got | 8 in flight req/s | vs got |')
  console.log('| --- | ---: | ---: | ---: | ---: |')
  for (const [name, { sequential, parallel }] of Object.entries(results)) {
    const seq = median(sequential).toFixed(0)
    const par = median(parallel).toFixed(0)
    console.log(`| ${name} | ${seq} | ${ratio(name, 'sequential').toFixed(2)}x | ${par} | ${ratio(name, 'parallel').toFixed(2)}x |`)
  }
} finally {
  await session.close()
  agent.destroy()
  child.disconnect()
}
