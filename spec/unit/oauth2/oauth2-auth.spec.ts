import { expect } from 'chai'
import got from 'got'
import nock from 'nock'
import { readFileSync } from 'node:fs'
import { inspect } from 'node:util'
import {
  authHooks,
  BackendApplicationClient,
  combine,
  ConfigurationError,
  CredentialRedirectRefusedError,
  HeaderApiKey,
  InsecureTransportError,
  OAuth2Auth,
  type OAuth2Token,
  PreparedRequest,
  Session,
  TokenExpiredError,
  UnsupportedTokenTypeError,
  WebApplicationClient,
} from '../../../lib/index.js'
import { configurationError, configurationRejection } from '../../support/expect-configuration-error.js'
import { installClock } from '../../support/fake-clock.js'
import { echoOnce, type WireEcho } from '../../support/nock-echo.js'
import { trafficCounter } from '../../support/traffic-counter.js'

// spec/fixtures/oauth2/generate_oauth2_auth.py: requests-oauthlib 1.3's OAuth2 auth class (oauthlib 3.2), as Debian ships it.
interface Fixture {
  name: string
  method: string
  url: string
  insecureTransport: boolean
  request: { headers?: Record<string, string>; data?: Record<string, string>; json?: unknown; params?: Record<string, string> }
  sent?: { url: string; authorization: string | null; contentType: string | null; body: string | null }
  error?: string
  message?: string
}
const fixtures = JSON.parse(readFileSync(new URL('../../fixtures/oauth2/oauth2-auth.json', import.meta.url), 'utf8')) as Fixture[]
const fixture = (name: string): Fixture => {
  const found = fixtures.find((entry) => entry.name === name)
  if (found === undefined) throw new Error(`no fixture ${name}`)
  return found
}

const TOKEN: OAuth2Token = { access_token: 'at-1', token_type: 'Bearer' }
const nowSeconds = (): number => Math.trunc(Date.now() / 1000)

/** The port of each fixture's Python construction. */
const makers: Record<string, () => OAuth2Auth> = {
  header: () => new OAuth2Auth('client-1', undefined, TOKEN),
  'header-lowercase-bearer': () => new OAuth2Auth('client-1', undefined, { access_token: 'at-1', token_type: 'bearer' }),
  'header-no-token-type': () => new OAuth2Auth('client-1', undefined, { access_token: 'at-1' }),
  'header-replaces-authorization': () => new OAuth2Auth('client-1', undefined, TOKEN),
  'header-post-form': () => new OAuth2Auth('client-1', undefined, TOKEN),
  'header-positional-client-id-none': () => new OAuth2Auth(null, null, TOKEN),
  query: () => new OAuth2Auth({ client: new WebApplicationClient('client-1'), token: TOKEN, tokenPlacement: 'query' }),
  'query-no-query': () => new OAuth2Auth(undefined, new WebApplicationClient('client-1'), TOKEN, { tokenPlacement: 'query' }),
  'query-params-option': () => new OAuth2Auth({ clientId: 'client-1', token: TOKEN, tokenPlacement: 'query' }),
  'body-form': () => new OAuth2Auth({ clientId: 'client-1', token: TOKEN, tokenPlacement: 'body' }),
  'body-no-body': () => new OAuth2Auth({ clientId: 'client-1', token: TOKEN, tokenPlacement: 'body' }),
  'client-with-token': () => new OAuth2Auth(undefined, new WebApplicationClient('client-9'), TOKEN),
  'expires-in-future': () => new OAuth2Auth('client-1', undefined, { ...TOKEN, expires_in: 3600 }),
  'plain-http-insecure-transport': () => new OAuth2Auth('client-1', undefined, TOKEN),
}

async function sendLikePython(entry: Fixture, auth: OAuth2Auth): Promise<WireEcho> {
  const target = new URL(entry.url)
  const scope = echoOnce(target.origin, entry.method)
  const session = new Session({ auth })
  try {
    const { json, ...rest } = entry.request
    const response = await session.request(entry.method, entry.url, { ...rest, ...(json !== undefined && { json }) })
    scope.done()
    return response.json<WireEcho>()
  } finally {
    await session.close()
  }
}

