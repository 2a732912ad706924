import { join } from 'node:path'
import { FileTokenStore } from '../../../lib/index.js'
import { closeAfterAll } from '../../support/servers.js'
import { expectSharedRun, RUN, sharedRunEnvironment } from '../../support/shared-token-runs.js'

/**
 * #16 Verification, file store: 8 forked processes share one rotating refresh token through a
 * FileTokenStore and call a resource for 10 s across five 2-second expiries. A refresh token spent
 * twice makes oidc-provider revoke the grant, so any refresh that is not single-flight across the
 * processes shows up as invalid_grant and failed requests. (The client-credentials run and the
 * worker killed mid-refresh are in spec/services/tokens/cross-process-file.spec.ts: together they
 * would take npm test past half a minute.)
 */
describe('Tokens across processes: FileTokenStore', function () {
  this.timeout(60_000)
  const closeLater = closeAfterAll()
  const environment = sharedRunEnvironment(closeLater, { tempDir: true })

  it('8 processes refresh a rotating refresh token once per expiry: no failed request, no invalid_grant, the grant lives', async () => {
    const { provider, pool, dir } = environment
    const storePath = join(dir, 'refresh.json')
    await new FileTokenStore(storePath).set('user:alice', await provider.userToken())

    await expectSharedRun(
      provider,
      pool,
      { ...RUN, store: 'file', storePath, grant: 'refresh', tokenKey: 'user:alice', tokenUrl: provider.tokenUrl, resourceUrl: provider.resourceUrl },
      'file refresh',
    )
  })
})
