import { expect } from 'chai'
import { calculateJwkThumbprint, decodeJwt, decodeProtectedHeader, importJWK, type JWK, jwtVerify } from 'jose'
import nock from 'nock'
import { IdTokenValidationError, OAuth2Service } from '../../../lib/index.js'
import { clearJwksCache } from '../../../lib/oauth2/jwks-cache.js'
import { CLIENT, ISSUER, JWKS_PATH, type Signer, serveJwks, signer, signIdToken } from '../../support/id-token-fixtures.js'

describe('OAuth2Service.getAuthSession with DPoP', () => {
  afterEach(() => nock.cleanAll())

  it('proves the token request with the key of the session it returns, so the token is bound to that session', async () => {
    const proofs: string[] = []
    const idp = nock('https://idp.test')
      .post('/token', 'grant_type=client_credentials&client_id=svc&client_secret=s')
      .reply(200, function () {
        proofs.push(this.req.headers.dpop as string)
        return { access_token: 'at-d', token_type: 'DPoP', expires_in: 3600 }
      })
    const api = nock('https://api.test')
      .get('/r')
      .matchHeader('authorization', 'DPoP at-d')
      .reply(200, function () {
        proofs.push(this.req.headers.dpop as string)
        return {}
      })
    const service = new OAuth2Service({ clientId: 'svc', clientSecret: 's', accessTokenUrl: 'https://idp.test/token', sessionOptions: { dpop: true } })

    const session = await service.getAuthSession({ data: { grant_type: 'client_credentials' } })
    await session.get('https://api.test/r')

    const [atToken, atApi] = proofs as [string, string]
    const tokenJwk = decodeProtectedHeader(atToken).jwk as JWK
    expect(decodeJwt(atToken)).to.include({ htm: 'POST', htu: 'https://idp.test/token' })
    const { payload, protectedHeader } = await jwtVerify(atApi, await importJWK(tokenJwk, 'ES256'), { typ: 'dpop+jwt' })
    expect(payload).to.include({ htm: 'GET', htu: 'https://api.test/r' })
    expect(await calculateJwkThumbprint(protectedHeader.jwk as JWK)).to.equal(await calculateJwkThumbprint(tokenJwk))
    expect(session.token.token_type).to.equal('DPoP')
    expect(service.getSession('at-d')).to.equal(session)
    idp.done()
    api.done()
  })

  it('sends no proof without dpop (the rauth wire unchanged)', async () => {
    const idp = nock('https://idp.test')
      .post('/token', 'grant_type=client_credentials&client_id=svc&client_secret=s')
      .matchHeader('dpop', (value) => value === undefined)
      .reply(200, { access_token: 'at-b', token_type: 'Bearer' })
    const service = new OAuth2Service({ clientId: 'svc', clientSecret: 's', accessTokenUrl: 'https://idp.test/token' })

    const session = await service.getAuthSession({ data: { grant_type: 'client_credentials' } })

    expect(session.token).to.deep.equal({ access_token: 'at-b' })
    idp.done()
  })
})

describe('OAuth2Service.getAuthSession with an OpenID Connect ID token', () => {
  let main: Signer
  before(async () => {
    main = await signer('k1')
  })
  afterEach(() => {
    nock.cleanAll()
    clearJwksCache()
  })

  function service(sessionOptions: Record<string, unknown> = {}): OAuth2Service {
    return new OAuth2Service({
      clientId: CLIENT,
      clientSecret: 'secret',
      accessTokenUrl: `${ISSUER}/token`,
      sessionOptions: { issuer: ISSUER, jwksUri: `${ISSUER}${JWKS_PATH}`, ...sessionOptions },
    })
  }

  it('validates the ID token of a scope-openid token request and gives the session its claims', async () => {
    const idToken = await signIdToken(main, { email: 'a@example.com' })
    const idp = nock(ISSUER).post('/token').reply(200, { access_token: 'at-o', token_type: 'Bearer', id_token: idToken })
    const jwks = serveJwks(main)

    const session = await service().getAuthSession({ data: { grant_type: 'authorization_code', code: 'c1', scope: 'openid email' } })

    expect(session.idTokenClaims).to.include({ sub: 'user-7', email: 'a@example.com', iss: ISSUER })
    idp.done()
    jwks.done()
  })

  it('refuses an ID token for another client with IdTokenValidationError, and hands out no session for its access token', async () => {
    const idToken = await signIdToken(main, { aud: 'someone-else' })
    nock(ISSUER).post('/token').reply(200, { access_token: 'at-x', token_type: 'Bearer', id_token: idToken })
    serveJwks(main)
    const oidc = service({ scope: ['openid'] })

    const error = await oidc.getAuthSession({ data: { grant_type: 'authorization_code', code: 'c1' } }).catch((e: unknown) => e)

    expect(error).to.be.instanceOf(IdTokenValidationError)
    expect(oidc.getSession('at-x').idTokenClaims).to.equal(undefined)
  })

  it('checks the nonce of sessionOptions', async () => {
    nock(ISSUER)
      .post('/token')
      .reply(200, { access_token: 'at-n', token_type: 'Bearer', id_token: await signIdToken(main, { nonce: 'other' }) })
    serveJwks(main)

    const error = await service({ scope: ['openid'], nonce: 'n-1' })
      .getAuthSession({ data: { grant_type: 'authorization_code', code: 'c1' } })
      .catch((e: unknown) => e)

    expect(error).to.be.instanceOf(IdTokenValidationError).with.property('claim', 'nonce')
  })
})
