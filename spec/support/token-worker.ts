import { createInterface } from 'node:readline'
import { setTimeout as sleep } from 'node:timers/promises'
import {
  BackendApplicationClient,
  FileTokenStore,
  MemoryTokenStore,
  OAuth2Session,
  type HeaderMap,
  type OAuth2SessionOptions,
  type OAuth2Token,
  RedisTokenStore,
  type RequestBody,
  type TokenStore,
} from '../../lib/index.js'
import { REFRESH_CLIENT, SERVICE_CLIENT, WORKER_HEADER } from './rotating-provider.js'

// One worker process of the cross-process specs (#16): an OAuth2Session that shares its token
// through a store with its peers and calls the resource in a loop. Started by
// spec/support/token-workers.ts; XPROC_WORKER is its name. It prints {"event":"ready"}, then
// reads one JSON command a line on stdin: each `{"run": RunSettings}` builds a new store and
// session, runs, prints {"event":"summary"} and closes them; stdin's end makes it exit. While it
// runs it prints {"event":"refreshing"} as each of its refresh or grant requests leaves. A
// watchdog prints the summary (hung: true) and exits if a run or its clean-up overstays; the spec
// SIGKILLs it in `finally` anyway. One process serves several runs: forking 8 tsx processes costs
// seconds on a small machine.

/** One run of a worker (see token-workers.ts). */
export interface RunSettings {
  /** none: a plain session with autoRefreshUrl and its own copy of the token; memory: a MemoryTokenStore of its own (both: the negative control). */
  store: 'none' | 'memory' | 'file' | 'node-redis' | 'ioredis'
  grant: 'refresh' | 'client_credentials'
  tokenUrl: string
  resourceUrl: string
  /** The token to start from with none and memory; the shared stores are seeded by the spec. */
  token?: OAuth2Token
  tokenKey?: string
  /** The FileTokenStore file. */
  storePath?: string
  /** The redis-server unix socket. */
  redisSocket?: string
  durationMs: number
  /** Requests in flight at once. */
  concurrency: number
  /** Pause between two requests of one lane, milliseconds. */
  pauseMs: number
  refreshLeaseMs?: number
  refreshWaitMs?: number
}

const worker = process.env.XPROC_WORKER ?? 'worker'

