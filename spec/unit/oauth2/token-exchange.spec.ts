import { inspect } from 'node:util'
import { expect } from 'chai'
import nock from 'nock'
import {
  InvalidRequestError,
  InvalidTargetError,
  InvalidTokenResponseError,
  MemoryTokenStore,
  OAuth2Service,
  OAuth2Session,
  type OAuth2SessionOptions,
  TOKEN_TYPE_URIS,
} from '../../../lib/index.js'
import { configurationRejection } from '../../support/expect-configuration-error.js'
import { trafficCounter } from '../../support/traffic-counter.js'

const IDP = 'https://idp.test'
const TOKEN_URL = `${IDP}/token`
const BASIC = `Basic ${Buffer.from('gateway:gw-secret').toString('base64')}`
const GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange'
const ACCESS = 'urn:ietf:params:oauth:token-type:access_token'
const ISSUED = { access_token: 'exchanged-1', issued_token_type: ACCESS, token_type: 'Bearer', expires_in: 60 }

function session(options: OAuth2SessionOptions = {}): OAuth2Session {
  return new OAuth2Session('gateway', {
    clientSecret: 'gw-secret',
    autoRefreshUrl: TOKEN_URL,
    token: { access_token: 'own-token', refresh_token: 'own-rt' },
    ...options,
  })
}

/** The form body nock saw, decoded to pairs in order (repeated names kept). */
function pairs(body: string): [string, string][] {
  return [...new URLSearchParams(body)]
}

describe('exchangeToken (RFC 8693) on the wire', () => {
  afterEach(() => nock.cleanAll())

  it('sends the grant, the subject token and its type URI with Basic client authentication (RFC 8693 §2.1)', async () => {
    let sent = ''
    const scope = nock(IDP)
      .post('/token', (body) => {
        sent = new URLSearchParams(body as Record<string, string>).toString()
        return true
      })
      .matchHeader('authorization', BASIC)
      .matchHeader('content-type', 'application/x-www-form-urlencoded;charset=UTF-8')
      .matchHeader('accept', 'application/json')
      .reply(200, ISSUED)
    const client = session()

    const issued = await client.exchangeToken({ subjectToken: 'user-at', subjectTokenType: 'access_token' })

    expect(pairs(sent)).to.deep.equal([
      ['grant_type', GRANT],
      ['subject_token', 'user-at'],
      ['subject_token_type', ACCESS],
    ])
    expect(issued).to.include({ access_token: 'exchanged-1', issued_token_type: ACCESS, token_type: 'Bearer' })
    expect(issued.expires_at).to.be.a('number')
    scope.done()
  })

  it('repeats resource and audience once per value, in the order of §2.1, with scope, requested type and the actor token', async () => {
    const raw: string[] = []
    const scope = nock(IDP)
      .post('/token')
      .matchHeader('authorization', BASIC)
      .reply(200, function (_uri, body) {
        raw.push(String(body))
        return ISSUED
      })
    const client = session()

    await client.exchangeToken({
      subjectToken: 'user-id-token',
      subjectTokenType: 'id_token',
      resource: ['https://orders.example/', 'https://billing.example/api'],
      audience: ['orders', 'billing'],
      scope: ['orders:read', 'billing:read'],
      requestedTokenType: 'jwt',
      actorToken: 'service-at',
      actorTokenType: 'urn:example:token-type:service',
    })

    expect(pairs(raw[0] as string)).to.deep.equal([
      ['grant_type', GRANT],
      ['resource', 'https://orders.example/'],
      ['resource', 'https://billing.example/api'],
      ['audience', 'orders'],
      ['audience', 'billing'],
      ['scope', 'orders:read billing:read'],
      ['requested_token_type', TOKEN_TYPE_URIS.jwt],
      ['subject_token', 'user-id-token'],
      ['subject_token_type', TOKEN_TYPE_URIS.id_token],
      ['actor_token', 'service-at'],
      ['actor_token_type', 'urn:example:token-type:service'],
    ])
    scope.done()
  })

  it('sends client_id and client_secret in the body, and no Authorization, with includeClientId (client_secret_post)', async () => {
    const raw: string[] = []
    const scope = nock(IDP, { badheaders: ['authorization'] })
      .post('/token')
      .reply(200, function (_uri, body) {
        raw.push(String(body))
        return ISSUED
      })
    const client = session()

    await client.exchangeToken({ subjectToken: 'user-at', subjectTokenType: 'access_token', audience: 'orders', includeClientId: true })

    expect(pairs(raw[0] as string)).to.deep.equal([
      ['grant_type', GRANT],
      ['client_id', 'gateway'],
      ['client_secret', 'gw-secret'],
      ['audience', 'orders'],
      ['subject_token', 'user-at'],
      ['subject_token_type', ACCESS],
    ])
    scope.done()
  })

  it('goes to the url option, else the discovered token endpoint, else autoRefreshUrl', async () => {
    const scope = nock(IDP).post('/other-token').matchHeader('authorization', BASIC).reply(200, ISSUED).post('/token').reply(200, ISSUED)
    const client = session()

    await client.exchangeToken({ subjectToken: 'a', subjectTokenType: 'access_token', url: `${IDP}/other-token` })
    await client.exchangeToken({ subjectToken: 'a', subjectTokenType: 'access_token' })

    scope.done()
  })

  it('accepts token_type N_A for a token that is no access token (RFC 8693 §2.2.1)', async () => {
    const scope = nock(IDP).post('/token').reply(200, { access_token: 'an.id.token', issued_token_type: TOKEN_TYPE_URIS.id_token, token_type: 'N_A' })

    const issued = await session().exchangeToken({ subjectToken: 'user-at', subjectTokenType: 'access_token', requestedTokenType: 'id_token' })

    expect(issued).to.include({ issued_token_type: TOKEN_TYPE_URIS.id_token, token_type: 'N_A' })
    scope.done()
  })
})

