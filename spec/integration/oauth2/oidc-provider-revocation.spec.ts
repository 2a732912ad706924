import { expect } from 'chai'
import {
  BackendApplicationClient,
  HTTPBasicAuth,
  InvalidGrantError,
  MemoryTokenStore,
  OAuth2Service,
  OAuth2Session,
  type OAuth2SessionOptions,
} from '../../../lib/index.js'
import { loginThroughDevInteractions } from '../../support/oidc-login.js'
import { closeAfterAll, startOidcProvider } from '../../support/servers.js'

const REDIRECT = 'https://app.example/callback'

/** Revocation (RFC 7009) and introspection (RFC 7662) against oidc-provider on 127.0.0.1, both features on. */
describe('revokeToken and introspectToken against oidc-provider', function () {
  this.timeout(20_000)
  let issuer: string
  const closeLater = closeAfterAll()

  before(async () => {
    const provider = await closeLater(
      startOidcProvider(() => ({
        clients: [
          {
            client_id: 'basic-client',
            client_secret: 'basic-secret',
            token_endpoint_auth_method: 'client_secret_basic',
            redirect_uris: [REDIRECT],
            response_types: ['code'],
            grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
          },
          {
            client_id: 'post-client',
            client_secret: 'post-secret',
            token_endpoint_auth_method: 'client_secret_post',
            redirect_uris: [REDIRECT],
            response_types: ['code'],
            grant_types: ['client_credentials'],
          },
        ],
        features: {
          clientCredentials: { enabled: true },
          devInteractions: { enabled: true },
          revocation: { enabled: true },
          introspection: { enabled: true },
        },
        pkce: { required: () => true },
        cookies: { keys: ['oauth-sessions-spec-key'] },
        issueRefreshToken: () => true,
        findAccount: (_ctx: unknown, id: string) => ({ accountId: id, claims: () => ({ sub: id }) }),
      })),
    )
    issuer = provider.issuer
  })

  function session(options: OAuth2SessionOptions = {}): OAuth2Session {
    return new OAuth2Session('basic-client', {
      redirectUri: REDIRECT,
      scope: ['openid', 'offline_access'],
      clientSecret: 'basic-secret',
      revocationUrl: `${issuer}/token/revocation`,
      introspectionUrl: `${issuer}/token/introspection`,
      ...options,
    })
  }

  /** Logs in and consents through the provider's development pages, then redeems the code. */
  async function login(client: OAuth2Session): Promise<void> {
    const [url] = client.authorizationUrl(`${issuer}/auth`, undefined, { prompt: 'consent' })
    const callback = await loginThroughDevInteractions(client, url, REDIRECT)
    await client.fetchToken(`${issuer}/token`, { authorizationResponse: callback })
  }

  it('revokes a refresh token, after which a refresh with it is invalid_grant', async () => {
    const client = session()
    await login(client)
    const auth = new HTTPBasicAuth('basic-client', 'basic-secret')
    // A refresh first: the refresh token works, and the one revoked is the live one (rotated or kept).
    const refreshToken = (await client.refreshToken(`${issuer}/token`, { auth })).refresh_token as string

    await client.revokeToken(refreshToken, { tokenTypeHint: 'refresh_token' })
    const error = await client.refreshToken(`${issuer}/token`, { refreshToken, auth }).catch((e: unknown) => e)

    expect(error).to.be.instanceOf(InvalidGrantError)
  })

  it('logs out: revokes both tokens, forgets them and deletes the stored key; introspection then says inactive', async () => {
    const store = new MemoryTokenStore()
    const client = session({ tokenStore: store, tokenKey: 'user:alice' })
    await login(client)
    const { access_token: accessToken, refresh_token: refreshToken } = client.token
    expect((await client.introspectToken()).active).to.equal(true)

    await client.revokeToken()

    expect(client.token).to.deep.equal({})
    expect(await store.get('user:alice')).to.equal(undefined)
    expect(await client.introspectToken(accessToken as string)).to.deep.equal({ active: false })
    expect(await client.introspectToken(refreshToken as string, { tokenTypeHint: 'refresh_token' })).to.deep.equal({ active: false })
  })

  it('introspects an active client-credentials token with client_secret_post (includeClientId), with its claims', async () => {
    const client = new OAuth2Session('post-client', {
      client: new BackendApplicationClient('post-client'),
      clientSecret: 'post-secret',
      introspectionUrl: `${issuer}/token/introspection`,
    })
    await client.fetchToken(`${issuer}/token`, { includeClientId: true })

    const info = await client.introspectToken(undefined, { includeClientId: true })

    expect(info.active).to.equal(true)
    expect(info.client_id).to.equal('post-client')
    expect(info.exp).to.be.a('number')
  })

  it('revokes and introspects through OAuth2Service', async () => {
    const client = new OAuth2Session('basic-client', { client: new BackendApplicationClient('basic-client'), clientSecret: 'basic-secret' })
    const { access_token: accessToken } = await client.fetchToken(`${issuer}/token`)
    const service = new OAuth2Service({
      clientId: 'basic-client',
      clientSecret: 'basic-secret',
      revocationUrl: `${issuer}/token/revocation`,
      introspectionUrl: `${issuer}/token/introspection`,
    })

    expect((await service.introspectToken(accessToken as string)).active).to.equal(true)
    await service.revokeToken(accessToken as string, { tokenTypeHint: 'access_token' })
    expect((await service.introspectToken(accessToken as string)).active).to.equal(false)
  })
})
