import { expect } from 'chai'
import { freePort } from '../../support/free-port.js'
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import nock from 'nock'
import {
  ConfigurationError,
  ConnectionError,
  DisplaySettings,
  InvalidGrantError,
  OAuth2AuthorizationCode,
  OAuth2ClientCredentials,
  OAuth2AuthorizationCodePKCE,
  Session,
  systemBrowser,
  TokenMemoryCache,
} from '../../../lib/index.js'
import { BrowserMock, createToken, tokenCacheMock, useTokenCache, type TokenCacheHandle } from '../../../lib/testing/index.js'

const fixtures = JSON.parse(readFileSync(new URL('../../fixtures/requests-auth/urls.json', import.meta.url), 'utf8')) as {
  tokenBody?: string
  authorizationUrl?: string
}[]

describe('requests-auth code flows on the wire', () => {
  let browser: BrowserMock
  let cache: TokenCacheHandle
  let port: number
  let session: Session
  beforeEach(async () => {
    browser = new BrowserMock().install()
    cache = useTokenCache()
    port = await freePort()
    session = new Session()
  })
  afterEach(async () => {
    cache.restore()
    await session.close()
    browser.restore()
  })

  it('sends requests-auth token body (grant_type, redirect_uri, extras, code) and reads expires_in', async () => {
    const auth = new OAuth2AuthorizationCode('https://provide_code', 'https://provide_access_token/', { redirectUriPort: port })
    browser.addResponse({ openedUrl: auth.grantUrl, replyUrl: `http://localhost:${port}/?code=SplxlOBeZQQYbYS6WxSbIA&state=${auth.flowState}` })
    const expected = (fixtures[0]?.tokenBody ?? '').replace('localhost%3A5000', `localhost%3A${port}`)
    let body = ''
    const scope = nock('https://provide_access_token')
      .post('/', (sent: string | Record<string, string>) => {
        body = typeof sent === 'string' ? sent : new URLSearchParams(sent).toString()
        return true
      })
      .reply(200, { access_token: '2YotnFZFEjr1zCsicMWpAA', token_type: 'Bearer', expires_in: 3600, refresh_token: 'tGzv3JOkF0XG5Qx2TlKWIA' })
    nock('https://api.example').get('/').reply(200, 'ok')

    const answer = await session.get('https://api.example/', { auth })

    expect(body).to.equal(expected)
    expect(answer.request.headers.get('authorization')).to.equal('Bearer 2YotnFZFEjr1zCsicMWpAA')
    scope.done()
  })

  it('refreshes with grant_type=refresh_token, the extras and the refresh token, in that order', async () => {
    const auth = new OAuth2AuthorizationCode('https://provide_code', 'https://provide_access_token/', { redirectUriPort: port, client_id: 'app' })
    browser.addResponse({ openedUrl: auth.grantUrl, replyUrl: `http://localhost:${port}/?code=c1&state=${auth.flowState}` })
    const bodies: string[] = []
    nock('https://provide_access_token')
      .post('/', (sent: string) => Boolean(bodies.push(new URLSearchParams(sent).toString())))
      .reply(200, { access_token: 'first', expires_in: 10, refresh_token: 'r1' })
      .post('/', (sent: string) => Boolean(bodies.push(new URLSearchParams(sent).toString())))
      .reply(200, { access_token: 'second', expires_in: 3600 })
    nock('https://api.example').get('/').times(2).reply(200, 'ok')

    await session.get('https://api.example/', { auth })
    const second = await session.get('https://api.example/', { auth })

    expect(bodies[1]).to.equal('grant_type=refresh_token&client_id=app&response_type=code&refresh_token=r1')
    expect(second.request.headers.get('authorization')).to.equal('Bearer second')
  })

  it('PKCE: a fresh 86-character verifier whose S256 hash is the challenge sent to the browser', async () => {
    const auth = new OAuth2AuthorizationCodePKCE('https://provide_code', 'https://provide_access_token/', { redirectUriPort: port })
    let opened = ''
    browser.addResponse({
      openedUrl: (url) => url.startsWith(auth.grantUrl),
      replyUrl: (url) => {
        opened = url
        return `http://localhost:${port}/?code=c2&state=${auth.flowState}`
      },
    })
    let body = new URLSearchParams()
    nock('https://provide_access_token')
      .post('/', (sent: string) => {
        body = new URLSearchParams(sent)
        return true
      })
      .reply(200, { access_token: 't', expires_in: 3600 })
    nock('https://api.example').get('/').reply(200, 'ok')

    await session.get('https://api.example/', { auth })

    const verifier = body.get('code_verifier') ?? ''
    expect([...body.keys()]).to.deep.equal(['code_verifier', 'grant_type', 'redirect_uri', 'response_type', 'code'])
    expect(verifier).to.match(/^[A-Za-z0-9_-]{86}$/)
    expect(new URL(opened).searchParams.get('code_challenge')).to.equal(createHash('sha256').update(verifier).digest('base64url'))
  })

  it('turns a token endpoint error into the typed RFC 6749 error, and reads a form-encoded answer', async () => {
    const refused = new OAuth2AuthorizationCode('https://provide_code', 'https://provide_access_token/', { redirectUriPort: port })
    const form = new OAuth2AuthorizationCode('https://provide_code', 'https://provide_access_token/form', { redirectUriPort: port })
    browser.addResponse({ openedUrl: refused.grantUrl, replyUrl: `http://localhost:${port}/?code=used&state=${refused.flowState}` })
    browser.addResponse({ openedUrl: form.grantUrl, replyUrl: `http://localhost:${port}/?code=ok&state=${form.flowState}` })
    nock('https://provide_access_token')
      .post('/')
      .reply(400, { error: 'invalid_grant', error_description: 'code was used' })
      .post('/form')
      .reply(200, 'access_token=waka_tok_1&refresh_token=waka_ref_1&expires_in=3600&scope=email', { 'Content-Type': 'application/x-www-form-urlencoded' })
    nock('https://api.example').get('/').reply(200, 'ok')

    const error = await session.get('https://api.example/', { auth: refused }).catch((e: unknown) => e)
    const answer = await session.get('https://api.example/', { auth: form })

    expect(error).to.be.instanceOf(InvalidGrantError).and.include({ status: 400, errorDescription: 'code was used' })
    expect(answer.request.headers.get('authorization')).to.equal('Bearer waka_tok_1')
  })
})

