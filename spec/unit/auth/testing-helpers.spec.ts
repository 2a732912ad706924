import { expect } from 'chai'
import nock from 'nock'
import { createHmac } from 'node:crypto'
import { OAuth2ClientCredentials, OAuth2Implicit, OktaAuthorizationCodePKCE, Session, tokenCache } from '../../../lib/index.js'
import { BrowserMock, createToken, tokenCacheMock, useTokenCache } from '../../../lib/testing/index.js'
import { echoReply, type WireEcho } from '../../support/nock-echo.js'

describe('requests-auth testing helpers', () => {
  it('tokenCacheMock gives every strategy the documented default token without any flow, and restores', async () => {
    const before = tokenCache()
    const mock = tokenCacheMock()
    const session = new Session()
    const scope = nock('https://api.test').get('/x').reply(echoReply)
    try {
      const auth = new OAuth2ClientCredentials('https://idp.test/token', 'id', 'secret')

      const echo = (await session.get('https://api.test/x', { auth })).json<WireEcho>()

      expect(echo.headers.authorization).to.equal('Bearer 2YotnFZFEjr1zCsicMWpAA')
      scope.done()
    } finally {
      mock.restore()
      await session.close()
    }
    expect(tokenCache()).to.equal(before)
  })

  it('tokenCacheMock also covers the browser flows: no browser opens, the custom token is sent', async () => {
    const mock = tokenCacheMock('MyCustomTokenValue')
    const browser = new BrowserMock().install()
    const session = new Session()
    const scope = nock('https://api.test').get('/x').times(2).reply(echoReply)
    try {
      const implicit = new OAuth2Implicit('https://idp.test/authorize', { clientId: 'app' })
      const pkce = new OktaAuthorizationCodePKCE('idp.test', 'app')

      const answers = [await session.get('https://api.test/x', { auth: implicit }), await session.get('https://api.test/x', { auth: pkce })]

      expect(answers.map((answer) => answer.json<WireEcho>().headers.authorization)).to.deep.equal(['Bearer MyCustomTokenValue', 'Bearer MyCustomTokenValue'])
      scope.done()
    } finally {
      mock.restore()
      browser.restore()
      await session.close()
    }
  })

  it('BrowserMock refuses a URL nobody scripted, and restore() reports scripted tabs never opened', async () => {
    const browser = new BrowserMock().install()
    browser.addResponse({ openedUrl: 'https://idp.test/authorize?expected=1', replyUrl: 'http://localhost:1/' })

    expect(() => browser.open('https://idp.test/authorize?other=1')).to.throw('not expected to open https://idp.test/authorize?other=1')
    expect(() => browser.restore()).to.throw('1 scripted browser response(s) were never opened')
  })

  it('useTokenCache gives a fresh cache and clears it on restore', async () => {
    const { cache, restore } = useTokenCache()

    cache.addToken('k', { token: 't', expiresIn: 60 })
    const token = await cache.getToken('k', 0, () => Promise.reject(new Error('unused')))
    restore()

    expect(token).to.equal('t')
    expect(tokenCache()).to.not.equal(cache)
  })

  it('createToken makes an HS256 JWT with the exp claim, verifiable with the key "secret"', () => {
    const expiry = new Date('2030-01-02T03:04:05Z')

    const token = createToken(expiry)
    const [header, payload, signature] = token.split('.') as [string, string, string]

    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).to.deep.equal({ alg: 'HS256', typ: 'JWT' })
    expect(JSON.parse(Buffer.from(payload, 'base64url').toString())).to.deep.equal({ exp: 1893553445 })
    expect(createHmac('sha256', 'secret').update(`${header}.${payload}`).digest('base64url')).to.equal(signature)
  })
})
