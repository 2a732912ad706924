/**
 * Two worker processes share one user's token through a FileTokenStore, against the embedded
 * sandbox: access tokens live 2 seconds and every refresh rotates the refresh token (one spent
 * twice revokes the grant, RFC 9700). Each worker makes requests across three expiries, until it
 * has used the fourth access token; the provider sees one refresh per expiry, not one per worker,
 * and no request fails.
 * No credentials, no internet: `npx tsx examples/shared-token-workers.ts`.
 */
import { type ChildProcess, fork } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FileTokenStore, LegacyApplicationClient, OAuth2Session } from '../lib/index.js'
import { startSandbox } from '../lib/testing/index.js'

/** What the parent tells each worker. */
interface Job {
  storePath: string
  tokenUrl: string
  apiUrl: string
  clientId: string
  clientSecret: string
  /** How many access tokens to use before stopping: one more than the expiries to go through. */
  tokens: number
  /** When to stop in any case, Unix milliseconds. */
  deadline: number
}

/** What a worker reports when it is done. */
interface Report {
  requests: number
  failed: number
  errors: string[]
  accessTokens: string[]
}

const TOKEN_KEY = 'user:sandbox-user' // one key per user: every process that serves this user uses it
const LIFETIME_S = 2
const EXPIRIES = 3

if (process.argv[2] === 'worker') await worker()
else await parent()

/** One worker: a session that starts from the stored token and refreshes it through the store. */
async function worker(): Promise<void> {
  const job = new Promise<Job>((resolve) => process.once('message', (message) => resolve(message as Job)))
  process.send?.('ready')
  const { storePath, tokenUrl, apiUrl, clientId, clientSecret, tokens, deadline } = await job
  const session = new OAuth2Session(clientId, {
    tokenStore: new FileTokenStore(storePath),
    tokenKey: TOKEN_KEY,
    autoRefreshUrl: tokenUrl,
    autoRefreshKwargs: { client_id: clientId, client_secret: clientSecret },
  })
  const report: Report = { requests: 0, failed: 0, errors: [], accessTokens: [] }
  const seen = new Set<string>()
  // Until the last token is in use here, not for a fixed time: each refresh comes a little after its
  // expiry, later on a loaded machine, and a fixed end could fall right after one, before the other worker used its token.
  while (seen.size < tokens && Date.now() < deadline) {
    report.requests += 1
    try {
      const answer = await session.get(`${apiUrl}me`)
      if (answer.status !== 200) throw new Error(`HTTP ${answer.status}`)
      seen.add(session.accessToken ?? '')
    } catch (error) {
      report.failed += 1
      report.errors.push((error as { code?: string }).code ?? (error as Error).message)
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  report.accessTokens = [...seen] // for the parent's count only; never printed
  await session.close()
  process.send?.(report, () => process.disconnect())
}

/** Forks this file as a worker: `ready` once it listens, `report` once it is done; either rejects if it exits first, or after 30 s. */
function startWorker(): { child: ChildProcess; ready: Promise<void>; report: Promise<Report> } {
  const child = fork(import.meta.filename, ['worker'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const failed = new Promise<never>((_, reject) => {
    const timer = setTimeout(() => reject(new Error('A worker did not report within 30 s.')), 30_000)
    timer.unref()
    child.once('exit', (code) => reject(new Error(`A worker exited (code ${code}) before it reported.`)))
  })
  failed.catch(() => undefined)
  const message = <T>(): Promise<T> => Promise.race([new Promise<T>((resolve) => child.once('message', (sent) => resolve(sent as T))), failed])
  const ready = message<void>()
  return { child, ready, report: ready.then(() => message<Report>()) }
}

async function parent(): Promise<void> {
  const sandbox = await startSandbox()
  const folder = mkdtempSync(join(tmpdir(), 'shared-token-'))
  const storePath = join(folder, 'tokens.json')
  // expires_in: short-lived access tokens; rotate=1: each refresh token is good for one refresh.
  const tokenUrl = `${sandbox.oauth2.tokenUrl}?expires_in=${LIFETIME_S}&rotate=1`
  const { clientId, clientSecret, username, password, baseUrl } = sandbox.oauth2
  const workers: ChildProcess[] = []
  try {
    const running = [1, 2].map(() => startWorker())
    workers.push(...running.map(({ child }) => child))
    await Promise.all(running.map(({ ready }) => ready))

    // The user logs in once; the token goes to the store, where the workers find it.
    await using login = new OAuth2Session(undefined, {
      client: new LegacyApplicationClient(clientId),
      clientSecret,
      tokenStore: new FileTokenStore(storePath),
      tokenKey: TOKEN_KEY,
    })
    await login.fetchToken(tokenUrl, { username, password })
    const deadline = Date.now() + 3 * (EXPIRIES + 1) * LIFETIME_S * 1000 // well within the workers' 30 s
    const job: Job = { storePath, tokenUrl, apiUrl: baseUrl, clientId, clientSecret, tokens: EXPIRIES + 1, deadline }
    for (const child of workers) child.send(job)

    const reports = await Promise.all(running.map(({ report }) => report))
    const stats = (await (await fetch(sandbox.oauth2.statsUrl)).json()) as { issued: Record<string, number>; reusedRefreshTokens: number }
    const requests = reports.reduce((sum, report) => sum + report.requests, 0)
    const failed = reports.reduce((sum, report) => sum + report.failed, 0)
    const tokens = new Set(reports.flatMap((report) => report.accessTokens))
    const sameTokens = reports.every((report) => report.accessTokens.length === tokens.size)

    console.log(`2 workers, ${LIFETIME_S} s access tokens, rotating refresh tokens, one FileTokenStore`)
    console.log(`requests: ${requests}, failed: ${failed}${failed > 0 ? ` (${[...new Set(reports.flatMap((report) => report.errors))].join(', ')})` : ''}`)
    console.log(`access tokens used: ${tokens.size}, ${sameTokens ? 'the same ones in both workers' : 'not the same in both workers'}`)
    console.log(`refreshes at the provider: ${stats.issued.refresh_token ?? 0} (expiry periods: ${tokens.size - 1}, workers: 2)`)
    console.log(`refresh tokens spent twice: ${stats.reusedRefreshTokens}`)
    if (failed > 0 || stats.reusedRefreshTokens > 0) process.exitCode = 1
  } finally {
    for (const child of workers) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await sandbox.close()
    rmSync(folder, { recursive: true, force: true })
  }
}