function withInsecureTransportEnv<T>(on: boolean, run: () => Promise<T>): Promise<T> {
  const saved = process.env.OAUTHLIB_INSECURE_TRANSPORT
  if (on) process.env.OAUTHLIB_INSECURE_TRANSPORT = '1'
  else delete process.env.OAUTHLIB_INSECURE_TRANSPORT
  return run().finally(() => {
    if (saved === undefined) delete process.env.OAUTHLIB_INSECURE_TRANSPORT
    else process.env.OAUTHLIB_INSECURE_TRANSPORT = saved
  })
}

describe('OAuth2Auth on the wire, against requests-oauthlib', () => {
  for (const [name, make] of Object.entries(makers)) {
    it(`sends what requests-oauthlib's OAuth2 sends: ${name}`, async () => {
      const entry = fixture(name)
      const sent = entry.sent
      if (sent === undefined) throw new Error(`fixture ${name} has no wire output`)

      const echo = await withInsecureTransportEnv(entry.insecureTransport, () => sendLikePython(entry, make()))

      const url = new URL(sent.url)
      expect(echo.path).to.equal(`${url.pathname}${url.search}`)
      expect(echo.headers.authorization ?? null).to.equal(sent.authorization)
      expect(echo.body === '' ? null : echo.body).to.equal(sent.body)
      // requests-oauthlib leaves the body it adds to a bare request untyped; RFC 6750 §2.2 wants the form type.
      const contentType = name === 'body-no-body' ? 'application/x-www-form-urlencoded' : sent.contentType
      expect(echo.headers['content-type'] ?? null).to.equal(contentType)
    })
  }

  it('covers every fixture that went on the wire except the mangled JSON body', () => {
    const onWire = fixtures.filter((entry) => entry.sent !== undefined).map((entry) => entry.name)

    expect(onWire.filter((name) => !(name in makers))).to.deep.equal(['body-json'])
  })

  it('refuses the body placement with a JSON body, which oauthlib turns into a form of garbage, before any traffic', async () => {
    expect(fixture('body-json').sent?.body).to.match(/^%7B/)
    const traffic = trafficCounter()
    const session = new Session({ auth: new OAuth2Auth({ token: TOKEN, tokenPlacement: 'body' }) })
    try {
      const error = await configurationRejection(() => session.post('https://api.example/items', { json: { name: 'a' } }))

      expect(error.option).to.equal('tokenPlacement')
      expect(traffic.count).to.equal(0)
    } finally {
      traffic.stop()
      await session.close()
    }
  })
})

