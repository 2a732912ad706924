import { createClient } from 'redis'
import { RedisTokenStore } from '../../../lib/index.js'
import { type RedisServer, startRedisServer } from '../../support/redis-server.js'
import { startRotatingProvider } from '../../support/rotating-provider.js'
import { closeAfterAll } from '../../support/servers.js'
import {
  expectKilledRefresherRecovers,
  expectProceedThroughOutage,
  expectSharedRun,
  expectStoreOutageRecovers,
  expectUnwrittenRenewalReoffered,
  RUN,
  requestThroughStore,
  sharedRunEnvironment,
} from '../../support/shared-token-runs.js'

/**
 * #16 Verification, Redis store, with each client: 8 forked processes share a rotating refresh
 * token, then a client-credentials token, through a RedisTokenStore for 10 s across five 2-second
 * expiries; redis-server stopped mid-run and started again (empty), during a refresh run, during
 * a client-credentials run, and while a process renews (its rotated token cannot be written); and
 * a process killed while it holds the refresh lease.
 */
describe('Tokens across processes: RedisTokenStore', function () {
  this.timeout(90_000)
  const closeLater = closeAfterAll()
  let redis: RedisServer
  /** The spec's own store on the same server, to seed and to check. */
  let store: RedisTokenStore
  let run = 0
  /** A key of its own for each run: a run never starts from what the one before left. */
  const nextKey = (): string => `user:alice:${++run}`

  before(async () => {
    redis = await closeLater(startRedisServer())
    const client = createClient({ socket: { path: redis.socket, reconnectStrategy: () => 50 } })
    client.on('error', () => {})
    await client.connect()
    await closeLater({ [Symbol.asyncDispose]: async () => client.destroy() })
    store = new RedisTokenStore({ client })
  })
  // Its hook runs after the one above: the workers stop before redis-server does.
  const environment = sharedRunEnvironment(closeLater)

  const common = () => ({ ...RUN, redisSocket: redis.socket, tokenUrl: environment.provider.tokenUrl, resourceUrl: environment.provider.resourceUrl })

  for (const client of ['node-redis', 'ioredis'] as const) {
    describe(`with ${client}`, () => {
      it('8 processes refresh a rotating refresh token once per expiry: no failed request, no invalid_grant, the grant lives', async () => {
        const { provider, pool } = environment
        const tokenKey = nextKey()
        await store.set(tokenKey, await provider.userToken())

        await expectSharedRun(provider, pool, { ...common(), store: client, grant: 'refresh', tokenKey }, `${client} refresh`)
      })

      it('8 processes share a client-credentials token: one grant per expiry, no failed request', async () => {
        const { provider, pool } = environment
        await expectSharedRun(
          provider,
          pool,
          { ...common(), store: client, grant: 'client_credentials', tokenKey: `service:${++run}` },
          `${client} client_credentials`,
        )
      })

      it('redis-server stopped mid-run: typed errors only, no request hangs, every process recovers after the restart', async () => {
        const { provider, pool } = environment
        const tokenKey = nextKey()
        await store.set(tokenKey, await provider.userToken())

        await expectStoreOutageRecovers(provider, pool, { ...common(), store: client, grant: 'refresh', tokenKey }, `${client} redis stopped`, redis, {
          stopAfterMs: 3000,
          downMs: 3000,
          recoverMs: 2500,
        })
      })

      it('redis-server stopped mid-run of a client-credentials token: no request fails (each process grants its own meanwhile), none hangs, the store is used again after the restart', async () => {
        const { provider, pool } = environment
        const tokenKey = `service:${++run}`
        await expectProceedThroughOutage(
          provider,
          pool,
          { ...common(), durationMs: 8000, store: client, grant: 'client_credentials', tokenKey },
          `${client} client_credentials redis stopped`,
          redis,
          store,
          { stopAfterMs: 2500, downMs: 3000 },
        )
      })

      it('redis-server stopped while a process refreshes: its rotated token, unwritten, is offered again after the restart and its peers take it rather than spend the old refresh token', async () => {
        const { pool } = environment
        // Tokens that live 4 s: the renewed one is still valid when the store comes back.
        await using slow = await startRotatingProvider({ ttlSeconds: 4 })
        const tokenKey = nextKey()
        await store.set(tokenKey, await slow.userToken())

        await expectUnwrittenRenewalReoffered(
          slow,
          pool,
          { ...common(), durationMs: 9000, tokenUrl: slow.tokenUrl, resourceUrl: slow.resourceUrl, store: client, grant: 'refresh', tokenKey },
          `${client} redis stopped mid-refresh`,
          redis,
          store,
          { holdMs: 300, downMs: 2000 },
          () => requestThroughStore(store, tokenKey, slow.tokenUrl, slow.resourceUrl),
        )
      })
    })
  }

  // Last (mocha runs a suite's own specs before its nested suites): each kills one of the pool's workers (the second runs with 7).
  describe('a worker killed', () => {
    for (const client of ['node-redis', 'ioredis'] as const) {
      it(`a process SIGKILLed mid-refresh while it holds the lease (${client}): the others refresh within the lease TTL and the grant survives`, async () => {
        const { provider, pool } = environment
        const tokenKey = nextKey()
        await store.set(tokenKey, await provider.userToken())

        await expectKilledRefresherRecovers(
          provider,
          pool,
          { ...common(), durationMs: 8000, store: client, grant: 'refresh', tokenKey, refreshLeaseMs: 3000 },
          `${client} killed mid-refresh`,
          () => requestThroughStore(store, tokenKey, provider.tokenUrl, provider.resourceUrl),
        )
      })
    }
  })
})
