import { randomBytes } from 'node:crypto'
import { expect } from 'chai'
import { decodeJwt } from 'jose'
import { authFetch, type AuthStrategy, HTTPBasicAuth, MemoryTokenStore, OAuth2Session, type OAuth2SessionOptions, Session } from '../../../lib/index.js'
import { loginThroughDevInteractions } from '../../support/oidc-login.js'
import { closeAfterAll, startOidcProvider } from '../../support/servers.js'

const REDIRECT = 'https://app.example/callback'

/** One request the provider answered: where, with what status, and the nonce its DPoP proof carried. */
interface Seen {
  method: string
  path: string
  status: number
  dpop: boolean
  nonce: unknown
  authorization: string
}

/**
 * DPoP (RFC 9449) against oidc-provider on 127.0.0.1, with its own DPoP implementation doing every
 * check: `features.dPoP` with a `nonceSecret` and `requireNonce: () => true`, so each first
 * proof at the token endpoint and at userinfo is refused with `use_dpop_nonce` and the session
 * must retry once with the server's nonce. The provider verifies the proof (signature with the
 * `jwk` header, `typ`, `htm`, `htu`, `iat`, `jti` replay, `nonce`, `ath`) and binds the token
 * (`cnf.jkt`); its userinfo endpoint is the protected resource, and refuses the same token sent
 * as Bearer.
 */
