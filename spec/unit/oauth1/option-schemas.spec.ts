import { generateKeyPairSync } from 'node:crypto'
import { expect } from 'chai'
import nock from 'nock'
import { CookieJar } from 'tough-cookie'
import { optionKeys } from '../../../lib/http/parse-options.js'
import {
  ConfigurationError,
  OAuth1Auth,
  type OAuth1AuthOptions,
  type OAuth1RequestOptions,
  OAuth1Session,
  type OAuth1SessionOptions,
  type RequestOptions,
} from '../../../lib/index.js'
import { oauth1AuthOptionsSchema } from '../../../lib/oauth1/oauth1-auth-options.js'
import { oauth1RequestOptionsSchema, oauth1SessionOptionsSchema } from '../../../lib/oauth1/oauth1-session.js'
import { configurationError } from '../../support/expect-configuration-error.js'
import { trafficCounter } from '../../support/traffic-counter.js'

const SECRET = 'cs_5f1e0c9a7b3d4e2f8a6b0c1d9e7f3a2b'
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })

const everyAuth: Required<OAuth1AuthOptions> = {
  clientSecret: SECRET,
  resourceOwnerKey: 'token',
  resourceOwnerSecret: 'token-secret',
  callbackUri: 'oob',
  signatureMethod: 'RSA-SHA256',
  signatureType: 'query',
  rsaKey: privateKey,
  verifier: 'v',
  realm: 'Photos',
  forceIncludeBody: false,
  bodyHash: true,
  nonce: () => 'n',
  timestamp: 1_700_000_000,
  insecureTransport: false,
}

describe('OAuth1Auth options from the schema', () => {
  it('accepts every documented option, and the schema knows no other', () => {
    const auth = new OAuth1Auth('ck', everyAuth)

    expect(auth.signatureType).to.equal('QUERY')
    expect([...optionKeys(oauth1AuthOptionsSchema())].sort()).to.deep.equal(Object.keys(everyAuth).sort())
  })

  it('names the camelCase option for a requests-oauthlib keyword, never its value', () => {
    const error = configurationError(() => new OAuth1Auth('ck', { client_secret: SECRET } as never))

    expect(error.option).to.equal('client_secret')
    expect(error.message).to.include("unknown option 'client_secret': did you mean 'clientSecret'?").and.not.include(SECRET)
  })

  it('names an option of the wrong type, never its value', () => {
    const error = configurationError(() => new OAuth1Auth('ck', { clientSecret: { value: SECRET } } as never))

    expect(error.option).to.equal('clientSecret')
    expect(error.message).to.include('expected string').and.not.include(SECRET)
  })
})

describe('OAuth1Session options from the schema', () => {
  const every: Required<OAuth1SessionOptions> = {
    ...everyAuth,
    signature: 'RSA-SHA1',
    service: { name: 'service' },
    baseUrl: 'https://api.test/1.1/',
    headers: {},
    params: {},
    auth: new OAuth1Auth('other', { clientSecret: 'x' }),
    cookies: new CookieJar(),
    timeout: 5_000,
    deadline: 20_000,
    maxResponseSize: 4096,
    maxTokenResponseSize: 1024,
    maxRedirects: 2,
    allowRedirects: true,
    retry: 0,
    verify: true,
    // A client certificate is read at construction; the TLS specs cover it.
    cert: undefined as never,
    ca: [],
    proxies: {},
    trustEnv: false,
    agent: {},
  }

  it('accepts every documented option, and the schema knows no other', async () => {
    const { signature: _signature, ...withoutRauthAlias } = every
    const session = new OAuth1Session('ck', undefined, undefined, undefined, withoutRauthAlias)

    expect(session.signatureMethod).to.equal('RSA-SHA256')
    expect(session.baseUrl).to.equal('https://api.test/1.1/')
    expect(session.consumerSecret).to.equal(SECRET)
    expect([...optionKeys(oauth1SessionOptionsSchema())].sort()).to.deep.equal(Object.keys(every).sort())
    await session.close()
  })

  it('takes rauth\u2019s signature alias too', async () => {
    const session = new OAuth1Session('ck', 'cs', undefined, undefined, { signature: 'HMAC-SHA256' })

    expect(session.signatureMethod).to.equal('HMAC-SHA256')
    await session.close()
  })

  it('names the camelCase option for a snake_case signing option and for a Session option', () => {
    const signing = configurationError(() => new OAuth1Session('ck', undefined, undefined, undefined, { callback_uri: SECRET } as never))
    const session = configurationError(() => new OAuth1Session('ck', undefined, undefined, undefined, { base_url: SECRET } as never))

    expect(signing.message).to.include("unknown option 'callback_uri': did you mean 'callbackUri'?").and.include('OAuth1Session')
    expect(session.message).to.include("unknown option 'base_url': did you mean 'baseUrl'?")
    expect(signing.message + session.message).to.not.include(SECRET)
  })

  it('names a wrong signing option type, never its value', () => {
    const error = configurationError(() => new OAuth1Session('ck', undefined, undefined, undefined, { resourceOwnerSecret: 42 } as never))

    expect(error.option).to.equal('resourceOwnerSecret')
    expect(error.message).to.include('Invalid OAuth1Session options')
  })
})

describe('OAuth1Session per-request options', () => {
  it('knows every documented OAuth1RequestOptions entry', () => {
    const own: Required<Omit<OAuth1RequestOptions, keyof RequestOptions>> = { headerAuth: false, realm: 'Photos' }

    expect(oauth1RequestOptionsSchema().safeParse(own).success).to.equal(true)
    for (const key of Object.keys(own)) expect(optionKeys(oauth1RequestOptionsSchema()).has(key)).to.equal(true, key)
  })

  it('sends with headerAuth: false and realm as before', async () => {
    const scope = nock('https://api.test')
      .get('/x')
      .query((query) => typeof query.oauth_signature === 'string')
      .reply(200, 'ok')
    const session = new OAuth1Session('ck', 'cs', 'token', 'token-secret')

    const response = await session.get('https://api.test/x', { headerAuth: false, realm: 'Photos' })

    expect(response.text).to.equal('ok')
    scope.done()
    await session.close()
  })

  it("rejects rauth's header_auth spelling with the camelCase hint, before any traffic", async () => {
    const traffic = trafficCounter()
    const session = new OAuth1Session('ck', 'cs', 'token', SECRET)
    try {
      const error = await session.post('https://api.test/statuses', { header_auth: false, data: { status: SECRET } } as never).catch((e: unknown) => e)

      expect(error).to.be.instanceOf(ConfigurationError).and.include({ option: 'header_auth' })
      expect((error as Error).message)
        .to.include("unknown option 'header_auth': did you mean 'headerAuth'?")
        .and.include('OAuth1Session.request')
        .and.not.include(SECRET)
      expect(traffic.count).to.equal(0)
    } finally {
      traffic.stop()
      await session.close()
    }
  })

  it('rejects an unknown key of fetchRequestToken options before the token request', async () => {
    const traffic = trafficCounter()
    const session = new OAuth1Session('ck', 'cs', undefined, undefined, { callbackUri: 'oob' })
    try {
      const error = await session.fetchRequestToken('https://api.test/request_token', undefined, { time_out: 5 } as never).catch((e: unknown) => e)

      expect(error).to.be.instanceOf(ConfigurationError).and.include({ option: 'time_out' })
      expect((error as Error).message).to.include("did you mean 'timeout'?")
      expect(traffic.count).to.equal(0)
    } finally {
      traffic.stop()
      await session.close()
    }
  })
})
