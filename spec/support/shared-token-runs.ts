import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { OAuth2Session, type TokenStore } from '../../lib/index.js'
import { type HeldRefresh, type ProviderCounts, REFRESH_CLIENT, type RotatingProvider, startRotatingProvider } from './rotating-provider.js'
import type { closeAfterAll } from './servers.js'
import { type RunSettings, startTokenWorkers, type TokenWorkerPool, type WorkerSummary } from './token-workers.js'

// The measurements of one cross-process run (#16 "Verification") and the assertions every
// shared-store run must pass. `XPROC_REPORT=1` prints the numbers of each run to stderr.

/** The same 10 s run for every store: 8 workers × 4 requests in flight, 20 ms apart. */
export const RUN = { durationMs: 10_000, concurrency: 4, pauseMs: 20 } as const

/** What {@link sharedRunEnvironment} starts; read its fields inside the specs (they are set in `before`). */
export interface SharedRunEnvironment {
  provider: RotatingProvider
  pool: TokenWorkerPool
  /** A temp folder of the suite's own for store files (only with `tempDir`), removed after all. */
  dir: string
}

/**
 * Registers a `before` that starts what every cross-process suite runs on, each handed to
 * `closeLater`: with `tempDir`, a fresh folder under the OS temp folder first; then the rotating
 * provider and a pool of `workers` (8) token worker processes.
 */
export function sharedRunEnvironment(
  closeLater: ReturnType<typeof closeAfterAll>,
  options: { tempDir?: boolean; workers?: number } = {},
): SharedRunEnvironment {
  const environment = { dir: '' } as SharedRunEnvironment
  before(async () => {
    if (options.tempDir === true) {
      const dir = await mkdtemp(join(tmpdir(), 'oauth-sessions-xproc-'))
      environment.dir = dir
      await closeLater({ [Symbol.asyncDispose]: () => rm(dir, { recursive: true, force: true }) })
    }
    environment.provider = await closeLater(startRotatingProvider())
    environment.pool = await closeLater(startTokenWorkers(options.workers ?? 8))
  })
  return environment
}

/** A request of the spec's own to `resourceUrl` through `store`, with the refresh client; its status. */
export async function requestThroughStore(store: TokenStore, tokenKey: string, tokenUrl: string, resourceUrl: string): Promise<number> {
  const session = new OAuth2Session(REFRESH_CLIENT.id, {
    tokenStore: store,
    tokenKey,
    autoRefreshUrl: tokenUrl,
    autoRefreshKwargs: { client_id: REFRESH_CLIENT.id, client_secret: REFRESH_CLIENT.secret },
  })
  try {
    return (await session.get(resourceUrl)).status
  } finally {
    await session.close()
  }
}

/** The provider's counters before a run, to subtract. */
export function snapshot(provider: RotatingProvider): ProviderCounts {
  const { issuedAt, ...rest } = provider.counts
  return { ...(structuredClone(rest) as Omit<ProviderCounts, 'issuedAt'>), issuedAt: [...issuedAt] }
}

/** What a run added up to. */
export interface RunNumbers {
  wallMs: number
  /** Expiry periods of the run: floor(wall time / the provider's token lifetime); see {@link expectSharedRun}. */
  periods: number
  /** Tokens the provider issued during the run for this grant type. */
  renewals: number
  ok: number
  failed: number
  invalidGrant: number
  errors: Record<string, number>
  providerInvalidGrant: number
  revoked: number
  maxRequestMs: number
  hung: number
}

/** Adds up the summaries and the provider's counters since `before`. */
export function measure(provider: RotatingProvider, before: ProviderCounts, summaries: WorkerSummary[], grantType: string): RunNumbers {
  const sum = (pick: (summary: WorkerSummary) => number): number => summaries.reduce((total, summary) => total + pick(summary), 0)
  const wallMs = Math.max(...summaries.map((summary) => summary.endedAt)) - Math.min(...summaries.map((summary) => summary.startedAt))
  const errors: Record<string, number> = {}
  for (const summary of summaries) for (const [code, count] of Object.entries(summary.errors)) errors[code] = (errors[code] ?? 0) + count
  const numbers = {
    wallMs,
    periods: Math.floor(wallMs / (provider.ttlSeconds * 1000)),
    renewals: (provider.counts.issued[grantType] ?? 0) - (before.issued[grantType] ?? 0),
    ok: sum((summary) => summary.ok),
    failed: sum((summary) => summary.failed),
    invalidGrant: sum((summary) => summary.invalidGrant),
    errors,
    providerInvalidGrant: (provider.counts.errors.invalid_grant ?? 0) - (before.errors.invalid_grant ?? 0),
    revoked: provider.counts.revoked - before.revoked,
    maxRequestMs: Math.max(...summaries.map((summary) => summary.maxRequestMs)),
    hung: summaries.filter((summary) => summary.hung).length,
  }
  return numbers
}

