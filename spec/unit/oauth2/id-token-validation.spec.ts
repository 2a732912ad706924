import { expect } from 'chai'
import { SignJWT, UnsecuredJWT } from 'jose'
import nock from 'nock'
import { IdTokenValidationError, OAuth2Session } from '../../../lib/index.js'
import { clearJwksCache } from '../../../lib/oauth2/jwks-cache.js'
import { installClock } from '../../support/fake-clock.js'
import { configurationError } from '../../support/expect-configuration-error.js'
import { withWarnings } from '../../support/with-warnings.js'
import { CLIENT, ISSUER, JWKS_PATH, type Signer, serveJwks, signer, signIdToken } from '../../support/id-token-fixtures.js'

// OpenID Connect Core §3.1.3.7 on the wire: the ID token of a token response, built and signed
// here with jose, checked against a JWKS nock serves; the token is kept only when it passes.
const CALLBACK = 'https://app.example/cb'

let main: Signer
let rotated: Signer

before(async () => {
  main = await signer('k1')
  rotated = await signer('k2')
})

function now(): number {
  return Math.floor(Date.now() / 1000)
}

/** A valid ID token for CLIENT from ISSUER, with `claims` on top (`undefined` removes one). */
function idToken(claims: Record<string, unknown> = {}, by: Signer = main, header: Record<string, unknown> = {}): Promise<string> {
  return signIdToken(by, claims, header)
}

function answerToken(idTokenValue: string, extra: Record<string, unknown> = {}): nock.Scope {
  return nock(ISSUER)
    .post('/token')
    .reply(200, { access_token: 'at-1', token_type: 'Bearer', expires_in: 3600, refresh_token: 'rt-1', id_token: idTokenValue, ...extra })
}

function openidSession(options: Record<string, unknown> = {}): OAuth2Session {
  return new OAuth2Session(CLIENT, {
    scope: ['openid', 'email'],
    issuer: ISSUER,
    jwksUri: `${ISSUER}${JWKS_PATH}`,
    redirectUri: CALLBACK,
    pkce: false,
    timeout: null,
    ...options,
  })
}

/** Makes an authorization URL (so a nonce is pending), then fetches the token of its callback. */
async function signIn(session: OAuth2Session): Promise<void> {
  const [, state] = session.authorizationUrl(`${ISSUER}/authorize`)
  await session.fetchToken(`${ISSUER}/token`, { authorizationResponse: `${CALLBACK}?code=c1&state=${state}` })
}

/** Signs in with `session`, the token endpoint answering with an ID token for its nonce (and `claims`, signed `by`); the token endpoint's scope. */
async function signInWithIdToken(session: OAuth2Session, claims: Record<string, unknown> = {}, by: Signer = main): Promise<nock.Scope> {
  const [, state] = session.authorizationUrl(`${ISSUER}/authorize`)
  const token = answerToken(await idToken({ nonce: session.nonce, ...claims }, by))
  await session.fetchToken(`${ISSUER}/token`, { authorizationResponse: `${CALLBACK}?code=c1&state=${state}` })
  return token
}

async function refusal(session: OAuth2Session, token: (nonce: string) => Promise<string>): Promise<IdTokenValidationError> {
  const [, state] = session.authorizationUrl(`${ISSUER}/authorize`)
  const value = await token(session.nonce as string)
  const scope = answerToken(value)
  const error = await session.fetchToken(`${ISSUER}/token`, { authorizationResponse: `${CALLBACK}?code=c1&state=${state}` }).catch((e: unknown) => e)
  scope.done()
  expect(error).to.be.instanceOf(IdTokenValidationError)
  const refused = error as IdTokenValidationError
  expect(refused.code).to.equal('ERR_ID_TOKEN_INVALID')
  const signature = value.split('.')[2] ?? ''
  expect(refused.message).to.not.include(value)
  if (signature !== '') expect(refused.message).to.not.include(signature)
  // The token response is not kept.
  expect(session.token).to.deep.equal({})
  expect(session.idTokenClaims).to.equal(undefined)
  return refused
}

