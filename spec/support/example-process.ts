import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

// Runs a script of examples/ as a user would (`npx tsx examples/x.ts`), in its own process, with
// only the environment a spec gives it; the spec reads its output and types into its prompts.
//
//   await using example = startExample('examples/bitbucket-oauth1.ts', { BITBUCKET_KEY: '…' })
//   const [url] = await example.waitFor(/https?:\/\/\S+/)
//   example.type('http://127.0.0.1/cb?oauth_verifier=…')
//   const { code, stdout } = await example.exited()
//
// Disposing kills the process if it is still running, so a failing spec never leaves it behind.

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

/** What an example wrote before it exited. */
export interface ExampleResult {
  code: number | null
  stdout: string
  stderr: string
}

/** A running example script. */
export interface ExampleProcess extends AsyncDisposable {
  /** Resolves with the first match of `pattern` in the output (stdout unless told) so far or to come; rejects after `ms` or at exit. */
  waitFor(pattern: RegExp, ms?: number, stream?: 'stdout' | 'stderr'): Promise<RegExpMatchArray>
  /** Types a line into the example's prompt. */
  type(line: string): void
  /** Resolves when the process exits; rejects (and kills it) after `ms`. */
  exited(ms?: number): Promise<ExampleResult>
}

/** Starts `file` (relative to the repository root) under tsx with `env` and nothing else but PATH, HOME and TMPDIR. */
export function startExample(file: string, env: Record<string, string>): ExampleProcess {
  const inherited = Object.fromEntries(['PATH', 'HOME', 'TMPDIR'].flatMap((name) => (process.env[name] === undefined ? [] : [[name, process.env[name]]])))
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, ['--import', 'tsx', file], { cwd: ROOT, env: { ...inherited, ...env } })
  let stdout = ''
  let stderr = ''
  const listeners = new Set<() => void>()
  const notify = (): void => {
    for (const listener of listeners) listener()
  }
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk
    notify()
  })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk
    notify()
  })
  let done = false
  const exit = new Promise<ExampleResult>((resolve) => {
    child.once('close', (code) => {
      done = true
      resolve({ code, stdout, stderr })
      notify()
    })
  })
  const describe = (): string => `stdout:\n${stdout}\nstderr:\n${stderr}`

  return {
    waitFor(pattern, ms = 30_000, stream = 'stdout') {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const match = (stream === 'stdout' ? stdout : stderr).match(pattern)
          if (match !== null) finish(() => resolve(match))
          else if (done) finish(() => reject(new Error(`${file} exited before printing ${pattern}\n${describe()}`)))
        }
        const timer = setTimeout(() => finish(() => reject(new Error(`${file} printed no ${pattern} within ${ms} ms\n${describe()}`))), ms)
        const finish = (settle: () => void): void => {
          clearTimeout(timer)
          listeners.delete(check)
          settle()
        }
        listeners.add(check)
        check()
      })
    },
    type(line) {
      child.stdin.write(`${line}\n`)
    },
    async exited(ms = 30_000) {
      let timer: NodeJS.Timeout | undefined
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          child.kill('SIGKILL')
          reject(new Error(`${file} did not exit within ${ms} ms\n${describe()}`))
        }, ms)
      })
      try {
        return await Promise.race([exit, late])
      } finally {
        clearTimeout(timer)
      }
    },
    async [Symbol.asyncDispose]() {
      if (!done) child.kill('SIGKILL')
      await exit
    },
  }
}