describe('exchangeToken and the session token', () => {
  afterEach(() => nock.cleanAll())

  it('returns the issued token and keeps the session token by default', async () => {
    const scope = nock(IDP).post('/token').reply(200, ISSUED)
    const client = session()

    await client.exchangeToken({ subjectToken: 'own-token', subjectTokenType: 'access_token' })

    expect(client.token).to.deep.equal({ access_token: 'own-token', refresh_token: 'own-rt' })
    scope.done()
  })

  it('replaces the session token, and writes it to the store, with adopt: true', async () => {
    const store = new MemoryTokenStore()
    const scope = nock(IDP).post('/token').reply(200, ISSUED)
    const client = session({ tokenStore: store, tokenKey: 'user:1' })

    await client.exchangeToken({ subjectToken: 'own-token', subjectTokenType: 'access_token', adopt: true })

    expect(client.token.access_token).to.equal('exchanged-1')
    expect((await store.get('user:1'))?.token.access_token).to.equal('exchanged-1')
    scope.done()
  })
})

describe('exchangeToken answers', () => {
  afterEach(() => nock.cleanAll())

  it('refuses an answer without issued_token_type (REQUIRED by RFC 8693 §2.2.1) with InvalidTokenResponseError', async () => {
    const scope = nock(IDP).post('/token').reply(200, { access_token: 'exchanged-1', token_type: 'Bearer' })

    const error = await session()
      .exchangeToken({ subjectToken: 'user-at', subjectTokenType: 'access_token' })
      .catch((e: unknown) => e)

    expect(error).to.be.instanceOf(InvalidTokenResponseError).and.include({ field: 'issued_token_type' })
    expect(String((error as Error).message)).not.to.include('exchanged-1')
    scope.done()
  })

  it('refuses an issued_token_type that is not an absolute URI', async () => {
    const scope = nock(IDP)
      .post('/token')
      .reply(200, { ...ISSUED, issued_token_type: 'access_token' })

    const error = await session()
      .exchangeToken({ subjectToken: 'user-at', subjectTokenType: 'access_token' })
      .catch((e: unknown) => e)

    expect(error).to.be.instanceOf(InvalidTokenResponseError).and.include({ field: 'issued_token_type' })
    scope.done()
  })

  it('turns invalid_target into InvalidTargetError with error, description and status (§2.2.2), without the subject token', async () => {
    const scope = nock(IDP).post('/token').reply(400, { error: 'invalid_target', error_description: 'audience orders not allowed for user-at-secret' })

    const error = await session()
      .exchangeToken({ subjectToken: 'user-at-secret', subjectTokenType: 'access_token', audience: 'orders' })
      .catch((e: unknown) => e)

    expect(error).to.be.instanceOf(InvalidTargetError).and.include({ error: 'invalid_target', status: 400, code: 'ERR_INVALID_TARGET' })
    expect((error as InvalidTargetError).errorDescription).to.include('audience orders not allowed')
    for (const shown of [(error as Error).message, inspect(error), JSON.stringify(error)]) {
      expect(shown).not.to.include('user-at-secret')
      expect(shown).not.to.include('gw-secret')
    }
    scope.done()
  })

  it('turns invalid_request into InvalidRequestError', async () => {
    const scope = nock(IDP).post('/token').reply(400, { error: 'invalid_request' })

    const error = await session()
      .exchangeToken({ subjectToken: 'user-at', subjectTokenType: 'access_token' })
      .catch((e: unknown) => e)

    expect(error).to.be.instanceOf(InvalidRequestError).and.include({ status: 400 })
    scope.done()
  })
})

