import { expect } from 'chai'
import { exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT } from 'jose'
import nock from 'nock'
import { IdTokenValidationError, OAuth2Session, type OAuth2SessionOptions } from '../../../lib/index.js'
import { clearJwksCache } from '../../../lib/oauth2/jwks-cache.js'

// OpenID Connect Core §12.2: a refreshed ID token is about the same sign-in as the one held. The
// session that refreshes is not always the one that validated the first ID token: a restored
// session, or another process sharing the token through a TokenStore, holds only the token record.
const ISSUER = 'https://idp.example'
const CLIENT = 'client-1'

let key: CryptoKey
let jwk: JWK

before(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true })
  key = pair.privateKey
  jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }
})

afterEach(() => clearJwksCache())

async function idToken(claims: Record<string, unknown>): Promise<string> {
  const now = Math.floor(Date.now() / 1000)
  return new SignJWT({ iss: ISSUER, aud: CLIENT, iat: now, exp: now + 600, ...claims } as JWTPayload).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(key)
}

function session(options: OAuth2SessionOptions): OAuth2Session {
  return new OAuth2Session(CLIENT, { scope: ['openid'], issuer: ISSUER, jwksUri: `${ISSUER}/jwks`, clientSecret: 's', timeout: null, ...options })
}

function serveJwks(): nock.Scope {
  return nock(ISSUER)
    .get('/jwks')
    .reply(200, { keys: [jwk] }, { 'Content-Type': 'application/json' })
}

function answerRefresh(idTokenValue: string): nock.Scope {
  return nock(ISSUER).post('/token').reply(200, { access_token: 'at-2', token_type: 'Bearer', expires_in: 3600, refresh_token: 'rt-2', id_token: idTokenValue })
}

describe('a refreshed ID token, in a session that did not validate the first one (review #18)', () => {
  it('is compared with the ID token of the token it holds: another sub is refused, the token kept', async () => {
    const held = { access_token: 'at-1', token_type: 'Bearer', refresh_token: 'rt-1', id_token: await idToken({ sub: 'alice' }) }
    const restored = session({ token: held })
    const jwks = serveJwks()
    const refresh = answerRefresh(await idToken({ sub: 'mallory' }))

    const error = await restored.refreshToken(`${ISSUER}/token`).catch((e: unknown) => e)

    jwks.done()
    refresh.done()
    expect(error).to.be.instanceOf(IdTokenValidationError).and.include({ claim: 'sub' })
    expect(restored.token.access_token).to.equal('at-1')
    expect(restored.idTokenClaims).to.equal(undefined)
  })

  it('is compared likewise after serialize() and deserialize(): another azp is refused', async () => {
    const first = session({
      token: { access_token: 'at-1', token_type: 'Bearer', refresh_token: 'rt-1', id_token: await idToken({ sub: 'alice', azp: CLIENT }) },
    })
    const restored = OAuth2Session.deserialize(JSON.stringify(first.serialize()))
    const jwks = serveJwks()
    const refresh = answerRefresh(await idToken({ sub: 'alice' }))

    const error = await restored.refreshToken(`${ISSUER}/token`).catch((e: unknown) => e)

    jwks.done()
    refresh.done()
    expect(error).to.be.instanceOf(IdTokenValidationError).and.include({ claim: 'azp' })
  })

  it('is taken when it is about the same user', async () => {
    const restored = session({ token: { access_token: 'at-1', token_type: 'Bearer', refresh_token: 'rt-1', id_token: await idToken({ sub: 'alice' }) } })
    const jwks = serveJwks()
    const refresh = answerRefresh(await idToken({ sub: 'alice' }))

    await restored.refreshToken(`${ISSUER}/token`)

    jwks.done()
    refresh.done()
    expect(restored.idTokenClaims?.sub).to.equal('alice')
  })
})
