import { generateKeyPairSync, type KeyObject } from 'node:crypto'
import { inspect } from 'node:util'
import { expect } from 'chai'
import { decodeJwt, decodeProtectedHeader, type JWTPayload, jwtVerify } from 'jose'
import nock from 'nock'
import { BackendApplicationClient, type DeviceClock, OAuth2Session, type OAuth2SessionOptions } from '../../../lib/index.js'

const IDP = 'https://idp.test'
const ID = 'client:1'
const SECRET = 'se cr+et/%:é'
const TOKEN = { access_token: 'at-new', token_type: 'Bearer', expires_in: 3600 }
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'
const INSTANT: DeviceClock = { now: () => Date.now(), sleep: async () => {} }
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })

interface Captured {
  headers: Record<string, string | string[] | undefined>
  body: URLSearchParams
}

/** What each method must put on the wire, checked on one captured request. */
interface MethodCase {
  name: string
  options: OAuth2SessionOptions
  check: (request: Captured, endpoint: string) => Promise<void>
}

function noCredentialsInBody(body: URLSearchParams): void {
  expect(body.has('client_secret'), 'client_secret in the body').to.equal(false)
  expect(body.has('client_assertion'), 'client_assertion in the body').to.equal(false)
}

async function checkAssertion(request: Captured, endpoint: string, key: KeyObject | Uint8Array, alg: string): Promise<JWTPayload> {
  expect(request.headers.authorization).to.equal(undefined)
  expect(request.body.get('client_assertion_type')).to.equal(ASSERTION_TYPE)
  expect(request.body.has('client_secret')).to.equal(false)
  const jwt = request.body.get('client_assertion') as string
  expect(decodeProtectedHeader(jwt)).to.deep.equal({ alg })
  const { payload } = await jwtVerify(jwt, key, { issuer: ID, subject: ID, audience: endpoint, algorithms: [alg] })
  expect(decodeJwt(jwt)).to.have.keys('iss', 'sub', 'aud', 'jti', 'iat', 'exp')
  expect((payload.exp as number) - (payload.iat as number)).to.equal(60)
  expect(payload.jti).to.match(/^[0-9a-f-]{36}$/)
  return payload
}

const METHODS: MethodCase[] = [
  {
    name: 'client_secret_basic (form-encoded id and secret, RFC 6749 §2.3.1)',
    options: { clientAuth: 'client_secret_basic' },
    check: async ({ headers, body }) => {
      const encoded = `${encodeURIComponent(ID)}:${encodeURIComponent(SECRET).replace(/%20/g, '+')}`
      expect(headers.authorization).to.equal(`Basic ${Buffer.from(encoded).toString('base64')}`)
      expect(encoded).to.equal('client%3A1:se+cr%2Bet%2F%25%3A%C3%A9')
      noCredentialsInBody(body)
    },
  },
  {
    name: "client_secret_basic with clientAuthEncoding 'raw'",
    options: { clientAuth: 'client_secret_basic', clientAuthEncoding: 'raw' },
    check: async ({ headers, body }) => {
      expect(headers.authorization).to.equal(`Basic ${Buffer.from(`${ID}:${SECRET}`, 'latin1').toString('base64')}`)
      noCredentialsInBody(body)
    },
  },
  {
    name: 'client_secret_post',
    options: { clientAuth: 'client_secret_post' },
    check: async ({ headers, body }) => {
      expect(headers.authorization).to.equal(undefined)
      expect(body.getAll('client_id')).to.deep.equal([ID])
      expect(body.getAll('client_secret')).to.deep.equal([SECRET])
    },
  },
  {
    name: 'client_secret_jwt (HS256 with the secret)',
    options: { clientAuth: 'client_secret_jwt' },
    check: async (request, endpoint) => {
      await checkAssertion(request, endpoint, new TextEncoder().encode(SECRET), 'HS256')
    },
  },
  {
    name: 'private_key_jwt (RS256 with a KeyObject)',
    options: { clientAuth: 'private_key_jwt', clientAssertionKey: rsa.privateKey },
    check: async (request, endpoint) => {
      await checkAssertion(request, endpoint, rsa.publicKey, 'RS256')
    },
  },
  {
    name: 'none',
    options: { clientAuth: 'none' },
    check: async ({ headers, body }) => {
      expect(headers.authorization).to.equal(undefined)
      expect(body.getAll('client_id')).to.deep.equal([ID])
      noCredentialsInBody(body)
    },
  },
  {
    name: 'tls_client_auth',
    options: { clientAuth: 'tls_client_auth', cert: { cert: 'unused by nock', key: 'unused by nock' } },
    check: async ({ headers, body }) => {
      expect(headers.authorization).to.equal(undefined)
      expect(body.getAll('client_id')).to.deep.equal([ID])
      noCredentialsInBody(body)
    },
  },
  {
    name: 'an AuthStrategy of your own',
    options: { clientAuth: { apply: (request) => void request.headers.set('X-Client', 'mine') } },
    check: async ({ headers, body }) => {
      expect(headers['x-client']).to.equal('mine')
      expect(headers.authorization).to.equal(undefined)
      noCredentialsInBody(body)
    },
  },
]

