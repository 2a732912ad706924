import { expect } from 'chai'
import { ConfigurationError, InvalidClientError, OAuth2Service, OAuth2Session, type OAuth2SessionOptions } from '../../../lib/index.js'
import { clearDiscoveryCache } from '../../../lib/oauth2/discovery.js'
import { loginThroughDevInteractions } from '../../support/oidc-login.js'
import { closeAfterAll, startOidcProvider } from '../../support/servers.js'

const REDIRECT = 'https://app.example/callback'

/**
 * Pushed authorization requests (RFC 9126) against oidc-provider on 127.0.0.1 with
 * `features.pushedAuthorizationRequests` on and required: the provider refuses any authorization
 * request that was not pushed, so a login that succeeds went through the PAR endpoint. A
 * `provider.use()` middleware (the `setup` callback) records every request the provider saw, with
 * the query parameter names of the authorization requests.
 */
describe('pushAuthorizationRequest against oidc-provider (requirePushedAuthorizationRequests on)', function () {
  this.timeout(20_000)
  const closeLater = closeAfterAll()
  let issuer: string
  const seen: { method: string; path: string; query: string[]; status?: number }[] = []

  before(async () => {
    const common = { redirect_uris: [REDIRECT], response_types: ['code'], grant_types: ['authorization_code', 'refresh_token'] }
    const provider = await closeLater(
      startOidcProvider(
        () => ({
          clients: [
            { ...common, client_id: 'basic-client', client_secret: 'basic-secret', token_endpoint_auth_method: 'client_secret_basic' },
            { ...common, client_id: 'post-client', client_secret: 'post-secret', token_endpoint_auth_method: 'client_secret_post' },
            { ...common, client_id: 'public-client', token_endpoint_auth_method: 'none' },
          ],
          features: {
            devInteractions: { enabled: true },
            pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: true },
          },
          pkce: { required: () => true },
          cookies: { keys: ['oauth-sessions-spec-key'] },
          issueRefreshToken: () => true,
          findAccount: (_ctx: unknown, id: string) => ({ accountId: id, claims: () => ({ sub: id }) }),
        }),
        (oidc) => {
          oidc.use(async (ctx, next) => {
            const entry: (typeof seen)[number] = { method: ctx.method, path: ctx.path, query: [...new URL(ctx.req.url ?? '/', issuer).searchParams.keys()] }
            seen.push(entry)
            await next()
            entry.status = ctx.status
          })
        },
      ),
    )
    issuer = provider.issuer
  })

  beforeEach(() => {
    clearDiscoveryCache()
    seen.length = 0
  })

  function discover(clientId: string, options: OAuth2SessionOptions = {}): Promise<OAuth2Session> {
    return OAuth2Session.discover(issuer, clientId, { redirectUri: REDIRECT, scope: ['openid', 'offline_access'], ...options })
  }

  /** Pushes, logs in through the URL the push returned, and exchanges the code. */
  async function fullFlow(
    session: OAuth2Session,
    fetchOptions: Record<string, unknown> = {},
  ): Promise<{ url: string; state: string; token: Record<string, unknown> }> {
    const [url, state] = await session.pushAuthorizationRequest(undefined, undefined, { prompt: 'consent' })
    const callback = await loginThroughDevInteractions(session, url, REDIRECT)
    const token = await session.fetchToken({ authorizationResponse: callback, ...fetchOptions })
    return { url, state, token }
  }

  it('discovers the PAR endpoint and the requirement, pushes with Basic auth, logs in through the returned URL and fetches the token', async () => {
    await using session = await discover('basic-client', { clientSecret: 'basic-secret' })

    const { url, state, token } = await fullFlow(session)

    expect(session.metadata).to.include({ pushed_authorization_request_endpoint: `${issuer}/request`, require_pushed_authorization_requests: true })
    const pushed = new URL(url)
    expect(`${pushed.origin}${pushed.pathname}`).to.equal(`${issuer}/auth`)
    expect([...pushed.searchParams.keys()]).to.deep.equal(['client_id', 'request_uri'])
    expect(pushed.searchParams.get('client_id')).to.equal('basic-client')
    expect(pushed.searchParams.get('request_uri')).to.match(/^urn:ietf:params:oauth:request_uri:/)
    expect(seen.find((entry) => entry.method === 'POST' && entry.path === '/request')?.status).to.equal(201)
    const authorizations = seen.filter((entry) => entry.path === '/auth')
    expect(authorizations[0]?.query).to.deep.equal(['client_id', 'request_uri'])
    expect(state).to.have.length(30)
    expect(token.access_token).to.be.a('string')
    expect(token.refresh_token).to.be.a('string')
    expect(token.id_token).to.be.a('string')
  })

  it('pushes as a client_secret_post client (includeClientId) and as a public client (client_id alone)', async () => {
    await using post = await discover('post-client', { clientSecret: 'post-secret' })
    await using publicClient = await discover('public-client')

    const [postUrl, postState] = await post.pushAuthorizationRequest(undefined, undefined, { prompt: 'consent' }, { includeClientId: true })
    const postToken = await post.fetchToken({
      authorizationResponse: await loginThroughDevInteractions(post, postUrl, REDIRECT),
      includeClientId: true,
    })
    const { token: publicToken } = await fullFlow(publicClient, { includeClientId: true })

    expect(postState).to.be.a('string')
    expect(postToken.access_token).to.be.a('string')
    expect(publicToken.access_token).to.be.a('string')
  })

  it('refuses a plain authorizationUrl() before any traffic, while the provider itself refuses an unpushed request', async () => {
    await using session = await discover('basic-client', { clientSecret: 'basic-secret' })
    const before = seen.length

    const error = (() => {
      try {
        session.authorizationUrl()
      } catch (thrown) {
        return thrown
      }
    })()
    const afterRefusal = seen.length
    const unpushed = new URL(`${issuer}/auth`)
    for (const [name, value] of Object.entries({ client_id: 'basic-client', response_type: 'code', redirect_uri: REDIRECT, scope: 'openid' })) {
      unpushed.searchParams.set(name, value)
    }
    const answer = await session.get(unpushed.href, { allowRedirects: false, withholdToken: true })

    expect(error).to.be.instanceOf(ConfigurationError).and.include({ option: 'metadata.require_pushed_authorization_requests' })
    expect((error as Error).message).to.include('pushAuthorizationRequest()')
    expect(afterRefusal).to.equal(before)
    expect(new URL(answer.headers.get('location') ?? '', issuer).searchParams.get('error')).to.equal('invalid_request')
  })

  it('turns the PAR endpoint refusing a wrong secret into InvalidClientError, without the secret in the error', async () => {
    await using session = await discover('basic-client', { clientSecret: 'wrong-secret' })

    const error = await session.pushAuthorizationRequest().catch((e: unknown) => e)

    expect(error).to.be.instanceOf(InvalidClientError).and.include({ error: 'invalid_client', status: 401 })
    expect(JSON.stringify(error) + String(error)).not.to.include('wrong-secret')
  })

  it('pushes through a discovered OAuth2Service, whose getAuthorizeUrl() is refused', async () => {
    await using service = await OAuth2Service.discover(issuer, { clientId: 'basic-client', clientSecret: 'basic-secret' })
    const session = service.getSession()

    const url = await service.pushAuthorizationRequest({
      response_type: 'code',
      redirect_uri: REDIRECT,
      scope: 'openid',
      state: 'service-state-1',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    })
    const callback = await loginThroughDevInteractions(session, url, REDIRECT)
    const refused = (() => {
      try {
        service.getAuthorizeUrl({ response_type: 'code' })
      } catch (thrown) {
        return thrown
      }
    })()

    expect([...new URL(url).searchParams.keys()]).to.deep.equal(['client_id', 'request_uri'])
    expect(new URL(callback).searchParams.get('state')).to.equal('service-state-1')
    expect(new URL(callback).searchParams.get('code')).to.be.a('string')
    expect(refused).to.be.instanceOf(ConfigurationError)
  })
})
