import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FileTokenStore, OAuth2Session } from '../../../lib/index.js'
import { REFRESH_CLIENT, type RotatingProvider, startRotatingProvider } from '../../support/rotating-provider.js'
import { closeAfterAll } from '../../support/servers.js'
import { expectKilledRefresherRecovers, expectSharedRun, RUN } from '../../support/shared-token-runs.js'
import { startTokenWorkers, type TokenWorkerPool } from '../../support/token-workers.js'

/**
 * #16 Verification, file store, the longer runs (the refresh run is in
 * spec/integration/tokens/cross-process-file.spec.ts, in npm test): 8 forked processes share a
 * client-credentials token through a FileTokenStore, and a process killed while it holds the
 * refresh lease does not take the grant with it.
 */
describe('Tokens across processes: FileTokenStore, long runs', function () {
  this.timeout(90_000)
  const closeLater = closeAfterAll()
  let provider: RotatingProvider
  let pool: TokenWorkerPool
  let dir: string

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'oauth-sessions-xproc-'))
    await closeLater({ [Symbol.asyncDispose]: () => rm(dir, { recursive: true, force: true }) })
    provider = await closeLater(startRotatingProvider())
    pool = await closeLater(startTokenWorkers(8))
  })

  it('8 processes share a client-credentials token: one grant per expiry, no failed request', async () => {
    await expectSharedRun(
      provider,
      pool,
      {
        ...RUN,
        store: 'file',
        storePath: join(dir, 'service.json'),
        grant: 'client_credentials',
        tokenKey: 'service',
        tokenUrl: provider.tokenUrl,
        resourceUrl: provider.resourceUrl,
      },
      'file client_credentials',
    )
  })

  // Last: it kills one of the pool's workers.
  it('a process SIGKILLed mid-refresh while it holds the lease: the others refresh within the lease TTL and the grant survives', async () => {
    const storePath = join(dir, 'killed.json')
    const store = new FileTokenStore(storePath)
    await store.set('user:alice', await provider.userToken())
    const tokenUrl = provider.tokenUrl

    await expectKilledRefresherRecovers(
      provider,
      pool,
      {
        ...RUN,
        durationMs: 8000,
        store: 'file',
        storePath,
        grant: 'refresh',
        tokenKey: 'user:alice',
        tokenUrl,
        resourceUrl: provider.resourceUrl,
        refreshLeaseMs: 3000,
      },
      'file killed mid-refresh',
      async () => {
        const session = new OAuth2Session(REFRESH_CLIENT.id, {
          tokenStore: store,
          tokenKey: 'user:alice',
          autoRefreshUrl: tokenUrl,
          autoRefreshKwargs: { client_id: REFRESH_CLIENT.id, client_secret: REFRESH_CLIENT.secret },
        })
        try {
          return (await session.get(provider.resourceUrl)).status
        } finally {
          await session.close()
        }
      },
    )
  })
})
