import { expect } from 'chai'
import nock from 'nock'
import {
  BackendApplicationClient,
  HeaderMap,
  InsecureTransportError,
  InvalidRequestError,
  OAuth2,
  OAuth2ClientCredentials,
  OAuth2Service,
  OAuth2Session,
  Session,
  TokenMissingError,
  TokenRequestError,
} from '../../../lib/index.js'
import { useTokenCache } from '../../../lib/testing/index.js'
import { trafficCounter } from '../../support/traffic-counter.js'

const HTML = '<!doctype html><html><body>Sign in</body></html>'

function clientCredentials(): OAuth2Session {
  return new OAuth2Session('client-1', { client: new BackendApplicationClient('client-1'), clientSecret: 'secret-1' })
}

describe('the one token endpoint: transport rule', () => {
  it('refuses a plain-http token URL outside loopback for OAuth2Session and the requests-auth strategies alike, before any traffic', async () => {
    const cache = useTokenCache()
    const traffic = trafficCounter()
    try {
      const strategy = new OAuth2ClientCredentials('http://idp.example/token', 'client-1', 'secret-1')
      const session = new Session({ auth: strategy })

      const fromSession = await clientCredentials()
        .fetchToken('http://idp.example/token')
        .catch((error: unknown) => error)
      const fromStrategy = await session.get('https://api.example/data').catch((error: unknown) => error)

      expect(fromSession).to.be.instanceOf(InsecureTransportError)
      expect(fromStrategy).to.be.instanceOf(InsecureTransportError)
      expect(traffic.count).to.equal(0)
    } finally {
      traffic.stop()
      cache.restore()
    }
  })
})

describe('the one token endpoint: hostile or odd answers', () => {
  it('reports an HTML page labelled JSON as a missing token, from OAuth2Session, OAuth2Service and requests-auth alike', async () => {
    const cache = useTokenCache()
    const scope = nock('https://idp.example').post('/token').times(3).reply(200, HTML, { 'Content-Type': 'application/json' })
    try {
      const service = new OAuth2Service({ clientId: 'client-1', clientSecret: 'secret-1', accessTokenUrl: 'https://idp.example/token' })
      const strategy = new OAuth2ClientCredentials('https://idp.example/token', 'client-1', 'secret-1')
      nock('https://api.example').get('/data').optionally().reply(200)

      const errors = [
        await clientCredentials()
          .fetchToken('https://idp.example/token')
          .catch((error: unknown) => error),
        await service.getAccessToken('POST', { data: { grant_type: 'client_credentials' } }).catch((error: unknown) => error),
        await new Session({ auth: strategy }).get('https://api.example/data').catch((error: unknown) => error),
      ]

      for (const error of errors) {
        expect(error).to.be.instanceOf(TokenMissingError)
        expect((error as TokenMissingError).keys).to.deep.equal([])
        expect((error as Error).message)
          .to.include('application/json')
          .and.not.include('Sign in')
      }
      scope.done()
    } finally {
      cache.restore()
    }
  })

  it('applies each original rule to an error key: oauthlib raises at any status, rauth only without a token, requests-auth only on non-2xx', async () => {
    const cache = useTokenCache()
    const both = { access_token: 'at-1', token_type: 'Bearer', error: 'invalid_scope' }
    const scope = nock('https://idp.example').post('/token').times(3).reply(200, both)
    nock('https://api.example').get('/data').matchHeader('authorization', 'Bearer at-1').reply(200, 'ok')
    try {
      const service = new OAuth2Service({ clientId: 'client-1', clientSecret: 'secret-1', accessTokenUrl: 'https://idp.example/token' })

      const oauthlib = await clientCredentials()
        .fetchToken('https://idp.example/token')
        .catch((error: unknown) => error)
      const rauth = await service.getAccessToken('POST', { data: { grant_type: 'client_credentials' } })
      const requestsAuth = await new Session({ auth: new OAuth2ClientCredentials('https://idp.example/token', 'client-1', 'secret-1') }).get(
        'https://api.example/data',
      )

      expect(oauthlib).to.be.instanceOf(TokenRequestError).and.include({ error: 'invalid_scope', status: 200 })
      expect(rauth).to.equal('at-1')
      expect(requestsAuth.text).to.equal('ok')
      scope.done()
    } finally {
      cache.restore()
    }
  })

  it('turns a non-2xx answer without an error body into invalid_request for requests-auth, without echoing the body', async () => {
    const cache = useTokenCache()
    const scope = nock('https://idp.example').post('/token').reply(502, 'upstream said: client_secret=secret-1', { 'Content-Type': 'text/plain' })
    try {
      const session = new Session({ auth: new OAuth2ClientCredentials('https://idp.example/token', 'client-1', 'secret-1') })

      const error = await session.get('https://api.example/data').catch((caught: unknown) => caught)

      expect(error).to.be.instanceOf(InvalidRequestError).and.include({ status: 502 })
      expect((error as Error).message)
        .to.include('HTTP 502')
        .and.not.include('secret-1')
      scope.done()
    } finally {
      cache.restore()
    }
  })

  it('looks error codes up by own property only: an error named constructor is a plain TokenRequestError', async () => {
    const scope = nock('https://idp.example').post('/token').reply(400, { error: 'constructor' })

    const error = await clientCredentials()
      .fetchToken('https://idp.example/token')
      .catch((caught: unknown) => caught)

    expect(error).to.be.instanceOf(TokenRequestError).and.include({ error: 'constructor', status: 400 })
    scope.done()
  })
})

describe('the one token endpoint: compliance hooks', () => {
  it('sends the headers a request hook returns, even when it returns a new HeaderMap', async () => {
    const session = clientCredentials()
    session.registerComplianceHook('access_token_request', (url, headers, body) => {
      const replaced = new HeaderMap(headers)
      replaced.set('X-Provider-Quirk', 'yes')
      return [url, replaced, body]
    })
    const scope = nock('https://idp.example').post('/token').matchHeader('x-provider-quirk', 'yes').reply(200, { access_token: 'at-1', token_type: 'Bearer' })

    const token = await session.fetchToken('https://idp.example/token')

    expect(token.access_token).to.equal('at-1')
    scope.done()
  })
})

describe('the one token endpoint: requests-oauth2 handler', () => {
  it('posts the form with the headers of Python requests (Accept */*, not JSON) through the shared client', async () => {
    const handler = new OAuth2('id', 'secret', 'https://provider.example/', 'https://app.example/cb')
    const scope = nock('https://provider.example')
      .post('/oauth/token', 'redirect_uri=https%3A%2F%2Fapp.example%2Fcb&client_id=id&client_secret=secret&code=c1')
      .matchHeader('content-type', 'application/x-www-form-urlencoded')
      .matchHeader('accept', '*/*')
      .reply(200, { access_token: 'at-1' })
    try {
      expect(await handler.getToken('c1')).to.deep.equal({ access_token: 'at-1' })
      scope.done()
    } finally {
      await handler.close()
    }
  })
})
