import { expect } from 'chai'
import {
  BackendApplicationClient,
  InvalidClientError,
  InvalidGrantError,
  LegacyApplicationClient,
  MobileApplicationClient,
  OAuth2Service,
  OAuth2Session,
  type OAuth2Token,
  type PreparedRequest,
} from '../../../lib/index.js'
import { facebookComplianceFix, linkedinComplianceFix } from '../../../lib/compliance.js'
import { startSandbox, type Sandbox } from '../../../lib/testing/index.js'

const REDIRECT = 'https://app.example/callback'

describe('OAuth 2 flows against the sandbox provider', () => {
  let sandbox: Sandbox
  before(async () => {
    sandbox = await startSandbox()
  })
  after(() => sandbox.close())

  /** The authorization code flow with PKCE, the redirect read from the provider's Location. */
  async function codeFlow(options: { pkce?: 'S256' | 'plain'; tokenUrl?: string; session?: OAuth2Session } = {}): Promise<OAuth2Session> {
    const session =
      options.session ??
      new OAuth2Session(sandbox.oauth2.clientId, {
        redirectUri: REDIRECT,
        scope: ['profile'],
        pkce: options.pkce ?? 'S256',
        clientSecret: sandbox.oauth2.clientSecret,
      })
    const [url] = session.authorizationUrl(sandbox.oauth2.authorizeUrl)
    const approval = await session.get(url, { allowRedirects: false, withholdToken: true })
    await session.fetchToken(options.tokenUrl ?? sandbox.oauth2.tokenUrl, { authorizationResponse: approval.headers.get('location') ?? '' })
    return session
  }

  for (const pkce of ['S256', 'plain'] as const) {
    it(`runs the code flow with PKCE ${pkce} and calls the API`, async () => {
      const session = await codeFlow({ pkce })

      const me = await session.get(`${sandbox.oauth2.baseUrl}me`)

      expect(me.raiseForStatus().json()).to.include({ user: sandbox.oauth2.username, scope: 'profile', via: 'header' })
      expect(session.token.refresh_token).to.be.a('string')
      await session.close()
    })
  }

  it('sends client credentials in the body with includeClientId (client_secret_post)', async () => {
    const session = new OAuth2Session(sandbox.oauth2.clientId, { redirectUri: REDIRECT })
    let sent: PreparedRequest | undefined
    session.registerComplianceHook('access_token_response', (response) => {
      sent = response.request
      return response
    })
    const [url] = session.authorizationUrl(sandbox.oauth2.authorizeUrl)
    const approval = await session.get(url, { allowRedirects: false })

    const token = await session.fetchToken(sandbox.oauth2.tokenUrl, {
      authorizationResponse: approval.headers.get('location') ?? '',
      includeClientId: true,
      clientSecret: sandbox.oauth2.clientSecret,
    })

    expect(token.access_token).to.be.a('string')
    expect(sent?.headers.has('authorization')).to.equal(false)
    expect(new URLSearchParams(String(sent?.body)).get('client_secret')).to.equal(sandbox.oauth2.clientSecret)
    await session.close()
  })

  it('reads an implicit-grant token from the redirect fragment', async () => {
    const session = new OAuth2Session(undefined, { client: new MobileApplicationClient(sandbox.oauth2.clientId), redirectUri: REDIRECT })
    const [url] = session.authorizationUrl(sandbox.oauth2.authorizeUrl)
    const approval = await session.get(url, { allowRedirects: false })

    session.tokenFromFragment(approval.headers.get('location') ?? '')
    const me = await session.get(`${sandbox.oauth2.baseUrl}me`, { bearerAuth: false })

    expect(me.json()).to.include({ via: 'query' })
    await session.close()
  })

  it('gets tokens with the password and client-credentials grants', async () => {
    const password = new OAuth2Session(undefined, { client: new LegacyApplicationClient(sandbox.oauth2.clientId), clientSecret: sandbox.oauth2.clientSecret })
    const service = new OAuth2Session(undefined, { client: new BackendApplicationClient(sandbox.oauth2.clientId), clientSecret: sandbox.oauth2.clientSecret })

    await password.fetchToken(sandbox.oauth2.tokenUrl, { username: sandbox.oauth2.username, password: sandbox.oauth2.password })
    await service.fetchToken(sandbox.oauth2.tokenUrl, { audience: 'api://orders' })
    const asUser = await password.get(`${sandbox.oauth2.baseUrl}me`)
    const asService = await service.get(`${sandbox.oauth2.baseUrl}me`)

    expect(asUser.json()).to.include({ user: sandbox.oauth2.username })
    expect(asService.json()).to.include({ user: sandbox.oauth2.clientId, audience: 'api://orders' })
    await password.close()
    await service.close()
  })

  it('refreshes an expired token automatically and hands it to tokenUpdater', async () => {
    const saved: OAuth2Token[] = []
    const session = new OAuth2Session(sandbox.oauth2.clientId, {
      redirectUri: REDIRECT,
      clientSecret: sandbox.oauth2.clientSecret,
      autoRefreshUrl: sandbox.oauth2.tokenUrl,
      autoRefreshKwargs: { client_id: sandbox.oauth2.clientId, client_secret: sandbox.oauth2.clientSecret },
      tokenUpdater: (token) => {
        saved.push(token)
      },
    })
    await codeFlow({ session, tokenUrl: `${sandbox.oauth2.tokenUrl}?expires_in=0` })

    const me = await session.get(`${sandbox.oauth2.baseUrl}me`)

    expect(me.status).to.equal(200)
    expect(saved).to.have.length(1)
    await session.close()
  })

  it('refreshes once and retries after the provider says invalid_token', async () => {
    const session = new OAuth2Session(sandbox.oauth2.clientId, {
      redirectUri: REDIRECT,
      clientSecret: sandbox.oauth2.clientSecret,
      autoRefreshUrl: sandbox.oauth2.tokenUrl,
      autoRefreshKwargs: { client_id: sandbox.oauth2.clientId, client_secret: sandbox.oauth2.clientSecret },
      tokenUpdater: () => undefined,
    })
    await codeFlow({ session })
    const before = session.accessToken
    await session.post(sandbox.oauth2.expireUrl, { data: { token: before ?? '' }, withholdToken: true })

    const me = await session.get(`${sandbox.oauth2.baseUrl}me`)

    expect(me.status).to.equal(200)
    expect(session.accessToken).to.not.equal(before)
    await session.close()
  })

  it('reads Facebook-style and LinkedIn-style answers through their compliance fixes', async () => {
    const facebook = facebookComplianceFix(new OAuth2Session(sandbox.oauth2.clientId, { redirectUri: REDIRECT, clientSecret: sandbox.oauth2.clientSecret }))
    const linkedin = linkedinComplianceFix(new OAuth2Session(sandbox.oauth2.clientId, { redirectUri: REDIRECT, clientSecret: sandbox.oauth2.clientSecret }))

    await codeFlow({ session: facebook, tokenUrl: `${sandbox.oauth2.tokenUrl}?mode=facebook` })
    await codeFlow({ session: linkedin, tokenUrl: `${sandbox.oauth2.tokenUrl}?mode=linkedin` })
    const viaQuery = await linkedin.get(`${sandbox.oauth2.baseUrl}me`, { withholdToken: true })

    expect(facebook.token).to.include({ token_type: 'Bearer', expires_in: 3600 })
    expect(linkedin.token.token_type).to.equal('Bearer')
    expect(viaQuery.status).to.equal(401)
    await facebook.close()
    await linkedin.close()
  })

  it('turns provider errors into typed errors', async () => {
    const wrongSecret = new OAuth2Session(undefined, { client: new BackendApplicationClient(sandbox.oauth2.clientId), clientSecret: 'wrong' })
    const forced = new OAuth2Session(undefined, { client: new BackendApplicationClient(sandbox.oauth2.clientId), clientSecret: sandbox.oauth2.clientSecret })

    const invalidClient = await wrongSecret.fetchToken(sandbox.oauth2.tokenUrl).catch((e: unknown) => e)
    const invalidGrant = await forced.fetchToken(`${sandbox.oauth2.tokenUrl}?error=invalid_grant`).catch((e: unknown) => e)

    expect(invalidClient).to.be.instanceOf(InvalidClientError).and.include({ status: 401 })
    expect(invalidGrant).to.be.instanceOf(InvalidGrantError).and.include({ status: 400 })
    await wrongSecret.close()
    await forced.close()
  })

  it('runs the rauth OAuth2Service flow', async () => {
    const service = new OAuth2Service({
      name: 'sandbox',
      clientId: sandbox.oauth2.clientId,
      clientSecret: sandbox.oauth2.clientSecret,
      accessTokenUrl: sandbox.oauth2.tokenUrl,
      authorizeUrl: sandbox.oauth2.authorizeUrl,
      baseUrl: sandbox.oauth2.baseUrl,
    })
    const approval = await service.getSession().get(service.getAuthorizeUrl({ redirect_uri: REDIRECT, response_type: 'code' }), { allowRedirects: false })
    const code = new URL(approval.headers.get('location') ?? '').searchParams.get('code') ?? ''

    const session = await service.getAuthSession('POST', { data: { code, grant_type: 'authorization_code', redirect_uri: REDIRECT } })
    const me = await session.get('me')

    expect(me.json()).to.include({ user: sandbox.oauth2.username })
    await service.close()
  })
})
