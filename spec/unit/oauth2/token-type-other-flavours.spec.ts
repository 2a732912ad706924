import { expect } from 'chai'
import nock from 'nock'
import { OAuth2Implicit, OAuth2Service, Session, UnsupportedTokenTypeError } from '../../../lib/index.js'
import { BrowserMock, useTokenCache, type TokenCacheHandle } from '../../../lib/testing/index.js'
import { freePort } from '../../support/free-port.js'

describe('token_type in the rauth and requests-auth implicit flavours (#14, attack 11)', () => {
  it("rauth's getAuthSession refuses a MAC token before any API request; a Bearer one (any case) is used", async () => {
    const service = new OAuth2Service({ clientId: 'id', clientSecret: 'secret', accessTokenUrl: 'https://idp.test/token', baseUrl: 'https://api.test/' })
    const idp = nock('https://idp.test')
      .post('/token')
      .reply(200, { access_token: 'mac-token-1', token_type: 'MAC', mac_key: 'k' })
      .post('/token')
      .reply(200, { access_token: 'bearer-token-1', token_type: 'bearer' })
    try {
      const error = await service.getAuthSession({ data: { code: 'c' } }).catch((e: unknown) => e)
      expect(error).to.be.instanceOf(UnsupportedTokenTypeError).and.include({ tokenType: 'MAC' })
      expect((error as Error).message).to.not.include('mac-token-1')

      const session = await service.getAuthSession({ data: { code: 'c' } })
      expect(session.accessToken).to.equal('bearer-token-1')
      // getAccessToken stays rauth's: the string, whatever the type.
      idp.done()
    } finally {
      await service.close()
    }
  })

  describe('OAuth2Implicit', () => {
    let browser: BrowserMock
    let cache: TokenCacheHandle
    beforeEach(() => {
      browser = new BrowserMock().install()
      cache = useTokenCache()
    })
    afterEach(() => {
      cache.restore()
      browser.restore()
    })

    it('refuses a token whose token_type in the redirect is not Bearer, before the API request', async () => {
      const port = await freePort()
      const auth = new OAuth2Implicit('https://idp.test/authorize', { clientId: 'app', redirectUriPort: port })
      browser.addResponse({
        openedUrl: () => true,
        replyUrl: (opened) => `http://localhost:${port}/#access_token=dpop-token-1&token_type=DPoP&state=${new URL(opened).searchParams.get('state')}`,
      })
      let apiCalls = 0
      // Must stay unused: the API request is never made.
      nock('https://api.test')
        .get('/me')
        .optionally()
        .reply(() => {
          apiCalls += 1
          return [200, 'ok']
        })
      const session = new Session()
      try {
        const error = await session.get('https://api.test/me', { auth }).catch((e: unknown) => e)

        expect(error).to.be.instanceOf(UnsupportedTokenTypeError).and.include({ tokenType: 'DPoP' })
        expect(apiCalls).to.equal(0)
      } finally {
        await session.close()
      }
    })
  })
})
