import { createHash } from 'node:crypto'
import { inspect } from 'node:util'
import { expect } from 'chai'
import nock from 'nock'
import {
  type ConfigurationError,
  HTTPBasicAuth,
  InvalidClientError,
  InvalidRequestError,
  InvalidTokenResponseError,
  OAuth2Service,
  OAuth2Session,
  type OAuth2SessionOptions,
  TokenRequestError,
} from '../../../lib/index.js'
import { attachMetadata } from '../../../lib/oauth2/oauth2-session.js'
import { configurationError, configurationRejection } from '../../support/expect-configuration-error.js'
import { trafficCounter } from '../../support/traffic-counter.js'

const IDP = 'https://idp.test'
const PAR = `${IDP}/par`
const AUTHORIZE = `${IDP}/authorize`
const REDIRECT = 'https://app.example/cb'
const BASIC = `Basic ${Buffer.from('client-1:secret-1').toString('base64')}`
const REQUEST_URI = 'urn:ietf:params:oauth:request_uri:6esc_11ACC5bwc014ltc14eY22c'
const METADATA = {
  issuer: IDP,
  authorization_endpoint: AUTHORIZE,
  token_endpoint: `${IDP}/token`,
  pushed_authorization_request_endpoint: PAR,
}

function session(options: OAuth2SessionOptions = {}): OAuth2Session {
  return new OAuth2Session('client-1', { clientSecret: 'secret-1', redirectUri: REDIRECT, scope: ['openid', 'profile'], ...options })
}

function discovered(options: OAuth2SessionOptions = {}, metadata: Record<string, unknown> = {}): OAuth2Session {
  const made = session({ issuer: IDP, ...options })
  attachMetadata(made, { ...METADATA, ...metadata })
  return made
}

/** The form body nock saw, as pairs in wire order. */
function pairs(body: string): [string, string][] {
  return [...new URLSearchParams(body)]
}