/** Prints a run's numbers when XPROC_REPORT is set (for the verification note). */
export function report(label: string, numbers: unknown): void {
  if (process.env.XPROC_REPORT) process.stderr.write(`xproc ${label}: ${JSON.stringify(numbers)}\n`)
}

/**
 * Runs `settings` on every worker of the pool and checks what #16 asks of a shared store: no
 * failed request, no invalid_grant (at the worker or the provider), no revoked grant, and one
 * renewal per expiry period.
 *
 * Why `periods ≤ renewals ≤ periods + 1`, with periods = floor(W / T) for the run's wall time W and
 * the provider's token lifetime T: oidc-provider stamps `exp` in whole seconds (floor(now) + T) and
 * the resource refuses a token from that second on, so after a renewal made less than a second
 * after the expiry the next expiry comes exactly T later: the expiries of the run form a lattice of
 * spacing T, and a window of length W holds floor(W/T) or floor(W/T) + 1 of its points. With one
 * renewal per expiry that is the bound; a second renewal for one expiry (the herd not sharing),
 * or a missed one, falls outside it. For client credentials the run's first grant is one of
 * them: the workers start without a token, and the first grant's lifetime ends inside the window.
 */
export async function expectSharedRun(provider: RotatingProvider, pool: TokenWorkerPool, settings: RunSettings, label: string): Promise<RunNumbers> {
  const grantType = settings.grant === 'refresh' ? 'refresh_token' : 'client_credentials'
  const before = snapshot(provider)
  const numbers = measure(provider, before, await pool.run(settings).summaries(), grantType)
  report(label, numbers)
  const shown = JSON.stringify(numbers)
  expect(numbers.hung, `hung workers: ${shown}`).to.equal(0)
  expect(numbers.ok, `requests that worked: ${shown}`).to.be.greaterThan(0)
  expect(numbers.failed, `failed requests: ${shown}`).to.equal(0)
  expect(numbers.invalidGrant + numbers.providerInvalidGrant, `invalid_grant: ${shown}`).to.equal(0)
  expect(numbers.revoked, `revoked grants: ${shown}`).to.equal(0)
  expect(numbers.renewals, `renewals at the provider vs expiry periods: ${shown}`).to.be.within(numbers.periods, numbers.periods + 1)
  return numbers
}

/** How long after the lease TTL the survivors may take: their poll interval and a loaded machine. */
const RECOVERY_SLACK_MS = 2000

/**
 * Runs `settings` (a refresh run with a short `refreshLeaseMs`), holds the first refresh at the
 * provider and SIGKILLs the worker that sent it, while it holds the lease. The held request is
 * dropped unprocessed, so the refresh token in the store is still good: the survivors must wait
 * out the lease (no failed request, no second refresh while it is held), one of them refreshes
 * within the lease TTL, and the grant survives: no invalid_grant, no revoked grant, and `check`
 * (a request of the spec's own through the store) works after the run.
 */
export async function expectKilledRefresherRecovers(
  provider: RotatingProvider,
  pool: TokenWorkerPool,
  settings: RunSettings & { refreshLeaseMs: number },
  label: string,
  check: () => Promise<number>,
): Promise<RunNumbers & { recoveryMs: number }> {
  const before = snapshot(provider)
  const holding = provider.holdNextRefresh(1000)
  const run = pool.run(settings)
  const held = await holding
  const victim = pool.workers.find((worker) => worker.name === held.worker)
  if (victim === undefined) throw new Error(`the held refresh names no worker: ${held.worker}`)
  victim.child.kill('SIGKILL')
  const killedAt = Date.now()
  const outcome = await held.outcome
  const summaries = await run.summaries({ except: [victim] })
  const numbers = measure(provider, before, summaries, 'refresh_token')
  const recovered = provider.counts.issuedAt.find((issued) => issued.grantType === 'refresh_token' && issued.at > killedAt)
  const result = { ...numbers, recoveryMs: recovered === undefined ? Number.NaN : recovered.at - held.at }
  report(label, { ...result, killed: victim.name, outcome })
  const shown = JSON.stringify(result)
  expect(outcome, 'the held refresh reached the provider after all').to.equal('dropped')
  expect(result.recoveryMs, `from the lease to the next refresh: ${shown}`).to.be.within(0, settings.refreshLeaseMs + RECOVERY_SLACK_MS)
  expect(numbers.hung, `hung workers: ${shown}`).to.equal(0)
  expect(numbers.failed, `failed requests: ${shown}`).to.equal(0)
  expect(numbers.invalidGrant + numbers.providerInvalidGrant, `invalid_grant: ${shown}`).to.equal(0)
  expect(numbers.revoked, `revoked grants: ${shown}`).to.equal(0)
  expect(await check(), 'a request through the store after the run').to.equal(200)
  return result
}

