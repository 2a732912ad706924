/** What the three benchmarks share: a server in a child process, a load loop and the ratio table. */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { availableParallelism } from 'node:os'
import { performance } from 'node:perf_hooks'

/** Starts `script` (CommonJS, must `process.send(port)`) in its own process: the server gets its own core. */
export async function startServer(script: string): Promise<{ base: string; child: ChildProcess }> {
  const pinned = pinToCores()
  const command = pinned ? (['taskset', ['-c', '1', process.execPath, '-e', script]] as const) : ([process.execPath, ['-e', script]] as const)
  const child = spawn(command[0], [...command[1]], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message) => resolve(Number(message)))
    child.once('error', reject)
  })
  return { base: `http://127.0.0.1:${port}`, child }
}

/**
 * With BENCH_PIN=1 on Linux with taskset and 2 or more cores, pins this process (all its threads)
 * to core 0 and the server to core 1, so the scheduler does not move them around. On the 2-core
 * development machine it did not narrow the run-to-run spread (about ±10%), so it is off by default.
 */
function pinToCores(): boolean {
  if (process.env.BENCH_PIN !== '1' || process.platform !== 'linux' || availableParallelism() < 2) return false
  try {
    execFileSync('taskset', ['-a', '-cp', '0', String(process.pid)], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/** CPU microseconds this process spent per request in the last {@link measure} call. */
export let lastCpuPerRequest = 0

/**
 * Requests per second of `client` over `requests` calls with `inFlight` concurrent workers; the
 * client process's CPU time per request is kept in {@link lastCpuPerRequest} (the server runs in
 * another process, so it is the cost of the client code alone, steadier than wall time on 2 cores).
 */
export async function measure(client: () => Promise<unknown>, inFlight: number, requests: number): Promise<number> {
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < requests) {
      next++
      await client()
    }
  }
  const cpu = process.cpuUsage()
  const started = performance.now()
  await Promise.all(Array.from({ length: inFlight }, worker))
  const elapsed = performance.now() - started
  const used = process.cpuUsage(cpu)
  lastCpuPerRequest = (used.user + used.system) / requests
  return requests / (elapsed / 1000)
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? 0
}

/**
 * Runs every client sequentially and with 8 in flight for `rounds` rounds (order reversed every
 * other round to cancel drift) and prints req/s with ratios against `baseline`, each ratio taken
 * within a round, then the median. Many short rounds (250 requests, 40 rounds by default) beat few
 * long ones here: background load swings over seconds, and it then hits a client and its baseline
 * alike within a round.
 */
export async function compare(
  clients: Record<string, () => Promise<unknown>>,
  baseline: string,
  requests: number,
  rounds: number,
  title: string,
): Promise<void> {
  for (const client of Object.values(clients)) await measure(client, 8, requests)
  const results: Record<string, { sequential: number[]; parallel: number[]; cpu: number[] }> = {}
  for (let round = 0; round < rounds; round++) {
    const order = Object.entries(clients)
    if (round % 2 === 1) order.reverse()
    for (const [name, client] of order) {
      const entry = (results[name] ??= { sequential: [], parallel: [], cpu: [] })
      entry.sequential.push(await measure(client, 1, requests))
      entry.parallel.push(await measure(client, 8, requests))
      entry.cpu.push(lastCpuPerRequest)
    }
  }
  const ratio = (name: string, kind: 'sequential' | 'parallel'): number =>
    median((results[name]?.[kind] ?? []).map((value, round) => value / (results[baseline]?.[kind][round] ?? value)))
  console.log(`${title}: ${requests} requests per measurement, median of ${rounds} rounds, Node ${process.versions.node}\n`)
  const cpuRatio = (name: string): number => median((results[name]?.cpu ?? []).map((value, round) => (results[baseline]?.cpu[round] ?? value) / value))
  console.log('| client | sequential req/s | vs got | 8 in flight req/s | vs got | client CPU µs/request (8 in flight) | vs got |')
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |')
  for (const [name, { sequential, parallel, cpu }] of Object.entries(results)) {
    console.log(
      `| ${name} | ${median(sequential).toFixed(0)} | ${ratio(name, 'sequential').toFixed(2)}x | ${median(parallel).toFixed(0)} | ${ratio(name, 'parallel').toFixed(2)}x | ` +
        `${median(cpu).toFixed(0)} | ${cpuRatio(name).toFixed(2)}x |`,
    )
  }
}
