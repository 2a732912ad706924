/** What the benchmarks share: a server in a child process, a load loop and the ratio table. */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { type Agent, request as httpRequest } from 'node:http'
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
 * development machine it did not narrow the run-to-run spread (about ±10%), so it is off by default in
 * the single benchmarks; the report (bench/report.ts) turns it on, and its worker processes inherit core 0.
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

/** Milliseconds a fresh `node ...args` takes to exit; throws unless it exits 0 having printed `expected`. */
export function timeProcess(args: readonly string[], expected: string, env?: NodeJS.ProcessEnv): number {
  const started = performance.now()
  const result = spawnSync(process.execPath, args, { env, encoding: 'utf8' })
  const elapsed = performance.now() - started
  if (result.status !== 0 || result.stdout !== expected) throw new Error(`node ${args.join(' ')} failed (${result.status}): ${result.stderr}`)
  return elapsed
}

/** A process the cold-start benchmarks time: its name in the table, its arguments and what it prints. */
export interface ColdProcess {
  name: string
  args: readonly string[]
  expected: string
}

/**
 * Times `runs` fresh processes of each, interleaved (the order rotates every run, so that none
 * always follows another and background load hits all alike), after one warm-up run of each for
 * the file cache. Returns the milliseconds of each run by name.
 */
export function timeColdStarts(processes: readonly ColdProcess[], runs: number, env?: NodeJS.ProcessEnv): Map<string, number[]> {
  const times = new Map(processes.map((each) => [each.name, [] as number[]]))
  for (const each of processes) timeProcess(each.args, each.expected, env)
  for (let run = 0; run < runs; run++) {
    for (let index = 0; index < processes.length; index++) {
      const each = processes[(index + run) % processes.length] as ColdProcess
      times.get(each.name)?.push(timeProcess(each.args, each.expected, env))
    }
  }
  return times
}

/** The `q` quantile (0 to 1) of `values`, nearest rank. */
export function quantile(values: readonly number[], q: number): number {
  return [...values].sort((a, b) => a - b)[Math.round(q * (values.length - 1))] ?? 0
}

/** A Markdown table of cold starts: runs, median, min–max and p10–p90 of each process. */
export function coldStartTable(times: ReadonlyMap<string, readonly number[]>): string {
  const ms = (value: number): string => value.toFixed(0)
  const rows = [...times].map(
    ([name, values]) =>
      `| ${name} | ${values.length} | ${ms(median(values))} ms | ${ms(Math.min(...values))}–${ms(Math.max(...values))} ms | ${ms(quantile(values, 0.1))}–${ms(quantile(values, 0.9))} ms |`,
  )
  return ['| process | runs | median | min–max | p10–p90 |', '| ------- | ---- | ------ | ------- | ------- |', ...rows].join('\n')
}

/** One GET with node:http and a keep-alive `agent`, the body read whole: the limit the clients are measured against. */
export function nodeHttpGet(url: string, agent: Agent): Promise<Buffer> {
  return new Promise((resolve, reject) => {
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