/** The errors a worker may see while the store is down: the store's own, typed (or a wait for it that timed out). */
export const STORE_DOWN_CODES = ['ERR_TOKEN_STORE_UNAVAILABLE', 'ERR_TIMEOUT'] as const

/**
 * Runs `settings` on a Redis store, stops redis-server `stopAfterMs` into the run for `downMs`
 * (across an expiry) and starts it again on the same socket, empty. While it is down the workers
 * may fail, but only with the typed errors of {@link STORE_DOWN_CODES} (or proceed, the documented
 * fallback of client credentials), and no request may hang; after the restart each worker
 * recovers within `recoverMs`, and the grant is never revoked.
 */
export async function expectStoreOutageRecovers(
  provider: RotatingProvider,
  pool: TokenWorkerPool,
  settings: RunSettings,
  label: string,
  redis: { stop(): Promise<void>; start(): Promise<void> },
  timing: { stopAfterMs: number; downMs: number; recoverMs: number },
): Promise<RunNumbers & { downMs: number; recoveredMs: number }> {
  const grantType = settings.grant === 'refresh' ? 'refresh_token' : 'client_credentials'
  const before = snapshot(provider)
  const run = pool.run(settings)
  await new Promise((resolve) => setTimeout(resolve, timing.stopAfterMs))
  await redis.stop()
  const stoppedAt = Date.now()
  await new Promise((resolve) => setTimeout(resolve, timing.downMs))
  await redis.start()
  const restartedAt = Date.now()
  const summaries = await run.summaries()
  const numbers = measure(provider, before, summaries, grantType)
  const recoveredMs = Math.max(0, ...summaries.map((summary) => summary.lastFailureAt - restartedAt))
  const result = { ...numbers, downMs: restartedAt - stoppedAt, recoveredMs }
  report(label, result)
  const shown = JSON.stringify(result)
  expect(numbers.hung, `hung workers: ${shown}`).to.equal(0)
  expect(
    Object.keys(numbers.errors).filter((code) => !(STORE_DOWN_CODES as readonly string[]).includes(code)),
    `untyped failures: ${shown}`,
  ).to.deep.equal([])
  expect(numbers.maxRequestMs, `the slowest request: ${shown}`).to.be.below(settings.refreshWaitMs ?? 20_000)
  expect(recoveredMs, `failures after the restart: ${shown}`).to.be.below(timing.recoverMs)
  for (const summary of summaries) expect(summary.okAfterLastFailure, `${summary.worker} worked after its last failure: ${shown}`).to.be.greaterThan(0)
  expect(numbers.invalidGrant + numbers.providerInvalidGrant, `invalid_grant: ${shown}`).to.equal(0)
  expect(numbers.revoked, `revoked grants: ${shown}`).to.equal(0)
  return result
}

/** A redis-server the spec can stop and start again (empty) on the same socket. */
interface Restartable {
  stop(): Promise<void>
  start(): Promise<void>
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)))

/** The tokens the provider issued for `grantType` since `before`, between `from` and `to` (Unix ms). */
function issuedBetween(provider: RotatingProvider, before: ProviderCounts, grantType: string, from: number, to: number): number {
  return provider.counts.issuedAt.slice(before.issuedAt.length).filter((issued) => issued.grantType === grantType && issued.at >= from && issued.at <= to)
    .length
}

/**
 * A client-credentials run (default onStoreUnavailable: 'proceed') on a Redis store, redis-server
 * stopped `stopAfterMs` into it for `downMs` and started again, empty. No request may fail: a
 * worker whose token expires while the store is down grants one of its own (the extra grants are
 * counted and reported, not bounded); none hangs; after the restart every worker has requests
 * that work, and the store holds a token written after the restart.
 */
