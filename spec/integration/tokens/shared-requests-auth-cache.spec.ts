import { expect } from 'chai'
import { JsonTokenFileCache, type NewToken } from '../../../lib/index.js'
import { tempTokenFileEachSpec } from '../../support/temp-token-file.js'

/**
 * Two JsonTokenFileCache objects on one file stand for two processes: each has its own in-process
 * single flight, so only the file's lease keeps them from spending one refresh token twice.
 */
describe('the requests-auth token cache shared through one file (#16)', () => {
  const files = tempTokenFileEachSpec('oauth-sessions-shared-cache-')

  it('gets one new token for two caches whose shared token expired, the second taking the first one’s', async () => {
    const { path } = files
    const first = new JsonTokenFileCache(path)
    const second = new JsonTokenFileCache(path)
    await first.addToken('grant', { token: 'old', expiresAt: 1, refreshToken: 'rt-1' })
    const spent: Array<string | undefined> = []
    const onMissing = async (refreshToken: string | undefined): Promise<NewToken> => {
      spent.push(refreshToken)
      await new Promise((resolve) => setTimeout(resolve, 150))
      return { token: `new-${spent.length}`, expiresIn: 3600, refreshToken: `rt-${spent.length + 1}` }
    }

    const tokens = await Promise.all([first.getToken('grant', 30, onMissing), second.getToken('grant', 30, onMissing)])

    expect(spent).to.deep.equal(['rt-1'])
    expect(tokens).to.deep.equal(['new-1', 'new-1'])
    expect((await second.get('grant'))?.token.refresh_token).to.equal('rt-2')
  })

  it('holds the lease while a flow runs, so a peer waits instead of starting a second one', async () => {
    const { path } = files
    const caches = [new JsonTokenFileCache(path), new JsonTokenFileCache(path)] as const
    let flows = 0
    // While the flow runs, the lease is held: a third party asking for it is refused.
    const onMissing = async (): Promise<NewToken> => {
      flows += 1
      await new Promise((resolve) => setTimeout(resolve, 200))
      expect(await caches[1].lease('grant', 1000)).to.equal(undefined)
      return { token: 'from-browser', expiresIn: 3600 }
    }

    const tokens = await Promise.all([caches[0].getToken('grant', 30, onMissing), caches[1].getToken('grant', 30, onMissing)])

    expect(flows).to.equal(1)
    expect(tokens).to.deep.equal(['from-browser', 'from-browser'])
  })
})
