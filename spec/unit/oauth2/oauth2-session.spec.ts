import { expect } from 'chai'
import nock from 'nock'
import { inspect } from 'node:util'
import {
  AccessDeniedError,
  BackendApplicationClient,
  InsecureTransportError,
  InvalidGrantError,
  IssuerMismatchError,
  MismatchingStateError,
  MobileApplicationClient,
  OAuth2Session,
  ScopeChangedWarning,
  TokenExpiredError,
  TokenMissingError,
  TokenRequestError,
  TokenUpdated,
  type OAuth2Token,
} from '../../../lib/index.js'
import { codeChallenge } from '../../../lib/oauth2/pkce.js'
import { echoReply, type WireEcho } from '../../support/nock-echo.js'

const past = (): number => Math.floor(Date.now() / 1000) - 60
const future = (): number => Math.floor(Date.now() / 1000) + 3600

describe('OAuth2Session protected requests', () => {
  it('sends the token as a Bearer header by default', async () => {
    const session = new OAuth2Session('client-1', { token: { access_token: 'at-1', token_type: 'Bearer' } })
    const scope = nock('https://api.example').get('/me').reply(echoReply)

    const echo = (await session.get('https://api.example/me')).json<WireEcho>()

    expect(echo.headers.authorization).to.equal('Bearer at-1')
    scope.done()
  })

  it("puts the token in the query under accessTokenKey with rauth's bearerAuth: false", async () => {
    const session = new OAuth2Session('client-1', { accessToken: 'at-1', bearerAuth: false, accessTokenKey: 'oauth_token' })
    const scope = nock('https://api.example').get('/me').query({ a: '1', oauth_token: 'at-1' }).reply(echoReply)

    const echo = (await session.get('https://api.example/me', { params: { a: 1 } })).json<WireEcho>()

    expect(echo.headers).to.not.have.property('authorization')
    scope.done()
  })

  it('sends no token with withholdToken', async () => {
    const session = new OAuth2Session('client-1', { accessToken: 'at-1' })
    const scope = nock('https://api.example').get('/public').reply(echoReply)

    const echo = (await session.get('https://api.example/public', { withholdToken: true })).json<WireEcho>()

    expect(echo.headers).to.not.have.property('authorization')
    scope.done()
  })

  it('refuses plain http outside loopback, unless allowed', async () => {
    const strict = new OAuth2Session('client-1', { accessToken: 'at-1' })
    const relaxed = new OAuth2Session('client-1', { accessToken: 'at-1', insecureTransport: true })
    const scope = nock('http://api.example').get('/x').reply(200)

    const error = await strict.get('http://api.example/x').catch((e: unknown) => e)
    const response = await relaxed.get('http://api.example/x')

    expect(error).to.be.instanceOf(InsecureTransportError)
    expect(response.status).to.equal(200)
    expect(() => strict.authorizationUrl('http://idp.example/authorize')).to.throw(InsecureTransportError)
    expect(() => strict.authorizationUrl('http://127.0.0.1:8080/authorize')).to.not.throw()
    scope.done()
  })
})