describe('DisplaySettings', () => {
  it('formats as Python str.format: doubled braces, display_time, escaped information', () => {
    const settings = new DisplaySettings({
      successHtml: 'a {{b}} {display_time} {unknown}',
      failureHtml: '{information} in {display_time}',
      failureDisplayTime: 5,
    })

    expect(settings.successPage()).to.equal('a {b} 1 {unknown}')
    expect(settings.failurePage('<script>x</script> & more')).to.equal('&#60;script&#62;x&#60;/script&#62; &#38; more in 5')
  })

  it('refuses unknown options and wrong types, naming them', () => {
    expect(() => new DisplaySettings({ successDisplayTime: '1' as unknown as number })).to.throw(ConfigurationError, 'successDisplayTime: expected number')
    expect(() => new DisplaySettings({ success_html: '<p/>' } as object)).to.throw(
      ConfigurationError,
      "unknown option 'success_html': did you mean 'successHtml'?",
    )
  })

  it('has requests-auth defaults: 1 ms success, 10 s failure, pages that close themselves', () => {
    const settings = new DisplaySettings()

    expect(settings).to.include({ successDisplayTime: 1, failureDisplayTime: 10_000 })
    expect(settings.successPage()).to.include('window.close()').and.include(', 1)')
    expect(settings.failurePage('why')).to.include('<p>why</p>').and.include(', 10000)')
  })
})

describe('the token cache reads a JWT expiry', () => {
  it('keeps a bearer JWT until its exp claim (minus earlyExpiry) when no expires_in came', async () => {
    const cache = new TokenMemoryCache()
    let calls = 0
    const fetch = async (): Promise<{ token: string }> => ({ token: createToken(Math.floor(Date.now() / 1000) + (++calls === 1 ? 10 : 3600)) })

    const first = await cache.getToken('k', 30, fetch)
    const second = await cache.getToken('k', 30, fetch)
    const third = await cache.getToken('k', 30, fetch)

    expect(first).to.not.equal(second)
    expect(third).to.equal(second)
    expect(calls).to.equal(2)
  })
})

describe('systemBrowser', () => {
  let folder: string
  const saved = process.env.BROWSER
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'oauth-sessions-browser-'))
  })
  afterEach(() => {
    if (saved === undefined) delete process.env.BROWSER
    else process.env.BROWSER = saved
    rmSync(folder, { recursive: true, force: true })
  })

  it('runs $BROWSER with the URL, as Python webbrowser does', async () => {
    const script = join(folder, 'browser.cjs')
    const output = join(folder, 'opened.txt')
    writeFileSync(script, `require('node:fs').writeFileSync(${JSON.stringify(output)}, process.argv[2])`)
    process.env.BROWSER = `${process.execPath} ${script} %s`
    const url = 'https://idp.example/authorize?client_id=a&state=b'

    await systemBrowser(url)
    for (let wait = 0; wait < 50; wait++) {
      try {
        if (readFileSync(output, 'utf8') === url) break
      } catch {
        // not written yet
      }
      await new Promise((resolve) => setTimeout(resolve, 20))
    }

    expect(readFileSync(output, 'utf8')).to.equal(url)
  })

  it('prints the URL when no browser can be started', async () => {
    process.env.BROWSER = join(folder, 'no-such-browser')
    const written: string[] = []
    const write = process.stderr.write.bind(process.stderr)
    process.stderr.write = ((chunk: string) => Boolean(written.push(String(chunk)))) as typeof process.stderr.write
    try {
      await systemBrowser('https://idp.example/authorize?x=1')
    } finally {
      process.stderr.write = write
    }

    expect(written.join('')).to.include('Open this URL in a browser to sign in:\n  https://idp.example/authorize?x=1')
  })
})

