import { expect } from 'chai'
import nock from 'nock'
import { ConfigurationError, HTTPError, OAuth2Session, UserinfoError } from '../../../lib/index.js'
import { clearJwksCache } from '../../../lib/oauth2/jwks-cache.js'
import { CLIENT, ISSUER, type Signer, serveJwks, signer, signIdToken } from '../../support/id-token-fixtures.js'
import { trafficCounter } from '../../support/traffic-counter.js'

// The nonce of the authorization URL (OpenID Connect Core §3.1.2.1), kept and serialized like the
// state for the two-request web app; and UserInfo (§5.3), whose sub must be the ID token's (§5.3.4).
const CALLBACK = 'https://app.example/cb'

let key: Signer

before(async () => {
  key = await signer('k1')
})

function idToken(nonce: string | undefined, sub = 'user-7'): Promise<string> {
  return signIdToken(key, { sub, nonce })
}

function openidSession(options: Record<string, unknown> = {}): OAuth2Session {
  return new OAuth2Session(CLIENT, {
    scope: 'openid profile',
    issuer: ISSUER,
    jwksUri: `${ISSUER}/jwks`,
    userinfoUrl: `${ISSUER}/userinfo`,
    redirectUri: CALLBACK,
    pkce: false,
    ...options,
  })
}

async function signedIn(session: OAuth2Session): Promise<void> {
  serveJwks(key)
  const [, state] = session.authorizationUrl(`${ISSUER}/authorize`)
  nock(ISSUER)
    .post('/token')
    .reply(200, { access_token: 'at-1', token_type: 'Bearer', id_token: await idToken(session.nonce) })
  await session.fetchToken(`${ISSUER}/token`, { authorizationResponse: `${CALLBACK}?code=c1&state=${state}` })
}

describe('the nonce of the authorization URL', () => {
  beforeEach(() => clearJwksCache())

  it('is sent, fresh for each URL, when the scope has openid, and kept as session.nonce', async () => {
    await using session = openidSession()

    const [first] = session.authorizationUrl(`${ISSUER}/authorize`)
    const firstNonce = session.nonce
    const [second] = session.authorizationUrl(`${ISSUER}/authorize`)

    expect(new URL(first).searchParams.get('nonce'))
      .to.equal(firstNonce)
      .and.match(/^[A-Za-z0-9]{32}$/)
    expect(new URL(second).searchParams.get('nonce')).to.equal(session.nonce).and.not.equal(firstNonce)
  })

  it('is not sent without openid in the scope', async () => {
    await using session = openidSession({ scope: ['email'] })

    const [url] = session.authorizationUrl(`${ISSUER}/authorize`)

    expect(new URL(url).searchParams.has('nonce')).to.equal(false)
    expect(session.nonce).to.equal(undefined)
  })

  it('is the one given in extra when there is one (sent once, and expected)', async () => {
    await using session = openidSession()

    const [url] = session.authorizationUrl(`${ISSUER}/authorize`, undefined, { nonce: 'my-own-nonce' })

    expect(new URL(url).searchParams.getAll('nonce')).to.deep.equal(['my-own-nonce'])
    expect(session.nonce).to.equal('my-own-nonce')
  })

  it("goes with serialize() to the callback's session (the two-request web app), which checks it", async () => {
    await using first = openidSession()
    const [, state] = first.authorizationUrl(`${ISSUER}/authorize`)
    const saved = JSON.stringify(first.serialize())
    await using callback = OAuth2Session.fromJSON(saved, { pkce: false })
    serveJwks(key)
    const token = nock(ISSUER)
      .post('/token')
      .reply(200, { access_token: 'at-1', token_type: 'Bearer', id_token: await idToken(first.nonce) })

    await callback.fetchToken(`${ISSUER}/token`, { authorizationResponse: `${CALLBACK}?code=c1&state=${state}` })

    token.done()
    expect(callback.nonce).to.equal(undefined)
    expect(callback.idTokenClaims?.nonce).to.equal(first.nonce)
    expect(JSON.stringify(first.toJSON())).to.not.include(first.nonce as string)
  })

  it('can be given to the constructor (the nonce option) as the one expected', async () => {
    await using session = openidSession({ nonce: 'saved-nonce', state: 'st-1' })
    serveJwks(key)
    nock(ISSUER)
      .post('/token')
      .reply(200, { access_token: 'at-1', token_type: 'Bearer', id_token: await idToken('saved-nonce') })

    await session.fetchToken(`${ISSUER}/token`, { authorizationResponse: `${CALLBACK}?code=c1&state=st-1` })

    expect(session.idTokenClaims?.nonce).to.equal('saved-nonce')
  })
})