describe('pushAuthorizationRequest (RFC 9126)', () => {
  afterEach(() => nock.cleanAll())

  it('POSTs what authorizationUrl would put in the URL, with Basic auth, and returns a URL with only client_id and request_uri', async () => {
    let body = ''
    let headers: Record<string, string | string[] | undefined> = {}
    const scope = nock(IDP)
      .post('/par')
      .reply(201, function (_uri, sent) {
        body = String(sent)
        headers = this.req.headers
        return { request_uri: REQUEST_URI, expires_in: 60 }
      })
    const client = discovered()

    const [url, state] = await client.pushAuthorizationRequest(undefined, undefined, { prompt: 'consent' })

    const sent = pairs(body)
    expect(sent.map(([name]) => name)).to.deep.equal([
      'response_type',
      'client_id',
      'redirect_uri',
      'scope',
      'state',
      'nonce',
      'code_challenge',
      'code_challenge_method',
      'prompt',
    ])
    const params = Object.fromEntries(sent)
    expect(params).to.include({ response_type: 'code', client_id: 'client-1', redirect_uri: REDIRECT, scope: 'openid profile', state, prompt: 'consent' })
    // With openid in the scope, the pushed request carries the nonce the session keeps for the ID token, as the URL would.
    expect(params.nonce).to.be.a('string').and.equal(client.nonce)
    expect(params.code_challenge).to.equal(
      createHash('sha256')
        .update(client.codeVerifier ?? '')
        .digest('base64url'),
    )
    expect(params.code_challenge_method).to.equal('S256')
    expect(headers.authorization).to.equal(BASIC)
    expect(headers['content-type']).to.equal('application/x-www-form-urlencoded;charset=UTF-8')
    expect(headers.accept).to.equal('application/json')
    expect(url).to.equal(`${AUTHORIZE}?client_id=client-1&request_uri=${encodeURIComponent(REQUEST_URI)}`)
    expect(client.state).to.equal(state)
    scope.done()
  })

  it('keeps the state and PKCE verifier, so fetchToken({ authorizationResponse }) exchanges the code with that verifier', async () => {
    const scope = nock(IDP)
      .post('/par')
      .reply(201, { request_uri: REQUEST_URI, expires_in: 90 })
      .post('/token', (body) => body.code === 'code-1' && body.code_verifier.length >= 43 && body.redirect_uri === REDIRECT)
      .reply(200, { access_token: 'at-1', token_type: 'Bearer', scope: 'openid profile' })
    const client = discovered()

    const [, state] = await client.pushAuthorizationRequest()
    const verifier = client.codeVerifier
    const token = await client.fetchToken({ authorizationResponse: `${REDIRECT}?code=code-1&state=${state}&iss=${encodeURIComponent(IDP)}` })

    expect(verifier).to.be.a('string')
    expect(token.access_token).to.equal('at-1')
    scope.done()
  })

  it('uses the url argument, then the pushedAuthorizationRequestUrl option, before the discovered endpoint, and a state given', async () => {
    const scope = nock(IDP)
      .post('/given', (body) => body.state === 'state-1')
      .reply(201, { request_uri: REQUEST_URI, expires_in: 60 })
      .post('/option')
      .reply(201, { request_uri: REQUEST_URI, expires_in: 60 })
    const client = discovered({ pushedAuthorizationRequestUrl: `${IDP}/option` })

    const [, state] = await client.pushAuthorizationRequest(`${IDP}/given`, 'state-1')
    await client.pushAuthorizationRequest()

    expect(state).to.equal('state-1')
    scope.done()
  })

  it('sends client_secret in the body with includeClientId (client_secret_post), and no Authorization header', async () => {
    const scope = nock(IDP, { badheaders: ['authorization'] })
      .post('/par', (body) => body.client_id === 'client-1' && body.client_secret === 'secret-1')
      .reply(201, { request_uri: REQUEST_URI, expires_in: 60 })

    await discovered().pushAuthorizationRequest(undefined, undefined, {}, { includeClientId: true })

    scope.done()
  })

  it('sends a public client (no secret) with client_id alone in the body and no Authorization header', async () => {
    const scope = nock(IDP, { badheaders: ['authorization'] })
      .post('/par', (body) => body.client_id === 'client-1' && !('client_secret' in body))
      .reply(201, { request_uri: REQUEST_URI, expires_in: 60 })

    await discovered({ clientSecret: undefined }).pushAuthorizationRequest()

    scope.done()
  })

  it('uses an auth strategy given, an authorizationEndpoint option, and takes 200 for 201', async () => {
    const other = `Basic ${Buffer.from('x:y').toString('base64')}`
    const scope = nock(IDP).post('/par').matchHeader('authorization', other).reply(200, { request_uri: REQUEST_URI, expires_in: 60 })

    const [url] = await session().pushAuthorizationRequest(
      PAR,
      undefined,
      {},
      { auth: new HTTPBasicAuth('x', 'y'), authorizationEndpoint: `${IDP}/login?tenant=a` },
    )

    expect(url).to.equal(`${IDP}/login?tenant=a&client_id=client-1&request_uri=${encodeURIComponent(REQUEST_URI)}`)
    scope.done()
  })

  it('runs the par_request and par_response compliance hooks', async () => {
    const scope = nock(IDP)
      .post('/par', (body) => body.fixed === '1')
      .matchHeader('x-hook', 'yes')
      .reply(201, { requestUri: REQUEST_URI, expires_in: 60 })
    const client = discovered()
    client.registerComplianceHook('par_request', (url, headers, body) => [url, headers.set('X-Hook', 'yes'), `${String(body)}&fixed=1`])
    client.registerComplianceHook('par_response', (response) => {
      const { requestUri, ...rest } = response.json<{ requestUri: string }>()
      return response.withJson({ ...rest, request_uri: requestUri })
    })

    const [url] = await client.pushAuthorizationRequest()

    expect(new URL(url).searchParams.get('request_uri')).to.equal(REQUEST_URI)
    scope.done()
  })
})

