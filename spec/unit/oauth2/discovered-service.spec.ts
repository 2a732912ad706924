import { expect } from 'chai'
import nock from 'nock'
import { InvalidMetadataError, OAuth2Service } from '../../../lib/index.js'
import { clearDiscoveryCache } from '../../../lib/oauth2/discovery.js'

// A service made by OAuth2Service.discover hands its metadata to every session it makes, so that
// the sessions (and the service's own revocation and introspection) take their endpoints from it
// as a session made by OAuth2Session.discover does (DESIGN §8).
const ORIGIN = 'https://as.example'
const JSON_TYPE = { 'Content-Type': 'application/json' }
const METADATA = {
  issuer: ORIGIN,
  authorization_endpoint: `${ORIGIN}/authorize`,
  token_endpoint: `${ORIGIN}/token`,
  revocation_endpoint: `${ORIGIN}/oauth/revoke`,
  introspection_endpoint: `${ORIGIN}/oauth/introspect`,
  device_authorization_endpoint: `${ORIGIN}/oauth/device`,
}

async function discoveredService(): Promise<OAuth2Service> {
  nock(ORIGIN).get('/.well-known/oauth-authorization-server').reply(200, METADATA, JSON_TYPE)
  return OAuth2Service.discover(ORIGIN, { clientId: 'client-1', clientSecret: 'secret-1' })
}

describe('the sessions of a discovered OAuth2Service', () => {
  beforeEach(() => clearDiscoveryCache())

  it('carry the metadata: getSession() with and without a token, and getAuthSession()', async () => {
    await using service = await discoveredService()
    const token = nock(ORIGIN)
      .post('/token', { grant_type: 'client_credentials', client_id: 'client-1', client_secret: 'secret-1' })
      .reply(200, { access_token: 'at-1', token_type: 'Bearer' }, JSON_TYPE)

    const authenticated = await service.getAuthSession({ data: { grant_type: 'client_credentials' } })

    token.done()
    expect(service.getSession().metadata).to.deep.equal(METADATA)
    expect(service.getSession('at-0').metadata).to.deep.equal(METADATA)
    expect(authenticated.metadata).to.deep.equal(METADATA)
    expect(Object.isFrozen(authenticated.metadata)).to.equal(true)
  })

  it('take their endpoints from it: the authorization URL, the token, revocation, introspection and device endpoints', async () => {
    await using service = await discoveredService()
    const session = service.getSession()
    const scope = nock(ORIGIN)
      .post('/token', { grant_type: 'authorization_code', code: 'c-1', code_verifier: 'v'.repeat(43) })
      .basicAuth({ user: 'client-1', pass: 'secret-1' })
      .reply(200, { access_token: 'at-1', refresh_token: 'rt-1', token_type: 'Bearer' }, JSON_TYPE)
      .post('/oauth/introspect', 'token=at-1&token_type_hint=access_token')
      .reply(200, { active: true }, JSON_TYPE)
      .post('/oauth/device')
      .reply(200, { device_code: 'dc', user_code: 'UC-1', verification_uri: `${ORIGIN}/device`, expires_in: 600 }, JSON_TYPE)
      .post('/oauth/revoke', 'token=rt-1&token_type_hint=refresh_token')
      .reply(200, '')
      .post('/oauth/revoke', 'token=at-1&token_type_hint=access_token')
      .reply(200, '')

    const [url] = session.authorizationUrl()
    await session.fetchToken({ code: 'c-1', codeVerifier: 'v'.repeat(43) })
    const info = await session.introspectToken()
    const device = await session.deviceAuthorization()
    await session.revokeToken()

    expect(url.startsWith(`${ORIGIN}/authorize?`)).to.equal(true)
    expect(info.active).to.equal(true)
    expect(device.userCode).to.equal('UC-1')
    expect(session.authorized).to.equal(false)
    scope.done()
  })

  it('lets the service revoke and introspect at the discovered endpoints, with no revocationUrl or introspectionUrl given', async () => {
    await using service = await discoveredService()
    const scope = nock(ORIGIN)
      .post('/oauth/revoke', 'token=rt-9&token_type_hint=refresh_token')
      .basicAuth({ user: 'client-1', pass: 'secret-1' })
      .reply(200, '')
      .post('/oauth/introspect', 'token=at-9')
      .basicAuth({ user: 'client-1', pass: 'secret-1' })
      .reply(200, { active: false }, JSON_TYPE)

    await service.revokeToken('rt-9', { tokenTypeHint: 'refresh_token' })
    const info = await service.introspectToken('at-9')

    expect(info.active).to.equal(false)
    scope.done()
  })

  it('leave the sessions of a service built by hand without metadata', async () => {
    await using service = new OAuth2Service({ clientId: 'client-1', clientSecret: 'secret-1', accessTokenUrl: `${ORIGIN}/token` })

    expect(service.getSession().metadata).to.equal(undefined)
    expect(service.getSession('at-1').metadata).to.equal(undefined)
  })
})

describe('OAuth2Service.serialize and fromJSON with the #17 options', () => {
  beforeEach(() => clearDiscoveryCache())
  afterEach(() => nock.cleanAll())

  it('round-trips revocationUrl, introspectionUrl and deviceAuthorizationUrl', () => {
    const service = new OAuth2Service({
      clientId: 'c',
      clientSecret: 's',
      revocationUrl: `${ORIGIN}/r`,
      introspectionUrl: `${ORIGIN}/i`,
      deviceAuthorizationUrl: `${ORIGIN}/d`,
    })
    const restored = OAuth2Service.fromJSON(JSON.stringify(service.serialize()))
    expect([restored.revocationUrl, restored.introspectionUrl, restored.deviceAuthorizationUrl]).to.deep.equal([`${ORIGIN}/r`, `${ORIGIN}/i`, `${ORIGIN}/d`])
    expect(restored.serialize()).to.deep.equal(service.serialize())
  })

  it('restores a discovered service without fetching: its metadata, and sessions that take endpoints, issuer and iss rule from it', async () => {
    nock(ORIGIN)
      .get('/.well-known/oauth-authorization-server')
      .reply(200, { ...METADATA, authorization_response_iss_parameter_supported: true }, JSON_TYPE)
    const text = JSON.stringify((await discoveredService()).serialize())
    nock.cleanAll()
    clearDiscoveryCache()

    await using restored = OAuth2Service.fromJSON(text)
    const session = restored.getSession()

    expect(restored.metadata).to.deep.include(METADATA)
    expect(Object.isFrozen(restored.metadata)).to.equal(true)
    expect([restored.accessTokenUrl, restored.authorizeUrl]).to.deep.equal([`${ORIGIN}/token`, `${ORIGIN}/authorize`])
    expect([session.issuer, session.issuerParameterRequired, session.autoRefreshUrl]).to.deep.equal([ORIGIN, true, `${ORIGIN}/token`])
    expect(session.metadata?.revocation_endpoint).to.equal(`${ORIGIN}/oauth/revoke`)
    expect(nock.pendingMocks()).to.deep.equal([])
  })

  it('refuses tampered metadata with InvalidMetadataError naming the field, before any traffic', async () => {
    const data = (await discoveredService()).serialize()
    const tampered = { ...data, metadata: { ...(data.metadata as object), revocation_endpoint: 'http://evil.example/revoke' } }
    const error = (() => {
      try {
        OAuth2Service.fromJSON(JSON.stringify(tampered))
      } catch (thrown) {
        return thrown
      }
    })()
    expect(error).to.be.instanceOf(InvalidMetadataError).and.include({ field: 'revocation_endpoint' })
    expect(String((error as Error).message)).to.not.include('secret-1')
  })
})
