import { expect } from 'chai'
import nock from 'nock'
import { DiscoveryError, InvalidMetadataError, IssuerMismatchError, OAuth2Service, OAuth2Session, ResponseTooLargeError } from '../../../lib/index.js'
import { clearDiscoveryCache } from '../../../lib/oauth2/discovery.js'
import { configurationRejection } from '../../support/expect-configuration-error.js'
import { installClock } from '../../support/fake-clock.js'
import { trafficCounter } from '../../support/traffic-counter.js'

// RFC 8414 §3 and OpenID Connect Discovery 1.0 §4, on the wire: which URLs are asked, in which
// order, what a document must say, and how long it is kept.
const ORIGIN = 'https://as.example'
const JSON_TYPE = { 'Content-Type': 'application/json' }

function document(issuer: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    issuer,
    authorization_endpoint: `${ORIGIN}/authorize`,
    token_endpoint: `${ORIGIN}/token`,
    revocation_endpoint: `${ORIGIN}/revoke`,
    scopes_supported: ['openid', 'profile'],
    ...extra,
  }
}

describe('OAuth2Session.discover', () => {
  beforeEach(() => clearDiscoveryCache())

  describe('the well-known URLs', () => {
    it('asks RFC 8414 first (path inserted after the host), then OpenID Connect (path appended)', async () => {
      const scope = nock(ORIGIN)
        .get('/.well-known/oauth-authorization-server/tenant')
        .reply(404)
        .get('/tenant/.well-known/openid-configuration')
        .reply(200, document(`${ORIGIN}/tenant`), JSON_TYPE)

      const session = await OAuth2Session.discover(`${ORIGIN}/tenant`, 'client-1')

      scope.done()
      expect(session.metadata).to.include({ issuer: `${ORIGIN}/tenant`, token_endpoint: `${ORIGIN}/token` })
      await session.close()
    })

    it('stops at the RFC 8414 document when there is one, and sends Accept: application/json and no credentials', async () => {
      const traffic = trafficCounter()
      try {
        const scope = nock(ORIGIN, { badheaders: ['authorization', 'cookie'] })
          .matchHeader('accept', 'application/json')
          .get('/.well-known/oauth-authorization-server')
          .reply(200, document(ORIGIN), JSON_TYPE)

        const session = await OAuth2Session.discover(ORIGIN, 'client-1', { clientSecret: 'never-sent' })

        scope.done()
        expect(traffic.count).to.equal(0)
        expect(session.metadata?.issuer).to.equal(ORIGIN)
        await session.close()
      } finally {
        traffic.stop()
      }
    })

    it('drops the trailing slash of the issuer before inserting or appending, and still compares it exactly', async () => {
      const scope = nock(ORIGIN)
        .get('/.well-known/oauth-authorization-server/tenant')
        .reply(404)
        .get('/tenant/.well-known/openid-configuration')
        .reply(200, document(`${ORIGIN}/tenant/`), JSON_TYPE)

      const session = await OAuth2Session.discover(`${ORIGIN}/tenant/`, 'client-1')

      scope.done()
      expect(session.metadata?.issuer).to.equal(`${ORIGIN}/tenant/`)
      await session.close()
    })

    it('moves on from a 200 that is not JSON (an HTML page), and names each URL and answer when none serves a document', async () => {
      const scope = nock(ORIGIN)
        .get('/.well-known/oauth-authorization-server')
        .reply(200, '<html>app</html>', { 'Content-Type': 'text/html' })
        .get('/.well-known/openid-configuration')
        .reply(500)

      const error = await OAuth2Session.discover(ORIGIN, 'client-1').catch((e: unknown) => e)

      scope.done()
      expect(error).to.be.instanceOf(DiscoveryError).and.include({ code: 'ERR_DISCOVERY', issuer: ORIGIN })
      expect((error as DiscoveryError).attempts).to.deep.equal([
        { url: `${ORIGIN}/.well-known/oauth-authorization-server`, problem: 'not JSON (text/html)' },
        { url: `${ORIGIN}/.well-known/openid-configuration`, problem: 'HTTP 500' },
      ])
    })

    it('does not follow a redirect to another origin, and follows one on the same origin', async () => {
      const traffic = trafficCounter()
      try {
        const scope = nock(ORIGIN)
          .get('/.well-known/oauth-authorization-server')
          .reply(302, '', { Location: 'https://evil.example/metadata' })
          .get('/.well-known/openid-configuration')
          .reply(301, '', { Location: '/v2/openid-configuration' })
          .get('/v2/openid-configuration')
          .reply(200, document(ORIGIN), JSON_TYPE)

        const session = await OAuth2Session.discover(ORIGIN, 'client-1')

        scope.done()
        expect(traffic.count).to.equal(0)
        expect(session.metadata?.token_endpoint).to.equal(`${ORIGIN}/token`)
        await session.close()
      } finally {
        traffic.stop()
      }
    })

    it('caps the document at maxTokenResponseSize, naming that option', async () => {
      const scope = nock(ORIGIN)
        .get('/.well-known/oauth-authorization-server')
        .reply(200, document(ORIGIN, { padding: 'x'.repeat(5000) }), JSON_TYPE)

      const error = await OAuth2Session.discover(ORIGIN, 'client-1', { maxTokenResponseSize: 1024 }).catch((e: unknown) => e)

      scope.done()
      expect(error).to.be.instanceOf(ResponseTooLargeError).and.include({ option: 'maxTokenResponseSize' })
    })

    it('refuses an issuer that is no https URL, or has a query, before any traffic', async () => {
      const traffic = trafficCounter()
      try {
        for (const issuer of ['http://as.example', 'https://as.example?tenant=1', 'https://as.example/#x', 'not a url']) {
          const error = await configurationRejection(() => OAuth2Session.discover(issuer, 'client-1'))
          expect(error.option).to.equal('issuer')
        }
        expect(traffic.count).to.equal(0)
      } finally {
        traffic.stop()
      }
    })
  })

  describe('the document', () => {
    it('refuses a document whose issuer is not exactly the one asked for, without trying the other URL', async () => {
      for (const served of [`${ORIGIN}/`, 'https://evil.example', `${ORIGIN.toUpperCase()}`]) {
        clearDiscoveryCache()
        const scope = nock(ORIGIN).get('/.well-known/oauth-authorization-server').reply(200, document(served), JSON_TYPE)

        const error = await OAuth2Session.discover(ORIGIN, 'client-1').catch((e: unknown) => e)

        scope.done()
        expect(error).to.be.instanceOf(InvalidMetadataError).and.include({ code: 'ERR_INVALID_METADATA', field: 'issuer' })
        expect((error as InvalidMetadataError).message).to.include(JSON.stringify(served))
      }
    })

    const hostile: Array<[string, Record<string, unknown>, string]> = [
      ['an http endpoint outside loopback', { token_endpoint: 'http://as.example/token' }, 'token_endpoint'],
      ['an endpoint of another scheme', { authorization_endpoint: 'javascript:alert(1)' }, 'authorization_endpoint'],
      ['a relative endpoint', { token_endpoint: '/token' }, 'token_endpoint'],
      ['an endpoint with a fragment', { revocation_endpoint: `${ORIGIN}/revoke#x` }, 'revocation_endpoint'],
      ['an endpoint with user info', { introspection_endpoint: 'https://user:pass@as.example/introspect' }, 'introspection_endpoint'],
      ['an endpoint that is not text', { token_endpoint: { href: `${ORIGIN}/token` } }, 'token_endpoint'],
      ['an endpoint of 3000 characters', { device_authorization_endpoint: `${ORIGIN}/${'d'.repeat(3000)}` }, 'device_authorization_endpoint'],
      ['a jwks_uri over http', { jwks_uri: 'http://as.example/jwks' }, 'jwks_uri'],
      ['a list that is text', { scopes_supported: 'openid profile' }, 'scopes_supported'],
      ['a list of numbers', { grant_types_supported: [1, 2] }, 'grant_types_supported'],
      ['a flag that is text', { authorization_response_iss_parameter_supported: 'true' }, 'authorization_response_iss_parameter_supported'],
      ['an issuer that is a number', { issuer: 42 }, 'issuer'],
    ]
    for (const [what, fields, field] of hostile) {
      it(`refuses ${what}, naming ${field} and not its value`, async () => {
        const scope = nock(ORIGIN).get('/.well-known/oauth-authorization-server').reply(200, document(ORIGIN, fields), JSON_TYPE)

        const error = await OAuth2Session.discover(ORIGIN, 'client-1').catch((e: unknown) => e)

        scope.done()
        expect(error).to.be.instanceOf(InvalidMetadataError).and.include({ field })
        expect((error as Error).message)
          .not.to.include('pass@')
          .and.not.include('alert(1)')
      })
    }

    it('allows http endpoints on loopback, and elsewhere only with insecureTransport', async () => {
      const loopback = 'http://127.0.0.1:9'
      const scope = nock(loopback)
        .get('/.well-known/oauth-authorization-server')
        .reply(200, { issuer: loopback, token_endpoint: `${loopback}/token` }, JSON_TYPE)
      nock(ORIGIN)
        .get('/.well-known/oauth-authorization-server')
        .reply(200, document(ORIGIN, { token_endpoint: 'http://as.example/token' }), JSON_TYPE)

      const local = await OAuth2Session.discover(loopback, 'client-1')
      const insecure = await OAuth2Session.discover(ORIGIN, 'client-1', { insecureTransport: true })

      scope.done()
      expect(local.metadata?.token_endpoint).to.equal(`${loopback}/token`)
      expect(insecure.metadata?.token_endpoint).to.equal('http://as.example/token')
      await local.close()
      await insecure.close()
    })

    it('keeps the document frozen, unknown fields included', async () => {
      nock(ORIGIN)
        .get('/.well-known/oauth-authorization-server')
        .reply(200, document(ORIGIN, { vendor_flag: { a: 1 } }), JSON_TYPE)

      const session = await OAuth2Session.discover(ORIGIN, 'client-1')

      const metadata = session.metadata
      expect(metadata?.vendor_flag).to.deep.equal({ a: 1 })
      expect(Object.isFrozen(metadata)).to.equal(true)
      expect(Object.isFrozen(metadata?.scopes_supported)).to.equal(true)
      expect(Object.isFrozen(metadata?.vendor_flag)).to.equal(true)
      await session.close()
    })
  })

  describe('the per-process cache', () => {
    it('keeps a document for its max-age (less its Age), then asks again', async () => {
      using clock = installClock()
      const first = nock(ORIGIN)
        .get('/.well-known/oauth-authorization-server')
        .reply(200, document(ORIGIN), { ...JSON_TYPE, 'Cache-Control': 'public, max-age=120', Age: '20' })

      await (await OAuth2Session.discover(ORIGIN, 'client-1')).close()
      first.done()
      clock.tick(99_000)
      const traffic = trafficCounter()
      try {
        await (await OAuth2Session.discover(ORIGIN, 'client-2')).close()
        expect(traffic.count).to.equal(0)
      } finally {
        traffic.stop()
      }
      clock.tick(2000)
      const again = nock(ORIGIN).get('/.well-known/oauth-authorization-server').reply(200, document(ORIGIN), JSON_TYPE)
      await (await OAuth2Session.discover(ORIGIN, 'client-3')).close()
      again.done()
    })

    it('keeps nothing under no-store or no-cache, or with an Expires in the past', async () => {
      for (const headers of [
        { 'Cache-Control': 'no-store' } as Record<string, string>,
        { 'Cache-Control': 'no-cache, max-age=600' },
        { Expires: 'Thu, 01 Jan 1970 00:00:00 GMT' },
      ]) {
        clearDiscoveryCache()
        const scope = nock(ORIGIN)
          .get('/.well-known/oauth-authorization-server')
          .twice()
          .reply(200, document(ORIGIN), { ...JSON_TYPE, ...headers })

        await (await OAuth2Session.discover(ORIGIN, 'client-1')).close()
        await (await OAuth2Session.discover(ORIGIN, 'client-1')).close()

        scope.done()
      }
    })

    it('honours Expires counted from the server Date, and keeps a document without headers 10 minutes', async () => {
      using clock = installClock(Date.parse('2026-01-01T00:00:00Z'))
      nock(ORIGIN)
        .get('/.well-known/oauth-authorization-server/a')
        .reply(200, document(`${ORIGIN}/a`), { ...JSON_TYPE, Date: 'Thu, 01 Jan 2026 00:00:00 GMT', Expires: 'Thu, 01 Jan 2026 00:00:30 GMT' })
        .get('/.well-known/oauth-authorization-server/b')
        .reply(200, document(`${ORIGIN}/b`), JSON_TYPE)
      await (await OAuth2Session.discover(`${ORIGIN}/a`, 'client-1')).close()
      await (await OAuth2Session.discover(`${ORIGIN}/b`, 'client-1')).close()

      clock.tick(29_000)
      const traffic = trafficCounter()
      try {
        await (await OAuth2Session.discover(`${ORIGIN}/a`, 'client-1')).close()
        expect(traffic.count).to.equal(0)
      } finally {
        traffic.stop()
      }
      clock.tick(2000)
      const expired = nock(ORIGIN)
        .get('/.well-known/oauth-authorization-server/a')
        .reply(200, document(`${ORIGIN}/a`), JSON_TYPE)
      await (await OAuth2Session.discover(`${ORIGIN}/a`, 'client-1')).close()
      expired.done()
      clock.tick(10 * 60_000 - 31_000 - 1)
      await (await OAuth2Session.discover(`${ORIGIN}/b`, 'client-1')).close()
      clock.tick(2)
      const stale = nock(ORIGIN)
        .get('/.well-known/oauth-authorization-server/b')
        .reply(200, document(`${ORIGIN}/b`), JSON_TYPE)
      await (await OAuth2Session.discover(`${ORIGIN}/b`, 'client-1')).close()
      stale.done()
    })

    it('keeps at most 64 issuers, dropping the oldest first', async () => {
      const scope = nock(ORIGIN)
      for (let n = 0; n <= 64; n++) scope.get(`/.well-known/oauth-authorization-server/t${n}`).reply(200, document(`${ORIGIN}/t${n}`), JSON_TYPE)
      for (let n = 0; n <= 64; n++) await (await OAuth2Session.discover(`${ORIGIN}/t${n}`, 'client-1')).close()
      scope.done()

      const traffic = trafficCounter()
      try {
        await (await OAuth2Session.discover(`${ORIGIN}/t64`, 'client-1')).close()
        await (await OAuth2Session.discover(`${ORIGIN}/t1`, 'client-1')).close()
        expect(traffic.count).to.equal(0)
      } finally {
        traffic.stop()
      }
      const evicted = nock(ORIGIN)
        .get('/.well-known/oauth-authorization-server/t0')
        .reply(200, document(`${ORIGIN}/t0`), JSON_TYPE)
      await (await OAuth2Session.discover(`${ORIGIN}/t0`, 'client-1')).close()
      evicted.done()
    })

    it('checks a cached document again for each session: one without insecureTransport refuses its http endpoint', async () => {
      nock(ORIGIN)
        .get('/.well-known/oauth-authorization-server')
        .reply(200, document(ORIGIN, { token_endpoint: 'http://as.example/token' }), JSON_TYPE)
      await (await OAuth2Session.discover(ORIGIN, 'client-1', { insecureTransport: true })).close()

      const error = await OAuth2Session.discover(ORIGIN, 'client-1').catch((e: unknown) => e)

      expect(error).to.be.instanceOf(InvalidMetadataError).and.include({ field: 'token_endpoint' })
    })
  })

  describe('the endpoints a call leaves out', () => {
    const CALLBACK = 'https://app.example/cb'

    async function discovered(extra: Record<string, unknown> = {}, options = {}): Promise<OAuth2Session> {
      nock(ORIGIN).get('/.well-known/oauth-authorization-server').reply(200, document(ORIGIN, extra), JSON_TYPE)
      return OAuth2Session.discover(ORIGIN, 'client-1', { redirectUri: CALLBACK, pkce: false, clientSecret: 'secret-1', ...options })
    }

    it('builds the authorization URL on authorization_endpoint, and defaults issuer and autoRefreshUrl', async () => {
      const session = await discovered()

      const [url, state] = session.authorizationUrl()

      expect(url).to.equal(`${ORIGIN}/authorize?response_type=code&client_id=client-1&redirect_uri=${encodeURIComponent(CALLBACK)}&state=${state}`)
      expect(session).to.include({ issuer: ORIGIN, autoRefreshUrl: `${ORIGIN}/token`, issuerParameterRequired: false })
      await session.close()
    })

    it('fetches the token at token_endpoint from fetchToken({ authorizationResponse }), and refreshes there', async () => {
      const session = await discovered()
      const [, state] = session.authorizationUrl()
      const scope = nock(ORIGIN)
        .post('/token', { grant_type: 'authorization_code', code: 'c1', redirect_uri: CALLBACK })
        .reply(200, { access_token: 'at-1', refresh_token: 'rt-1', token_type: 'Bearer' })
        .post('/token', { grant_type: 'refresh_token', refresh_token: 'rt-1' })
        .reply(200, { access_token: 'at-2', token_type: 'Bearer' })

      await session.fetchToken({ authorizationResponse: `${CALLBACK}?code=c1&state=${state}&iss=${encodeURIComponent(ORIGIN)}` })
      await session.refreshToken()

      scope.done()
      expect(session.accessToken).to.equal('at-2')
      await session.close()
    })

    it('keeps an explicit URL first: fetchToken(url, options) goes where it is told', async () => {
      const session = await discovered()
      const scope = nock('https://other.example').post('/token').reply(200, { access_token: 'at-1', token_type: 'Bearer' })

      await session.fetchToken('https://other.example/token', { code: 'c1' })

      scope.done()
      await session.close()
    })

    it('checks iss against the discovered issuer, and requires it when the metadata says it is sent (RFC 9207)', async () => {
      const session = await discovered({ authorization_response_iss_parameter_supported: true })
      const traffic = trafficCounter()
      try {
        const [, state] = session.authorizationUrl()
        const missing = await session.fetchToken({ authorizationResponse: `${CALLBACK}?code=c1&state=${state}` }).catch((e: unknown) => e)
        const forged = await session
          .fetchToken({ authorizationResponse: `${CALLBACK}?code=c1&state=${state}&iss=${encodeURIComponent('https://evil.example')}` })
          .catch((e: unknown) => e)

        expect(session.issuerParameterRequired).to.equal(true)
        expect(missing).to.be.instanceOf(IssuerMismatchError)
        expect(forged).to.be.instanceOf(IssuerMismatchError).and.include({ expected: ORIGIN, received: 'https://evil.example' })
        expect(traffic.count).to.equal(0)
      } finally {
        traffic.stop()
        await session.close()
      }
    })

    it('lets the options win over the metadata', async () => {
      const session = await discovered(
        { authorization_response_iss_parameter_supported: true },
        { issuerParameterRequired: false, autoRefreshUrl: 'https://other.example/token' },
      )

      expect(session).to.include({ issuerParameterRequired: false, autoRefreshUrl: 'https://other.example/token' })
      await session.close()
    })

    it('names the missing endpoint when the session was not discovered, or the metadata has none', async () => {
      const plain = new OAuth2Session('client-1', { pkce: false })
      const bare = await discovered({ token_endpoint: undefined, authorization_endpoint: undefined })

      const fromPlain = await configurationRejection(() => plain.fetchToken({ code: 'c1' }))
      const fromBare = await configurationRejection(() => bare.refreshToken({ refreshToken: 'rt' }))
      const url = await configurationRejection(() => bare.authorizationUrl())

      expect(fromPlain).to.include({ option: 'tokenUrl' })
      expect(fromPlain.message).to.include('not made by OAuth2Session.discover')
      expect(fromBare.message).to.include('has no token_endpoint')
      expect(url).to.include({ option: 'url' })
      await plain.close()
      await bare.close()
    })
  })

  describe('OAuth2Service.discover', () => {
    it('takes accessTokenUrl and authorizeUrl from the metadata, and gives its sessions the issuer', async () => {
      nock(ORIGIN)
        .get('/.well-known/oauth-authorization-server')
        .reply(200, document(ORIGIN, { authorization_response_iss_parameter_supported: true }), JSON_TYPE)

      const service = await OAuth2Service.discover(ORIGIN, { clientId: 'client-1', clientSecret: 'secret-1', name: 'as' })

      const session = service.getSession()
      expect(service).to.include({ accessTokenUrl: `${ORIGIN}/token`, authorizeUrl: `${ORIGIN}/authorize`, name: 'as' })
      expect(service.metadata?.revocation_endpoint).to.equal(`${ORIGIN}/revoke`)
      expect(session).to.include({ issuer: ORIGIN, issuerParameterRequired: true, autoRefreshUrl: `${ORIGIN}/token` })
      await service.close()
    })

    it('refuses a wrong option before any traffic', async () => {
      const traffic = trafficCounter()
      try {
        const error = await configurationRejection(() => OAuth2Service.discover(ORIGIN, { clientId: '', clientSecret: 's' }))
        expect(error.option).to.equal('clientId')
        expect(traffic.count).to.equal(0)
      } finally {
        traffic.stop()
      }
    })
  })
})