describe('session.userinfo() (OpenID Connect Core §5.3)', () => {
  beforeEach(() => clearJwksCache())

  it('GETs the UserInfo endpoint with the token and returns its claims', async () => {
    await using session = openidSession()
    await signedIn(session)
    const scope = nock(ISSUER)
      .get('/userinfo')
      .matchHeader('authorization', 'Bearer at-1')
      .reply(200, { sub: 'user-7', email: 'a@example.com' }, { 'Content-Type': 'application/json; charset=utf-8' })

    const claims = await session.userinfo()

    scope.done()
    expect(claims).to.deep.equal({ sub: 'user-7', email: 'a@example.com' })
  })

  it("refuses an answer whose sub is not the ID token's (a substituted token)", async () => {
    await using session = openidSession()
    await signedIn(session)
    const scope = nock(ISSUER).get('/userinfo').reply(200, { sub: 'someone-else' }, { 'Content-Type': 'application/json' })

    const error = await session.userinfo().catch((e: unknown) => e)

    scope.done()
    expect(error).to.be.instanceOf(UserinfoError).and.include({ code: 'ERR_USERINFO_INVALID' })
    expect((error as UserinfoError).reason).to.include('sub differs')
    expect((error as Error).message).to.not.include('someone-else')
  })

  it('refuses an answer without sub, or that is not a JSON object', async () => {
    await using session = openidSession()
    await signedIn(session)
    nock(ISSUER).get('/userinfo').reply(200, { email: 'a@example.com' }, { 'Content-Type': 'application/json' })
    nock(ISSUER).get('/userinfo').reply(200, '["sub"]', { 'Content-Type': 'application/json' })
    nock(ISSUER).get('/userinfo').reply(200, 'eyJ.signed.jwt', { 'Content-Type': 'application/jwt' })

    const errors = [
      await session.userinfo().catch((e: unknown) => e),
      await session.userinfo().catch((e: unknown) => e),
      await session.userinfo().catch((e: unknown) => e),
    ]

    expect(errors.map((error) => (error as UserinfoError).reason)).to.deep.equal([
      'it has no sub',
      'it is not a JSON object',
      'it is a signed JWT (application/jwt), which is not supported',
    ])
  })

  it('raises the HTTP error of a refused request', async () => {
    await using session = openidSession()
    await signedIn(session)
    nock(ISSUER).get('/userinfo').reply(403, { error: 'insufficient_scope' }, { 'Content-Type': 'application/json' })

    const error = await session.userinfo().catch((e: unknown) => e)

    expect(error).to.be.instanceOf(HTTPError)
  })

  it('refuses to ask without a validated ID token to compare with, before any traffic', async () => {
    await using session = openidSession({ token: { access_token: 'at-1', token_type: 'Bearer' } })
    const traffic = trafficCounter()
    try {
      const error = await session.userinfo().catch((e: unknown) => e)

      expect(error).to.be.instanceOf(UserinfoError)
      expect(traffic.count).to.equal(0)
    } finally {
      traffic.stop()
    }
  })

  it('names userinfoUrl when no endpoint is known', async () => {
    await using session = openidSession({ userinfoUrl: undefined })

    const error = await session.userinfo().catch((e: unknown) => e)

    expect(error).to.be.instanceOf(ConfigurationError).and.include({ option: 'userinfoUrl' })
  })
})
