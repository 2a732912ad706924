import { expect } from 'chai'
import { freePort } from '../../support/free-port.js'
import got from 'got'
import { createServer } from 'node:http'
import {
  AccessDeniedError,
  AuthorizationTimeoutError,
  authHooks,
  DisplaySettings,
  GrantNotProvidedError,
  HTTPBasicAuth,
  OAuth2AuthorizationCode,
  OAuth2AuthorizationCodePKCE,
  OAuth2Implicit,
  RedirectPortInUseError,
  Session,
  setDisplaySettings,
} from '../../../lib/index.js'
import { BrowserMock, startSandbox, useTokenCache, type Sandbox, type TokenCacheHandle } from '../../../lib/testing/index.js'
import { installClock, runUntilSettled } from '../../support/fake-clock.js'
import { startServer } from '../../support/servers.js'

describe('requests-auth browser flows against the sandbox, with BrowserMock driving the real listener', function () {
  this.timeout(15_000)
  let sandbox: Sandbox
  let session: Session
  let browser: BrowserMock
  let cache: TokenCacheHandle
  let port: number

  before(async () => {
    sandbox = await startSandbox()
  })
  after(() => sandbox.close())
  beforeEach(async () => {
    cache = useTokenCache()
    browser = new BrowserMock().install()
    session = new Session()
    port = await freePort()
  })
  afterEach(async () => {
    cache.restore()
    setDisplaySettings(new DisplaySettings())
    await session.close()
    browser.restore()
  })

  const me = (): string => `${sandbox.oauth2.baseUrl}me`

  it('authorization code: opens the browser once, exchanges the code with Basic client auth, caches the token', async () => {
    const auth = new OAuth2AuthorizationCode(sandbox.oauth2.authorizeUrl, sandbox.oauth2.tokenUrl, {
      clientId: sandbox.oauth2.clientId,
      username: sandbox.oauth2.clientId,
      password: sandbox.oauth2.clientSecret,
      redirectUriPort: port,
      scope: ['read', 'write'],
    })
    const tab = browser.addResponse({ openedUrl: auth.grantUrl, followRedirects: true })

    const answers = await Promise.all([1, 2, 3].map(() => session.get(me(), { auth })))
    const later = await session.get(me(), { auth })

    await tab.assertSuccess()
    expect(answers.map((answer) => answer.status)).to.deep.equal([200, 200, 200])
    expect(answers[0]?.json()).to.include({ user: sandbox.oauth2.username, scope: 'read write', via: 'header' })
    expect(new Set([...answers, later].map((answer) => answer.request.headers.get('authorization'))).size).to.equal(1)
  })

  it('authorization code: refreshes with the refresh token instead of opening the browser again', async () => {
    const auth = new OAuth2AuthorizationCode(sandbox.oauth2.authorizeUrl, `${sandbox.oauth2.tokenUrl}?expires_in=10`, {
      clientId: sandbox.oauth2.clientId,
      username: sandbox.oauth2.clientId,
      password: sandbox.oauth2.clientSecret,
      redirectUriPort: port,
    })
    browser.addResponse({ openedUrl: auth.grantUrl, followRedirects: true })

    const first = await session.get(me(), { auth })
    // The 10 s token counts as expired (earlyExpiry 30 s): a second browser tab would make the mock throw.
    const second = await session.get(me(), { auth })

    expect([first.status, second.status]).to.deep.equal([200, 200])
    expect(second.request.headers.get('authorization')).to.not.equal(first.request.headers.get('authorization'))
  })

  it('PKCE: sends an S256 challenge the sandbox checks against the verifier', async () => {
    const auth = new OAuth2AuthorizationCodePKCE(sandbox.oauth2.authorizeUrl, sandbox.oauth2.tokenUrl, {
      clientId: sandbox.oauth2.clientId,
      client_secret: sandbox.oauth2.clientSecret,
      redirectUriPort: port,
    })
    let opened = ''
    const tab = browser.addResponse({
      openedUrl: (url) => {
        opened = url
        return url.startsWith(auth.grantUrl)
      },
      followRedirects: true,
    })

    const answer = await session.get(me(), { auth })

    await tab.assertSuccess()
    expect(answer.status).to.equal(200)
    const query = new URL(opened).searchParams
    expect(query.get('code_challenge_method')).to.equal('S256')
    expect(query.get('code_challenge')).to.match(/^[A-Za-z0-9_-]{43}$/)
    expect(query.has('client_secret')).to.equal(false)
  })

  it('implicit: the token comes back in the fragment, which the listener page sends back', async () => {
    const auth = new OAuth2Implicit(sandbox.oauth2.authorizeUrl, { clientId: sandbox.oauth2.clientId, redirectUriPort: port, redirectUriEndpoint: 'callback' })
    const tab = browser.addResponse({ openedUrl: auth.grantUrl, followRedirects: true })

    const answer = await session.get(me(), { auth })

    await tab.assertSuccess()
    expect(answer.json()).to.include({ user: sandbox.oauth2.username })
    expect(auth.redirectUri).to.equal(`http://localhost:${port}/callback`)
  })

  it('implicit ID token: sends the id_token (a JWT) in a custom header and keeps it until its exp', async () => {
    const auth = new OAuth2Implicit(sandbox.oauth2.authorizeUrl, {
      clientId: sandbox.oauth2.clientId,
      responseType: 'id_token',
      nonce: 'n-0S6_WzA2Mj',
      redirectUriPort: port,
      headerName: 'Authorization',
      headerValue: 'Bearer {token}',
    })
    const tab = browser.addResponse({ openedUrl: auth.grantUrl, followRedirects: true })

    const answer = await session.get(me(), { auth })
    await session.get(me(), { auth })

    await tab.assertSuccess()
    const token = (answer.request.headers.get('authorization') ?? '').replace('Bearer ', '')
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>
    expect(claims).to.include({ nonce: 'n-0S6_WzA2Mj', aud: sandbox.oauth2.clientId })
    expect(answer.status).to.equal(200)
  })

  it('a denied consent becomes AccessDeniedError and the browser shows the failure page', async () => {
    const auth = new OAuth2AuthorizationCode(`${sandbox.oauth2.authorizeUrl}?deny=1`, sandbox.oauth2.tokenUrl, {
      clientId: sandbox.oauth2.clientId,
      redirectUriPort: port,
    })
    const tab = browser.addResponse({ openedUrl: auth.grantUrl, followRedirects: true })

    const error = await session.get(me(), { auth }).catch((e: unknown) => e)

    expect(error).to.be.instanceOf(AccessDeniedError).and.include({ error: 'access_denied' })
    await tab.assertFailure('access_denied')
  })

  it('ignores a reply whose state differs or is missing until the timeout, and refuses one with the state but no token', async () => {
    const auth = new OAuth2Implicit(sandbox.oauth2.authorizeUrl, { clientId: sandbox.oauth2.clientId, redirectUriPort: port, timeout: 0.5 })
    const stateOf = (opened: string): string => new URL(opened).searchParams.get('state') ?? ''
    const wrong = browser.addResponse({
      openedUrl: () => true,
      replyUrl: (opened) => `http://localhost:${port}/#access_token=abc&state=${stateOf(opened).replace(/./g, '0')}`,
    })
    const noState = browser.addResponse({ openedUrl: () => true, replyUrl: `http://localhost:${port}/#access_token=abc` })
    const noToken = browser.addResponse({ openedUrl: () => true, replyUrl: (opened) => `http://localhost:${port}/#state=${stateOf(opened)}` })

    const errors = []
    for (let attempt = 0; attempt < 3; attempt++) errors.push(await session.get(me(), { auth }).catch((e: unknown) => e))

    expect(errors[0]).to.be.instanceOf(AuthorizationTimeoutError).and.include({ ignoredRequests: 1 })
    expect(errors[1]).to.be.instanceOf(AuthorizationTimeoutError).and.include({ ignoredRequests: 1 })
    expect(errors[2]).to.be.instanceOf(GrantNotProvidedError).and.have.property('receivedNames').that.deep.equals(['state'])
    for (const tab of [wrong, noState]) {
      await tab.settled()
      expect(tab.content).to.include('does not carry the state of the sign-in in progress')
    }
    await noToken.assertFailure('access_token')
  })

  it('accepts the token posted as a form (requests-auth data), with the user display settings', async () => {
    setDisplaySettings(new DisplaySettings({ successDisplayTime: 2500, successHtml: '<style>p {{ color: green }}</style><p>closing in {display_time} ms</p>' }))
    const auth = new OAuth2Implicit(sandbox.oauth2.authorizeUrl, { clientId: sandbox.oauth2.clientId, redirectUriPort: port })
    const token = await session.post(sandbox.oauth2.tokenUrl, {
      data: { grant_type: 'password', username: sandbox.oauth2.username, password: sandbox.oauth2.password },
      auth: new HTTPBasicAuth(sandbox.oauth2.clientId, sandbox.oauth2.clientSecret),
    })
    const accessToken = token.json<{ access_token: string }>().access_token
    const tab = browser.addResponse({
      openedUrl: auth.grantUrl,
      replyUrl: `http://localhost:${port}/`,
      data: `access_token=${accessToken}&expires_in=3600&state=${auth.flowState}`,
    })

    const answer = await session.get(me(), { auth })

    await tab.assertSuccess()
    expect(tab.content).to.equal('<style>p { color: green }</style><p>closing in 2500 ms</p>')
    expect(answer.request.headers.get('authorization')).to.equal(`Bearer ${accessToken}`)
  })

  it('times out with AuthorizationTimeoutError when the browser never comes back, and frees the port', async () => {
    const auth = new OAuth2Implicit(sandbox.oauth2.authorizeUrl, { clientId: sandbox.oauth2.clientId, redirectUriPort: port, timeout: 0.3 })
    browser.addResponse({ openedUrl: auth.grantUrl })
    using clock = installClock()
    const started = Date.now()

    const error = await runUntilSettled(clock, session.get(me(), { auth })).catch((e: unknown) => e)

    expect(Date.now() - started).to.equal(300)
    expect(error).to.be.instanceOf(AuthorizationTimeoutError).and.include({ timeout: 0.3 })
    expect((error as Error).message).to.include(`http://localhost:${port}/`)
    const probe = createServer()
    await new Promise<void>((resolve, reject) => probe.once('error', reject).listen(port, '127.0.0.1', resolve))
    await new Promise<void>((resolve) => probe.close(() => resolve()))
  })

  it('fails with RedirectPortInUseError, before opening the browser, when the port is taken', async () => {
    await using _squatter = await startServer(undefined, port)
    const auth = new OAuth2Implicit(sandbox.oauth2.authorizeUrl, { clientId: sandbox.oauth2.clientId, redirectUriPort: port })

    const error = await session.get(me(), { auth }).catch((e: unknown) => e)

    expect(error).to.be.instanceOf(RedirectPortInUseError).and.include({ port })
    expect((error as Error).message).to.include('redirectUriPort')
  })

  it('works with plain got through authHooks, and sends token requests through the session option', async () => {
    const seen: string[] = []
    class RecordingSession extends Session {
      override async request(method: string, url: string | URL, options?: Parameters<Session['request']>[2]) {
        const response = await super.request(method, url, options)
        seen.push(`${response.request.method} ${response.request.headers.get('x-token-client')} ${response.status}`)
        return response
      }
    }
    const tokenSession = new RecordingSession({ headers: { 'X-Token-Client': 'custom-session' } })
    const auth = new OAuth2AuthorizationCode(sandbox.oauth2.authorizeUrl, sandbox.oauth2.tokenUrl, {
      clientId: sandbox.oauth2.clientId,
      username: sandbox.oauth2.clientId,
      password: sandbox.oauth2.clientSecret,
      redirectUriPort: port,
      session: tokenSession,
    })
    browser.addResponse({ openedUrl: auth.grantUrl, followRedirects: true })

    const client = got.extend(authHooks(auth))
    const answer = await client(me()).json<{ user: string }>()

    expect(answer.user).to.equal(sandbox.oauth2.username)
    expect(seen).to.deep.equal(['POST custom-session 200'])
    await tokenSession.close()
  })

  it('runs flows of two strategies on the same port one after the other', async () => {
    const first = new OAuth2Implicit(sandbox.oauth2.authorizeUrl, { clientId: sandbox.oauth2.clientId, redirectUriPort: port, scope: 'a' })
    const second = new OAuth2Implicit(sandbox.oauth2.authorizeUrl, { clientId: sandbox.oauth2.clientId, redirectUriPort: port, scope: 'b' })
    browser.addResponse({ openedUrl: first.grantUrl, followRedirects: true })
    browser.addResponse({ openedUrl: second.grantUrl, followRedirects: true })

    const answers = await Promise.all([session.get(me(), { auth: first }), session.get(me(), { auth: second })])

    expect(answers.map((answer) => answer.json<{ scope: string }>().scope)).to.deep.equal(['a', 'b'])
  })
})
