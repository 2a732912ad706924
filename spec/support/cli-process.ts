import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

// Runs the BUILT command (`node dist/cli/main.js`, which `npm test` builds before mocha), as a
// user's shell would, with a temporary XDG_CONFIG_HOME and XDG_STATE_HOME of its own and only
// PATH, HOME and TMPDIR inherited. Every run is awaited; one that overstays is SIGKILLed, so a
// failing spec never leaves a process behind.

const MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url))

/** What a run of the command wrote, and how it ended. */
export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
}

/** A temporary home for the command: its config and state folders, removed after each spec. */
export interface CliHome {
  readonly config: string
  readonly state: string
  /** Runs `oauth-sessions ...args` with this home and `env` added; kills it after `ms`. */
  run(args: readonly string[], env?: Record<string, string>, ms?: number): Promise<CliResult>
}

/** Gives each spec of the calling `describe` a fresh CliHome. Read its fields inside the spec. */
export function cliHomeEachSpec(): CliHome {
  let folder = ''
  const home: CliHome = {
    get config() {
      return join(folder, 'config')
    },
    get state() {
      return join(folder, 'state')
    },
    run: (args, env = {}, ms = 15_000) => runCli(args, { XDG_CONFIG_HOME: home.config, XDG_STATE_HOME: home.state, ...env }, ms),
  }
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'oauth-sessions-cli-'))
  })
  afterEach(() => rmSync(folder, { recursive: true, force: true }))
  return home
}

/** Runs the built command with `env` (plus PATH, HOME and TMPDIR) and resolves when it exits. */
export function runCli(args: readonly string[], env: Record<string, string>, ms = 15_000): Promise<CliResult> {
  const inherited = Object.fromEntries(['PATH', 'HOME', 'TMPDIR'].flatMap((name) => (process.env[name] === undefined ? [] : [[name, process.env[name]]])))
  const child = spawn(process.execPath, [MAIN, ...args], { env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  return new Promise<CliResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`oauth-sessions ${args.join(' ')} ran over ${ms} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`))
    }, ms)
    child.once('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.once('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

/** A command started with {@link startCli}: its stdin to write to, its stderr to wait on, its exit. */
export interface StartedCli extends AsyncDisposable {
  /** The child's stdin (a pipe): write a line to it, or end it. */
  readonly stdin: NodeJS.WritableStream
  /** Resolves when the command exits (it is SIGKILLed after `ms`). */
  readonly exited: Promise<CliResult>
  /** Resolves the first match of `pattern` on stderr; throws (and kills the command) if none shows in 20 s or it exits first. */
  waitFor(pattern: RegExp): Promise<RegExpMatchArray>
}

/** Starts `oauth-sessions ...args` with the home's folders and stdin a pipe, for flows a person answers. */
export function startCli(home: CliHome, args: readonly string[], env: Record<string, string> = {}, ms = 30_000): StartedCli {
  const inherited = Object.fromEntries(['PATH', 'HOME', 'TMPDIR'].flatMap((name) => (process.env[name] === undefined ? [] : [[name, process.env[name]]])))
  const child = spawn(process.execPath, [MAIN, ...args], {
    env: { ...inherited, XDG_CONFIG_HOME: home.config, XDG_STATE_HOME: home.state, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  child.stdin.on('error', () => {}) // the command may exit before it reads what a spec writes
  const exited = new Promise<CliResult>((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })))
  const timer = setTimeout(() => child.kill('SIGKILL'), ms)
  void exited.then(() => clearTimeout(timer))
  return {
    stdin: child.stdin,
    exited,
    async waitFor(pattern) {
      for (let waited = 0; waited < 20_000; waited += 50) {
        const match = stderr.match(pattern)
        if (match !== null) return match
        if (child.exitCode !== null) break
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      child.kill('SIGKILL')
      throw new Error(`no ${pattern} on stderr:\n${stderr}`)
    },
    [Symbol.asyncDispose]: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      await exited
    },
  }
}

/** The sandbox's three OAuth 1 URLs as `profile add` flags (`sandbox.oauth1` of `startSandbox()`). */
export function oauth1ProfileFlags(
  oauth1: { requestTokenUrl: string; authorizeUrl: string; accessTokenUrl: string },
  consumerKey: string,
  secretEnv: string,
): string[] {
  return [
    '--flow',
    'oauth1',
    '--request-token-url',
    oauth1.requestTokenUrl,
    '--authorize-url',
    oauth1.authorizeUrl,
    '--access-token-url',
    oauth1.accessTokenUrl,
    '--consumer-key',
    consumerKey,
    '--consumer-secret-env',
    secretEnv,
  ]
}