const print = (event: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify({ ...event, worker })}\n`)
}

/** What a run saw. */
function newSummary() {
  return {
    event: 'summary',
    ok: 0,
    failed: 0,
    invalidGrant: 0,
    /** Failures by error code (an HTTP status as `HTTP_<status>`). */
    errors: {} as Record<string, number>,
    /** Refresh (or client-credentials) requests this process sent. */
    tokenRequests: 0,
    maxRequestMs: 0,
    firstFailureAt: 0,
    lastFailureAt: 0,
    okAfterLastFailure: 0,
    /** When the last request that worked ended, Unix milliseconds. */
    lastOkAt: 0,
    redisErrors: 0,
    startedAt: 0,
    endedAt: 0,
    hung: false,
  }
}
type Summary = ReturnType<typeof newSummary>

/** Opens the run's store; `closers` gets what must be closed after the run. */
async function openStore(settings: RunSettings, summary: Summary, closers: Array<() => Promise<unknown>>): Promise<TokenStore | undefined> {
  switch (settings.store) {
    case 'none':
      return undefined
    case 'memory':
      return new MemoryTokenStore()
    case 'file':
      return new FileTokenStore(String(settings.storePath))
    case 'node-redis': {
      const { createClient } = await import('redis')
      const client = createClient({ socket: { path: String(settings.redisSocket), reconnectStrategy: () => 50 } })
      // Without a listener a connection error would end the process; the store reports it typed.
      client.on('error', () => summary.redisErrors++)
      await client.connect()
      closers.push(async () => client.destroy())
      return new RedisTokenStore({ client, timeoutMs: 1000 })
    }
    case 'ioredis': {
      const { Redis } = await import('ioredis')
      const client = new Redis({ path: String(settings.redisSocket), retryStrategy: () => 50, lazyConnect: true })
      client.on('error', () => summary.redisErrors++)
      await client.connect()
      closers.push(async () => client.disconnect())
      return new RedisTokenStore({ client, timeoutMs: 1000 })
    }
  }
}

async function openSession(settings: RunSettings, store: TokenStore | undefined): Promise<OAuth2Session> {
  const shared: OAuth2SessionOptions =
    store === undefined
      ? {}
      : { tokenStore: store, tokenKey: settings.tokenKey, refreshLeaseMs: settings.refreshLeaseMs, refreshWaitMs: settings.refreshWaitMs }
  const common: OAuth2SessionOptions = { timeout: 8000, ...shared }
  if (settings.grant === 'client_credentials') {
    return new OAuth2Session(undefined, { ...common, client: new BackendApplicationClient(SERVICE_CLIENT.id), clientSecret: SERVICE_CLIENT.secret })
  }
  if (settings.store === 'memory' && store !== undefined && settings.token !== undefined) await store.set(String(settings.tokenKey), settings.token)
  return new OAuth2Session(REFRESH_CLIENT.id, {
    ...common,
    token: settings.store === 'none' ? settings.token : undefined,
    autoRefreshUrl: settings.tokenUrl,
    autoRefreshKwargs: { client_id: REFRESH_CLIENT.id, client_secret: REFRESH_CLIENT.secret },
    // A plain session raises TokenUpdated after an automatic refresh unless it has an updater.
    tokenUpdater: settings.store === 'none' ? () => {} : undefined,
  })
}

const codeOf = (error: unknown): string => {
  const { code, name } = error as { code?: unknown; name?: unknown }
  return typeof code === 'string' ? code : String(name)
}

async function run(settings: RunSettings): Promise<void> {
  const summary = newSummary()
  const fail = (code: string): void => {
    summary.failed++
    summary.errors[code] = (summary.errors[code] ?? 0) + 1
    summary.lastFailureAt = Date.now()
    summary.firstFailureAt ||= summary.lastFailureAt
    summary.okAfterLastFailure = 0
  }
  // A hung request or a clean-up that never ends still produces a summary and an exit.
  const watchdog = setTimeout(() => {
    summary.hung = true
    summary.endedAt = Date.now()
    print(summary)
    process.exit(2)
  }, settings.durationMs + 15_000)

  const closers: Array<() => Promise<unknown>> = []
  const store = await openStore(settings, summary, closers)
  const session = await openSession(settings, store)
  closers.unshift(() => session.close())
  const announce = (url: string, headers: HeaderMap, body: RequestBody | undefined): [string, HeaderMap, RequestBody | undefined] => {
    summary.tokenRequests++
    print({ event: 'refreshing', at: Date.now() })
    return [url, headers.set(WORKER_HEADER, worker), body]
  }
  session.registerComplianceHook('refresh_token_request', announce)
  session.registerComplianceHook('access_token_request', announce)

  summary.startedAt = Date.now()
  const deadline = summary.startedAt + settings.durationMs
  const oneRequest = async (): Promise<void> => {
    const started = Date.now()
    try {
      const response = await session.get(settings.resourceUrl)
      if (response.status === 200) {
        summary.ok++
        summary.okAfterLastFailure++
        summary.lastOkAt = Date.now()
      } else fail(`HTTP_${response.status}`)
    } catch (error) {
      if ((error as { error?: unknown }).error === 'invalid_grant') summary.invalidGrant++
      fail(codeOf(error))
    } finally {
      summary.maxRequestMs = Math.max(summary.maxRequestMs, Date.now() - started)
    }
  }
  try {
    if (settings.grant === 'client_credentials') await session.fetchToken(settings.tokenUrl).catch((error: unknown) => fail(codeOf(error)))
    await Promise.all(
      Array.from({ length: settings.concurrency }, async () => {
        while (Date.now() < deadline) {
          await oneRequest()
          await sleep(settings.pauseMs)
        }
      }),
    )
    summary.endedAt = Date.now()
    print(summary)
  } finally {
    for (const close of closers) await close().catch(() => {})
    clearTimeout(watchdog)
  }
}

async function main(): Promise<void> {
  print({ event: 'ready' })
  for await (const line of createInterface({ input: process.stdin })) {
    if (line.trim() === '') continue
    const { run: settings } = JSON.parse(line) as { run: RunSettings }
    await run(settings)
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    print({ event: 'crashed', message: String((error as Error).stack ?? error) })
    process.exit(1)
  },
)
