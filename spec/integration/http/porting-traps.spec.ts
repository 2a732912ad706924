import { expect } from 'chai'
import { CookieJar } from 'tough-cookie'
import { HTTPBasicAuth, HTTPError, MobileApplicationClient, OAuth1Service, OAuth1Session, OAuth2Session, Session, TimeoutError } from '../../../lib/index.js'
import { startSandbox, type Sandbox } from '../../../lib/testing/index.js'
import { configurationError, configurationRejection } from '../../support/expect-configuration-error.js'
import { closeAfterAll } from '../../support/servers.js'

// Each row of the "Traps" table in docs/porting.md: the line-by-line port does what the table says,
// and the fix it gives works.
describe('the traps of docs/porting.md', () => {
  const closeLater = closeAfterAll()
  let sandbox: Sandbox
  before(async () => {
    sandbox = await closeLater(startSandbox({ maxDelay: 2_000 }))
  })

  it('takes timeout in milliseconds: timeout: 10 gives up after 10 ms, timeout: 10_000 waits', async () => {
    await using session = new Session()

    const early = await session.get(`${sandbox.url}/delay/300`, { timeout: 10 }).catch((error: unknown) => error)
    const patient = await session.get(`${sandbox.url}/delay/50`, { timeout: 10_000 })
    const forever = await session.get(`${sandbox.url}/delay/50`, { timeout: null })

    expect(early).to.be.instanceOf(TimeoutError)
    expect(patient.status).to.equal(200)
    expect(forever.status).to.equal(200)
  })

  it('defaults every Session to 30 000 ms, where requests waits forever', async () => {
    await using session = new Session()

    expect(session.timeout).to.equal(30_000)
  })

  it('returns Promises: a response is read only after await', async () => {
    await using session = new Session()

    const pending = session.get(`${sandbox.url}/json`)
    const response = await pending

    expect(pending).to.be.instanceOf(Promise)
    expect((pending as unknown as { status?: number }).status).to.equal(undefined)
    expect(response.json()).to.have.property('slideshow')
  })

  it('spells the response the Node way: status, headers.get(), elapsed in ms, text and content as properties', async () => {
    await using session = new Session()

    const response = await session.get(`${sandbox.url}/json`)

    expect(response.status).to.equal(200)
    expect((response as unknown as Record<string, unknown>).status_code).to.equal(undefined)
    expect((response.headers as unknown as Record<string, unknown>)['Content-Type']).to.equal(undefined)
    expect(response.headers.get('content-type')).to.equal('application/json')
    expect(response.elapsed).to.be.a('number').and.be.below(30_000)
    expect(response.text).to.be.a('string')
    expect(Buffer.isBuffer(response.content)).to.equal(true)
    expect(() => (response as unknown as { text: () => string }).text()).to.throw(TypeError)
  })

  it("refuses Python's positional data and snake_case keywords, and takes the fixes", async () => {
    await using session = new Session()

    const positional = await configurationRejection(() => session.post(`${sandbox.url}/post`, { status: 'hi' } as never))
    const snake = await configurationRejection(() => session.get(`${sandbox.url}/redirect/1`, { allow_redirects: false } as never))
    const posted = await session.post(`${sandbox.url}/post`, { data: { status: 'hi' } })
    const held = await session.get(`${sandbox.url}/redirect/1`, { allowRedirects: false })

    expect(positional.message).to.include("'status'")
    expect(snake.message).to.include("'allowRedirects'")
    expect(posted.json()).to.deep.include({ form: { status: 'hi' } })
    expect(held.status).to.equal(302)
  })

  it('takes null as "none" only where documented: state: null is refused, a null header value drops a session header', async () => {
    await using session = new Session({ headers: { 'X-Team': 'a' } })

    const refused = configurationError(() => new OAuth2Session('client', { state: null } as never))
    const echo = (await session.get(`${sandbox.url}/headers`, { headers: { 'X-Team': null } })).json<{ headers: Record<string, string> }>()

    expect(refused.message).to.include('state')
    expect(echo.headers).to.not.have.property('x-team')
  })

  it('returns tuples as arrays, which break as strings unless destructured', async () => {
    await using session = new OAuth2Session(sandbox.oauth2.clientId, { redirectUri: 'https://app.example/cb' })

    const pair = session.authorizationUrl(sandbox.oauth2.authorizeUrl)
    const [url, state] = pair

    expect(pair).to.be.an('array').with.lengthOf(2)
    expect(String(pair)).to.equal(`${url},${state}`)
    expect(new URL(url).searchParams.get('state')).to.equal(state)
  })

  it('makes raiseForStatus throw HTTPError with the response, and return the response otherwise', async () => {
    await using session = new Session()

    const ok = await session.get(`${sandbox.url}/json`)
    const missing = await session.get(`${sandbox.url}/status/404`)
    const error = (() => {
      try {
        missing.raiseForStatus()
      } catch (caught) {
        return caught
      }
    })()

    expect(ok.raiseForStatus()).to.equal(ok)
    expect(error).to.be.instanceOf(HTTPError)
    expect((error as HTTPError).response.status).to.equal(404)
  })

  it('keeps token keys as the wire spells them, with expires_at in seconds', async () => {
    await using session = new OAuth2Session(undefined, { client: new MobileApplicationClient(sandbox.oauth2.clientId), redirectUri: 'https://app.example/cb' })
    const [url] = session.authorizationUrl(sandbox.oauth2.authorizeUrl)
    const approval = await session.get(url, { allowRedirects: false })

    const token = session.tokenFromFragment(approval.headers.get('location') ?? '')
    const nowSeconds = Date.now() / 1000

    expect(token.access_token).to.be.a('string')
    expect((token as Record<string, unknown>).accessToken).to.equal(undefined)
    expect(session.accessToken).to.equal(token.access_token)
    expect(token.expires_at).to.be.within(nowSeconds + 3590, nowSeconds + 3610)
    expect((token.expires_at ?? 0) < Date.now()).to.equal(true) // the trap: compared with milliseconds, every token looks expired
  })

  it('keeps cookies in a tough-cookie CookieJar, and the answer’s own in a plain object', async () => {
    await using session = new Session()

    await session.cookies.setCookie('a=b', sandbox.url)
    const answer = await session.get(`${sandbox.url}/cookies/set?flavour=oat`, { allowRedirects: false })

    expect(session.cookies).to.be.instanceOf(CookieJar)
    expect((session.cookies as unknown as Record<string, unknown>).a).to.equal(undefined)
    expect(await session.cookies.getCookieString(sandbox.url)).to.equal('a=b; flavour=oat')
    expect(answer.cookies).to.deep.equal({ flavour: 'oat' })
  })

  it('sends a string or a Buffer as it is and form-encodes an object, as requests does', async () => {
    await using session = new Session()

    const text = (await session.post(`${sandbox.url}/post`, { data: 'caf\u00e9' })).json<{ data: string; form: object }>()
    const bytes = (await session.post(`${sandbox.url}/post`, { data: Buffer.from([0x63, 0x61, 0x66, 0xc3, 0xa9]) })).json<{ data: string }>()
    const form = (await session.post(`${sandbox.url}/post`, { data: { a: 'b' } })).json<{ form: object }>()

    expect(text).to.deep.include({ data: 'caf\u00e9', form: {} })
    expect(bytes.data).to.equal('caf\u00e9')
    expect(form.form).to.deep.equal({ a: 'b' })
  })

  it("takes requests' verify and scheme-keyed proxies, and refuses a per-host proxy key and an auth tuple", () => {
    const perHost = configurationError(() => new Session({ proxies: { 'http://10.10.1.10': 'http://proxy:3128' } as never }))
    const tuple = configurationError(() => new Session({ auth: ['user', 'pass'] as never }))

    expect(() => new Session({ verify: false, proxies: { https: 'http://proxy:3128', no_proxy: '.corp.example' } })).to.not.throw()
    expect(perHost.message).to.include('proxies.http://10.10.1.10')
    expect(tuple.message).to.include('auth')
    expect(() => new Session({ auth: new HTTPBasicAuth('user', 'pass') })).to.not.throw()
  })

  it('signs OAuth 1 in the header by default, and where rauth did with headerAuth: false', async () => {
    const service = new OAuth1Service({ ...sandbox.oauth1, name: 'sandbox' })
    try {
      const [token, secret] = await service.getRequestToken('GET', { params: { oauth_callback: 'oob' }, headerAuth: false })
      const approval = await fetch(`${sandbox.oauth1.authorizeUrl}?oauth_token=${token}`)
      const { oauth_verifier: verifier } = (await approval.json()) as { oauth_verifier: string }
      await using session = await service.getAuthSession(token, secret, 'GET', { params: { oauth_verifier: verifier } })

      const byDefault = (await session.get('echo')).json<{ placement: string }>()
      const query = (await session.get('echo', { headerAuth: false })).json<{ placement: string }>()
      const body = (await session.post('echo', { data: { a: 'b' }, headerAuth: false })).json<{ placement: string }>()

      expect(service.requestTokenResponse?.request.headers.has('authorization')).to.equal(false)
      expect(byDefault.placement).to.equal('header')
      expect(query.placement).to.equal('query')
      expect(body.placement).to.equal('body')
      expect(new OAuth1Session('key', 'secret').oauth.signatureType).to.equal('AUTH_HEADER')
    } finally {
      await service.close()
    }
  })
})