describe('DPoP against oidc-provider (required nonces)', function () {
  this.timeout(30_000)
  const closeLater = closeAfterAll()
  let issuer: string
  const seen: Seen[] = []

  before(async () => {
    const provider = await closeLater(
      startOidcProvider(
        () => ({
          clients: [
            {
              client_id: 'dpop-client',
              client_secret: 'dpop-secret',
              token_endpoint_auth_method: 'client_secret_basic',
              redirect_uris: [REDIRECT],
              response_types: ['code'],
              grant_types: ['authorization_code', 'refresh_token'],
            },
          ],
          features: {
            devInteractions: { enabled: true },
            dPoP: { enabled: true, nonceSecret: randomBytes(32), requireNonce: () => true },
          },
          pkce: { required: () => true },
          cookies: { keys: ['oauth-sessions-spec-key'] },
          issueRefreshToken: () => true,
          findAccount: (_ctx: unknown, id: string) => ({ accountId: id, claims: () => ({ sub: id, email: `${id}@example.test` }) }),
          claims: { openid: ['sub'], email: ['email'] },
        }),
        (provider) => {
          provider.use(async (ctx, next) => {
            await next()
            const proof = ctx.get('dpop')
            if (!['/token', '/me'].includes(ctx.path)) return
            seen.push({
              method: ctx.method,
              path: ctx.path,
              status: ctx.status,
              dpop: proof !== '',
              nonce: proof === '' ? undefined : decodeJwt(proof).nonce,
              authorization: ctx.get('authorization').split(' ')[0] ?? '',
            })
          })
        },
      ),
    )
    issuer = provider.issuer
  })

  beforeEach(() => {
    seen.length = 0
  })

  async function loggedIn(options: OAuth2SessionOptions = {}): Promise<OAuth2Session> {
    const session = new OAuth2Session('dpop-client', {
      redirectUri: REDIRECT,
      scope: ['openid', 'email', 'offline_access'],
      clientSecret: 'dpop-secret',
      autoRefreshUrl: `${issuer}/token`,
      dpop: true,
      ...options,
    })
    const [url] = session.authorizationUrl(`${issuer}/auth`, undefined, { prompt: 'consent' })
    const callback = await loginThroughDevInteractions(session, url, REDIRECT)
    await session.fetchToken(`${issuer}/token`, { authorizationResponse: callback })
    return session
  }

  it('gets a DPoP-bound token (one nonce retry), reads userinfo with it and refreshes it, the nonce kept per origin', async () => {
    const session = await loggedIn()
    const token = session.token

    const userinfo = await session.get(`${issuer}/me`)
    const again = await session.get(`${issuer}/me`)
    const refreshed = await session.refreshToken(`${issuer}/token`, { auth: new HTTPBasicAuth('dpop-client', 'dpop-secret') })
    const afterRefresh = await session.get(`${issuer}/me`)

    expect(token.token_type).to.equal('DPoP')
    expect(userinfo.status).to.equal(200)
    expect(userinfo.json()).to.include({ sub: 'alice', email: 'alice@example.test' })
    expect(again.status).to.equal(200)
    expect(refreshed.token_type).to.equal('DPoP')
    expect(refreshed.access_token).to.not.equal(token.access_token)
    expect(afterRefresh.status).to.equal(200)
    // Every request carried a proof. The first was refused for its missing nonce and retried once with
    // it; userinfo is on the same origin, so it already had the nonce and needed no retry.
    expect(seen.every((request) => request.dpop)).to.equal(true)
    expect(seen.map(({ path, status, nonce }) => [path, status, typeof nonce])).to.deep.equal([
      ['/token', 400, 'undefined'],
      ['/token', 200, 'string'],
      ['/me', 200, 'string'],
      ['/me', 200, 'string'],
      ['/token', 200, 'string'],
      ['/me', 200, 'string'],
    ])
    expect(seen.filter(({ path }) => path === '/me').every(({ authorization }) => authorization === 'DPoP')).to.equal(true)
    await session.close()
  })

  it('has the provider refuse the same token sent as Bearer', async () => {
    const session = await loggedIn()
    await using plain = new Session()

    const asBearer = await plain.get(`${issuer}/me`, { headers: { Authorization: `Bearer ${session.accessToken}` } })
    const asDPoP = await session.get(`${issuer}/me`)

    expect(asBearer.status).to.equal(401)
    expect(asBearer.headers.get('www-authenticate') ?? '').to.match(/invalid_token/)
    expect(asDPoP.status).to.equal(200)
    await session.close()
  })

  /** A logged-in session whose token is in a store, and a peer session of the same client reading it there (without a DPoP nonce yet). */
  async function loggedInWithPeer(): Promise<{ session: OAuth2Session; peer: OAuth2Session }> {
    const store = new MemoryTokenStore()
    const session = await loggedIn({ tokenStore: store, tokenKey: 'user:alice' })
    const peer = new OAuth2Session('dpop-client', {
      clientSecret: 'dpop-secret',
      autoRefreshUrl: `${issuer}/token`,
      dpop: true,
      tokenStore: store,
      tokenKey: 'user:alice',
    })
    return { session, peer }
  }

  it('shares the bound token and its key through a store: a peer session reads userinfo with it', async () => {
    const { session, peer } = await loggedInWithPeer()

    seen.length = 0
    const response = await peer.get(`${issuer}/me`)

    expect(response.status).to.equal(200)
    // The peer had no nonce yet: the resource server's 401 use_dpop_nonce, then one retry with it.
    expect(seen.map(({ path, status, nonce }) => [path, status, typeof nonce])).to.deep.equal([
      ['/me', 401, 'undefined'],
      ['/me', 200, 'string'],
    ])
    expect(response.json()).to.include({ sub: 'alice' })
    expect(peer.accessToken).to.equal(session.accessToken)
    await session.close()
    await peer.close()
  })

  it('restores a serialized session that keeps using its bound token', async () => {
    const session = await loggedIn()
    const restored = OAuth2Session.fromJSON(JSON.stringify(session.serialize()))

    seen.length = 0
    const response = await restored.get(`${issuer}/me`)

    expect(response.status).to.equal(200)
    expect(seen.map(({ path, status }) => [path, status])).to.deep.equal([
      ['/me', 401],
      ['/me', 200],
    ])
    await session.close()
    await restored.close()
  })

  it("reads userinfo through authFetch with the session's strategy: a proof per request, the nonce retry of a peer without one", async () => {
    const { session, peer } = await loggedInWithPeer()

    seen.length = 0
    const own = await authFetch(session.auth as AuthStrategy)(`${issuer}/me`)
    const ownAgain = await authFetch(session.auth as AuthStrategy)(new Request(`${issuer}/me`, { method: 'POST' }))
    const fromPeer = await authFetch(peer.auth as AuthStrategy)(new URL(`${issuer}/me`))

    expect([own.status, ownAgain.status, fromPeer.status]).to.deep.equal([200, 200, 200])
    expect(await own.json()).to.include({ sub: 'alice', email: 'alice@example.test' })
    expect(await fromPeer.json()).to.include({ sub: 'alice' })
    // The provider checked each proof (htm, htu, ath, jti, nonce): the session had the nonce from its
    // token request, the peer none, so its first proof was refused with use_dpop_nonce and sent once more.
    expect(seen.map(({ method, path, status, nonce }) => [method, path, status, typeof nonce])).to.deep.equal([
      ['GET', '/me', 200, 'string'],
      ['POST', '/me', 200, 'string'],
      ['GET', '/me', 401, 'undefined'],
      ['GET', '/me', 200, 'string'],
    ])
    expect(seen.every(({ dpop, authorization }) => dpop && authorization === 'DPoP')).to.equal(true)
    await session.close()
    await peer.close()
  })
})