describe('ID token validation (OpenID Connect Core §3.1.3.7)', () => {
  beforeEach(() => clearJwksCache())

  describe('a valid ID token', () => {
    it('is verified with the JWKS (fetched without a token), and its claims are kept, frozen', async () => {
      await using session = openidSession()
      const jwks = serveJwks(main)
      const token = await signInWithIdToken(session, { email: 'a@example.com' })

      jwks.done()
      token.done()
      expect(session.token.access_token).to.equal('at-1')
      expect(session.idTokenClaims).to.include({ iss: ISSUER, sub: 'user-7', aud: CLIENT, email: 'a@example.com' })
      expect(Object.isFrozen(session.idTokenClaims)).to.equal(true)
      // The nonce is single use.
      expect(session.nonce).to.equal(undefined)
    })

    it('accepts exp and iat off by less than clockSkew (default 60 s)', async () => {
      await using session = openidSession()
      const jwks = serveJwks(main)

      const token = await signInWithIdToken(session, { exp: now() - 30, iat: now() + 30 })

      jwks.done()
      token.done()
      expect(session.idTokenClaims?.sub).to.equal('user-7')
    })

    it('accepts several audiences when azp is this client', async () => {
      await using session = openidSession()
      const jwks = serveJwks(main)
      const token = await signInWithIdToken(session, { aud: [CLIENT, 'api'], azp: CLIENT })

      jwks.done()
      token.done()
      expect(session.idTokenClaims?.aud).to.deep.equal([CLIENT, 'api'])
    })
  })

  describe('the JWKS', () => {
    it('is fetched once per process for every session of the issuer (cached)', async () => {
      const jwks = serveJwks(main)
      for (let round = 0; round < 3; round++) {
        await using session = openidSession()
        const token = await signInWithIdToken(session)
        token.done()
      }

      jwks.done()
      expect(jwks.isDone()).to.equal(true)
    })

    it('is fetched once more on an unknown kid (a rotated key), when the held set is older than 30 s', async () => {
      using clock = installClock()
      const first = serveJwks(main)
      await using warm = openidSession()
      await signInWithIdToken(warm)
      first.done()
      clock.setSystemTime(Date.now() + 31_000)
      const again = serveJwks(main, rotated)
      await using session = openidSession()
      const token = await signInWithIdToken(session, {}, rotated)

      again.done()
      token.done()
      expect(session.idTokenClaims?.sub).to.equal('user-7')
    })

    it('is not fetched again for an unknown kid within 30 s of the last fetch: the token is refused', async () => {
      const jwks = serveJwks(main)
      await using warm = openidSession()
      await signInWithIdToken(warm)
      jwks.done()
      const unexpected = serveJwks(main, rotated)

      const error = await refusal(openidSession(), (nonce) => idToken({ nonce }, rotated))

      expect(error).to.include({ claim: 'signature' })
      expect(error.reason).to.include('names a key')
      expect(unexpected.isDone()).to.equal(false)
      nock.cleanAll()
    })

    it('is fetched at most once more per token: an unknown kid still unknown after the refetch is refused', async () => {
      using clock = installClock()
      const first = serveJwks(main)
      await using warm = openidSession()
      await signInWithIdToken(warm)
      first.done()
      clock.setSystemTime(Date.now() + 31_000)
      const refetch = serveJwks(main)
      const never = serveJwks(main, rotated)

      const error = await refusal(openidSession(), (nonce) => idToken({ nonce }, rotated))

      refetch.done()
      expect(error).to.include({ claim: 'signature' })
      expect(never.isDone()).to.equal(false)
      nock.cleanAll()
    })

    it('is not fetched twice for one token when the set it just fetched lacks the kid', async () => {
      const first = serveJwks(main)
      const never = serveJwks(main, rotated)

      const error = await refusal(openidSession(), (nonce) => idToken({ nonce }, rotated))

      first.done()
      expect(error).to.include({ claim: 'signature' })
      expect(never.isDone()).to.equal(false)
      nock.cleanAll()
    })

    it('refuses a JWKS that is not a key set, naming jwks', async () => {
      nock(ISSUER).get(JWKS_PATH).reply(200, { keys: 'none' }, { 'Content-Type': 'application/json' })

      const error = await refusal(openidSession(), (nonce) => idToken({ nonce }))

      expect(error).to.include({ claim: 'jwks' })
    })
  })

  describe('a failing ID token is refused and its token response not kept', () => {
    it('a tampered signature', async () => {
      serveJwks(main)

      const error = await refusal(openidSession(), async (nonce) => {
        const [head, body, signature = ''] = (await idToken({ nonce })).split('.')
        const flipped = (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1)
        return `${head}.${body}.${flipped}`
      })

      expect(error).to.include({ claim: 'signature' })
    })

    it('a tampered payload (another sub under the original signature)', async () => {
      serveJwks(main)

      const error = await refusal(openidSession(), async (nonce) => {
        const [head, , signature] = (await idToken({ nonce })).split('.')
        const forged = Buffer.from(JSON.stringify({ iss: ISSUER, sub: 'admin', aud: CLIENT, iat: now(), exp: now() + 600, nonce })).toString('base64url')
        return `${head}.${forged}.${signature}`
      })

      expect(error).to.include({ claim: 'signature' })
    })

    it('a wrong iss', async () => {
      serveJwks(main)

      const error = await refusal(openidSession(), (nonce) => idToken({ nonce, iss: 'https://evil.example' }))

      expect(error).to.include({ claim: 'iss' })
      expect(error.message).to.include(ISSUER)
    })

    it('an aud without this client', async () => {
      serveJwks(main)

      const error = await refusal(openidSession(), (nonce) => idToken({ nonce, aud: 'other-client' }))

      expect(error).to.include({ claim: 'aud' })
    })

    it('an azp of another client', async () => {
      serveJwks(main)

      const error = await refusal(openidSession(), (nonce) => idToken({ nonce, azp: 'other-client' }))

      expect(error).to.include({ claim: 'azp' })
    })

    it('several audiences without azp', async () => {
      serveJwks(main)

      const error = await refusal(openidSession(), (nonce) => idToken({ nonce, aud: [CLIENT, 'api'] }))

      expect(error).to.include({ claim: 'azp' })
    })

    it('an expired token (exp more than clockSkew ago)', async () => {
      serveJwks(main)

      const error = await refusal(openidSession(), (nonce) => idToken({ nonce, exp: now() - 61 }))

      expect(error).to.include({ claim: 'exp' })
    })

    it('an iat in the future beyond clockSkew (here 10 s)', async () => {
      serveJwks(main)

      const error = await refusal(openidSession({ clockSkew: 10 }), (nonce) => idToken({ nonce, iat: now() + 30 }))

      expect(error).to.include({ claim: 'iat' })
    })

    it('a missing nonce, when the authorization URL sent one', async () => {
      serveJwks(main)

      const error = await refusal(openidSession(), () => idToken())

      expect(error).to.include({ claim: 'nonce' })
      expect(error.reason).to.include('missing')
    })

    it('another nonce (a replayed or injected token)', async () => {
      serveJwks(main)

      const error = await refusal(openidSession(), () => idToken({ nonce: 'someone-elses-nonce' }))

      expect(error).to.include({ claim: 'nonce' })
      expect(error.message).to.not.include('someone-elses-nonce')
    })

    it('alg none, without fetching the JWKS', async () => {
      const error = await refusal(openidSession(), async (nonce) =>
        new UnsecuredJWT({ iss: ISSUER, sub: 'user-7', aud: CLIENT, nonce }).setIssuedAt().setExpirationTime('10m').encode(),
      )

      expect(error).to.include({ claim: 'alg' })
    })

    it('an alg the issuer did not announce (ES256 where RS256 is the default)', async () => {
      const elliptic = await signer('e1', 'ES256')

      const error = await refusal(openidSession(), (nonce) => idToken({ nonce }, elliptic))

      expect(error).to.include({ claim: 'alg' })
      expect(error.reason).to.include('ES256')
    })

    it('HS256 (a MAC keyed with the client secret: not supported)', async () => {
      const secret = new TextEncoder().encode('client-secret-of-at-least-32-bytes!!')
      const error = await refusal(openidSession({ clientSecret: 'client-secret-of-at-least-32-bytes!!' }), (nonce) =>
        new SignJWT({ iss: ISSUER, sub: 'user-7', aud: CLIENT, nonce })
          .setProtectedHeader({ alg: 'HS256' })
          .setIssuedAt()
          .setExpirationTime('10m')
          .sign(secret),
      )

      expect(error).to.include({ claim: 'alg' })
    })
  })

  describe('which algorithms are allowed', () => {
    it("takes the metadata's id_token_signing_alg_values_supported and its jwks_uri", async () => {
      const elliptic = await signer('e1', 'ES256')
      nock(ISSUER)
        .get('/.well-known/oauth-authorization-server')
        .reply(
          200,
          {
            issuer: ISSUER,
            authorization_endpoint: `${ISSUER}/authorize`,
            token_endpoint: `${ISSUER}/token`,
            jwks_uri: `${ISSUER}/keys`,
            id_token_signing_alg_values_supported: ['ES256', 'none'],
          },
          { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' },
        )
      const keys = nock(ISSUER)
        .get('/keys')
        .reply(200, { keys: [elliptic.jwk] }, { 'Content-Type': 'application/json' })
      await using session = await OAuth2Session.discover(ISSUER, CLIENT, { scope: 'openid', redirectUri: CALLBACK, pkce: false, timeout: null })
      const [, state] = session.authorizationUrl()
      const token = answerToken(await idToken({ nonce: session.nonce }, elliptic))

      await session.fetchToken({ authorizationResponse: `${CALLBACK}?code=c1&state=${state}&iss=${encodeURIComponent(ISSUER)}` })

      keys.done()
      token.done()
      expect(session.idTokenClaims?.sub).to.equal('user-7')
    })

    it('refuses none and HS* in the idTokenSigningAlgs option, before any traffic', () => {
      const error = configurationError(() => openidSession({ idTokenSigningAlgs: ['RS256', 'none'] }))

      expect(error.option).to.equal('idTokenSigningAlgs')
      expect(configurationError(() => openidSession({ idTokenSigningAlgs: ['HS256'] })).option).to.equal('idTokenSigningAlgs')
    })
  })

  describe('when nothing can be checked', () => {
    it('leaves the ID token unread without an issuer (as before): no JWKS request, no claims', async () => {
      await using session = new OAuth2Session(CLIENT, { scope: ['openid'], redirectUri: CALLBACK, pkce: false })
      const token = answerToken('not.even.a-jwt')

      await signIn(session)

      token.done()
      expect(session.token.id_token).to.equal('not.even.a-jwt')
      expect(session.idTokenClaims).to.equal(undefined)
    })

    it('does not validate without openid in the scope', async () => {
      await using session = openidSession({ scope: ['email'] })
      const token = answerToken('not.even.a-jwt')

      await signIn(session)

      token.done()
      expect(session.idTokenClaims).to.equal(undefined)
    })
  })

  describe('on a refresh (OpenID Connect Core §12.2)', () => {
    async function signedIn(): Promise<OAuth2Session> {
      const session = openidSession()
      serveJwks(main)
      await signInWithIdToken(session)
      return session
    }

    it('validates the new ID token without requiring a nonce', async () => {
      await using session = await signedIn()
      const token = answerToken(await idToken({ iat: now() + 1, email: 'new@example.com' }))

      await session.refreshToken(`${ISSUER}/token`)

      token.done()
      expect(session.idTokenClaims).to.include({ sub: 'user-7', email: 'new@example.com' })
    })

    it('refuses an ID token about another user, and keeps the old token', async () => {
      await using session = await signedIn()
      const before = session.token
      const token = answerToken(await idToken({ sub: 'someone-else' }), { access_token: 'at-2' })

      const error = await session.refreshToken(`${ISSUER}/token`).catch((e: unknown) => e)

      token.done()
      expect(error).to.be.instanceOf(IdTokenValidationError).and.include({ claim: 'sub' })
      expect(session.token).to.equal(before)
      expect(session.idTokenClaims?.sub).to.equal('user-7')
    })
  })
})

describe('an ID token whose nonce no session can check', () => {
  beforeEach(() => clearJwksCache())
  afterEach(() => nock.cleanAll())

  it('warns once when a code is redeemed with no nonce pending (a callback session built without the nonce option) and the ID token carries one', async () => {
    const session = openidSession()
    const jwks = serveJwks(main)
    const first = answerToken(await idToken({ nonce: 'n-from-another-session' }))

    const { warnings } = await withWarnings(async () => {
      await session.fetchToken(`${ISSUER}/token`, { code: 'c1' })
      answerToken(await idToken({ nonce: 'n-again' }))
      await session.fetchToken(`${ISSUER}/token`, { code: 'c2' })
    })

    expect(session.idTokenClaims?.nonce).to.equal('n-again')
    expect(warnings.filter((text) => text.includes('nonce'))).to.have.length(1)
    expect(warnings.join('\n')).to.include('nonce option').and.not.include('n-from-another-session')
    jwks.done()
    first.done()
    await session.close()
  })

  it('does not warn when the nonce was checked', async () => {
    const session = openidSession()
    const jwks = serveJwks(main)
    const { warnings } = await withWarnings(async () => {
      await signInWithIdToken(session)
    })
    expect(warnings.filter((text) => text.includes('nonce'))).to.deep.equal([])
    jwks.done()
    await session.close()
  })
})