describe('OAuth2Auth refusals, before any traffic', () => {
  async function refusal(auth: OAuth2Auth, url: string): Promise<unknown> {
    const traffic = trafficCounter()
    const session = new Session({ auth })
    try {
      const error = await session.get(url).catch((caught: unknown) => caught)
      expect(traffic.count).to.equal(0)
      return error
    } finally {
      traffic.stop()
      await session.close()
    }
  }

  it('a token_type oauthlib cannot send is UnsupportedTokenTypeError (requests-oauthlib: ValueError)', async () => {
    expect(fixture('unsupported-token-type')).to.include({ error: 'ValueError', message: 'Unsupported token type: DPoP' })

    for (const tokenType of ['DPoP', 'MAC', 'N_A']) {
      const error = await refusal(new OAuth2Auth('client-1', undefined, { access_token: 'at-1', token_type: tokenType }), 'https://api.example/me')
      expect(error).to.be.instanceOf(UnsupportedTokenTypeError).and.have.property('tokenType', tokenType)
      expect(String((error as Error).message)).to.not.include('at-1')
    }
  })

  it('a token without access_token, or no token, is a ConfigurationError naming token (requests-oauthlib: ValueError)', async () => {
    expect(fixture('missing-access-token')).to.include({ error: 'ValueError', message: 'Missing access token.' })

    const missing = await refusal(new OAuth2Auth('client-1', undefined, { token_type: 'Bearer' }), 'https://api.example/me')
    const none = await refusal(new OAuth2Auth('client-1'), 'https://api.example/me')

    expect(missing).to.be.instanceOf(ConfigurationError).and.have.property('option', 'token')
    expect(none).to.be.instanceOf(ConfigurationError).and.have.property('option', 'token')
  })

  it('an expired token is TokenExpiredError, by expires_at or by expires_in counted from when it was given', async () => {
    expect(fixture('expired')).to.include({ error: 'TokenExpiredError' })
    const byExpiresAt = await refusal(new OAuth2Auth('client-1', undefined, { ...TOKEN, expires_at: nowSeconds() - 60 }), 'https://api.example/me')
    expect(byExpiresAt).to.be.instanceOf(TokenExpiredError)

    using clock = installClock()
    const auth = new OAuth2Auth('client-1', undefined, { ...TOKEN, expires_in: 60 })
    expect(auth.token?.expires_at).to.equal(Date.now() / 1000 + 60)
    clock.tick(61_000)
    expect(() => auth.apply(new PreparedRequest('GET', 'https://api.example/me'))).to.throw(TokenExpiredError)
  })

  it('plain http to a host other than loopback is InsecureTransportError, unless insecureTransport or OAUTHLIB_INSECURE_TRANSPORT', async () => {
    expect(fixture('plain-http')).to.include({ error: 'InsecureTransportError' })

    const error = await withInsecureTransportEnv(false, () => refusal(new OAuth2Auth('client-1', undefined, TOKEN), 'http://api.example/me'))
    expect(error).to.be.instanceOf(InsecureTransportError)

    const scope = echoOnce('http://api.example', 'GET')
    const session = new Session({ auth: new OAuth2Auth('client-1', undefined, TOKEN, { insecureTransport: true }) })
    try {
      const echo = (await withInsecureTransportEnv(false, () => session.get('http://api.example/me'))).json<WireEcho>()
      expect(echo.headers.authorization).to.equal('Bearer at-1')
      scope.done()
    } finally {
      await session.close()
    }
  })

  it('allows plain http to loopback, as every strategy of this library does (oauthlib refuses it)', async () => {
    const scope = echoOnce('http://127.0.0.1:8080', 'GET')
    const session = new Session({ auth: new OAuth2Auth('client-1', undefined, TOKEN) })
    try {
      const echo = (await withInsecureTransportEnv(false, () => session.get('http://127.0.0.1:8080/me'))).json<WireEcho>()
      expect(echo.headers.authorization).to.equal('Bearer at-1')
      scope.done()
    } finally {
      await session.close()
    }
  })
})

describe('OAuth2Auth with got, combine and redirects', () => {
  it('adds the token to plain got requests through authHooks: header, query and form body', async () => {
    const scope = echoOnce('https://api.example', 'GET', 2)
      .post('/items')
      .reply(function (_uri, body) {
        return [200, { body, type: this.req.headers['content-type'] }]
      })
    const header = await got('https://api.example/me', authHooks(new OAuth2Auth('client-1', undefined, TOKEN))).json<WireEcho>()
    const query = await got('https://api.example/items?q=a%20b', authHooks(new OAuth2Auth({ token: TOKEN, tokenPlacement: 'query' }))).json<WireEcho>()
    const body = await got
      .post('https://api.example/items', { ...authHooks(new OAuth2Auth({ token: TOKEN, tokenPlacement: 'body' })), form: { name: 'a b' } })
      .json<{ body: string; type: string }>()

    expect(header.headers.authorization).to.equal('Bearer at-1')
    expect(query.path).to.equal('/items?q=a+b&access_token=at-1')
    expect(body).to.deep.equal({ body: 'name=a+b&access_token=at-1', type: 'application/x-www-form-urlencoded' })
    scope.done()
  })

  it('works inside combine, next to another strategy, and with .and()', async () => {
    const scope = echoOnce('https://api.example', 'GET', 2)
    const session = new Session()
    try {
      const combined = await session.get('https://api.example/me', { auth: combine(new HeaderApiKey('key-1'), new OAuth2Auth('client-1', undefined, TOKEN)) })
      const chained = await session.get('https://api.example/me', {
        auth: new OAuth2Auth({ token: TOKEN, tokenPlacement: 'query' }).and(new HeaderApiKey('key-2')),
      })

      expect(combined.json<WireEcho>().headers).to.include({ 'x-api-key': 'key-1', authorization: 'Bearer at-1' })
      expect(chained.json<WireEcho>()).to.deep.include({ path: '/me?access_token=at-1' })
      expect(chained.json<WireEcho>().headers).to.include({ 'x-api-key': 'key-2' })
      scope.done()
    } finally {
      await session.close()
    }
  })

  it('takes a new token assigned later, as requests-oauthlib reads the client attributes on each call', async () => {
    const scope = echoOnce('https://api.example', 'GET')
    const auth = new OAuth2Auth('client-1')
    auth.token = { access_token: 'at-2', token_type: 'Bearer' }
    const session = new Session({ auth })
    try {
      expect((await session.get('https://api.example/me')).json<WireEcho>().headers.authorization).to.equal('Bearer at-2')
      scope.done()
    } finally {
      await session.close()
    }
  })

  it('loses the header on a cross-origin redirect, and refuses a 307 that would take a token-bearing form body elsewhere', async () => {
    const scope = nock('https://api.example')
      .get('/me')
      .reply(302, '', { Location: 'https://other.example/me' })
      .post('/items')
      .reply(307, '', { Location: 'https://other.example/items' })
    const other = echoOnce('https://other.example', 'GET')
    const session = new Session()
    try {
      const hop = await session.get('https://api.example/me', { auth: new OAuth2Auth('client-1', undefined, TOKEN) })
      const refused = await session
        .post('https://api.example/items', { auth: new OAuth2Auth({ token: TOKEN, tokenPlacement: 'body' }), data: { a: '1' } })
        .catch((error: unknown) => error)

      expect(hop.json<WireEcho>().headers.authorization).to.equal(undefined)
      expect(refused).to.be.instanceOf(CredentialRedirectRefusedError)
      expect(String((refused as Error).message)).to.not.include('at-1')
      scope.done()
      other.done()
    } finally {
      await session.close()
    }
  })
})

