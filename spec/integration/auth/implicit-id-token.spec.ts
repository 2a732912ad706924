import { useBrowserFlow } from '../../support/browser-flow.js'
import { expect } from 'chai'
import nock from 'nock'
import { IdTokenValidationError, OAuth2Implicit } from '../../../lib/index.js'
import { clearDiscoveryCache } from '../../../lib/oauth2/discovery.js'
import { clearJwksCache } from '../../../lib/oauth2/jwks-cache.js'
import { ISSUER, type Signer, serveJwks, signer, signIdToken } from '../../support/id-token-fixtures.js'

// requests-auth's OAuth2Implicit with response_type=id_token: the redirect listener (a real one, on
// loopback) gets an ID token signed with jose (id-token-fixtures); with the issuer known, it is validated against
// the JWKS nock serves (given as jwksUri, or discovered) before it is cached or sent.
const CLIENT = 'spa-client'
const NONCE = 'n-0S6_WzA2Mj'

let key: Signer

before(async () => {
  key = await signer('k1')
})

function idToken(claims: Record<string, unknown> = {}): Promise<string> {
  return signIdToken(key, { aud: CLIENT, nonce: NONCE, ...claims })
}

describe('OAuth2Implicit ID tokens', function () {
  this.timeout(15_000)
  const flow = useBrowserFlow()
  beforeEach(() => {
    clearJwksCache()
    clearDiscoveryCache()
  })

  function implicit(options: Record<string, unknown> = {}): OAuth2Implicit {
    return new OAuth2Implicit(`${ISSUER}/authorize`, { clientId: CLIENT, responseType: 'id_token', nonce: NONCE, redirectUriPort: flow.port, ...options })
  }

  /** The browser comes back with `token` in the fragment; the API answers the request it authorizes. */
  function replyWith(auth: OAuth2Implicit, token: string): void {
    flow.browser.addResponse({ openedUrl: auth.grantUrl, replyUrl: `http://localhost:${flow.port}/#id_token=${token}&state=${auth.flowState}` })
  }

  it('validates the ID token with the jwksUri given, then sends it', async () => {
    const auth = implicit({ issuer: ISSUER, jwksUri: `${ISSUER}/jwks` })
    const token = await idToken()
    replyWith(auth, token)
    const jwks = serveJwks(key)
    const api = nock('https://api.example').get('/me').matchHeader('authorization', `Bearer ${token}`).reply(200, { ok: true })

    const answer = await flow.session.get('https://api.example/me', { auth })

    jwks.done()
    api.done()
    expect(answer.status).to.equal(200)
  })

  it("reads the JWKS location from the issuer's discovered metadata when only the issuer is given", async () => {
    const auth = implicit({ issuer: ISSUER })
    replyWith(auth, await idToken())
    const metadata = nock(ISSUER)
      .get('/.well-known/oauth-authorization-server')
      .reply(200, { issuer: ISSUER, jwks_uri: `${ISSUER}/keys` }, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' })
    const jwks = nock(ISSUER)
      .get('/keys')
      .reply(200, { keys: [key.jwk] }, { 'Content-Type': 'application/json' })
    const api = nock('https://api.example').get('/me').reply(200, { ok: true })

    await flow.session.get('https://api.example/me', { auth })

    metadata.done()
    jwks.done()
    api.done()
  })

  it('refuses a tampered ID token: no API request is sent', async () => {
    const auth = implicit({ issuer: ISSUER, jwksUri: `${ISSUER}/jwks` })
    const [head, , signature] = (await idToken()).split('.')
    const forged = Buffer.from(JSON.stringify({ iss: ISSUER, sub: 'admin', aud: CLIENT, nonce: NONCE, iat: 1, exp: 4_000_000_000 })).toString('base64url')
    replyWith(auth, `${head}.${forged}.${signature}`)
    serveJwks(key)
    const api = nock('https://api.example').get('/me').reply(200, { ok: true })

    const error = await flow.session.get('https://api.example/me', { auth }).catch((e: unknown) => e)

    expect(error).to.be.instanceOf(IdTokenValidationError).and.include({ claim: 'signature' })
    expect(api.isDone()).to.equal(false)
    nock.cleanAll()
  })

  it('refuses an ID token without the nonce of the authorization URL', async () => {
    const auth = implicit({ issuer: ISSUER, jwksUri: `${ISSUER}/jwks` })
    replyWith(auth, await idToken({ nonce: 'another' }))
    serveJwks(key)

    const error = await flow.session.get('https://api.example/me', { auth }).catch((e: unknown) => e)

    expect(error).to.be.instanceOf(IdTokenValidationError).and.include({ claim: 'nonce' })
  })

  it('keeps the ID token unchecked, as requests-auth does, when the issuer is not known', async () => {
    const auth = implicit()
    replyWith(auth, 'a.b.c')
    const api = nock('https://api.example').get('/me').matchHeader('authorization', 'Bearer a.b.c').reply(200, { ok: true })

    await flow.session.get('https://api.example/me', { auth })

    api.done()
  })
})
