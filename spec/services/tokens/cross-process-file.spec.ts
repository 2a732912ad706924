import { join } from 'node:path'
import { FileTokenStore } from '../../../lib/index.js'
import { closeAfterAll } from '../../support/servers.js'
import { expectKilledRefresherRecovers, expectSharedRun, RUN, requestThroughStore, sharedRunEnvironment } from '../../support/shared-token-runs.js'

/**
 * #16 Verification, file store, the longer runs (the refresh run is in
 * spec/integration/tokens/cross-process-file.spec.ts, in npm test): 8 forked processes share a
 * client-credentials token through a FileTokenStore, and a process killed while it holds the
 * refresh lease does not take the grant with it.
 */
describe('Tokens across processes: FileTokenStore, long runs', function () {
  this.timeout(90_000)
  const closeLater = closeAfterAll()
  const environment = sharedRunEnvironment(closeLater, { tempDir: true })

  it('8 processes share a client-credentials token: one grant per expiry, no failed request', async () => {
    const { provider, pool, dir } = environment
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
    const { provider, pool, dir } = environment
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
      () => requestThroughStore(store, 'user:alice', tokenUrl, provider.resourceUrl),
    )
  })
})
