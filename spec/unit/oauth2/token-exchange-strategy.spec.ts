import { inspect } from 'node:util'
import { expect } from 'chai'
import nock from 'nock'
import { OAuth2TokenExchange, type OAuth2TokenExchangeOptions, Session, UnsupportedTokenTypeError } from '../../../lib/index.js'
import { configurationError } from '../../support/expect-configuration-error.js'

const IDP = 'https://idp.test'
const TOKEN_URL = `${IDP}/token`
const GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange'
const ACCESS = 'urn:ietf:params:oauth:token-type:access_token'
const BASIC = `Basic ${Buffer.from('gateway:gw-secret').toString('base64')}`

function strategy(options: Partial<OAuth2TokenExchangeOptions> = {}): OAuth2TokenExchange {
  return new OAuth2TokenExchange(TOKEN_URL, {
    clientId: 'gateway',
    clientSecret: 'gw-secret',
    subjectToken: 'user-at',
    subjectTokenType: 'access_token',
    ...options,
  })
}

/** A token endpoint that issues `x-1`, `x-2` ... and records each form body. */
function exchanges(times: number, extra: Record<string, unknown> = {}): { scope: nock.Scope; bodies: URLSearchParams[] } {
  const bodies: URLSearchParams[] = []
  const scope = nock(IDP)
    .post('/token')
    .times(times)
    .matchHeader('authorization', BASIC)
    .reply(200, function (_uri, body) {
      bodies.push(new URLSearchParams(String(body)))
      return { access_token: `x-${bodies.length}`, issued_token_type: ACCESS, token_type: 'Bearer', expires_in: 300, ...extra }
    })
  return { scope, bodies }
}

