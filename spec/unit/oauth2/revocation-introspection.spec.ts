import { expect } from 'chai'
import nock from 'nock'
import {
  ConfigurationError,
  EndpointUnavailableError,
  HTTPBasicAuth,
  InvalidClientError,
  InvalidTokenResponseError,
  MemoryTokenStore,
  OAuth2Service,
  OAuth2Session,
  type OAuth2SessionOptions,
  RevocationUnsupportedTokenTypeError,
  TokenRequestError,
} from '../../../lib/index.js'
import { configurationRejection } from '../../support/expect-configuration-error.js'

const IDP = 'https://idp.test'
const REVOKE = `${IDP}/revoke`
const INTROSPECT = `${IDP}/introspect`
const BASIC = `Basic ${Buffer.from('client-1:secret-1').toString('base64')}`
const TOKEN = { access_token: 'at-1', refresh_token: 'rt-1', token_type: 'Bearer' }

function session(options: OAuth2SessionOptions = {}): OAuth2Session {
  return new OAuth2Session('client-1', { clientSecret: 'secret-1', revocationUrl: REVOKE, introspectionUrl: INTROSPECT, token: { ...TOKEN }, ...options })
}

describe('revokeToken (RFC 7009)', () => {
  afterEach(() => nock.cleanAll())

  it('revokes the refresh token, then the access token, with Basic auth, and forgets the token', async () => {
    const bodies: string[] = []
    const scope = nock(IDP)
      .post('/revoke')
      .times(2)
      .matchHeader('authorization', BASIC)
      .matchHeader('content-type', 'application/x-www-form-urlencoded;charset=UTF-8')
      .reply(200, function (_uri, body) {
        bodies.push(String(body))
        return 'ignored body'
      })
    const client = session()

    await client.revokeToken()

    expect(bodies).to.deep.equal(['token=rt-1&token_type_hint=refresh_token', 'token=at-1&token_type_hint=access_token'])
    expect(client.token).to.deep.equal({})
    expect(client.authorized).to.equal(false)
    scope.done()
  })

  it('revokes a token given, with its hint, and keeps the session token', async () => {
    const scope = nock(IDP).post('/revoke', 'token=other&token_type_hint=refresh_token').matchHeader('authorization', BASIC).reply(200)
    const client = session()

    await client.revokeToken('other', { tokenTypeHint: 'refresh_token' })

    expect(client.token.access_token).to.equal('at-1')
    scope.done()
  })

  it('sends no hint for a token given without one', async () => {
    const scope = nock(IDP).post('/revoke', 'token=other').reply(200)

    await session().revokeToken('other')

    scope.done()
  })

  it('puts client_id and client_secret in the body with includeClientId, and no Authorization header', async () => {
    const scope = nock(IDP, { badheaders: ['authorization'] })
      .post('/revoke', 'token=other&token_type_hint=access_token&client_id=client-1&client_secret=secret-1')
      .reply(200)

    await session().revokeToken('other', { tokenTypeHint: 'access_token', includeClientId: true })

    scope.done()
  })

  it('uses an auth strategy given, and a per-call url', async () => {
    const scope = nock('https://other.test')
      .post('/rev', 'token=other')
      .matchHeader('authorization', `Basic ${Buffer.from('a:b').toString('base64')}`)
      .reply(200)

    await session().revokeToken('other', { url: 'https://other.test/rev', auth: new HTTPBasicAuth('a', 'b') })

    scope.done()
  })

  it('deletes the key from the tokenStore', async () => {
    const store = new MemoryTokenStore()
    await store.set('user:1', { ...TOKEN })
    const scope = nock(IDP).post('/revoke').times(2).reply(200)
    const client = new OAuth2Session('client-1', { clientSecret: 'secret-1', revocationUrl: REVOKE, tokenStore: store, tokenKey: 'user:1' })

    await client.revokeToken()

    expect(await store.get('user:1')).to.equal(undefined)
    expect(client.token).to.deep.equal({})
    scope.done()
  })

  it('counts a server that revokes refresh tokens only as logged out', async () => {
    const scope = nock(IDP)
      .post('/revoke', /token=rt-1/)
      .reply(200)
      .post('/revoke', /token=at-1/)
      .reply(400, { error: 'unsupported_token_type' })
    const client = session()

    await client.revokeToken()

    expect(client.token).to.deep.equal({})
    scope.done()
  })

  it('keeps the token when the refresh token is not revoked', async () => {
    const scope = nock(IDP).post('/revoke').reply(401, { error: 'invalid_client', error_description: 'bad secret' })
    const client = session()

    const error = await client.revokeToken().catch((e: unknown) => e)

    expect(error).to.be.instanceOf(InvalidClientError).and.include({ status: 401, error: 'invalid_client', errorDescription: 'bad secret' })
    expect(client.token.refresh_token).to.equal('rt-1')
    scope.done()
  })

  it('turns unsupported_token_type into RevocationUnsupportedTokenTypeError', async () => {
    const scope = nock(IDP).post('/revoke').reply(400, { error: 'unsupported_token_type', error_description: 'no access tokens' })

    const error = await session()
      .revokeToken('other')
      .catch((e: unknown) => e)

    expect(error).to.be.instanceOf(RevocationUnsupportedTokenTypeError).and.instanceOf(TokenRequestError)
    expect(error).to.include({ code: 'ERR_REVOCATION_UNSUPPORTED_TOKEN_TYPE', error: 'unsupported_token_type', status: 400 })
    scope.done()
  })

  it('turns a 503 into EndpointUnavailableError carrying Retry-After', async () => {
    const scope = nock(IDP).post('/revoke').reply(503, 'down', { 'retry-after': '120' })

    const error = await session()
      .revokeToken('other')
      .catch((e: unknown) => e)

    expect(error).to.be.instanceOf(EndpointUnavailableError).and.include({ retryAfter: 120, status: 503, error: 'temporarily_unavailable' })
    expect((error as Error).message).to.include('Retry-After')
    scope.done()
  })

  it('reads a Retry-After HTTP date as the seconds left, and one it cannot read as none', async () => {
    const at = new Date(Date.now() + 120_000).toUTCString()
    const scope = nock(IDP).post('/revoke').reply(503, 'down', { 'retry-after': at }).post('/revoke').reply(503, 'down', { 'retry-after': 'soon' })
    const client = session()

    const dated = (await client.revokeToken('other').catch((e: unknown) => e)) as EndpointUnavailableError
    const garbled = (await client.revokeToken('other').catch((e: unknown) => e)) as EndpointUnavailableError

    expect(dated).to.be.instanceOf(EndpointUnavailableError)
    expect(dated.retryAfter).to.be.within(119, 120)
    expect(garbled).to.be.instanceOf(EndpointUnavailableError)
    expect(garbled.retryAfter).to.equal(undefined)
    expect(garbled.message).to.include('sent no Retry-After')
    scope.done()
  })

  it('reads a Retry-After of more than ten digits as that many seconds, as the retry policy does', async () => {
    const scope = nock(IDP).post('/revoke').reply(503, 'down', { 'retry-after': '123456789012' })

    const error = (await session()
      .revokeToken('other')
      .catch((e: unknown) => e)) as EndpointUnavailableError

    expect(error).to.be.instanceOf(EndpointUnavailableError)
    expect(error.retryAfter).to.equal(123_456_789_012)
    scope.done()
  })

  it('keeps the token sent out of the error message, even when the server quotes it', async () => {
    const scope = nock(IDP).post('/revoke').reply(400, { error: 'invalid_request', error_description: 'bad token other-secret-token' })

    const error = (await session()
      .revokeToken('other-secret-token')
      .catch((e: unknown) => e)) as TokenRequestError

    expect(error.message).to.not.include('other-secret-token')
    expect(error.errorDescription).to.not.include('other-secret-token')
    scope.done()
  })

  it('names revocationUrl when there is no endpoint, before any traffic', async () => {
    const client = new OAuth2Session('client-1', { token: { ...TOKEN } })

    const error = await configurationRejection(() => client.revokeToken())

    expect(error.option).to.equal('revocationUrl')
    expect(error.message).to.include('revocationUrl')
  })

  it('refuses an endpoint option that is not an absolute http(s) URL', () => {
    expect(() => new OAuth2Session('client-1', { revocationUrl: 'not a url' })).to.throw(ConfigurationError, /revocationUrl/)
    expect(() => new OAuth2Session('client-1', { introspectionUrl: 'ftp://idp.test/x' })).to.throw(ConfigurationError, /introspectionUrl/)
  })

  it('runs revocation_request hooks, also under authlib’s name revoke_token_request', async () => {
    const scope = nock(IDP).post('/revoke', 'token=other&a=1&b=2').matchHeader('x-hooked', 'yes').reply(200)
    const client = session()
    client.registerComplianceHook('revocation_request', (url, headers, body) => [url, headers.set('X-Hooked', 'yes'), `${String(body)}&a=1`])
    client.registerComplianceHook('revoke_token_request', (url, headers, body) => [url, headers, `${String(body)}&b=2`])

    await client.revokeToken('other')

    scope.done()
  })
})

