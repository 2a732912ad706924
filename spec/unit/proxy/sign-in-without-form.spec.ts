import { expect } from 'chai'
import nock from 'nock'
import { ProxyAuthenticationError, ProxySession } from '../../../lib/index.js'

const options = {
  oauth2Username: 'bot',
  oauth2Password: 'pw-secret',
  authenticationBaseUrl: 'https://site.test/oauth2/start',
  authenticationSessionUrl: 'https://gh.test/session',
}

describe('ProxySession sign-in when the start URL shows no login form', () => {
  it('counts as signed in when the proxy callback set its split session cookie without a login', async () => {
    const scope = nock('https://site.test')
      .get('/oauth2/start')
      .reply(302, '', { Location: '/oauth2/callback' })
      .get('/oauth2/callback')
      .reply(302, '', { Location: '/', 'Set-Cookie': '_oauth2_proxy_0=part; Path=/' })
      .get('/')
      .reply(200, '<p>home</p>', { 'Content-Type': 'text/html' })
    const session = new ProxySession(options)

    await session.authenticate()

    expect((await session.cookies.getCookies('https://site.test/')).map((cookie) => cookie.key)).to.deep.equal(['_oauth2_proxy_0'])
    scope.done()
    await session.close()
  })

  it('throws ProxyAuthenticationError no_login_form, naming where the start URL led, without the password', async () => {
    const scope = nock('https://site.test').get('/oauth2/start').reply(200, '<h1>Maintenance</h1>', { 'Content-Type': 'text/html' })
    const session = new ProxySession(options)

    const error = await session.authenticate().catch((e: unknown) => e)

    expect(error).to.be.instanceOf(ProxyAuthenticationError).and.include({ reason: 'no_login_form' })
    expect((error as Error).message).to.include('https://site.test/oauth2/start (HTTP 200), which has no login form')
    expect(JSON.stringify(error) + String(error)).to.not.include('pw-secret')
    scope.done()
    await session.close()
  })

  it('reads and writes its settings through properties as well as the Python-style methods', () => {
    const session = new ProxySession()

    session.oauth2Username = 'alice'
    session.oauth2Password = 'pw'
    session.authenticationBaseUrl = 'https://site.test/oauth2/start'
    session.authenticationSessionUrl = 'https://gh.test/session'
    session.setAuthenticationSessionUrl('https://gh.test/login')
    session.setAuthenticationPostdata({ commit: 'Go' })

    expect([session.oauth2Username, session.authenticationBaseUrl, session.authenticationSessionUrl]).to.deep.equal([
      'alice',
      'https://site.test/oauth2/start',
      'https://gh.test/login',
    ])
    expect(session.getAuthenticationPostdata()).to.deep.equal({ commit: 'Go' })
    expect(Object.getOwnPropertyDescriptor(ProxySession.prototype, 'oauth2Password')?.get).to.equal(undefined)
  })
})
