import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

// Starts spec/fixtures/tokens/file-store-worker.ts: a process that shares a token file with a spec
// (a FileTokenStore, or a JsonTokenFileCache with kind 'json') and answers one JSON command a line.
// Specs kill it in `finally`, so a failing spec never leaves it behind.

const root = fileURLToPath(new URL('../../', import.meta.url))
const workerScript = 'spec/fixtures/tokens/file-store-worker.ts'

/** A process sharing the store file; `ask` sends one command and resolves with its answer. */
export interface Worker {
  child: ChildProcessWithoutNullStreams
  ask(command: Record<string, unknown>): Promise<unknown>
}

export async function startWorker(path: string, kind: 'file' | 'json' = 'file'): Promise<Worker> {
  const child = spawn(process.execPath, ['--import', 'tsx', workerScript, path, kind], { cwd: root })
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk
  })
  type Answer = { result?: unknown; error?: string; ready?: boolean }
  const waiting: Array<{ resolve: (answer: Answer) => void; reject: (error: Error) => void }> = []
  createInterface({ input: child.stdout }).on('line', (line) => waiting.shift()?.resolve(JSON.parse(line) as Answer))
  child.once('exit', () => {
    for (const { reject } of waiting.splice(0)) reject(new Error(`worker exited; stderr:\n${stderr}`))
  })
  const next = (): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`worker did not answer; stderr:\n${stderr}`)), 8_000)
      waiting.push({
        resolve: (answer) => {
          clearTimeout(timer)
          resolve(answer)
        },
        reject: (error) => {
          clearTimeout(timer)
          reject(error)
        },
      })
    })
  try {
    await next() // ready
  } catch (error) {
    child.kill('SIGKILL')
    throw error
  }
  return {
    child,
    async ask(command) {
      const answer = next()
      child.stdin.write(`${JSON.stringify(command)}\n`)
      const { result, error } = await answer
      if (error !== undefined) throw new Error(`worker failed: ${error}`)
      return result
    },
  }
}

export function kill(worker: Worker | undefined): void {
  if (worker !== undefined && worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL')
}
