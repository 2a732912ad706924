import { generateKeyPairSync } from 'node:crypto'
import { expect } from 'chai'
import nock from 'nock'
import { BackendApplicationClient, OAuth2Service, OAuth2Session, type OAuth2SessionOptions } from '../../../lib/index.js'
import { configurationError } from '../../support/expect-configuration-error.js'
import { withWarnings } from '../../support/with-warnings.js'

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
const TOKEN = { access_token: 'at-1', token_type: 'Bearer' }

function session(options: OAuth2SessionOptions, clientId: string | undefined = 'client-1'): OAuth2Session {
  return new OAuth2Session(clientId, { client: new BackendApplicationClient(clientId), ...options })
}

describe('clientAuth: bad combinations are ConfigurationErrors before any traffic', () => {
  const cases: [string, OAuth2SessionOptions, string][] = [
    ['private_key_jwt without a key', { clientAuth: 'private_key_jwt' }, 'clientAssertionKey'],
    ['private_key_jwt with a public key', { clientAuth: 'private_key_jwt', clientAssertionKey: rsa.publicKey }, 'clientAssertionKey'],
    [
      'private_key_jwt with a public JWK',
      { clientAuth: 'private_key_jwt', clientAssertionKey: rsa.publicKey.export({ format: 'jwk' }) as never },
      'clientAssertionKey',
    ],
    ['private_key_jwt with text that is no PEM', { clientAuth: 'private_key_jwt', clientAssertionKey: 'not a key' }, 'clientAssertionKey'],
    [
      'private_key_jwt with an HMAC alg',
      { clientAuth: 'private_key_jwt', clientAssertionKey: rsa.privateKey, clientAssertionAlg: 'HS256' },
      'clientAssertionAlg',
    ],
    ['client_secret_basic without a secret', { clientAuth: 'client_secret_basic' }, 'clientSecret'],
    ['client_secret_post without a secret', { clientAuth: 'client_secret_post' }, 'clientSecret'],
    ['client_secret_jwt without a secret', { clientAuth: 'client_secret_jwt' }, 'clientSecret'],
    ['client_secret_jwt with an RSA alg', { clientAuth: 'client_secret_jwt', clientSecret: 's', clientAssertionAlg: 'RS256' }, 'clientAssertionAlg'],
    ['an unknown method', { clientAuth: 'client_secret_magic' as never }, 'clientAuth'],
    ['tls_client_auth without the Session cert', { clientAuth: 'tls_client_auth' }, 'cert'],
    ['clientAssertionKey without clientAuth', { clientAssertionKey: rsa.privateKey }, 'clientAssertionKey'],
    ['clientAuthEncoding with client_secret_post', { clientAuth: 'client_secret_post', clientSecret: 's', clientAuthEncoding: 'raw' }, 'clientAuthEncoding'],
    ['a lifetime over 600 s', { clientAuth: 'client_secret_jwt', clientSecret: 's', clientAssertionLifetime: 3600 }, 'clientAssertionLifetime'],
  ]
  for (const [name, options, option] of cases) {
    it(`refuses ${name}, naming ${option}`, () => {
      const error = configurationError(() => session(options))

      expect(error.option).to.equal(option)
      expect(error.message).not.to.include('BEGIN')
    })
  }

  it('refuses a method that needs the client id when there is none', () => {
    expect(configurationError(() => new OAuth2Session(undefined, { clientAuth: 'none' })).option).to.equal('clientId')
  })

  it('never quotes the secret in the message', () => {
    const error = configurationError(() => session({ clientAuth: 'client_secret_post', clientSecret: 'hunter2', clientAuthEncoding: 'raw' }))

    expect(error.message).not.to.include('hunter2')
  })
})

describe('without clientAuth the wire is the Python originals', () => {
  afterEach(() => nock.cleanAll())

  it('sends the id and secret raw in Basic, as requests-oauthlib does', async () => {
    const scope = nock('https://idp.test')
      .post('/token', 'grant_type=client_credentials')
      .matchHeader('authorization', `Basic ${Buffer.from('client-1:a+b/c').toString('base64')}`)
      .reply(200, TOKEN)

    await session({ clientSecret: 'a+b/c' }).fetchToken('https://idp.test/token')

    scope.done()
  })

  it('sends no client authentication with an explicit refresh, as requests-oauthlib does', async () => {
    const scope = nock('https://idp.test')
      .post('/token', 'grant_type=refresh_token&refresh_token=rt-1')
      .matchHeader('authorization', (value) => value === undefined)
      .reply(200, TOKEN)

    await session({ clientSecret: 'secret' }).refreshToken('https://idp.test/token', { refreshToken: 'rt-1' })

    scope.done()
  })

  it('lets a per-call auth win over clientAuth', async () => {
    const scope = nock('https://idp.test').post('/token', 'grant_type=client_credentials').matchHeader('x-own', 'yes').reply(200, TOKEN)

    await session({ clientAuth: 'client_secret_post', clientSecret: 'secret' }).fetchToken('https://idp.test/token', {
      auth: { apply: (request) => void request.headers.set('X-Own', 'yes') },
    })

    scope.done()
  })
})

