import { expect } from 'chai'
import nock from 'nock'
import {
  ConfigurationError,
  OAuth2AuthorizationCode,
  OAuth2ClientCredentials,
  OAuth2DeviceCode,
  OAuth2ResourceOwnerPasswordCredentials,
  RevocationUnsupportedTokenTypeError,
  Session,
} from '../../../lib/index.js'
import { type TokenCacheHandle, useTokenCache } from '../../../lib/testing/index.js'
import { trafficCounter } from '../../support/traffic-counter.js'

const IDP = 'https://idp.test'
const FORM = 'application/x-www-form-urlencoded;charset=UTF-8'
const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`
const inAnHour = (): number => Date.now() / 1000 + 3600
const endpoints = { revocationUrl: `${IDP}/revoke`, introspectionUrl: `${IDP}/introspect` }

describe('revoke() and introspect() of the requests-auth strategies (RFC 7009, RFC 7662)', () => {
  let cache: TokenCacheHandle
  beforeEach(() => {
    cache = useTokenCache()
  })
  afterEach(() => {
    cache.restore()
    nock.cleanAll()
  })

  it('client credentials: revokes the cached token with Basic client authentication, then forgets it', async () => {
    const auth = new OAuth2ClientCredentials(`${IDP}/token`, 'svc', 'svc-secret', endpoints)
    await cache.cache.set(auth.state, { access_token: 'at-1', expires_at: inAnHour() })
    const idp = nock(IDP)
      .post('/revoke', 'token=at-1&token_type_hint=access_token')
      .matchHeader('authorization', basic('svc', 'svc-secret'))
      .matchHeader('content-type', FORM)
      .matchHeader('accept', 'application/json')
      .reply(200)

    await auth.revoke()

    expect(await cache.cache.get(auth.state)).to.equal(undefined)
    idp.done()
  })

  it('after revoke(), the next request gets a new token', async () => {
    await using session = new Session()
    const auth = new OAuth2ClientCredentials(`${IDP}/token`, 'svc', 'svc-secret', endpoints)
    await cache.cache.set(auth.state, { access_token: 'at-1', expires_at: inAnHour() })
    const idp = nock(IDP)
      .post('/revoke', 'token=at-1&token_type_hint=access_token')
      .reply(200)
      .post('/token', 'grant_type=client_credentials')
      .reply(200, { access_token: 'at-2', token_type: 'Bearer', expires_in: 3600 })
    nock('https://api.test').get('/').matchHeader('authorization', 'Bearer at-2').reply(200)

    await auth.revoke()
    await session.get('https://api.test/', { auth })

    idp.done()
  })

  it('password grant: revokes the refresh token first, then the access token, through sessionAuth', async () => {
    const auth = new OAuth2ResourceOwnerPasswordCredentials(`${IDP}/token`, 'alice', 'pw', { sessionAuth: ['app', 'app-secret'], ...endpoints })
    await cache.cache.set(auth.state, { access_token: 'at-1', expires_at: inAnHour(), refresh_token: 'rt-1' })
    const sent: string[] = []
    const idp = nock(IDP)
      .post('/revoke', (body) => Boolean(sent.push(new URLSearchParams(body).toString())))
      .times(2)
      .matchHeader('authorization', basic('app', 'app-secret'))
      .reply(200)

    await auth.revoke()

    expect(sent).to.deep.equal(['token=rt-1&token_type_hint=refresh_token', 'token=at-1&token_type_hint=access_token'])
    expect(await cache.cache.get(auth.state)).to.equal(undefined)
    idp.done()
  })

  it('forgets the token when only refresh tokens are revocable (unsupported_token_type for the access token)', async () => {
    const auth = new OAuth2ResourceOwnerPasswordCredentials(`${IDP}/token`, 'alice', 'pw', { clientId: 'app', clientSecret: 's', ...endpoints })
    await cache.cache.set(auth.state, { access_token: 'at-1', expires_at: inAnHour(), refresh_token: 'rt-1' })
    const idp = nock(IDP)
      .post('/revoke', 'token=rt-1&token_type_hint=refresh_token')
      .reply(200)
      .post('/revoke', 'token=at-1&token_type_hint=access_token')
      .reply(400, { error: 'unsupported_token_type' })

    await auth.revoke()

    expect(await cache.cache.get(auth.state)).to.equal(undefined)
    idp.done()
  })

  it('keeps the cached token when the refresh token revocation fails', async () => {
    const auth = new OAuth2ResourceOwnerPasswordCredentials(`${IDP}/token`, 'alice', 'pw', { clientId: 'app', clientSecret: 's', ...endpoints })
    await cache.cache.set(auth.state, { access_token: 'at-1', expires_at: inAnHour(), refresh_token: 'rt-1' })
    const idp = nock(IDP).post('/revoke', 'token=rt-1&token_type_hint=refresh_token').reply(400, { error: 'unsupported_token_type' })

    const error = await auth.revoke().catch((e: unknown) => e)

    expect(error).to.be.instanceOf(RevocationUnsupportedTokenTypeError)
    expect((await cache.cache.get(auth.state))?.token).to.include({ access_token: 'at-1' })
    idp.done()
  })

  it('revokes a token given, with its hint, at a per-call url, and forgets nothing', async () => {
    const auth = new OAuth2ClientCredentials(`${IDP}/token`, 'svc', 'svc-secret')
    await cache.cache.set(auth.state, { access_token: 'at-1', expires_at: inAnHour() })
    const idp = nock(IDP)
      .post('/other-revoke', 'token=foreign&token_type_hint=refresh_token')
      .matchHeader('authorization', basic('svc', 'svc-secret'))
      .reply(200)

    await auth.revoke('foreign', { tokenTypeHint: 'refresh_token', url: `${IDP}/other-revoke` })

    expect((await cache.cache.get(auth.state))?.token).to.include({ access_token: 'at-1' })
    idp.done()
  })

  it('a public device client sends client_id in the body; a code flow with username/password uses Basic', async () => {
    const device = new OAuth2DeviceCode(`${IDP}/device/code`, `${IDP}/token`, 'cli', endpoints)
    const code = new OAuth2AuthorizationCode(`${IDP}/authorize`, `${IDP}/token`, { client_id: 'web', username: 'web', password: 'web-secret', ...endpoints })
    await cache.cache.set(device.state, { access_token: 'dev-at', expires_at: inAnHour() })
    await cache.cache.set(code.state, { access_token: 'web-at', expires_at: inAnHour() })
    const idp = nock(IDP)
      .post('/revoke', 'token=dev-at&token_type_hint=access_token&client_id=cli')
      .matchHeader('authorization', (value) => value === undefined)
      .reply(200)
      .post('/revoke', 'token=web-at&token_type_hint=access_token')
      .matchHeader('authorization', basic('web', 'web-secret'))
      .reply(200)

    await device.revoke()
    await code.revoke()

    idp.done()
  })

  it('introspects the cached access token, client-authenticated, and returns the checked answer', async () => {
    const auth = new OAuth2ClientCredentials(`${IDP}/token`, 'svc', 'svc-secret', endpoints)
    await cache.cache.set(auth.state, { access_token: 'at-1', expires_at: inAnHour() })
    const idp = nock(IDP)
      .post('/introspect', 'token=at-1&token_type_hint=access_token')
      .matchHeader('authorization', basic('svc', 'svc-secret'))
      .reply(200, { active: true, scope: 'read', client_id: 'svc' })
      .post('/introspect', 'token=other')
      .reply(200, { active: false })

    const mine = await auth.introspect()
    const other = await auth.introspect('other')

    expect(mine).to.deep.equal({ active: true, scope: 'read', client_id: 'svc' })
    expect(other).to.deep.equal({ active: false })
    idp.done()
  })

  it('is a ConfigurationError before any traffic: no endpoint (naming revocationUrl / introspectionUrl), nothing cached (naming token), an unknown option', async () => {
    const bare = new OAuth2ClientCredentials(`${IDP}/token`, 'svc', 'svc-secret')
    const configured = new OAuth2ClientCredentials(`${IDP}/token`, 'svc', 'svc-secret', endpoints)
    const traffic = trafficCounter()
    try {
      const errors = await Promise.all([
        bare.revoke().catch((e: unknown) => e),
        bare.introspect('t').catch((e: unknown) => e),
        configured.revoke().catch((e: unknown) => e),
        configured.introspect().catch((e: unknown) => e),
        configured.revoke('t', { hint: 'x' } as never).catch((e: unknown) => e),
        configured.revoke('').catch((e: unknown) => e),
      ])

      expect(errors.map((error) => [error instanceof ConfigurationError, (error as ConfigurationError).option])).to.deep.equal([
        [true, 'revocationUrl'],
        [true, 'introspectionUrl'],
        [true, 'token'],
        [true, 'token'],
        [true, 'hint'],
        [true, 'token'],
      ])
      expect(traffic.count).to.equal(0)
    } finally {
      traffic.stop()
    }
  })

  it('takes revocationUrl and introspectionUrl as settings: checked, never sent, and the Python spelling is named', async () => {
    const auth = new OAuth2ClientCredentials(`${IDP}/token`, 'svc', 'svc-secret', endpoints)
    const idp = nock(IDP).post('/token', 'grant_type=client_credentials').reply(200, { access_token: 'at', token_type: 'Bearer', expires_in: 3600 })
    nock('https://api.test').get('/').reply(200)
    await using session = new Session()

    await session.get('https://api.test/', { auth })

    expect(() => new OAuth2ClientCredentials(`${IDP}/token`, 'svc', 's', { revocationUrl: 'ftp://x/revoke' }))
      .to.throw(ConfigurationError)
      .with.property('option', 'revocationUrl')
    expect(() => new OAuth2ClientCredentials(`${IDP}/token`, 'svc', 's', { revocation_url: `${IDP}/revoke` }))
      .to.throw(ConfigurationError)
      .with.property('option', 'revocation_url')
    idp.done()
  })
})
