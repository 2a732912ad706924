import { expect } from 'chai'
import {
  authFetch,
  type AuthStrategy,
  BackendApplicationClient,
  HTTPBasicAuth,
  InvalidClientError,
  InvalidGrantError,
  IssuerMismatchError,
  MismatchingStateError,
  OAuth2Session,
  type PreparedRequest,
} from '../../../lib/index.js'
import { loginThroughDevInteractions } from '../../support/oidc-login.js'
import { closeAfterAll, startOidcProvider } from '../../support/servers.js'

const REDIRECT = 'https://app.example/callback'

/**
 * oidc-provider (a certified OpenID Connect / OAuth 2 server) on 127.0.0.1, with its development
 * login and consent pages, which the Session drives itself: cookies, redirects and form posts.
 */
describe('OAuth2Session against oidc-provider', function () {
  this.timeout(20_000)
  let issuer: string
  const closeLater = closeAfterAll()

  before(async () => {
    const common = { redirect_uris: [REDIRECT], response_types: ['code'], grant_types: ['authorization_code', 'refresh_token', 'client_credentials'] }
    const provider = await closeLater(
      startOidcProvider(() => ({
        clients: [
          { ...common, client_id: 'basic-client', client_secret: 'basic-secret', token_endpoint_auth_method: 'client_secret_basic' },
          { ...common, client_id: 'post-client', client_secret: 'post-secret', token_endpoint_auth_method: 'client_secret_post' },
        ],
        features: { clientCredentials: { enabled: true }, devInteractions: { enabled: true } },
        pkce: { required: () => true },
        cookies: { keys: ['oauth-sessions-spec-key'] },
        issueRefreshToken: () => true,
        findAccount: (_ctx: unknown, id: string) => ({ accountId: id, claims: () => ({ sub: id }) }),
      })),
    )
    issuer = provider.issuer
  })

  /** Logs in and consents through the provider's pages; returns the redirect back to the client. */
  function authorize(session: OAuth2Session): Promise<string> {
    const [url] = session.authorizationUrl(`${issuer}/auth`, undefined, { prompt: 'consent' })
    return loginThroughDevInteractions(session, url, REDIRECT)
  }

  it('runs the code flow with PKCE and client_secret_basic, then refreshes', async () => {
    const session = new OAuth2Session('basic-client', {
      redirectUri: REDIRECT,
      scope: ['openid', 'offline_access'],
      pkce: 'S256',
      clientSecret: 'basic-secret',
    })

    const callback = await authorize(session)
    const token = await session.fetchToken(`${issuer}/token`, { authorizationResponse: callback })
    const refreshed = await session.refreshToken(`${issuer}/token`, { auth: new HTTPBasicAuth('basic-client', 'basic-secret') })

    expect(token.access_token).to.be.a('string')
    expect(token.refresh_token).to.be.a('string')
    expect(token.id_token).to.be.a('string')
    expect(refreshed.access_token).to.be.a('string').and.not.equal(token.access_token)
    expect(session.token.access_token).to.equal(refreshed.access_token)
    await session.close()
  })

  it("reads userinfo through authFetch with the session's Bearer strategy, refreshing an expired token on the way", async () => {
    const updates: string[] = []
    const session = new OAuth2Session('post-client', {
      redirectUri: REDIRECT,
      scope: ['openid', 'offline_access'],
      pkce: 'S256',
      clientSecret: 'post-secret',
      clientAuth: 'client_secret_post',
      autoRefreshUrl: `${issuer}/token`,
      tokenUpdater: (token) => {
        updates.push(String(token.access_token))
      },
    })
    await session.fetchToken(`${issuer}/token`, { authorizationResponse: await authorize(session) })
    const fetchWithAuth = authFetch(session.auth as AuthStrategy)

    const first = await fetchWithAuth(`${issuer}/me`)
    const firstToken = session.accessToken
    session.token = { ...session.token, expires_at: Math.floor(Date.now() / 1000) - 60 }
    const afterExpiry = await fetchWithAuth(new Request(`${issuer}/me`, { headers: { Accept: 'application/json' } }))
    const withoutAuth = await fetch(`${issuer}/me`)

    expect(first.status).to.equal(200)
    expect(await first.json()).to.deep.equal({ sub: 'alice' })
    expect(afterExpiry.status).to.equal(200)
    expect(await afterExpiry.json()).to.deep.equal({ sub: 'alice' })
    expect(updates).to.have.length(1)
    expect(session.accessToken).to.equal(updates[0]).and.not.equal(firstToken)
    expect(withoutAuth.status).to.equal(401)
    await session.close()
  })

  it('uses client_secret_post with includeClientId', async () => {
    const session = new OAuth2Session('post-client', { redirectUri: REDIRECT, scope: ['openid'], pkce: 'S256' })
    let sent: PreparedRequest | undefined
    session.registerComplianceHook('access_token_response', (response) => {
      sent = response.request
      return response
    })

    const callback = await authorize(session)
    const token = await session.fetchToken(`${issuer}/token`, { authorizationResponse: callback, includeClientId: true, clientSecret: 'post-secret' })

    expect(token.access_token).to.be.a('string')
    expect(sent?.headers.has('authorization')).to.equal(false)
    expect(new URLSearchParams(String(sent?.body))).to.satisfy(
      (body: URLSearchParams) => body.get('client_id') === 'post-client' && body.get('client_secret') === 'post-secret',
    )
    await session.close()
  })

  it('turns a wrong client secret into InvalidClientError', async () => {
    const session = new OAuth2Session(undefined, { client: new BackendApplicationClient('basic-client') })

    const error = await session.fetchToken(`${issuer}/token`, { clientSecret: 'wrong-secret' }).catch((e: unknown) => e)

    expect(error).to.be.instanceOf(InvalidClientError).and.include({ error: 'invalid_client', status: 401 })
    await session.close()
  })

  it('gets a client-credentials token', async () => {
    const session = new OAuth2Session(undefined, { client: new BackendApplicationClient('basic-client'), clientSecret: 'basic-secret' })

    const token = await session.fetchToken(`${issuer}/token`)

    expect(token).to.include({ token_type: 'Bearer' })
    expect(token.access_token).to.be.a('string')
    await session.close()
  })

  it('refuses a replayed callback itself, and the provider refuses a reused code with invalid_grant', async () => {
    const session = new OAuth2Session('basic-client', { redirectUri: REDIRECT, scope: ['openid'], pkce: 'S256', clientSecret: 'basic-secret' })
    let verifier: string | null = null
    session.registerComplianceHook('access_token_request', (url, headers, body) => {
      verifier = new URLSearchParams(String(body)).get('code_verifier')
      return [url, headers, body]
    })
    const callback = await authorize(session)
    await session.fetchToken(`${issuer}/token`, { authorizationResponse: callback })

    const replayed = await session.fetchToken(`${issuer}/token`, { authorizationResponse: callback }).catch((e: unknown) => e)
    const code = new URL(callback).searchParams.get('code') ?? ''
    const reused = await session.fetchToken(`${issuer}/token`, { code, codeVerifier: verifier ?? '' }).catch((e: unknown) => e)

    expect(replayed).to.be.instanceOf(MismatchingStateError)
    expect(reused).to.be.instanceOf(InvalidGrantError).and.include({ error: 'invalid_grant', status: 400 })
    await session.close()
  })

  it("checks the iss it sends (RFC 9207): a forged issuer is refused before the token request, the provider's own passes", async () => {
    const session = new OAuth2Session('basic-client', {
      redirectUri: REDIRECT,
      scope: ['openid'],
      pkce: 'S256',
      clientSecret: 'basic-secret',
      issuer,
      issuerParameterRequired: true,
    })
    let tokenRequests = 0
    session.registerComplianceHook('access_token_request', (url, headers, body) => {
      tokenRequests++
      return [url, headers, body]
    })
    const callback = await authorize(session)
    const forged = new URL(callback)
    forged.searchParams.set('iss', 'https://attacker.example')

    const refused = await session.fetchToken(`${issuer}/token`, { authorizationResponse: forged.href }).catch((e: unknown) => e)
    const requestsAfterForgery = tokenRequests
    const token = await session.fetchToken(`${issuer}/token`, { authorizationResponse: callback })

    expect(new URL(callback).searchParams.get('iss')).to.equal(issuer)
    expect(refused).to.be.instanceOf(IssuerMismatchError).and.include({ expected: issuer, received: 'https://attacker.example' })
    expect(requestsAfterForgery).to.equal(0)
    expect(token.access_token).to.be.a('string')
    await session.close()
  })
})