describe('pushAuthorizationRequest refusals before any traffic', () => {
  afterEach(() => nock.cleanAll())

  async function refusal(make: () => Promise<unknown>): Promise<ConfigurationError> {
    const traffic = trafficCounter()
    try {
      const error = await configurationRejection(make)
      expect(traffic.count).to.equal(0)
      return error
    } finally {
      traffic.stop()
    }
  }

  it('names pushedAuthorizationRequestUrl when no PAR endpoint is known', async () => {
    const error = await refusal(() => session().pushAuthorizationRequest(undefined, undefined, {}, { authorizationEndpoint: AUTHORIZE }))

    expect(error.option).to.equal('pushedAuthorizationRequestUrl')
    expect(error.message).to.include('pushedAuthorizationRequestUrl option')
  })

  it('names authorizationEndpoint when no authorization endpoint is known', async () => {
    const error = await refusal(() => session().pushAuthorizationRequest(PAR))

    expect(error.option).to.equal('authorizationEndpoint')
  })

  it('refuses a session without a client id, a request_uri among the extras, and options it does not know', async () => {
    const noClient = await refusal(() => new OAuth2Session(undefined, { redirectUri: REDIRECT }).pushAuthorizationRequest(PAR))
    const extra = await refusal(() => discovered().pushAuthorizationRequest(undefined, undefined, { request_uri: 'urn:x' }))
    const unknown = await refusal(() => discovered().pushAuthorizationRequest(undefined, undefined, {}, { allowRedirects: true } as never))
    const badUrl = await refusal(() => discovered().pushAuthorizationRequest('ftp://idp.test/par'))

    expect([noClient.option, extra.option, unknown.option, badUrl.option]).to.deep.equal(['clientId', 'extra.request_uri', 'allowRedirects', 'url'])
  })

  it('refuses a plain http PAR endpoint outside loopback (the client secret would travel in clear)', async () => {
    const traffic = trafficCounter()
    try {
      const error = await discovered()
        .pushAuthorizationRequest('http://idp.test/par')
        .catch((e: unknown) => e)
      expect(error).to.have.property('code', 'ERR_INSECURE_TRANSPORT')
      expect(traffic.count).to.equal(0)
    } finally {
      traffic.stop()
    }
  })
})

describe('authorizationUrl when requests must be pushed', () => {
  it('refuses when the metadata says require_pushed_authorization_requests, and tells to call pushAuthorizationRequest()', () => {
    const client = discovered({}, { require_pushed_authorization_requests: true })

    const error = configurationError(() => client.authorizationUrl())

    expect(error.option).to.equal('metadata.require_pushed_authorization_requests')
    expect(error.message).to.include('pushAuthorizationRequest()')
    expect(client.state).to.equal(undefined)
  })

  it('refuses with the requirePushedAuthorizationRequests option, which serialize() keeps', () => {
    const client = session({ requirePushedAuthorizationRequests: true, pushedAuthorizationRequestUrl: PAR })
    const restored = OAuth2Session.fromJSON(JSON.stringify(client.serialize()))

    const error = configurationError(() => restored.authorizationUrl(AUTHORIZE))

    expect(error.option).to.equal('requirePushedAuthorizationRequests')
    expect(restored.pushedAuthorizationRequestUrl).to.equal(PAR)
    expect(restored.requirePushedAuthorizationRequests).to.equal(true)
  })

  it('still builds the URL when pushing is not required', () => {
    const [url] = discovered({}, { require_pushed_authorization_requests: false }).authorizationUrl()

    expect(url.startsWith(`${AUTHORIZE}?response_type=code&client_id=client-1`)).to.equal(true)
  })
})