describe('introspectToken (RFC 7662)', () => {
  afterEach(() => nock.cleanAll())

  it("asks about the session's access token with Basic auth and returns the wire object", async () => {
    const scope = nock(IDP)
      .post('/introspect', 'token=at-1&token_type_hint=access_token')
      .matchHeader('authorization', BASIC)
      .reply(200, { active: true, scope: 'read', client_id: 'client-1', exp: 2000000000, extra: { a: 1 } })

    const info = await session().introspectToken()

    expect(info).to.deep.equal({ active: true, scope: 'read', client_id: 'client-1', exp: 2000000000, extra: { a: 1 } })
    scope.done()
  })

  it('returns an inactive answer as it is', async () => {
    const scope = nock(IDP).post('/introspect', 'token=gone').reply(200, { active: false })

    expect(await session().introspectToken('gone')).to.deep.equal({ active: false })
    scope.done()
  })

  for (const [what, body] of [
    ['a string active', { active: 'true' }],
    ['no active', { scope: 'read' }],
    ['an HTML page', '<html>hi</html>'],
  ] as const) {
    it(`refuses ${what} with InvalidTokenResponseError naming active`, async () => {
      const scope = nock(IDP).post('/introspect').reply(200, body)

      const error = await session()
        .introspectToken('t')
        .catch((e: unknown) => e)

      expect(error).to.be.instanceOf(InvalidTokenResponseError).and.include({ field: 'active' })
      scope.done()
    })
  }

  it('refuses an RFC field of the wrong type, naming it', async () => {
    const scope = nock(IDP).post('/introspect').reply(200, { active: true, exp: 'soon' })

    const error = await session()
      .introspectToken('t')
      .catch((e: unknown) => e)

    expect(error).to.be.instanceOf(InvalidTokenResponseError).and.include({ field: 'exp' })
    scope.done()
  })

  it('refuses a field nested without end, naming it, instead of handing back what overflows the stack when copied', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`
    const scope = nock(IDP).post('/introspect').reply(200, `{"active":true,"claims":${deep}}`, { 'Content-Type': 'application/json' })

    const error = await session()
      .introspectToken('t')
      .catch((e: unknown) => e)

    expect(error).to.be.instanceOf(InvalidTokenResponseError).and.include({ field: 'claims' })
    scope.done()
  })

  it('runs introspection_response hooks before the answer is checked', async () => {
    const scope = nock(IDP).post('/introspect').reply(200, { active: 'yes' })
    const client = session()
    client.registerComplianceHook('introspection_response', (response) => response.withJson({ active: response.json<{ active: string }>().active === 'yes' }))

    expect(await client.introspectToken('t')).to.deep.equal({ active: true })
    scope.done()
  })

  it('turns an error body into the typed error', async () => {
    const scope = nock(IDP).post('/introspect').reply(401, { error: 'invalid_client' })

    const error = await session()
      .introspectToken('t')
      .catch((e: unknown) => e)

    expect(error).to.be.instanceOf(InvalidClientError).and.include({ status: 401 })
    scope.done()
  })

  it('names introspectionUrl when there is no endpoint', async () => {
    const error = await configurationRejection(() => new OAuth2Session('c', { token: { ...TOKEN } }).introspectToken())

    expect(error.option).to.equal('introspectionUrl')
  })
})

describe('OAuth2Service revokeToken and introspectToken', () => {
  afterEach(() => nock.cleanAll())

  it('authenticates with the client id and secret at the service endpoints', async () => {
    const scope = nock(IDP)
      .post('/revoke', 'token=rt-9&token_type_hint=refresh_token')
      .matchHeader('authorization', BASIC)
      .reply(200)
      .post('/introspect', 'token=at-9')
      .matchHeader('authorization', BASIC)
      .reply(200, { active: true })
    const service = new OAuth2Service({ clientId: 'client-1', clientSecret: 'secret-1', revocationUrl: REVOKE, introspectionUrl: INTROSPECT })

    await service.revokeToken('rt-9', { tokenTypeHint: 'refresh_token' })
    const info = await service.introspectToken('at-9')

    expect(info.active).to.equal(true)
    scope.done()
  })

  it('names revocationUrl when the service has none', async () => {
    const service = new OAuth2Service({ clientId: 'client-1', clientSecret: 'secret-1' })

    const error = await configurationRejection(() => service.revokeToken('t'))

    expect(error.option).to.equal('revocationUrl')
  })
})