describe('OAuth2Session expiry and refresh', () => {
  it('refreshes an expired token before the request and calls tokenUpdater', async () => {
    const updates: OAuth2Token[] = []
    const session = new OAuth2Session('client-1', {
      token: { access_token: 'old', refresh_token: 'rt-1', expires_at: past() },
      autoRefreshUrl: 'https://idp.example/token',
      autoRefreshKwargs: { client_id: 'client-1', client_secret: 's3cret' },
      tokenUpdater: (token) => {
        updates.push(token)
      },
    })
    const idp = nock('https://idp.example')
      .post('/token', 'grant_type=refresh_token&client_id=client-1&client_secret=s3cret&refresh_token=rt-1')
      .reply(200, { access_token: 'new', token_type: 'Bearer', expires_in: 3600 })
    const api = nock('https://api.example').get('/me').matchHeader('authorization', 'Bearer new').reply(200, { ok: true })

    const response = await session.get('https://api.example/me')

    expect(response.json()).to.deep.equal({ ok: true })
    expect(updates.map((token) => token.access_token)).to.deep.equal(['new'])
    expect(session.token.refresh_token).to.equal('rt-1')
    idp.done()
    api.done()
  })

  it('throws TokenUpdated with the new token when there is no tokenUpdater, as requests-oauthlib', async () => {
    const session = new OAuth2Session('client-1', {
      token: { access_token: 'old', refresh_token: 'rt-1', expires_at: past() },
      autoRefreshUrl: 'https://idp.example/token',
    })
    const idp = nock('https://idp.example').post('/token').reply(200, { access_token: 'new', token_type: 'Bearer' })

    const error = await session.get('https://api.example/me').catch((e: unknown) => e)

    expect(error).to.be.instanceOf(TokenUpdated)
    expect((error as TokenUpdated).token).to.include({ access_token: 'new' })
    idp.done()
  })

  it('throws TokenExpiredError without autoRefreshUrl, before any traffic', async () => {
    const session = new OAuth2Session('client-1', { token: { access_token: 'old', expires_at: past() } })

    const error = await session.get('https://api.example/me').catch((e: unknown) => e)

    expect(error).to.be.instanceOf(TokenExpiredError)
  })

  it('refreshes once for 50 concurrent requests on an expired token (single flight)', async () => {
    let updaterCalls = 0
    const session = new OAuth2Session('client-1', {
      token: { access_token: 'old', refresh_token: 'rt-1', expires_at: past() },
      autoRefreshUrl: 'https://idp.example/token',
      tokenUpdater: () => {
        updaterCalls++
      },
    })
    const idp = nock('https://idp.example').post('/token').once().delay(20).reply(200, { access_token: 'new', token_type: 'Bearer', expires_in: 3600 })
    const api = nock('https://api.example').get('/item').times(50).matchHeader('authorization', 'Bearer new').reply(200, 'ok')

    const responses = await Promise.all(Array.from({ length: 50 }, () => session.get('https://api.example/item')))

    expect(responses.filter((response) => response.status === 200)).to.have.length(50)
    expect(updaterCalls).to.equal(1)
    idp.done()
    api.done()
  })

  it('refreshes and retries once after a 401 invalid_token', async () => {
    const session = new OAuth2Session('client-1', {
      token: { access_token: 'revoked', refresh_token: 'rt-1', expires_at: future() },
      autoRefreshUrl: 'https://idp.example/token',
      tokenUpdater: () => undefined,
    })
    const api = nock('https://api.example')
      .get('/me')
      .matchHeader('authorization', 'Bearer revoked')
      .reply(401, '', { 'WWW-Authenticate': 'Bearer realm="api", error="invalid_token"' })
      .get('/me')
      .matchHeader('authorization', 'Bearer fresh')
      .reply(200, { ok: true })
    const idp = nock('https://idp.example').post('/token').reply(200, { access_token: 'fresh', token_type: 'Bearer' })

    const response = await session.get('https://api.example/me')

    expect(response.status).to.equal(200)
    api.done()
    idp.done()
  })

  it('fetches a new client-credentials token when it expires, keeping audience and resource', async () => {
    const session = new OAuth2Session(undefined, { client: new BackendApplicationClient('svc'), clientSecret: 's3cret', tokenUpdater: () => undefined })
    const idp = nock('https://idp.example')
      .post('/token', 'grant_type=client_credentials&audience=api%3A%2F%2Fx&resource=https%3A%2F%2Fr.example')
      .twice()
      .reply(200, () => ({ access_token: `t-${Date.now()}`, token_type: 'Bearer', expires_in: 0 }))
    const api = nock('https://api.example').get('/data').reply(200, 'ok')

    await session.fetchToken('https://idp.example/token', { audience: 'api://x', resource: 'https://r.example' })
    session.token = { ...session.token, expires_at: past() }
    const response = await session.get('https://api.example/data')

    expect(response.status).to.equal(200)
    idp.done()
    api.done()
  })

  it('turns a refused refresh token into InvalidGrantError that says to authorize again', async () => {
    const session = new OAuth2Session('client-1', { token: { access_token: 'old', refresh_token: 'rt-revoked' } })
    const idp = nock('https://idp.example').post('/token').reply(400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' })

    const error = await session.refreshToken('https://idp.example/token').catch((e: unknown) => e)

    expect(error).to.be.instanceOf(InvalidGrantError).and.instanceOf(TokenRequestError)
    expect(error).to.include({ error: 'invalid_grant', errorDescription: 'Token has been expired or revoked.', status: 400 })
    expect((error as Error).message).to.include('authorization flow again')
    idp.done()
  })
})

describe('OAuth2Session authorization responses and token errors', () => {
  it('checks state in the authorization response and refuses a mismatch', async () => {
    const session = new OAuth2Session('client-1', { redirectUri: 'https://app.example/cb' })
    const [, state] = session.authorizationUrl('https://idp.example/authorize')

    const error = await session
      .fetchToken('https://idp.example/token', { authorizationResponse: `https://app.example/cb?code=c&state=${state}x` })
      .catch((e: unknown) => e)

    expect(error).to.be.instanceOf(MismatchingStateError)
  })

  it('turns ?error=access_denied into AccessDeniedError', async () => {
    const session = new OAuth2Session('client-1')

    const error = await session
      .fetchToken('https://idp.example/token', { authorizationResponse: 'https://app.example/cb?error=access_denied&error_description=User+said+no' })
      .catch((e: unknown) => e)

    expect(error).to.be.instanceOf(AccessDeniedError).and.include({ error: 'access_denied', errorDescription: 'User said no', status: undefined })
  })

  it('reports a token response without access_token as TokenMissingError naming the keys', async () => {
    const session = new OAuth2Session('client-1', { pkce: false })
    const idp = nock('https://idp.example').post('/token').reply(200, { token_type: 'Bearer', id_token: 'x' })

    const error = await session.fetchToken('https://idp.example/token', { code: 'c' }).catch((e: unknown) => e)

    expect(error).to.be.instanceOf(TokenMissingError)
    expect((error as TokenMissingError).keys).to.deep.equal(['token_type', 'id_token'])
    idp.done()
  })

  it('reads a form-encoded token response too (oauthlib falls back to it)', async () => {
    const session = new OAuth2Session('client-1', { pkce: false })
    const idp = nock('https://idp.example')
      .post('/token')
      .reply(200, 'access_token=gh-token&scope=repo%2Cgist&token_type=bearer', { 'Content-Type': 'application/x-www-form-urlencoded' })

    const token = await session.fetchToken('https://idp.example/token', { code: 'c' })

    expect(token).to.deep.include({ access_token: 'gh-token', token_type: 'bearer', scope: ['repo', 'gist'] })
    idp.done()
  })

  it('refuses a changed scope unless relaxed, as oauthlib', async () => {
    const strict = new OAuth2Session('client-1', { pkce: false, scope: ['read', 'write'] })
    const relaxed = new OAuth2Session('client-1', { pkce: false, scope: ['read', 'write'], relaxTokenScope: true })
    const idp = nock('https://idp.example').post('/token').twice().reply(200, { access_token: 'a', token_type: 'Bearer', scope: 'read' })

    const error = await strict.fetchToken('https://idp.example/token', { code: 'c' }).catch((e: unknown) => e)
    const token = await relaxed.fetchToken('https://idp.example/token', { code: 'c' })

    expect(error)
      .to.be.instanceOf(ScopeChangedWarning)
      .and.deep.include({ oldScope: ['read', 'write'], newScope: ['read'] })
    expect(token.scope).to.deep.equal(['read'])
    idp.done()
  })

  it('reads an implicit-grant token from the fragment and turns expires_in into expires_at', () => {
    const session = new OAuth2Session(undefined, { client: new MobileApplicationClient('client-1'), state: 'st' })
    session.authorizationUrl('https://idp.example/authorize')
    const before = Math.floor(Date.now() / 1000)

    const token = session.tokenFromFragment('https://app.example/cb#access_token=frag&token_type=bearer&expires_in=600&state=st')

    expect(token).to.include({ access_token: 'frag', expires_in: 600 })
    expect(token.expires_at).to.be.within(before + 599, before + 602)
    expect(session.authorized).to.equal(true)
  })
})

describe('OAuth2Session PKCE', () => {
  it('derives the RFC 7636 appendix B challenge', () => {
    expect(codeChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk', 'S256')).to.equal('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM')
  })

  it('sends code_challenge with the authorization URL and the matching code_verifier with the token request', async () => {
    const { createHash } = await import('node:crypto')
    const session = new OAuth2Session('client-1', { pkce: 'S256', redirectUri: 'https://app.example/cb' })
    let body = ''
    const idp = nock('https://idp.example')
      .post('/token')
      .reply(function (_uri, sent) {
        body = String(sent)
        return [200, { access_token: 'a', token_type: 'Bearer' }]
      })

    const [url, state] = session.authorizationUrl('https://idp.example/authorize')
    await session.fetchToken('https://idp.example/token', { authorizationResponse: `https://app.example/cb?code=c&state=${state}` })

    const challenge = new URL(url).searchParams.get('code_challenge')
    const verifier = new URLSearchParams(body).get('code_verifier') ?? ''
    expect(new URL(url).searchParams.get('code_challenge_method')).to.equal('S256')
    expect(verifier).to.match(/^[A-Za-z0-9\-._~]{43,128}$/)
    expect(createHash('sha256').update(verifier).digest('base64url')).to.equal(challenge)
    idp.done()
  })
})

describe('OAuth2Session compliance hooks and serialisation', () => {
  it('lets an access_token_response hook fix a text/plain form token (Facebook style)', async () => {
    const session = new OAuth2Session('client-1', { pkce: false })
    session.registerComplianceHook('access_token_response', (response) => {
      if (!(response.headers.get('content-type') ?? '').includes('text/plain')) return response
      const token: Record<string, string> = Object.fromEntries(new URLSearchParams(response.text))
      if (token.expires !== undefined) token.expires_in = token.expires
      return response.withJson({ ...token, token_type: 'Bearer' })
    })
    const idp = nock('https://idp.example').post('/token').reply(200, 'access_token=fb&expires=5183999', { 'Content-Type': 'text/plain; charset=UTF-8' })

    const token = await session.fetchToken('https://idp.example/token', { code: 'c' })

    expect(token).to.include({ access_token: 'fb', token_type: 'Bearer', expires_in: 5183999 })
    idp.done()
  })

  it('runs protected_request hooks before the token is added', async () => {
    const session = new OAuth2Session('client-1', { accessToken: 'at' })
    session.registerComplianceHook('protected_request', (url, headers, body) => [`${url}?oauth2_access_token=at`, headers, body])
    const api = nock('https://api.example').get('/v1/me').query({ oauth2_access_token: 'at' }).reply(echoReply)

    const echo = (await session.get('https://api.example/v1/me')).json<WireEcho>()

    expect(echo.headers.authorization).to.equal('Bearer at')
    api.done()
  })

  it('keeps tokens and the client secret out of inspect, and round-trips through serialize/fromJSON', () => {
    const session = new OAuth2Session('client-1', {
      clientSecret: 'client-secret-x',
      token: { access_token: 'access-x', refresh_token: 'refresh-x', token_type: 'Bearer' },
    })

    const shown = `${inspect(session, { depth: 6 })} ${String(session)} ${JSON.stringify(session)}`
    const restored = OAuth2Session.fromJSON(JSON.stringify(session.serialize()))

    for (const secret of ['client-secret-x', 'access-x', 'refresh-x']) expect(shown).to.not.include(secret)
    expect(restored.token).to.deep.equal(session.token)
    expect(restored.clientSecret).to.equal('client-secret-x')
  })

  it('carries issuer and issuerParameterRequired through serialize/deserialize/fromJSON, and toJSON shows the issuer only', async () => {
    const session = new OAuth2Session('client-1', {
      clientSecret: 'client-secret-i',
      state: 'st-1',
      issuer: 'https://idp.example',
      issuerParameterRequired: true,
      token: { access_token: 'access-i', token_type: 'Bearer' },
    })

    const serialized = JSON.stringify(session.serialize())
    const restored = [OAuth2Session.fromJSON(serialized), OAuth2Session.deserialize(JSON.parse(serialized) as Record<string, unknown>)]
    const shown = JSON.stringify(session)

    for (const copy of restored) {
      expect(copy).to.include({ issuer: 'https://idp.example', issuerParameterRequired: true })
      // The restored session refuses a callback without iss, as the original does: no token request.
      const error = await copy
        .fetchToken('https://idp.example/token', { authorizationResponse: 'https://app.example/cb?code=c&state=st-1' })
        .catch((caught: unknown) => caught)
      expect(error).to.be.instanceOf(IssuerMismatchError)
    }
    expect(JSON.parse(shown)).to.include({ issuer: 'https://idp.example', issuerParameterRequired: true })
    for (const secret of ['client-secret-i', 'access-i']) expect(shown).to.not.include(secret)
    expect(OAuth2Session.fromJSON({ type: 'OAuth2Session', clientId: 'c' })).to.include({ issuer: undefined, issuerParameterRequired: false })
  })
})

describe('OAuth2Session PKCE default', () => {
  it('uses S256 by default for the code grant, and none with pkce: false or for other grants', () => {
    const byDefault = new OAuth2Session('c', { redirectUri: 'https://app.example/cb' })
    const off = new OAuth2Session('c', { redirectUri: 'https://app.example/cb', pkce: false })
    const implicit = new OAuth2Session(undefined, { client: new MobileApplicationClient('c') })

    const [withPkce] = byDefault.authorizationUrl('https://idp.example/authorize')
    const [withoutPkce] = off.authorizationUrl('https://idp.example/authorize')
    const [implicitUrl] = implicit.authorizationUrl('https://idp.example/authorize')

    expect(new URL(withPkce).searchParams.get('code_challenge_method')).to.equal('S256')
    expect(new URL(withoutPkce).searchParams.has('code_challenge')).to.equal(false)
    expect(new URL(implicitUrl).searchParams.has('code_challenge')).to.equal(false)
  })
})
