import { inspect } from 'node:util'
import { expect } from 'chai'
import nock from 'nock'
import { InvalidGrantError, JwtBearerClient, MemoryTokenStore, OAuth2Client, OAuth2JwtBearer, OAuth2Session, Session } from '../../../lib/index.js'
import { useTokenCache } from '../../../lib/testing/index.js'
import { configurationError, configurationRejection } from '../../support/expect-configuration-error.js'
import { trafficCounter } from '../../support/traffic-counter.js'

const IDP = 'https://idp.test'
const TOKEN_URL = `${IDP}/token`
const API = 'https://api.test'
const GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer'
const BASIC = `Basic ${Buffer.from('service-1:service-secret').toString('base64')}`

/** A JWT-shaped assertion (no real signature: these specs pin the wire, the integration spec verifies one). */
function jwt(jti: string): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
  return `${part({ alg: 'RS256' })}.${part({ iss: 'service-1', sub: 'user-42', jti })}.c2lnbmF0dXJlLW9mLSR7anRpfQ`
}

/** An assertion function that makes a new JWT on each call, and counts the calls. */
function freshAssertions(): { make: () => Promise<string>; readonly calls: number } {
  let calls = 0
  return {
    make: async () => {
      calls += 1
      return jwt(`jti-${calls}`)
    },
    get calls() {
      return calls
    },
  }
}

describe('JwtBearerClient with OAuth2Session (RFC 7523 §2.1)', () => {
  afterEach(() => nock.cleanAll())

  it('sends grant_type, the assertion and the scope, with Basic client authentication from the client secret', async () => {
    const assertion = jwt('one')
    const scope = nock(IDP)
      .post('/token', `grant_type=${encodeURIComponent(GRANT)}&assertion=${assertion}&scope=reports+audit`)
      .matchHeader('authorization', BASIC)
      .reply(200, { access_token: 'at-1', token_type: 'Bearer', expires_in: 300 })
    const session = new OAuth2Session('service-1', {
      client: new JwtBearerClient('service-1', { assertion }),
      clientSecret: 'service-secret',
      scope: ['reports', 'audit'],
    })

    const token = await session.fetchToken(TOKEN_URL)

    expect(token.access_token).to.equal('at-1')
    scope.done()
  })

  it('takes the assertion per call ({ assertion }), and sends no client authentication with auth: null', async () => {
    const assertion = jwt('per-call')
    const scope = nock(IDP, { badheaders: ['authorization'] })
      .post('/token', { grant_type: GRANT, assertion })
      .reply(200, { access_token: 'at-1', token_type: 'Bearer' })
    // With a client secret, Basic would be sent: auth: null is what leaves it out.
    const session = new OAuth2Session('service-1', { client: new JwtBearerClient('service-1'), clientSecret: 'service-secret' })

    await session.fetchToken(TOKEN_URL, { assertion, auth: null })

    scope.done()
  })

  it('calls an assertion function for each token request, the renewal of an expired token included (a fresh jti each time)', async () => {
    const assertions = freshAssertions()
    const sent: string[] = []
    const idp = nock(IDP)
      .post('/token')
      .times(2)
      .reply(200, function (_uri, body) {
        sent.push(new URLSearchParams(String(body)).get('assertion') as string)
        // The first token is expired at once: the next request must run the grant again.
        return { access_token: `at-${sent.length}`, token_type: 'Bearer', expires_in: sent.length === 1 ? 0 : 300 }
      })
    const api = nock(API).get('/reports').matchHeader('authorization', 'Bearer at-2').reply(200, { ok: true })
    const session = new OAuth2Session('service-1', { client: new JwtBearerClient('service-1', { assertion: assertions.make }), clientSecret: 'service-secret' })

    await session.fetchToken(TOKEN_URL)
    await new Promise((resolve) => setTimeout(resolve, 5))
    const response = await session.get(`${API}/reports`)

    expect(response.status).to.equal(200)
    expect(assertions.calls).to.equal(2)
    expect(sent).to.deep.equal([jwt('jti-1'), jwt('jti-2')])
    idp.done()
    api.done()
  })

  it('refuses, before any traffic and naming assertion, a missing assertion or one that is no JWT, never quoting it', async () => {
    const traffic = trafficCounter()
    try {
      const none = await configurationRejection(() => new OAuth2Session('s', { client: new JwtBearerClient('s') }).fetchToken(TOKEN_URL))
      const notJwt = await configurationRejection(() =>
        new OAuth2Session('s', { client: new JwtBearerClient('s', { assertion: async () => 'not a jwt: hunter2' }) }).fetchToken(TOKEN_URL),
      )

      expect(none.option).to.equal('assertion')
      expect(notJwt.option).to.equal('assertion')
      expect(notJwt.message).not.to.include('hunter2')
      expect(traffic.count).to.equal(0)
    } finally {
      traffic.stop()
    }
  })

  it('keeps the assertion out of inspect, toJSON and a provider error that quotes it', async () => {
    const assertion = jwt('secret-jti')
    const scope = nock(IDP)
      .post('/token')
      .reply(400, { error: 'invalid_grant', error_description: `bad assertion ${assertion}` })
    const client = new JwtBearerClient('service-1', { assertion })
    const session = new OAuth2Session('service-1', { client, clientSecret: 'service-secret' })

    const error = await session.fetchToken(TOKEN_URL).catch((e: unknown) => e)

    expect(error).to.be.instanceOf(InvalidGrantError)
    for (const shown of [(error as Error).message, inspect(error), inspect(client), JSON.stringify(client), inspect(session), JSON.stringify(session)]) {
      expect(shown).not.to.include(assertion)
      expect(shown).not.to.include('c2lnbmF0dXJl')
    }
    scope.done()
  })

  it('still sends an assertion given to another grant as it is (a SAML bearer grant of your own, RFC 7522), no JWT required', async () => {
    class SamlBearerClient extends OAuth2Client {
      readonly grantType = 'urn:ietf:params:oauth:grant-type:saml2-bearer'
    }
    const scope = nock(IDP)
      .post('/token', { grant_type: 'urn:ietf:params:oauth:grant-type:saml2-bearer', assertion: 'PHNhbWw6QXNzZXJ0aW9uPg' })
      .reply(200, { access_token: 'at-1', token_type: 'Bearer' })
    const session = new OAuth2Session('app', { client: new SamlBearerClient('app') })

    await session.fetchToken(TOKEN_URL, { assertion: 'PHNhbWw6QXNzZXJ0aW9uPg', auth: null })

    scope.done()
  })

  it('needs a tokenKey or tokenSubject with a shared store: the token is the assertion subject’s, not the client’s', () => {
    const error = configurationError(
      () => new OAuth2Session('service-1', { client: new JwtBearerClient('service-1', { assertion: jwt('x') }), tokenStore: new MemoryTokenStore() }),
    )

    expect(error.option).to.equal('tokenKey')
  })
})