describe('client credentials cache keys', () => {
  it('differ between two clients of the same token URL, so they never share a token', async () => {
    const handle = useTokenCache()
    try {
      const first = new OAuth2ClientCredentials('https://idp.example/token', 'client-a', 'secret-a')
      const second = new OAuth2ClientCredentials('https://idp.example/token', 'client-b', 'secret-b')
      nock('https://idp.example')
        .post('/token')
        .basicAuth({ user: 'client-a', pass: 'secret-a' })
        .reply(200, { access_token: 'token-a', expires_in: 3600 })
        .post('/token')
        .basicAuth({ user: 'client-b', pass: 'secret-b' })
        .reply(200, { access_token: 'token-b', expires_in: 3600 })
      nock('https://api.example').get('/').times(2).reply(200, 'ok')
      const session = new Session()

      const a = await session.get('https://api.example/', { auth: first })
      const b = await session.get('https://api.example/', { auth: second })

      expect(first.state).to.not.equal(second.state)
      expect([a.request.headers.get('authorization'), b.request.headers.get('authorization')]).to.deep.equal(['Bearer token-a', 'Bearer token-b'])
      await session.close()
    } finally {
      handle.restore()
    }
  })
})

describe('refresh failures', () => {
  let browser: BrowserMock
  let cache: TokenCacheHandle
  let port: number
  beforeEach(async () => {
    browser = new BrowserMock().install()
    cache = useTokenCache()
    port = await freePort()
  })
  afterEach(() => {
    cache.restore()
    browser.restore()
  })

  it('runs a new grant when the refresh token is refused (invalid_grant)', async () => {
    const auth = new OAuth2AuthorizationCode('https://provide_code', 'https://provide_access_token/', { redirectUriPort: port })
    // Each flow sends a state of its own: the second tab answers with the state of the URL it was opened at.
    const reply = (code: string) => (opened: string) => `http://localhost:${port}/?code=${code}&state=${new URL(opened).searchParams.get('state')}`
    browser.addResponse({ openedUrl: auth.grantUrl, replyUrl: reply('c1') })
    const second = browser.addResponse({ openedUrl: (url) => url.startsWith('https://provide_code?'), replyUrl: reply('c2') })
    nock('https://provide_access_token')
      .post('/', /code=c1/)
      .reply(200, { access_token: 'first', expires_in: 1, refresh_token: 'revoked' })
      .post('/', /grant_type=refresh_token/)
      .reply(400, { error: 'invalid_grant' })
      .post('/', /code=c2/)
      .reply(200, { access_token: 'second', expires_in: 3600 })
    nock('https://api.example').get('/').times(2).reply(200, 'ok')
    const session = new Session()

    await session.get('https://api.example/', { auth })
    const answer = await session.get('https://api.example/', { auth })

    await second.assertSuccess()
    expect(answer.request.headers.get('authorization')).to.equal('Bearer second')
    await session.close()
  })

  it('reports a refresh that cannot reach the server instead of opening the browser again', async () => {
    const auth = new OAuth2AuthorizationCode('https://provide_code', 'http://127.0.0.1:1/token', { redirectUriPort: port })
    cache.cache.addToken(auth.state, { token: 'old', expiresIn: 1, refreshToken: 'r' })
    const session = new Session()

    const error = await session.get('https://api.example/', { auth }).catch((e: unknown) => e)

    expect(error).to.be.instanceOf(ConnectionError)
    await session.close()
  })
})

describe('headerValue', () => {
  it('is formatted as Python str.format: every {token}, and doubled braces', async () => {
    const mock = tokenCacheMock('T0K')
    const session = new Session()
    try {
      nock('https://api.example').get('/').reply(200, 'ok')
      const auth = new OAuth2ClientCredentials('https://idp.example/token', 'id', 'secret', {
        headerName: 'X-Auth',
        headerValue: '{{"t": "{token}", "again": "{token}"}}',
      })

      const answer = await session.get('https://api.example/', { auth })

      expect(answer.request.headers.get('x-auth')).to.equal('{"t": "T0K", "again": "T0K"}')
    } finally {
      mock.restore()
      await session.close()
    }
  })
})
