import { expect } from 'chai'
import { MemoryTokenStore, type OAuth2Token } from '../../../lib/index.js'
import { renewShared } from '../../../lib/tokens/shared-renewal.js'

/** The requests-auth cache's renewal has no deadline of its own (a browser flow waits for the user): its lease must outlive its TTL. */
describe('renewShared with keepLease', () => {
  it('extends the lease while a renewal runs longer than the lease TTL, and releases it at the end', async () => {
    const store = new MemoryTokenStore()
    const probes: boolean[] = []
    const renew = async (): Promise<OAuth2Token> => {
      await new Promise((resolve) => setTimeout(resolve, 1500))
      // 1.5 lease TTLs after the lease was taken: only a heartbeat keeps it held.
      const intruder = await store.lease('key', 1000)
      probes.push(intruder === undefined)
      await intruder?.release()
      return { access_token: 'fresh', expires_at: Date.now() / 1000 + 3600 }
    }

    const result = await renewShared({
      store,
      key: 'key',
      local: {},
      localVersion: undefined,
      force: false,
      usable: (token) => typeof token.access_token === 'string',
      renew,
      refused: () => false,
      reauthorization: (error) => error,
      onUnavailable: 'fail',
      leaseMs: 1000,
      waitMs: 5000,
      keepLease: true,
    })

    expect(result.token.access_token).to.equal('fresh')
    expect(probes).to.deep.equal([true])
    expect(await store.lease('key', 1000)).to.not.equal(undefined)
  })
})