describe('OAuth2TokenExchange (a strategy that exchanges on demand)', () => {
  afterEach(() => nock.cleanAll())

  it('exchanges the subject token with Basic client authentication and sends the exchanged one as Bearer, once for many requests', async () => {
    const idp = exchanges(1)
    const api = nock('https://orders.test').get('/v1').times(3).matchHeader('authorization', 'Bearer x-1').reply(200, {})
    const session = new Session({ auth: strategy({ audience: 'orders', scope: ['orders:read'] }) })

    await Promise.all([session.get('https://orders.test/v1'), session.get('https://orders.test/v1')])
    await session.get('https://orders.test/v1')

    expect(idp.bodies.map((body) => [...body])).to.deep.equal([
      [
        ['grant_type', GRANT],
        ['audience', 'orders'],
        ['scope', 'orders:read'],
        ['subject_token', 'user-at'],
        ['subject_token_type', ACCESS],
      ],
    ])
    idp.scope.done()
    api.done()
  })

  it('caches per resource (here picked from the request URL) and per subject token from a callback', async () => {
    const idp = exchanges(3)
    nock('https://orders.test').get('/a').times(2).reply(200, {})
    nock('https://billing.test').get('/b').reply(200, {})
    let user = 'alice-at'
    const auth = strategy({ subjectToken: async () => user, resource: (url) => `${new URL(url).origin}/` })
    const session = new Session({ auth })

    await session.get('https://orders.test/a')
    await session.get('https://billing.test/b')
    user = 'bob-at'
    await session.get('https://orders.test/a')

    expect(idp.bodies.map((body) => [body.get('resource'), body.get('subject_token')])).to.deep.equal([
      ['https://orders.test/', 'alice-at'],
      ['https://billing.test/', 'alice-at'],
      ['https://orders.test/', 'bob-at'],
    ])
    expect(auth.size).to.equal(3)
    idp.scope.done()
  })

  it('exchanges again when the cached token expires (earlyExpiry seconds early)', async () => {
    const idp = exchanges(2, { expires_in: 20 })
    const api = nock('https://orders.test')
      .get('/v1')
      .matchHeader('authorization', 'Bearer x-1')
      .reply(200, {})
      .get('/v1')
      .matchHeader('authorization', 'Bearer x-2')
      .reply(200, {})
    const session = new Session({ auth: strategy({ earlyExpiry: 30 }) })

    await session.get('https://orders.test/v1')
    await session.get('https://orders.test/v1')

    idp.scope.done()
    api.done()
  })

  it('on a 401 invalid_token drops the token, exchanges again and retries once', async () => {
    const idp = exchanges(2)
    const api = nock('https://orders.test')
      .get('/v1')
      .matchHeader('authorization', 'Bearer x-1')
      .reply(401, '', { 'WWW-Authenticate': 'Bearer error="invalid_token"' })
      .get('/v1')
      .matchHeader('authorization', 'Bearer x-2')
      .reply(200, { ok: true })
    const session = new Session({ auth: strategy() })

    const response = await session.get('https://orders.test/v1')

    expect(response.status).to.equal(200)
    idp.scope.done()
    api.done()
  })

  it('keeps the answer of a 401 without invalid_token, with no second exchange', async () => {
    const idp = exchanges(1)
    const api = nock('https://orders.test').get('/v1').reply(401, '', { 'WWW-Authenticate': 'Bearer realm="orders"' })
    const session = new Session({ auth: strategy() })

    const response = await session.get('https://orders.test/v1')

    expect(response.status).to.equal(401)
    idp.scope.done()
    api.done()
  })

  it('keeps at most maxEntries tokens, dropping the least recently used', async () => {
    const idp = exchanges(4)
    nock('https://api.test').get(/.*/).times(5).reply(200, {})
    const auth = strategy({ maxEntries: 2, audience: (url) => new URL(url).pathname.slice(1) })
    const session = new Session({ auth })

    await session.get('https://api.test/a')
    await session.get('https://api.test/b')
    await session.get('https://api.test/a') // a is used again: b is now the oldest
    await session.get('https://api.test/c') // drops b
    await session.get('https://api.test/b') // exchanged again

    expect(auth.size).to.equal(2)
    expect(idp.bodies.map((body) => body.get('audience'))).to.deep.equal(['a', 'b', 'c', 'b'])
    idp.scope.done()
  })

  it('refuses an issued token that is no Bearer token (token_type N_A), sending nothing to the API', async () => {
    const idp = exchanges(1, { token_type: 'N_A', issued_token_type: 'urn:ietf:params:oauth:token-type:id_token' })
    const session = new Session({ auth: strategy({ requestedTokenType: 'id_token' }) })

    const error = await session.get('https://orders.test/v1').catch((e: unknown) => e)

    expect(error).to.be.instanceOf(UnsupportedTokenTypeError)
    idp.scope.done()
  })

  it('refuses an ID token issued without token_type (RFC 8693 makes it required), sending nothing to the API', async () => {
    const idp = exchanges(1, { token_type: undefined, issued_token_type: 'urn:ietf:params:oauth:token-type:id_token' })
    const api = nock('https://orders.test').get('/v1').reply(200, 'ok')
    const session = new Session({ auth: strategy({ requestedTokenType: 'id_token' }) })

    const error = await session.get('https://orders.test/v1').catch((e: unknown) => e)

    expect(error).to.be.instanceOf(UnsupportedTokenTypeError)
    expect(api.isDone()).to.equal(false)
    idp.scope.done()
  })

  it('sends an access token or a JWT issued without token_type as Bearer', async () => {
    for (const issued of [ACCESS, 'urn:ietf:params:oauth:token-type:jwt']) {
      const idp = exchanges(1, { token_type: undefined, issued_token_type: issued })
      const api = nock('https://orders.test').get('/v1').matchHeader('authorization', 'Bearer x-1').reply(200, 'ok')
      const session = new Session({ auth: strategy() })

      expect((await session.get('https://orders.test/v1')).status).to.equal(200)
      idp.scope.done()
      api.done()
    }
  })

  it('checks its options in the constructor, naming the option and never a token', () => {
    const badType = configurationError(() => strategy({ subjectTokenType: 'bearer' }))
    const actor = configurationError(() => strategy({ actorToken: 'actor-secret' }))
    const url = configurationError(() => new OAuth2TokenExchange('not a url', { subjectToken: 'user-at', subjectTokenType: 'access_token' }))

    expect(badType.option).to.equal('subjectTokenType')
    expect(actor.option).to.equal('actorTokenType')
    expect(actor.message).not.to.include('actor-secret')
    expect(url.option).to.equal('tokenUrl')
  })

  it('shows neither the subject token, the client secret nor an exchanged token in inspect or toJSON', async () => {
    exchanges(1)
    nock('https://orders.test').get('/v1').reply(200, {})
    const auth = strategy({ subjectToken: 'user-at-secret' })
    await new Session({ auth }).get('https://orders.test/v1')

    for (const shown of [inspect(auth), JSON.stringify(auth)]) {
      for (const secret of ['user-at-secret', 'gw-secret', 'x-1']) expect(shown).not.to.include(secret)
    }
  })
})