describe('clientAuth with discovered metadata', () => {
  afterEach(() => nock.cleanAll())

  async function discovered(host: string, metadata: Record<string, unknown>, options: OAuth2SessionOptions): Promise<OAuth2Session> {
    const issuer = `https://${host}`
    nock(issuer)
      .get('/.well-known/oauth-authorization-server')
      .reply(200, { issuer, token_endpoint: `${issuer}/token`, ...metadata })
    return OAuth2Session.discover(issuer, 'client-1', { client: new BackendApplicationClient('client-1'), ...options })
  }

  it('sends the mTLS methods to mtls_endpoint_aliases (RFC 8705 §5), and the others to the plain endpoints', async () => {
    const aliases = { mtls_endpoint_aliases: { token_endpoint: 'https://mtls.alias.test/token' } }
    const tls = await discovered('mtls-1.test', aliases, { clientAuth: 'tls_client_auth', cert: { cert: 'x', key: 'y' } })
    const post = await discovered('mtls-2.test', aliases, { clientAuth: 'client_secret_post', clientSecret: 's' })
    const alias = nock('https://mtls.alias.test').post('/token', 'grant_type=client_credentials&client_id=client-1').reply(200, TOKEN)
    const plain = nock('https://mtls-2.test').post('/token', 'grant_type=client_credentials&client_id=client-1&client_secret=s').reply(200, TOKEN)

    await tls.fetchToken()
    await post.fetchToken()

    alias.done()
    plain.done()
  })

  it('refuses an alias that is not https, before sending', async () => {
    const tls = await discovered(
      'mtls-3.test',
      { mtls_endpoint_aliases: { token_endpoint: 'http://mtls.alias.test/token' } },
      {
        clientAuth: 'self_signed_tls_client_auth',
        cert: { cert: 'x', key: 'y' },
      },
    )

    const error = await tls.fetchToken().catch((caught: unknown) => caught)

    expect(error).to.have.property('option', 'mtls_endpoint_aliases')
  })

  it('warns once, and still sends, when token_endpoint_auth_methods_supported leaves the method out', async () => {
    const client = await discovered(
      'listed.test',
      { token_endpoint_auth_methods_supported: ['client_secret_basic'] },
      {
        clientAuth: 'client_secret_post',
        clientSecret: 's',
      },
    )
    const scope = nock('https://listed.test').post('/token').times(2).reply(200, TOKEN)

    const { warnings } = await withWarnings(async () => {
      await client.fetchToken()
      await client.fetchToken()
    })

    expect(warnings).to.have.length(1)
    expect(warnings[0]).to.include("'client_secret_post'").and.include('token_endpoint_auth_methods_supported')
    scope.done()
  })

  it('takes the discovered issuer as the assertion audience', async () => {
    const client = await discovered('aud.test', {}, { clientAuth: 'private_key_jwt', clientAssertionKey: rsa.privateKey })
    let aud: unknown
    const scope = nock('https://aud.test')
      .post('/token')
      .reply(200, async (_uri, body) => {
        const { decodeJwt } = await import('jose')
        aud = decodeJwt(new URLSearchParams(String(body)).get('client_assertion') as string).aud
        return TOKEN
      })

    await client.fetchToken()

    expect(aud).to.equal('https://aud.test')
    scope.done()
  })
})

describe('clientAuth on OAuth2Service', () => {
  afterEach(() => nock.cleanAll())

  it('authenticates getAuthSession with the method instead of rauth client_id and client_secret in the data, and its sessions too', async () => {
    const seen: URLSearchParams[] = []
    const scope = nock('https://svc.test')
      .post('/token')
      .reply(200, (_uri, body) => {
        seen.push(new URLSearchParams(String(body)))
        return TOKEN
      })
      .post('/revoke')
      .reply(200, (_uri, body) => {
        seen.push(new URLSearchParams(String(body)))
        return ''
      })
    const { decodeJwt, jwtVerify } = await import('jose')
    const service = new OAuth2Service({
      clientId: 'svc-client',
      clientSecret: '',
      accessTokenUrl: 'https://svc.test/token',
      revocationUrl: 'https://svc.test/revoke',
      clientAuth: 'private_key_jwt',
      clientAssertionKey: rsa.privateKey,
    })

    const authorized = await service.getAuthSession({ data: { grant_type: 'client_credentials' } })
    await service.revokeToken('at-1')

    expect(authorized.accessToken).to.equal('at-1')
    expect([...(seen[0] as URLSearchParams).keys()]).to.deep.equal(['grant_type', 'client_assertion_type', 'client_assertion'])
    await jwtVerify((seen[0] as URLSearchParams).get('client_assertion') as string, rsa.publicKey, { audience: 'https://svc.test/token', issuer: 'svc-client' })
    expect(decodeJwt((seen[1] as URLSearchParams).get('client_assertion') as string).aud).to.equal('https://svc.test/revoke')
    expect((seen[1] as URLSearchParams).has('client_secret')).to.equal(false)
    scope.done()
  })

  it('refuses a bad combination in the constructor, naming the option', () => {
    expect(configurationError(() => new OAuth2Service({ clientId: 'x', clientSecret: '', clientAuth: 'client_secret_basic' })).option).to.equal('clientSecret')
  })
})
