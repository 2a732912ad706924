import { expect } from 'chai'
import Provider from 'oidc-provider'
import { HTTPBasicAuth, InvalidMetadataError, OAuth2Service, OAuth2Session } from '../../../lib/index.js'
import { clearDiscoveryCache } from '../../../lib/oauth2/discovery.js'
import { loginThroughDevInteractions } from '../../support/oidc-login.js'
import { closeAfterAll, type LoopbackServer, startServer } from '../../support/servers.js'

const REDIRECT = 'https://app.example/callback'
const RFC8414 = '/.well-known/oauth-authorization-server'
const OIDC = '/.well-known/openid-configuration'

/**
 * Discovery against oidc-provider on 127.0.0.1. oidc-provider 9 serves its metadata at both
 * well-known paths itself (RFC 8414's and OpenID Connect's); to see the fall-back to the second, a
 * `provider.use()` middleware answers 404 on the first. Every request path is recorded by another
 * middleware, so the spec sees which URLs discovery asked. (The provider is started here rather than
 * through spec/support startOidcProvider, which does not hand out the Provider for `use()`.)
 */
describe('OAuth2Session.discover against oidc-provider', function () {
  this.timeout(20_000)
  const closeLater = closeAfterAll()
  let issuer: string
  let withoutRfc8414: string
  const seen: string[] = []

  async function startProvider(hideRfc8414: boolean): Promise<LoopbackServer & { issuer: string }> {
    const listening = await startServer()
    const common = { redirect_uris: [REDIRECT], response_types: ['code'], grant_types: ['authorization_code', 'refresh_token', 'client_credentials'] }
    const provider = new Provider(listening.url, {
      clients: [
        { ...common, client_id: 'basic-client', client_secret: 'basic-secret', token_endpoint_auth_method: 'client_secret_basic' },
        { ...common, client_id: 'post-client', client_secret: 'post-secret', token_endpoint_auth_method: 'client_secret_post' },
      ],
      features: { clientCredentials: { enabled: true }, devInteractions: { enabled: true }, revocation: { enabled: true }, introspection: { enabled: true } },
      pkce: { required: () => true },
      cookies: { keys: ['oauth-sessions-spec-key'] },
      issueRefreshToken: () => true,
      findAccount: (_ctx: unknown, id: string) => ({ accountId: id, claims: () => ({ sub: id }) }),
    })
    provider.use(async (ctx, next) => {
      seen.push(`${ctx.method} ${ctx.path}`)
      if (hideRfc8414 && ctx.path === RFC8414) {
        // koa's own setters (the specs' oidc-provider.d.ts types only what they read).
        Object.assign(ctx, { status: 404, body: 'not served here' })
        return
      }
      await next()
    })
    listening.server.on('request', provider.callback())
    return { ...listening, issuer: listening.url }
  }

  before(async () => {
    issuer = (await closeLater(startProvider(false))).issuer
    withoutRfc8414 = (await closeLater(startProvider(true))).issuer
  })

  beforeEach(() => {
    clearDiscoveryCache()
    seen.length = 0
  })

  /** Logs in and consents through the provider's pages; returns the redirect back to the client. */
  function authorize(session: OAuth2Session): Promise<string> {
    const [url] = session.authorizationUrl(undefined, undefined, { prompt: 'consent' })
    return loginThroughDevInteractions(session, url, REDIRECT)
  }

  it('reads the RFC 8414 document, then runs the whole code flow (PKCE, iss required) and a refresh on the discovered endpoints', async () => {
    const session = await OAuth2Session.discover(issuer, 'basic-client', {
      redirectUri: REDIRECT,
      scope: ['openid', 'offline_access'],
      clientSecret: 'basic-secret',
    })
    const discovery = seen.splice(0)

    const callback = await authorize(session)
    const token = await session.fetchToken({ authorizationResponse: callback })
    const refreshed = await session.refreshToken({ auth: new HTTPBasicAuth('basic-client', 'basic-secret') })

    expect(discovery).to.deep.equal([`GET ${RFC8414}`])
    expect(session.metadata).to.include({ issuer, token_endpoint: `${issuer}/token`, authorization_endpoint: `${issuer}/auth` })
    expect(session).to.include({ issuer, issuerParameterRequired: true, autoRefreshUrl: `${issuer}/token` })
    expect(new URL(callback).searchParams.get('iss')).to.equal(issuer)
    expect(seen.filter((line) => line === 'POST /token')).to.have.length(2)
    expect(token.id_token).to.be.a('string')
    expect(refreshed.access_token).to.be.a('string').and.not.equal(token.access_token)
    await session.close()
  })

  it('falls back to /.well-known/openid-configuration when the RFC 8414 path answers 404 (a provider.use() middleware)', async () => {
    const session = await OAuth2Session.discover(withoutRfc8414, 'basic-client', { redirectUri: REDIRECT, scope: ['openid'], clientSecret: 'basic-secret' })

    const callback = await authorize(session)
    const token = await session.fetchToken({ authorizationResponse: callback })

    expect(seen.slice(0, 2)).to.deep.equal([`GET ${RFC8414}`, `GET ${OIDC}`])
    expect(session.metadata?.issuer).to.equal(withoutRfc8414)
    expect(token.access_token).to.be.a('string')
    await session.close()
  })

  it('refuses the real document for an issuer spelt with a trailing slash (the compare is exact)', async () => {
    const error = await OAuth2Session.discover(`${issuer}/`, 'basic-client').catch((e: unknown) => e)

    expect(error).to.be.instanceOf(InvalidMetadataError).and.include({ field: 'issuer' })
    expect(seen).to.deep.equal([`GET ${RFC8414}`])
  })

  it('configures an OAuth2Service, whose rauth-style client-credentials request goes to the discovered token endpoint', async () => {
    const service = await OAuth2Service.discover(issuer, { clientId: 'post-client', clientSecret: 'post-secret', name: 'oidc-provider' })

    const session = await service.getAuthSession({ data: { grant_type: 'client_credentials' } })

    expect(service.accessTokenUrl).to.equal(`${issuer}/token`)
    expect(service.metadata).to.include({ revocation_endpoint: `${issuer}/token/revocation`, introspection_endpoint: `${issuer}/token/introspection` })
    expect(session.accessToken).to.be.a('string')
    await service.close()
  })
})
