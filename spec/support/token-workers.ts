import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import type { RunSettings } from './token-worker.js'

export type { RunSettings } from './token-worker.js'

// Forks spec/support/token-worker.ts N times (each its own Node process under tsx) and runs them
// together, once per `run`: each run gives every worker the same settings at the same moment and
// collects what they print. Disposing SIGKILLs any still running, so a failing spec leaves no
// process behind.
//
//   const closeLater = closeAfterAll()
//   before(async () => (pool = await closeLater(startTokenWorkers(8))))
//   it('…', async () => {
//     const summaries = await pool.run({ store: 'file', … }).summaries()
//   })

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const WORKER = 'spec/support/token-worker.ts'

/** What one worker's run saw (its last line). */
export interface WorkerSummary {
  worker: string
  ok: number
  failed: number
  invalidGrant: number
  errors: Record<string, number>
  tokenRequests: number
  maxRequestMs: number
  firstFailureAt: number
  lastFailureAt: number
  okAfterLastFailure: number
  lastOkAt: number
  redisErrors: number
  startedAt: number
  endedAt: number
  hung: boolean
}

/** One line a worker printed. */
export interface WorkerEvent {
  event: string
  worker: string
  at?: number
  [field: string]: unknown
}

/** A forked worker. */
export interface TokenWorker {
  readonly name: string
  readonly child: ChildProcessWithoutNullStreams
  stderr(): string
}

/** A run under way. */
export interface WorkerRun {
  /** What the workers printed since the run began. */
  readonly events: WorkerEvent[]
  /** Resolves with the first event of this run (so far or to come) that `matches`; rejects after `ms`. */
  waitForEvent(matches: (event: WorkerEvent) => boolean, ms?: number): Promise<WorkerEvent>
  /** The summaries of every worker not in `except`; rejects after `ms` or when one exits without one. */
  summaries(options?: { except?: readonly TokenWorker[]; ms?: number }): Promise<WorkerSummary[]>
}

/** The forked workers. */
export interface TokenWorkerPool extends AsyncDisposable {
  readonly workers: readonly TokenWorker[]
  /** Starts a run on every live worker. */
  run(settings: RunSettings): WorkerRun
}

/** Forks `count` workers and waits until each has printed ready. */
export async function startTokenWorkers(count: number, readyMs = 60_000): Promise<TokenWorkerPool> {
  const inherited = Object.fromEntries(['PATH', 'HOME', 'TMPDIR'].flatMap((name) => (process.env[name] === undefined ? [] : [[name, process.env[name]]])))
  let events: WorkerEvent[] = []
  const listeners = new Set<() => void>()
  const notify = (): void => {
    for (const listener of listeners) listener()
  }
  const workers: Array<TokenWorker & { exited: Promise<void>; done: boolean }> = []
  for (let index = 0; index < count; index++) {
    const name = `w${index}`
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER], { cwd: ROOT, env: { ...inherited, XPROC_WORKER: name } })
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-8000)
    })
    createInterface({ input: child.stdout }).on('line', (line) => {
      try {
        events.push(JSON.parse(line) as WorkerEvent)
      } catch {
        return
      }
      notify()
    })
    const entry = {
      name,
      child,
      stderr: () => stderr,
      done: false,
      exited: new Promise<void>((resolve) => child.once('close', () => resolve())),
    }
    entry.exited.then(() => {
      entry.done = true
      notify()
    })
    workers.push(entry)
  }

  const waitFor = <T>(find: () => T | undefined, what: () => string, ms: number): Promise<T> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        try {
          const found = find()
          if (found !== undefined) finish(() => resolve(found))
        } catch (error) {
          finish(() => reject(error))
        }
      }
      const timer = setTimeout(() => finish(() => reject(new Error(`${what()} within ${ms} ms`))), ms)
      const finish = (settle: () => void): void => {
        clearTimeout(timer)
        listeners.delete(check)
        settle()
      }
      listeners.add(check)
      check()
    })

  const dispose = async (): Promise<void> => {
    for (const { child } of workers) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await Promise.all(workers.map((worker) => worker.exited))
  }

  const ready = (worker: (typeof workers)[number]) => () => {
    if (events.some((event) => event.worker === worker.name && event.event === 'ready')) return true
    if (worker.done) throw new Error(`${worker.name} exited before it was ready\n${worker.stderr()}`)
    return undefined
  }
  try {
    await Promise.all(workers.map((worker) => waitFor(ready(worker), () => `${worker.name} was not ready`, readyMs)))
  } catch (error) {
    await dispose()
    throw error
  }

  return {
    workers,
    run(settings) {
      const runEvents: WorkerEvent[] = []
      events = runEvents
      const running = workers.filter((worker) => !worker.done)
      for (const { child } of running) child.stdin.write(`${JSON.stringify({ run: settings })}\n`)
      return {
        events: runEvents,
        waitForEvent: (matches, ms = 30_000) =>
          waitFor(
            () => runEvents.find(matches),
            () => `no such worker event (of ${runEvents.length})`,
            ms,
          ),
        summaries: ({ except = [], ms = settings.durationMs + 30_000 } = {}) =>
          Promise.all(
            running
              .filter((worker) => !except.includes(worker))
              .map((worker) =>
                waitFor(
                  () => {
                    const summary = runEvents.find((event) => event.worker === worker.name && event.event === 'summary')
                    if (summary !== undefined) return summary as unknown as WorkerSummary
                    if (!worker.done) return undefined
                    const crash = runEvents.find((event) => event.worker === worker.name && event.event === 'crashed')
                    throw new Error(`${worker.name} exited without a summary\n${String(crash?.message ?? '')}\nstderr:\n${worker.stderr()}`)
                  },
                  () => `${worker.name} printed no summary`,
                  ms,
                ),
              ),
          ),
      }
    },
    [Symbol.asyncDispose]: dispose,
  }
}