describe('exchangeToken options, checked before any traffic', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['a subject token type that is neither a short name nor an absolute URI', { subjectTokenType: 'bearer' }, 'subjectTokenType'],
    ['a resource with a fragment', { resource: 'https://orders.example/#x' }, 'resource'],
    ['a relative resource', { resource: ['https://ok.example/', '/orders'] }, 'resource.1'],
    ['an actor token without its type', { actorToken: 'actor-secret' }, 'actorTokenType'],
    ['an actor token type without the token', { actorTokenType: 'access_token' }, 'actorTokenType'],
    ['an empty subject token', { subjectToken: '' }, 'subjectToken'],
    ['an unknown option', { audiences: ['x'] }, 'audiences'],
  ]
  for (const [what, change, option] of cases) {
    it(`refuses ${what}, naming ${option} and never the tokens`, async () => {
      const traffic = trafficCounter()
      try {
        const error = await configurationRejection(() =>
          session().exchangeToken({ subjectToken: 'user-at-secret', subjectTokenType: 'access_token', ...change } as never),
        )

        expect(error.option).to.equal(option)
        expect(error.message).not.to.include('user-at-secret')
        expect(error.message).not.to.include('actor-secret')
        expect(traffic.count).to.equal(0)
      } finally {
        traffic.stop()
      }
    })
  }

  it('names url when the session knows no token endpoint', async () => {
    const error = await configurationRejection(() =>
      new OAuth2Session('gateway', { clientSecret: 's' }).exchangeToken({ subjectToken: 'a', subjectTokenType: 'access_token' }),
    )

    expect(error.option).to.equal('url')
  })
})

describe('OAuth2Service.exchangeToken', () => {
  afterEach(() => nock.cleanAll())

  it('exchanges at accessTokenUrl with Basic client authentication', async () => {
    const scope = nock(IDP)
      .post('/token', { grant_type: GRANT, subject_token: 'user-at', subject_token_type: ACCESS, audience: 'orders' })
      .matchHeader('authorization', BASIC)
      .reply(200, ISSUED)
    const service = new OAuth2Service({ clientId: 'gateway', clientSecret: 'gw-secret', accessTokenUrl: TOKEN_URL })

    const issued = await service.exchangeToken({ subjectToken: 'user-at', subjectTokenType: 'access_token', audience: 'orders' })

    expect(issued.access_token).to.equal('exchanged-1')
    scope.done()
  })
})
