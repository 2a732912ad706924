import { expect } from 'chai'
import { HTTPBasicAuth, IdTokenValidationError, OAuth2Session } from '../../../lib/index.js'
import { clearDiscoveryCache } from '../../../lib/oauth2/discovery.js'
import { clearJwksCache } from '../../../lib/oauth2/jwks-cache.js'
import { loginThroughDevInteractions } from '../../support/oidc-login.js'
import { closeAfterAll, startOidcProvider } from '../../support/servers.js'

const REDIRECT = 'https://app.example/callback'

/**
 * OpenID Connect ID tokens from oidc-provider (a certified OpenID Provider) on 127.0.0.1: its real
 * ID tokens, signed with its own keys and served from its own JWKS, validated by the session; and
 * a tampered one, rewritten by a provider.use() middleware on its way out of the token endpoint.
 * Another middleware counts the JWKS requests.
 */
describe('ID tokens of oidc-provider', function () {
  this.timeout(20_000)
  const closeLater = closeAfterAll()
  let issuer: string
  const tamper = { on: false }
  const seen: string[] = []

  before(async () => {
    const provider = await closeLater(
      startOidcProvider(
        () => ({
          clients: [
            {
              client_id: 'oidc-client',
              client_secret: 'oidc-secret',
              redirect_uris: [REDIRECT],
              response_types: ['code'],
              grant_types: ['authorization_code', 'refresh_token'],
            },
          ],
          features: { devInteractions: { enabled: true } },
          claims: { openid: ['sub'], email: ['email', 'email_verified'] },
          cookies: { keys: ['oauth-sessions-spec-key'] },
          issueRefreshToken: () => true,
          findAccount: (_ctx: unknown, id: string) => ({ accountId: id, claims: () => ({ sub: id, email: `${id}@example.com`, email_verified: true }) }),
        }),
        (provider) => {
          provider.use(async (ctx, next) => {
            seen.push(`${ctx.method} ${ctx.path}`)
            await next()
            const body = ctx.body as { id_token?: unknown } | undefined
            if (tamper.on && ctx.path === '/token' && typeof body?.id_token === 'string') {
              // One byte of the signature flipped: the header and claims stay as the provider made them.
              const [head, claims, signature = ''] = body.id_token.split('.')
              const flipped = `${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`
              ctx.body = { ...body, id_token: `${head}.${claims}.${flipped}` }
            }
          })
        },
      ),
    )
    issuer = provider.issuer
  })

  beforeEach(() => {
    clearDiscoveryCache()
    clearJwksCache()
    tamper.on = false
    seen.length = 0
  })

  function discover(): Promise<OAuth2Session> {
    return OAuth2Session.discover(issuer, 'oidc-client', {
      redirectUri: REDIRECT,
      scope: ['openid', 'email', 'offline_access'],
      clientSecret: 'oidc-secret',
      timeout: 10_000,
    })
  }

  async function signIn(session: OAuth2Session): Promise<{ nonce: string | null }> {
    const [url] = session.authorizationUrl(undefined, undefined, { prompt: 'consent' })
    const callback = await loginThroughDevInteractions(session, url, REDIRECT)
    await session.fetchToken({ authorizationResponse: callback })
    return { nonce: new URL(url).searchParams.get('nonce') }
  }

  it("validates the provider's ID token of a code flow (signature through its JWKS, iss, aud, nonce), then calls userinfo and refreshes", async () => {
    await using session = await discover()

    const { nonce } = await signIn(session)
    const claims = session.idTokenClaims
    const userinfo = await session.userinfo()
    await session.refreshToken({ auth: new HTTPBasicAuth('oidc-client', 'oidc-secret') })

    expect(nonce).to.be.a('string').and.have.length(32)
    expect(claims).to.include({ iss: issuer, sub: 'alice', aud: 'oidc-client', nonce })
    expect(Object.isFrozen(claims)).to.equal(true)
    expect(userinfo).to.deep.include({ sub: 'alice', email: 'alice@example.com', email_verified: true })
    // The refreshed ID token is validated too (about the same user), and its claims replace the old ones.
    expect(session.token.id_token).to.be.a('string')
    expect(session.idTokenClaims?.sub).to.equal('alice')
    expect(session.idTokenClaims).to.not.equal(claims)
    expect(seen.filter((line) => line === 'GET /jwks')).to.have.length(1)
  })

  it('fetches the JWKS once for every sign-in of the process (cached)', async () => {
    await using first = await discover()
    await using second = await discover()

    await signIn(first)
    await signIn(second)

    expect(first.idTokenClaims?.sub).to.equal('alice')
    expect(second.idTokenClaims?.sub).to.equal('alice')
    expect(seen.filter((line) => line === 'GET /jwks')).to.have.length(1)
  })

  it('refuses an ID token whose signature was tampered with, and keeps no token', async () => {
    await using session = await discover()
    tamper.on = true

    const error = await signIn(session).catch((e: unknown) => e)

    expect(error).to.be.instanceOf(IdTokenValidationError).and.include({ claim: 'signature', code: 'ERR_ID_TOKEN_INVALID' })
    expect(session.token).to.deep.equal({})
    expect(session.idTokenClaims).to.equal(undefined)
    expect(session.authorized).to.equal(false)
  })
})