describe('pushAuthorizationRequest with an error answer (RFC 9126 §2.3)', () => {
  afterEach(() => nock.cleanAll())

  it('turns a 401 invalid_client into InvalidClientError with error, errorDescription and status', async () => {
    const scope = nock(IDP).post('/par').reply(401, { error: 'invalid_client', error_description: 'client authentication failed' })

    const error = await discovered()
      .pushAuthorizationRequest()
      .catch((e: unknown) => e)

    expect(error).to.be.instanceOf(InvalidClientError).and.include({ error: 'invalid_client', errorDescription: 'client authentication failed', status: 401 })
    scope.done()
  })

  it('turns a 400 invalid_request into InvalidRequestError, and a bare 413 or 429 into a TokenRequestError with its status', async () => {
    const scope = nock(IDP)
      .post('/par')
      .reply(400, { error: 'invalid_request', error_description: 'redirect_uri not registered' })
      .post('/par')
      .reply(413, 'too large')
      .post('/par')
      .reply(429, '')
    const client = discovered()

    const invalid = await client.pushAuthorizationRequest().catch((e: unknown) => e)
    const large = await client.pushAuthorizationRequest().catch((e: unknown) => e)
    const many = await client.pushAuthorizationRequest().catch((e: unknown) => e)

    expect(invalid).to.be.instanceOf(InvalidRequestError).and.include({ status: 400 })
    expect(large).to.be.instanceOf(TokenRequestError).and.include({ status: 413 })
    expect(many).to.be.instanceOf(TokenRequestError).and.include({ status: 429 })
    scope.done()
  })

  it('treats an error body with a 201 as the error, and a 204 as no answer', async () => {
    const scope = nock(IDP).post('/par').reply(201, { error: 'invalid_scope' }).post('/par').reply(204)
    const client = discovered()

    const withError = await client.pushAuthorizationRequest().catch((e: unknown) => e)
    const empty = await client.pushAuthorizationRequest().catch((e: unknown) => e)

    expect(withError).to.be.instanceOf(TokenRequestError).and.include({ error: 'invalid_scope' })
    expect(empty).to.be.instanceOf(InvalidTokenResponseError).and.include({ field: 'status' })
    scope.done()
  })

  it('scrubs the client secret out of an error that quotes the request back', async () => {
    const scope = nock(IDP)
      .post('/par')
      .reply(400, (_uri, body) => ({ error: 'invalid_request', error_description: `bad request: ${String(body)} with secret-1` }))
    const client = discovered()

    const error = (await client.pushAuthorizationRequest(undefined, undefined, {}, { includeClientId: true }).catch((e: unknown) => e)) as Error

    const shown = `${error.message} ${inspect(error)} ${JSON.stringify(error)}`
    expect(error).to.be.instanceOf(InvalidRequestError)
    expect(shown).not.to.include('secret-1')
    scope.done()
  })
})

describe('pushAuthorizationRequest with a hostile answer', () => {
  afterEach(() => nock.cleanAll())

  const cases: [string, unknown, string, RegExp][] = [
    ['a missing request_uri', { expires_in: 60 }, 'request_uri', /is missing/],
    ['an empty request_uri', { request_uri: '', expires_in: 60 }, 'request_uri', /is empty/],
    ['a request_uri that is a number', { request_uri: 42, expires_in: 60 }, 'request_uri', /is a number/],
    ['a request_uri that is an object', { request_uri: { uri: REQUEST_URI }, expires_in: 60 }, 'request_uri', /is an object/],
    ['a huge request_uri', { request_uri: `urn:x:${'a'.repeat(5000)}`, expires_in: 60 }, 'request_uri', /5006 characters/],
    ['a plain http request_uri', { request_uri: 'http://idp.test/requests/1', expires_in: 60 }, 'request_uri', /plain http/],
    ['a javascript: request_uri', { request_uri: 'javascript:alert(1)', expires_in: 60 }, 'request_uri', /no absolute urn/],
    ['a request_uri with spaces', { request_uri: 'urn:x:a b', expires_in: 60 }, 'request_uri', /no absolute urn/],
    ['a relative request_uri', { request_uri: '/requests/1', expires_in: 60 }, 'request_uri', /no absolute urn/],
    ['a missing expires_in', { request_uri: REQUEST_URI }, 'expires_in', /is missing/],
    ['an expires_in as text', { request_uri: REQUEST_URI, expires_in: '60' }, 'expires_in', /is a string/],
    ['a zero expires_in', { request_uri: REQUEST_URI, expires_in: 0 }, 'expires_in', /out of range/],
    ['a fractional expires_in', { request_uri: REQUEST_URI, expires_in: 1.5 }, 'expires_in', /out of range/],
    ['a huge expires_in', { request_uri: REQUEST_URI, expires_in: 1e12 }, 'expires_in', /out of range/],
  ]
  for (const [what, body, field, problem] of cases) {
    it(`refuses ${what}`, async () => {
      const scope = nock(IDP)
        .post('/par')
        .reply(201, body as nock.Body)

      const error = await discovered()
        .pushAuthorizationRequest()
        .catch((e: unknown) => e)

      expect(error).to.be.instanceOf(InvalidTokenResponseError).and.include({ field })
      expect((error as InvalidTokenResponseError).problem).to.match(problem)
      expect((error as Error).message).to.include('The pushed authorization response')
      scope.done()
    })
  }

  it('refuses an HTML page and a JSON list in place of the answer', async () => {
    const scope = nock(IDP).post('/par').reply(201, '<html>hello</html>', { 'Content-Type': 'text/html' }).post('/par').reply(201, '[1,2]')
    const client = discovered()

    const html = await client.pushAuthorizationRequest().catch((e: unknown) => e)
    const list = await client.pushAuthorizationRequest().catch((e: unknown) => e)

    expect(html).to.be.instanceOf(InvalidTokenResponseError).and.include({ field: 'request_uri' })
    expect(list).to.be.instanceOf(InvalidTokenResponseError).and.include({ field: 'request_uri' })
    scope.done()
  })

  it('takes a plain http request_uri off loopback under OAUTHLIB_INSECURE_TRANSPORT, as under insecureTransport', async () => {
    const before = process.env.OAUTHLIB_INSECURE_TRANSPORT
    const answer = { request_uri: 'http://idp.test/requests/1', expires_in: 60 }
    const scope = nock(IDP).post('/par').reply(201, answer).post('/par').reply(201, answer)
    try {
      delete process.env.OAUTHLIB_INSECURE_TRANSPORT // the option alone first
      const [byOption] = await discovered({ insecureTransport: true }).pushAuthorizationRequest()
      process.env.OAUTHLIB_INSECURE_TRANSPORT = '1'
      const [byEnv] = await discovered().pushAuthorizationRequest()

      for (const url of [byOption, byEnv]) expect(new URL(url).searchParams.get('request_uri')).to.equal('http://idp.test/requests/1')
      scope.done()
    } finally {
      if (before === undefined) delete process.env.OAUTHLIB_INSECURE_TRANSPORT
      else process.env.OAUTHLIB_INSECURE_TRANSPORT = before
    }
  })

  it('takes an http request_uri on loopback', async () => {
    const scope = nock('http://127.0.0.1:9').post('/par').reply(201, { request_uri: 'http://127.0.0.1:9/requests/1', expires_in: 60 })

    const [url] = await session().pushAuthorizationRequest('http://127.0.0.1:9/par', undefined, {}, { authorizationEndpoint: 'http://127.0.0.1:9/authorize' })

    expect(new URL(url).searchParams.get('request_uri')).to.equal('http://127.0.0.1:9/requests/1')
    scope.done()
  })
})

