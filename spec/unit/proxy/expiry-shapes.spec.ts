import { expect } from 'chai'
import nock from 'nock'
import { ProxyAuthenticationError, ProxySession } from '../../../lib/index.js'
import { trafficCounter } from '../../support/traffic-counter.js'

const options = {
  oauth2Username: 'bot',
  oauth2Password: 'pw-secret',
  authenticationBaseUrl: 'https://site.test/oauth2/start',
  authenticationSessionUrl: 'https://gh.test/session',
}
const HTML = { 'Content-Type': 'text/html; charset=utf-8' }

/** oauth2-proxy's sign_in.html as it renders (pkg/app/pagewriter), the custom-login form left out as by default. */
function proxySignInPage(rd: string): string {
  return (
    '<!DOCTYPE html><html lang="en" charset="utf-8"><head><title>Sign In</title></head><body class="has-background-light">' +
    '<section class="section"><div class="box block sign-in-box has-text-centered">' +
    `<form method="GET" action="/oauth2/start"><input type="hidden" name="rd" value="${rd}">` +
    '<button type="submit" class="button block is-primary">Sign in with GitHub</button></form></div></section>' +
    '<footer class="footer"><p>Secured with <a href="https://github.com/oauth2-proxy/oauth2-proxy#oauth2_proxy">OAuth2 Proxy</a> version v7.6.0</p></footer>' +
    '</body></html>'
  )
}

/** One sign-in dance in which the provider still knows the user: start → callback (sets the cookie) → /. */
function dance(scope: nock.Scope, cookie: string): nock.Scope {
  return scope
    .get('/oauth2/start')
    .reply(302, '', { Location: '/oauth2/callback' })
    .get('/oauth2/callback')
    .reply(302, '', { Location: '/', 'Set-Cookie': `_oauth2_proxy=${cookie}; Path=/` })
    .get('/')
    .reply(200, '<p>home</p>', HTML)
}

async function signedIn(): Promise<ProxySession> {
  const scope = dance(nock('https://site.test'), 'first')
  const session = new ProxySession(options)
  await session.authenticate()
  scope.done()
  return session
}

describe('ProxySession sees each shape of an expired proxy session, signs in again once and retries once', () => {
  const bounces: [string, (scope: nock.Scope) => nock.Scope][] = [
    ["oauth2_proxy's default mode: its sign-in page in place, HTTP 403", (scope) => scope.get('/status').reply(403, proxySignInPage('/status'), HTML)],
    [
      'nginx auth_request: 302 to /oauth2/sign_in?rd=…, the sign-in page there with HTTP 200',
      (scope) =>
        scope
          .get('/status')
          .reply(302, '', { Location: '/oauth2/sign_in?rd=https%3A%2F%2Fsite.test%2Fstatus' })
          .get('/oauth2/sign_in')
          .query({ rd: 'https://site.test/status' })
          .reply(200, proxySignInPage('https://site.test/status'), HTML),
    ],
    [
      "--skip-provider-button: through the start URL to the provider's login form (recognised before too)",
      (scope) => {
        nock('https://gh.test')
          .get('/login')
          .query({ return_to: '/status' })
          .reply(200, '<form action="/session" method="post"><input name="login"><input type="password" name="password"></form>', HTML)
        return scope.get('/status').reply(302, '', { Location: 'https://gh.test/login?return_to=%2Fstatus' })
      },
    ],
  ]
  for (const [shape, bounce] of bounces) {
    it(`recognises ${shape}`, async () => {
      const session = await signedIn()
      try {
        const site = nock('https://site.test')
        bounce(site)
        dance(site, 'second')
        site
          .get('/status')
          .matchHeader('cookie', /_oauth2_proxy=second/)
          .reply(200, { ok: true })

        const answer = await session.get('https://site.test/status')

        expect(answer.status).to.equal(200)
        expect(answer.json()).to.deep.equal({ ok: true })
        site.done()
        expect(nock.isDone()).to.equal(true)
      } finally {
        await session.close()
      }
    })
  }

  it('signs in again but does not repeat a POST, and says so with ProxyAuthenticationError session_expired', async () => {
    const session = await signedIn()
    try {
      const site = nock('https://site.test').post('/items').reply(403, proxySignInPage('/items'), HTML)
      dance(site, 'second')

      const error = await session.post('https://site.test/items', { data: { name: 'x' } }).catch((e: unknown) => e)

      expect(error).to.be.instanceOf(ProxyAuthenticationError).and.include({ reason: 'session_expired' })
      expect((error as Error).message)
        .to.include('send it again')
        .and.not.include('pw-secret')
      site.done()
      expect((await session.cookies.getCookies('https://site.test/')).find((cookie) => cookie.key === '_oauth2_proxy')?.value).to.equal('second')
    } finally {
      await session.close()
    }
  })

  it('retries only once: a second bounce is returned, not chased', async () => {
    const session = await signedIn()
    try {
      const site = nock('https://site.test').get('/status').reply(403, proxySignInPage('/status'), HTML)
      dance(site, 'second')
      site.get('/status').reply(403, proxySignInPage('/status'), HTML)
      const traffic = trafficCounter()

      const answer = await session.get('https://site.test/status').finally(() => traffic.stop())

      expect(answer.status).to.equal(403)
      expect(traffic.count).to.equal(0)
      site.done()
    } finally {
      await session.close()
    }
  })

  it("leaves a site's own 403 page, and a sign-in-like form elsewhere, alone", async () => {
    const session = await signedIn()
    const traffic = trafficCounter()
    try {
      nock('https://site.test')
        .get('/admin')
        .reply(403, '<h1>Forbidden</h1><form action="/request-access"><input type="hidden" name="rd" value="/admin"></form>', HTML)
        .get('/help')
        .reply(200, proxySignInPage('/help'), HTML)

      const forbidden = await session.get('https://site.test/admin')
      const help = await session.get('https://site.test/help')

      expect([forbidden.status, help.status]).to.deep.equal([403, 200])
      expect(traffic.count).to.equal(0)
    } finally {
      traffic.stop()
      await session.close()
    }
  })
})