export async function expectProceedThroughOutage(
  provider: RotatingProvider,
  pool: TokenWorkerPool,
  settings: RunSettings & { tokenKey: string },
  label: string,
  redis: Restartable,
  store: TokenStore,
  timing: { stopAfterMs: number; downMs: number },
): Promise<RunNumbers & Record<string, unknown>> {
  const before = snapshot(provider)
  const run = pool.run(settings)
  await pause(timing.stopAfterMs)
  await redis.stop()
  const stoppedAt = Date.now()
  await pause(timing.downMs)
  await redis.start()
  const restartedAt = Date.now()
  const summaries = await run.summaries()
  const numbers = measure(provider, before, summaries, 'client_credentials')
  const stored = await store.get(settings.tokenKey)
  const ttlMs = provider.ttlSeconds * 1000
  const result = {
    ...numbers,
    downMs: restartedAt - stoppedAt,
    /** Grants while the store was down, and the expiry periods that outage spans. */
    outageGrants: issuedBetween(provider, before, 'client_credentials', stoppedAt, restartedAt),
    outagePeriods: Math.floor((restartedAt - stoppedAt) / ttlMs),
    /** Grants beyond one per expiry period of the run. */
    extraGrants: numbers.renewals - numbers.periods,
    storedAfterRestartMs: stored === undefined ? Number.NaN : stored.updatedAt - restartedAt,
  }
  report(label, result)
  const shown = JSON.stringify(result)
  expect(numbers.hung, `hung workers: ${shown}`).to.equal(0)
  expect(numbers.failed, `failed requests: ${shown}`).to.equal(0)
  expect(numbers.invalidGrant + numbers.providerInvalidGrant, `invalid_grant: ${shown}`).to.equal(0)
  expect(numbers.maxRequestMs, `the slowest request: ${shown}`).to.be.below(5000)
  for (const summary of summaries) expect(summary.lastOkAt, `${summary.worker} worked after the restart: ${shown}`).to.be.greaterThan(restartedAt)
  expect(stored?.token.access_token, `the store holds a token again: ${shown}`).to.be.a('string')
  expect(stored?.updatedAt ?? 0, `the stored token was written after the restart: ${shown}`).to.be.at.least(restartedAt)
  return result
}

/**
 * A refresh run (default onStoreUnavailable: 'fail') on a Redis store in which one worker renews
 * while the store goes down: the provider holds the first refresh, redis-server is stopped while
 * it is held, so the rotated token cannot be written (the worker keeps it, unwritten, and its
 * peers still hold the spent refresh token). redis-server comes back empty after `downMs`, while
 * that token is still valid. The worker's re-check must offer it to the store again and its peers
 * must take it from there rather than refresh with the spent refresh token: no invalid_grant, no
 * revoked grant, every worker works after the restart, and `check` (a request of the spec's own
 * through the store) works after the run. While the store is down a worker may fail, with the
 * typed errors of {@link STORE_DOWN_CODES} only.
 */
export async function expectUnwrittenRenewalReoffered(
  provider: RotatingProvider,
  pool: TokenWorkerPool,
  settings: RunSettings & { tokenKey: string },
  label: string,
  redis: Restartable,
  store: TokenStore,
  timing: { holdMs: number; downMs: number },
  check: () => Promise<number>,
): Promise<RunNumbers & Record<string, unknown>> {
  const before = snapshot(provider)
  const holding = provider.holdNextRefresh(timing.holdMs)
  const run = pool.run(settings)
  const held = await Promise.race([
    holding,
    pause(settings.durationMs).then((): HeldRefresh => {
      throw new Error(`no refresh reached the provider within ${settings.durationMs} ms`)
    }),
  ])
  await redis.stop()
  const stoppedAt = Date.now()
  const outcome = await held.outcome
  await pause(stoppedAt + timing.downMs - Date.now())
  await redis.start()
  const restartedAt = Date.now()
  const summaries = await run.summaries()
  const numbers = measure(provider, before, summaries, 'refresh_token')
  const renewer = pool.workers.find((worker) => worker.name === held.worker)
  const stored = await store.get(settings.tokenKey)
  const result = {
    ...numbers,
    renewer: held.worker,
    outcome,
    downMs: restartedAt - stoppedAt,
    outageRefreshes: issuedBetween(provider, before, 'refresh_token', stoppedAt, restartedAt),
    refreshesAfterRestart: issuedBetween(provider, before, 'refresh_token', restartedAt, Number.POSITIVE_INFINITY),
    recoveredMs: Math.max(0, ...summaries.map((summary) => summary.lastFailureAt - restartedAt)),
  }
  report(label, result)
  const shown = JSON.stringify(result)
  expect(outcome, 'the held refresh was answered').to.equal('passed')
  expect(renewer?.stderr() ?? '', `${held.worker} could not write its renewed token: ${shown}`).to.include('could not be written to the token store')
  expect(numbers.hung, `hung workers: ${shown}`).to.equal(0)
  expect(
    Object.keys(numbers.errors).filter((code) => !(STORE_DOWN_CODES as readonly string[]).includes(code)),
    `untyped failures: ${shown}`,
  ).to.deep.equal([])
  expect(numbers.invalidGrant + numbers.providerInvalidGrant, `invalid_grant: ${shown}`).to.equal(0)
  expect(numbers.revoked, `revoked grants: ${shown}`).to.equal(0)
  for (const summary of summaries) {
    expect(summary.lastFailureAt, `${summary.worker} failed long after the restart: ${shown}`).to.be.below(restartedAt + 3000)
    expect(summary.lastOkAt, `${summary.worker} worked after the restart: ${shown}`).to.be.greaterThan(restartedAt)
  }
  expect(stored?.token.access_token, `the store holds a token again: ${shown}`).to.be.a('string')
  expect(await check(), 'a request through the store after the run').to.equal(200)
  return result
}