describe('OAuth2Service.pushAuthorizationRequest', () => {
  afterEach(() => nock.cleanAll())

  it("pushes the caller's parameters and client_id with Basic auth and returns authorizeUrl with client_id and request_uri", async () => {
    const scope = nock(IDP)
      .post('/par', 'redirect_uri=https%3A%2F%2Fapp.example%2Fcb&response_type=code&state=s-1&client_id=client-1')
      .matchHeader('authorization', BASIC)
      .reply(201, { request_uri: REQUEST_URI, expires_in: 60 })
    const service = new OAuth2Service({ clientId: 'client-1', clientSecret: 'secret-1', authorizeUrl: AUTHORIZE, pushedAuthorizationRequestUrl: PAR })

    const url = await service.pushAuthorizationRequest({ redirect_uri: REDIRECT, response_type: 'code', state: 's-1' })

    expect(url).to.equal(`${AUTHORIZE}?client_id=client-1&request_uri=${encodeURIComponent(REQUEST_URI)}`)
    scope.done()
    await service.close()
  })

  it('round-trips pushedAuthorizationRequestUrl through serialize/fromJSON, and needs a PAR endpoint before any traffic', async () => {
    const service = new OAuth2Service({ clientId: 'client-1', clientSecret: 'secret-1', authorizeUrl: AUTHORIZE, pushedAuthorizationRequestUrl: PAR })
    const bare = new OAuth2Service({ clientId: 'client-1', clientSecret: 'secret-1', authorizeUrl: AUTHORIZE })

    const restored = OAuth2Service.fromJSON(JSON.stringify(service.serialize()))
    const error = await configurationRejection(() => bare.pushAuthorizationRequest({ response_type: 'code' }))

    expect(restored.pushedAuthorizationRequestUrl).to.equal(PAR)
    expect(error.option).to.equal('pushedAuthorizationRequestUrl')
    await Promise.all([service.close(), bare.close(), restored.close()])
  })
})
