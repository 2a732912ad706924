import { expect } from 'chai'
import nock from 'nock'
import { inspect } from 'node:util'
import { CredentialRedirectRefusedError, ProxyAuthenticationError, ProxySession } from '../../../lib/index.js'
import { redirectCollector } from '../../support/redirect-collector.js'

const options = {
  oauth2Username: 'bot',
  oauth2Password: 'gh-password-5c1e',
  authenticationBaseUrl: 'https://site.test/oauth2/start',
  authenticationSessionUrl: 'https://gh.test/session',
}

const LOGIN_PAGE =
  '<form action="/session" method="post"><input type="hidden" name="authenticity_token" value="csrf-1"><input name="login"><input type="password" name="password"></form>'

/** The proxy start URL bouncing to the provider's login page. */
function startAtLogin(): nock.Scope[] {
  return [
    nock('https://site.test').get('/oauth2/start').reply(302, '', { Location: 'https://gh.test/login' }),
    nock('https://gh.test').get('/login').reply(200, LOGIN_PAGE, { 'Content-Type': 'text/html' }),
  ]
}

describe('ProxySession login POST answered with a redirect', () => {
  const refused: [label: string, status: number, location: string][] = [
    ['a 307 to another origin', 307, 'https://evil.test/collect'],
    ['a 308 to another origin', 308, 'https://evil.test/collect'],
    ['a 307 from https to http on the same host', 307, 'http://gh.test/session'],
  ]
  for (const [label, status, location] of refused) {
    it(`refuses ${label} with CredentialRedirectRefusedError, never re-sending the password`, async () => {
      const scopes = [...startAtLogin(), nock('https://gh.test').post('/session').reply(status, '', { Location: location })]
      const collector = redirectCollector(location)
      const session = new ProxySession(options)
      try {
        const error = (await session.authenticate().catch((caught: unknown) => caught)) as CredentialRedirectRefusedError

        expect(error).to.be.instanceOf(CredentialRedirectRefusedError).and.include({ status, code: 'ERR_CREDENTIAL_REDIRECT_REFUSED' })
        expect(error.location).to.equal(location)
        expect(collector.hits).to.equal(0)
        expect(`${error.message} ${inspect(error)} ${JSON.stringify(error)}`).to.not.include(options.oauth2Password)
        for (const scope of scopes) scope.done()
      } finally {
        await session.close()
      }
    })
  }

  it('re-sends the form on a same-origin 307, as a browser does', async () => {
    const scopes = [
      ...startAtLogin(),
      nock('https://gh.test')
        .post('/session')
        .reply(307, '', { Location: '/session/v2' })
        .post('/session/v2', (body) => body.password === options.oauth2Password)
        .reply(302, '', { Location: 'https://site.test/oauth2/callback?code=c1' }),
      nock('https://site.test')
        .get('/oauth2/callback')
        .query({ code: 'c1' })
        .reply(302, '', { Location: '/', 'Set-Cookie': '_oauth2_proxy=s1; Path=/' })
        .get('/')
        .reply(200, '<p>home</p>', { 'Content-Type': 'text/html' }),
    ]
    const session = new ProxySession(options)
    try {
      await session.authenticate()

      for (const scope of scopes) scope.done()
    } finally {
      await session.close()
    }
  })

  it('follows 302 and 303 across github.com and the proxy (a GET, the body dropped)', async () => {
    const scopes = [
      ...startAtLogin(),
      nock('https://gh.test').post('/session').reply(303, '', { Location: 'https://gh.test/login/oauth/authorize?client_id=p' }),
      nock('https://gh.test').get('/login/oauth/authorize').query({ client_id: 'p' }).reply(302, '', { Location: 'https://site.test/oauth2/callback?code=c2' }),
      nock('https://site.test')
        .get('/oauth2/callback')
        .query({ code: 'c2' })
        .reply(302, '', { Location: '/', 'Set-Cookie': '_oauth2_proxy=s2; Path=/' })
        .get('/')
        .reply(200, '<p>home</p>', { 'Content-Type': 'text/html' }),
    ]
    const session = new ProxySession(options)
    try {
      await session.authenticate()

      expect((await session.cookies.getCookies('https://site.test/')).map((cookie) => cookie.key)).to.deep.equal(['_oauth2_proxy'])
      for (const scope of scopes) scope.done()
    } finally {
      await session.close()
    }
  })
})

describe('ProxySession sign-in that ends without the proxy cookie at a URL whose query names two-factor', () => {
  it('reports no_proxy_cookie: only the path tells a two-factor page', async () => {
    const scopes = [
      ...startAtLogin(),
      nock('https://gh.test').post('/session').reply(302, '', { Location: 'https://site.test/done?next=two-factor' }),
      nock('https://site.test').get('/done').query({ next: 'two-factor' }).reply(200, 'signed in?', { 'Content-Type': 'text/plain' }),
    ]
    const session = new ProxySession(options)
    try {
      const error = await session.authenticate().catch((caught: unknown) => caught)

      expect(error).to.be.instanceOf(ProxyAuthenticationError).and.include({ reason: 'no_proxy_cookie' })
      for (const scope of scopes) scope.done()
    } finally {
      await session.close()
    }
  })
})