describe('OAuth2JwtBearer (requests-auth style)', () => {
  let restore: () => void
  beforeEach(() => {
    restore = useTokenCache().restore
  })
  afterEach(() => {
    restore()
    nock.cleanAll()
  })

  it('runs the grant on the first request with Basic client authentication, sends Bearer, and caches the token', async () => {
    const assertions = freshAssertions()
    const idp = nock(IDP)
      .post('/token', { grant_type: GRANT, assertion: jwt('jti-1'), scope: 'reports' })
      .matchHeader('authorization', BASIC)
      .reply(200, { access_token: 'at-1', token_type: 'Bearer', expires_in: 300 })
    const api = nock(API).get('/reports').times(2).matchHeader('authorization', 'Bearer at-1').reply(200, {})
    const auth = new OAuth2JwtBearer(TOKEN_URL, assertions.make, {
      clientId: 'service-1',
      clientSecret: 'service-secret',
      scope: ['reports'],
      subject: 'user-42',
    })
    const session = new Session({ auth })

    await session.get(`${API}/reports`)
    await session.get(`${API}/reports`)

    expect(assertions.calls).to.equal(1)
    idp.done()
    api.done()
  })

  it('runs the grant again with a fresh assertion when the cached token expired', async () => {
    const assertions = freshAssertions()
    const sent: string[] = []
    const idp = nock(IDP)
      .post('/token')
      .times(2)
      .reply(200, function (_uri, body) {
        sent.push(new URLSearchParams(String(body)).get('assertion') as string)
        return { access_token: `at-${sent.length}`, token_type: 'Bearer', expires_in: sent.length === 1 ? 10 : 300 }
      })
    const api = nock(API)
      .get('/reports')
      .matchHeader('authorization', 'Bearer at-1')
      .reply(200, {})
      .get('/reports')
      .matchHeader('authorization', 'Bearer at-2')
      .reply(200, {})
    // earlyExpiry 30 s: a token of 10 s is expired for the second request.
    const session = new Session({ auth: new OAuth2JwtBearer(TOKEN_URL, assertions.make, { subject: 'user-42' }) })

    await session.get(`${API}/reports`)
    await session.get(`${API}/reports`)

    expect(sent).to.deep.equal([jwt('jti-1'), jwt('jti-2')])
    idp.done()
    api.done()
  })

  it('keys the cache by subject, never by the assertion, and keeps the assertion out of inspect and toJSON', () => {
    const assertion = jwt('key-jti')
    const alice = new OAuth2JwtBearer(TOKEN_URL, assertion, { clientId: 'service-1', subject: 'alice' })
    const aliceAgain = new OAuth2JwtBearer(TOKEN_URL, async () => jwt('other'), { clientId: 'service-1', subject: 'alice' })
    const bob = new OAuth2JwtBearer(TOKEN_URL, assertion, { clientId: 'service-1', subject: 'bob' })
    const anonymous = [new OAuth2JwtBearer(TOKEN_URL, async () => jwt('a')), new OAuth2JwtBearer(TOKEN_URL, async () => jwt('a'))]

    expect(alice.state).to.equal(aliceAgain.state)
    expect(alice.state).not.to.equal(bob.state)
    expect(anonymous[0]?.state).not.to.equal(anonymous[1]?.state)
    for (const shown of [inspect(alice), JSON.stringify(alice)]) expect(shown).not.to.include(assertion)
  })
})
