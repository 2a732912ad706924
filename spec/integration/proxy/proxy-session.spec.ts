import { expect } from 'chai'
import { inspect } from 'node:util'
import { ProxyAuthenticationError, ProxySession, ProxySessionService, Session } from '../../../lib/index.js'
import { startSandbox, type Sandbox } from '../../../lib/testing/index.js'

describe('ProxySession against the sandbox oauth2_proxy gate', () => {
  let sandbox: Sandbox
  before(async () => {
    sandbox = await startSandbox()
  })
  after(() => sandbox.close())

  const options = (username: string, password: string) => ({
    oauth2Username: username,
    oauth2Password: password,
    authenticationBaseUrl: sandbox.proxy.startUrl,
    authenticationSessionUrl: sandbox.proxy.sessionUrl,
  })

  it('signs in through the provider login form and reaches the protected site', async () => {
    const session = await ProxySession.create(options(sandbox.proxy.username, sandbox.proxy.password))

    const page = await session.get(`${sandbox.proxy.siteUrl}status`)

    expect(page.json()).to.deep.equal({ protected: true, path: '/site/status' })
    expect((await session.cookies.getCookies(sandbox.proxy.startUrl)).map((cookie) => cookie.key)).to.include('_oauth2_proxy')
    await session.close()
  })

  it('signs in on the first request when given credentials, and a plain Session is bounced', async () => {
    const session = new ProxySession(options(sandbox.proxy.username, sandbox.proxy.password))
    const anonymous = new Session()

    const page = await session.get(`${sandbox.proxy.siteUrl}dashboard`)
    const bounced = await anonymous.get(`${sandbox.proxy.siteUrl}dashboard`)

    expect(page.status).to.equal(200)
    expect(bounced.text).to.include('name="password"')
    await session.close()
    await anonymous.close()
  })

  it('signs in again once when a later request is bounced to the sign-in page', async () => {
    const session = await ProxySession.create(options(sandbox.proxy.username, sandbox.proxy.password))
    await new Session().post(sandbox.proxy.expireUrl)

    const page = await session.get(`${sandbox.proxy.siteUrl}after-expiry`)

    expect(page.json()).to.deep.equal({ protected: true, path: '/site/after-expiry' })
    await session.close()
  })

  for (const [mode, site] of [
    ["oauth2_proxy's default mode (sign-in page in place, HTTP 403)", () => sandbox.proxy.signInPageSiteUrl],
    ['nginx auth_request (302 to /oauth2/sign_in?rd=…)', () => sandbox.proxy.authRequestSiteUrl],
  ] as const) {
    it(`a monitoring bot recovers after the proxy expires its session server-side, in ${mode}`, async () => {
      const session = await ProxySession.create(options(sandbox.proxy.username, sandbox.proxy.password))
      const anonymous = new Session()
      try {
        const before = await session.get(`${site()}health`)
        const bounced = await anonymous.get(`${site()}health`)
        await anonymous.post(sandbox.proxy.expireUrl)

        const after = await session.get(`${site()}health`)

        expect(before.json()).to.deep.include({ protected: true })
        expect(bounced.text).to.include('action="/site/oauth2/start"').and.include('name="rd"').and.not.include('name="password"')
        expect(after.status).to.equal(200)
        expect(after.json()).to.deep.include({ protected: true })
      } finally {
        await session.close()
        await anonymous.close()
      }
    })
  }

  it('shows the sign-in page with HTTP 403 in place, and at the sign-in URL with HTTP 200 after a 302', async () => {
    const anonymous = new Session()
    try {
      const inPlace = await anonymous.get(`${sandbox.proxy.signInPageSiteUrl}x?y=1`)
      const viaNginx = await anonymous.get(`${sandbox.proxy.authRequestSiteUrl}x?y=1`)

      expect(inPlace.status).to.equal(403)
      expect(inPlace.text).to.include('value="/site/sign-in-page/x?y=1"')
      expect(viaNginx.history.map((hop) => hop.status)).to.deep.equal([302])
      expect([viaNginx.status, viaNginx.url]).to.deep.equal([200, `${sandbox.proxy.signInUrl}?rd=%2Fsite%2Fauth-request%2Fx%3Fy%3D1`])
    } finally {
      await anonymous.close()
    }
  })

  const failures: [string, () => Record<string, string>, ProxyAuthenticationError['reason'], string][] = [
    ['a wrong password', () => options(sandbox.proxy.username, 'not-the-password-7f3a'), 'wrong_credentials', 'Incorrect username or password.'],
    ['a two-factor user', () => options(sandbox.proxy.twoFactorUsername, 'sandbox-2fa-password'), 'two_factor', 'service user without two-factor'],
    ['a user who must click Authorize', () => options(sandbox.proxy.consentUsername, 'sandbox-consent-password'), 'needs_consent', 'approve it'],
  ]
  for (const [label, make, reason, hint] of failures) {
    it(`fails with ProxyAuthenticationError (${reason}) for ${label}`, async () => {
      const options = make()
      const error = await ProxySession.create(options).catch((e: unknown) => e)

      expect(error).to.be.instanceOf(ProxyAuthenticationError).and.include({ reason })
      expect((error as Error).message).to.include(hint)
      expect(`${(error as Error).message} ${inspect(error)}`).to.not.include(options.oauth2Password)
    })
  }

  it('reports a missing proxy cookie and missing credentials', async () => {
    const noCookie = await ProxySession.create({ ...options(sandbox.proxy.username, sandbox.proxy.password), proxyCookieName: '_other_proxy' }).catch(
      (e: unknown) => e,
    )
    const empty = await new ProxySession().authenticate().catch((e: unknown) => e)

    expect(noCookie).to.be.instanceOf(ProxyAuthenticationError).and.include({ reason: 'no_proxy_cookie' })
    expect(empty).to.be.instanceOf(ProxyAuthenticationError).and.include({ reason: 'missing_credentials' })
  })

  it('has getters and setters for every attribute but never shows or returns the password', () => {
    const session = new ProxySession()
    session.setOauth2Username('bot')
    session.setOauth2Password('hunter2-secret')
    session.setAuthenticationBaseUrl('https://site.example/oauth2/start')
    session.authenticationPostdata = { commit: 'Sign in' }

    const shown = `${inspect(session, { depth: 5 })} ${JSON.stringify(session)} ${String(session)}`

    expect(session.getOauth2Username()).to.equal('bot')
    expect(session.getAuthenticationBaseUrl()).to.equal('https://site.example/oauth2/start')
    expect(session.getAuthenticationSessionUrl()).to.equal('https://github.com/session')
    expect(session.getAuthenticationPostdata()).to.deep.equal({ commit: 'Sign in' })
    expect('getOauth2Password' in session).to.equal(false)
    expect(Object.getOwnPropertyDescriptor(ProxySession.prototype, 'oauth2Password')?.get).to.equal(undefined)
    expect(shown).to.not.include('hunter2-secret')
  })

  it('is used like the other services through ProxySessionService', async () => {
    const service = new ProxySessionService({ name: 'site', authenticationBaseUrl: sandbox.proxy.startUrl, authenticationSessionUrl: sandbox.proxy.sessionUrl })

    const session = await service.getAuthSession(sandbox.proxy.username, sandbox.proxy.password)
    const page = await session.get(`${sandbox.proxy.siteUrl}`)

    expect(page.status).to.equal(200)
    expect(service.getSession()).to.be.instanceOf(ProxySession)
    await session.close()
  })
})

describe('ProxySession with stream: true', () => {
  it('returns a streamed HTML answer untouched instead of reading it for a sign-in page', async () => {
    await using sandbox = await startSandbox()
    const session = await ProxySession.create({
      oauth2Username: sandbox.proxy.username,
      oauth2Password: sandbox.proxy.password,
      authenticationBaseUrl: sandbox.proxy.startUrl,
      authenticationSessionUrl: sandbox.proxy.sessionUrl,
    })

    const response = await session.get(`${sandbox.proxy.siteUrl}page.html`, { stream: true })
    let text = ''
    for await (const chunk of response.raw ?? []) text += String(chunk)

    expect(response.headers.get('content-type')).to.include('text/html')
    expect(text).to.include('<h1>Protected</h1>')
    await session.close()
  })
})