/** One endpoint that authenticates the client: how to call it, and where it goes. */
interface EndpointCase {
  name: string
  path: string
  /** Mocks any request that comes before the one checked; returns what the checked one answers. */
  call: (session: OAuth2Session) => Promise<unknown>
  before?: () => void
  answer: Record<string, unknown>
  wire: Record<string, string>
}

const DEVICE = { device_code: 'dc-1', user_code: 'WDJB-MJHT', verification_uri: `${IDP}/device`, expires_in: 600, interval: 1 }

const ENDPOINTS: EndpointCase[] = [
  {
    name: 'fetchToken (client credentials)',
    path: '/token',
    call: (session) => session.fetchToken(`${IDP}/token`),
    answer: TOKEN,
    wire: { grant_type: 'client_credentials' },
  },
  {
    name: 'refreshToken',
    path: '/token',
    call: (session) => session.refreshToken(`${IDP}/token`, { refreshToken: 'rt-1' }),
    answer: TOKEN,
    wire: { grant_type: 'refresh_token', refresh_token: 'rt-1' },
  },
  {
    name: 'the automatic refresh before a request',
    path: '/token',
    call: async (session) => {
      session.token = { access_token: 'at-old', refresh_token: 'rt-1', token_type: 'Bearer', expires_at: 1 }
      session.tokenUpdater = () => {}
      session.autoRefreshUrl = `${IDP}/token`
      await session.get('https://api.test/me')
    },
    before: () => void nock('https://api.test').get('/me').matchHeader('authorization', 'Bearer at-new').reply(200, {}),
    answer: TOKEN,
    wire: { grant_type: 'refresh_token', refresh_token: 'rt-1' },
  },
  {
    name: 'deviceAuthorization',
    path: '/device/code',
    call: (session) => session.deviceAuthorization(`${IDP}/device/code`, { scope: 'read' }),
    answer: DEVICE,
    wire: { scope: 'read' },
  },
  {
    name: 'pollDeviceToken',
    path: '/token',
    call: async (session) => {
      const device = await session.deviceAuthorization(`${IDP}/device/code`, { clientSecret: undefined, auth: null })
      await session.pollDeviceToken(device, { tokenUrl: `${IDP}/token`, clock: INSTANT })
    },
    before: () => void nock(IDP).post('/device/code').reply(200, DEVICE),
    answer: TOKEN,
    wire: { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: 'dc-1' },
  },
  {
    name: 'revokeToken',
    path: '/revoke',
    call: (session) => session.revokeToken('rt-1', { url: `${IDP}/revoke`, tokenTypeHint: 'refresh_token' }),
    answer: {},
    wire: { token: 'rt-1', token_type_hint: 'refresh_token' },
  },
  {
    name: 'introspectToken',
    path: '/introspect',
    call: (session) => session.introspectToken('at-1', { url: `${IDP}/introspect` }),
    answer: { active: true },
    wire: { token: 'at-1' },
  },
  {
    name: 'exchangeToken',
    path: '/token',
    call: (session) => session.exchangeToken({ url: `${IDP}/token`, subjectToken: 'at-1', subjectTokenType: 'access_token' }),
    answer: { ...TOKEN, issued_token_type: 'urn:ietf:params:oauth:token-type:access_token' },
    wire: { grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange', subject_token: 'at-1' },
  },
]

function newSession(options: OAuth2SessionOptions): OAuth2Session {
  return new OAuth2Session(ID, { client: new BackendApplicationClient(ID), clientSecret: SECRET, ...options })
}

describe('clientAuth on every endpoint that authenticates the client', () => {
  afterEach(() => nock.cleanAll())

  for (const endpoint of ENDPOINTS) {
    describe(endpoint.name, () => {
      for (const method of METHODS) {
        it(`sends ${method.name}`, async () => {
          endpoint.before?.()
          let captured: Captured | undefined
          const scope = nock(IDP)
            .post(endpoint.path)
            .reply(200, function (_uri, body) {
              captured = { headers: this.req.headers, body: new URLSearchParams(String(body)) }
              return endpoint.answer
            })
          const session = newSession(method.options)
          // The device poll's own device authorization uses the same method; only the poll is checked here.
          await endpoint.call(session)

          if (captured === undefined) throw new Error('the endpoint was not called')
          for (const [name, value] of Object.entries(endpoint.wire)) expect(captured.body.get(name), name).to.equal(value)
          await method.check(captured, `${IDP}${endpoint.path}`)
          scope.done()
        })
      }
    })
  }
})

describe('client assertions (private_key_jwt, client_secret_jwt)', () => {
  afterEach(() => nock.cleanAll())

  async function assertionOf(options: OAuth2SessionOptions, times = 1): Promise<string[]> {
    const assertions: string[] = []
    const scope = nock(IDP)
      .post('/token')
      .times(times)
      .reply(200, (_uri, body) => {
        assertions.push(new URLSearchParams(String(body)).get('client_assertion') as string)
        return TOKEN
      })
    const session = newSession(options)
    for (let i = 0; i < times; i += 1) await session.fetchToken(`${IDP}/token`)
    scope.done()
    return assertions
  }

  it('signs with a PEM, a JWK (its kid and alg) and an EC key, each verified with the public key', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const pem = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string
    const jwk = { ...ec.privateKey.export({ format: 'jwk' }), kid: 'ec-1', alg: 'ES256' }

    const [fromPem] = await assertionOf({ clientAuth: 'private_key_jwt', clientAssertionKey: pem, clientAssertionKid: 'rsa-1' })
    const [fromJwk] = await assertionOf({ clientAuth: 'private_key_jwt', clientAssertionKey: jwk as never })
    const [fromEc] = await assertionOf({ clientAuth: 'private_key_jwt', clientAssertionKey: ec.privateKey })

    expect(decodeProtectedHeader(fromPem as string)).to.deep.equal({ alg: 'RS256', kid: 'rsa-1' })
    await jwtVerify(fromPem as string, rsa.publicKey, { audience: `${IDP}/token` })
    expect(decodeProtectedHeader(fromJwk as string)).to.deep.equal({ alg: 'ES256', kid: 'ec-1' })
    await jwtVerify(fromJwk as string, ec.publicKey, { audience: `${IDP}/token` })
    expect(decodeProtectedHeader(fromEc as string)).to.deep.equal({ alg: 'ES256' })
    await jwtVerify(fromEc as string, ec.publicKey)
  })

  it('makes a fresh jti for every request', async () => {
    const assertions = await assertionOf({ clientAuth: 'private_key_jwt', clientAssertionKey: rsa.privateKey }, 3)

    expect(new Set(assertions.map((jwt) => decodeJwt(jwt).jti)).size).to.equal(3)
  })

  it('takes the issuer as aud when the issuer is known, and an audience of your own when given', async () => {
    const [issuerAud] = await assertionOf({ clientAuth: 'client_secret_jwt', issuer: `${IDP}/` })
    const [endpointAud] = await assertionOf({ clientAuth: 'client_secret_jwt', issuer: `${IDP}/`, clientAssertionAudience: 'endpoint' })
    const [ownAud] = await assertionOf({ clientAuth: 'client_secret_jwt', clientAssertionAudience: 'https://login.example/tenant/token' })

    expect(decodeJwt(issuerAud as string).aud).to.equal(`${IDP}/`)
    expect(decodeJwt(endpointAud as string).aud).to.equal(`${IDP}/token`)
    expect(decodeJwt(ownAud as string).aud).to.equal('https://login.example/tenant/token')
  })

  it('honours clientAssertionAlg and clientAssertionLifetime', async () => {
    const [jwt] = await assertionOf({ clientAuth: 'client_secret_jwt', clientAssertionAlg: 'HS512', clientAssertionLifetime: 30 })
    const claims = decodeJwt(jwt as string)

    expect(decodeProtectedHeader(jwt as string).alg).to.equal('HS512')
    expect((claims.exp as number) - (claims.iat as number)).to.equal(30)
  })

  it('never shows the key, the secret or an assertion in toJSON, inspect or String', async () => {
    // The key as PEM text (a KeyObject prints no key material anyway), and one assertion sent first.
    const pem = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string
    let assertion = ''
    const scope = nock(IDP)
      .post('/token')
      .reply(200, (_uri, body) => {
        assertion = new URLSearchParams(String(body)).get('client_assertion') ?? ''
        return TOKEN
      })
    const session = newSession({ clientAuth: 'private_key_jwt', clientAssertionKey: pem })
    await session.fetchToken(`${IDP}/token`)
    scope.done()
    const shown = [JSON.stringify(session), inspect(session, { depth: 10 }), String(session)].join('\n')

    expect(assertion).to.have.length.above(100)
    expect(shown).not.to.include(pem.split('\n')[1])
    expect(shown).not.to.include(assertion.split('.')[2])
    expect(shown).not.to.include(SECRET)
    expect(shown).not.to.include('clientAssertionKey')
  })
})

describe('client_secret_post on a GET token request', () => {
  afterEach(() => nock.cleanAll())

  it('appends the credentials after the query as given, byte for byte, as the grant pairs are appended', async () => {
    let path = ''
    const scope = nock(IDP)
      .get((uri) => {
        path = uri
        return true
      })
      .reply(200, TOKEN)
    const session = new OAuth2Session('app', { clientSecret: 's*~', clientAuth: 'client_secret_post', pkce: false })
    try {
      await session.fetchToken(`${IDP}/token?tenant=a%20b&flag`, { method: 'GET', code: 'c*~' })

      expect(path).to.equal('/token?tenant=a%20b&flag&grant_type=authorization_code&code=c%2A~&client_id=app&client_secret=s%2A~')
      scope.done()
    } finally {
      await session.close()
    }
  })
})
