import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

// A real redis-server for the service specs (`npm run test:services`), on a unix socket in a
// temp dir: no TCP port, nothing outside this machine. Stopped by its pid, also when a spec fails.
//
//   it('…', async () => {
//     await using redis = await startRedisServer()
//     const client = createClient({ socket: { path: redis.socket } })
//     …
//   })
//
// `stop()` and `start()` stop and start the same server on the same socket (for specs of what a
// client does while the store is down); `await using` stops it and removes the temp dir.

const READY_TIMEOUT_MS = 10_000
const STOP_TIMEOUT_MS = 5_000

/** A redis-server this process started, on `socket`. */
export interface RedisServer extends AsyncDisposable {
  /** The unix socket path it listens on. */
  readonly socket: string
  /** Its pid while running, undefined while stopped. */
  readonly pid: number | undefined
  /** Starts it again on the same socket (an empty database: nothing is saved). */
  start(): Promise<void>
  /** Stops it by its pid (SIGTERM, then SIGKILL); safe to call twice. */
  stop(): Promise<void>
}

/** Starts Debian's `redis-server` on a unix socket in a new temp dir and waits until it answers PING. */
export async function startRedisServer(): Promise<RedisServer> {
  const dir = await mkdtemp(join(tmpdir(), 'oauth-sessions-redis-'))
  const socket = join(dir, 'redis.sock')
  let child: ChildProcess | undefined

  const stop = async (): Promise<void> => {
    const running = child
    child = undefined
    if (running === undefined || running.exitCode !== null || running.signalCode !== null) return
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()))
    running.kill('SIGTERM')
    const timer = setTimeout(() => running.kill('SIGKILL'), STOP_TIMEOUT_MS)
    await exited
    clearTimeout(timer)
  }

  const start = async (): Promise<void> => {
    if (child !== undefined) return
    child = await spawnRedis(dir, socket)
  }

  try {
    await start()
  } catch (error) {
    await rm(dir, { recursive: true, force: true })
    throw error
  }
  return {
    socket,
    get pid() {
      return child?.pid
    },
    start,
    stop,
    async [Symbol.asyncDispose]() {
      try {
        await stop()
      } finally {
        await rm(dir, { recursive: true, force: true })
      }
    },
  }
}

async function spawnRedis(dir: string, socket: string): Promise<ChildProcess> {
  const args = ['--port', '0', '--unixsocket', socket, '--unixsocketperm', '700', '--save', '', '--appendonly', 'no', '--dir', dir]
  const child = spawn('redis-server', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)))
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)))
  const failed = new Promise<never>((_, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'ENOENT'
          ? new Error(
              'redis-server is not installed: the service specs start one themselves. Install it (Debian: apt-get install -y redis-server) and run again.',
            )
          : error,
      )
    })
    child.once('exit', (code, signal) => reject(new Error(`redis-server exited before it answered (code ${code}, signal ${signal}):\n${output}`)))
  })
  try {
    await Promise.race([failed, waitForPong(socket)])
  } catch (error) {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
      child.kill('SIGKILL')
      await exited
    }
    throw error
  }
  failed.catch(() => {})
  child.stdout?.resume()
  child.stderr?.resume()
  return child
}

/** Resolves once the socket answers `PING` with `+PONG`; rejects after {@link READY_TIMEOUT_MS}. */
async function waitForPong(socket: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS
  while (Date.now() < deadline) {
    if (await ping(socket)) return
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  throw new Error(`redis-server did not answer PING on ${socket} within ${READY_TIMEOUT_MS} ms`)
}

function ping(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const connection = connect(socket)
    let answer = ''
    const done = (ok: boolean): void => {
      connection.destroy()
      resolve(ok)
    }
    connection.setTimeout(1000, () => done(false))
    connection.once('error', () => done(false))
    connection.once('connect', () => connection.write('PING\r\n'))
    connection.on('data', (chunk) => {
      answer += chunk.toString()
      if (answer.includes('\r\n')) done(answer.startsWith('+PONG'))
    })
  })
}