describe('OAuth2Auth construction and redaction', () => {
  it("takes requests-oauthlib's positionals or one options object, the client id from the client when not given", () => {
    const client = new BackendApplicationClient('client-7')

    expect(new OAuth2Auth('client-1').clientId).to.equal('client-1')
    expect(new OAuth2Auth(undefined, client).clientId).to.equal('client-7')
    expect(new OAuth2Auth({ client }).client).to.equal(client)
    expect(new OAuth2Auth().tokenPlacement).to.equal('auth_header')
    expect(new OAuth2Auth(undefined, undefined, TOKEN, { tokenPlacement: 'body' }).tokenPlacement).to.equal('body')
  })

  it('refuses unknown or snake_case options, a bad placement, a client of the wrong kind and a non-string access token', () => {
    const snake = configurationError(() => new OAuth2Auth({ client_id: 'x' } as never))
    const placement = configurationError(() => new OAuth2Auth({ tokenPlacement: 'header' as never }))
    const client = configurationError(() => new OAuth2Auth(undefined, { clientId: 'x' } as never))
    const accessToken = configurationError(() => new OAuth2Auth('id', undefined, { access_token: 42 } as never))
    const both = configurationError(() => new OAuth2Auth({ clientId: 'a' } as never, null, TOKEN))

    expect(snake.message).to.include('clientId')
    expect(placement.option).to.equal('tokenPlacement')
    expect(client.option).to.equal('client')
    expect(accessToken.option).to.equal('token.access_token')
    expect(accessToken.message).to.not.include('42')
    expect(both).to.be.instanceOf(ConfigurationError)
  })

  it('never shows the token in toJSON, inspect, String, a Session summary or a refusal', async () => {
    const auth = new OAuth2Auth('client-1', undefined, { access_token: 'secret-at-99', token_type: 'Bearer', refresh_token: 'secret-rt-99' })
    const session = new Session({ auth })
    try {
      const shown = [JSON.stringify(auth), inspect(auth), String(auth), JSON.stringify(session), inspect(session, { depth: 5 })]
      for (const text of shown) expect(text).to.not.match(/secret-(at|rt)-99/)
      expect(auth.toJSON()).to.deep.equal({ type: 'OAuth2Auth', clientId: 'client-1', tokenPlacement: 'auth_header', token: '[redacted]' })
      const refused = await session.get('http://api.example/me').catch((error: unknown) => error)
      expect(refused).to.be.instanceOf(InsecureTransportError).and.include({ code: 'ERR_INSECURE_TRANSPORT' })
      expect(String((refused as Error).message)).to.not.include('secret-at-99')
      expect(`${inspect(refused)} ${JSON.stringify(refused)}`).to.not.match(/secret-(at|rt)-99/)
    } finally {
      await session.close()
    }
  })
})
