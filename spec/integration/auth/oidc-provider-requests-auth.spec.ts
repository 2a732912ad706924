import { expect } from 'chai'
import { freePort } from '../../support/free-port.js'
import { authFetch, HTTPBasicAuth, InvalidClientError, OAuth2AuthorizationCodePKCE, OAuth2ClientCredentials, Session } from '../../../lib/index.js'
import { BrowserMock, useTokenCache, type TokenCacheHandle } from '../../../lib/testing/index.js'
import { closeAfterAll, startOidcProvider, startServer } from '../../support/servers.js'

/**
 * requests-auth strategies against oidc-provider (a certified OpenID Connect server) on 127.0.0.1:
 * the PKCE flow with BrowserMock signing in through the provider's own login and consent pages
 * and the real redirect listener, and the client credentials grant.
 */
describe('requests-auth strategies against oidc-provider', function () {
  this.timeout(20_000)
  let issuer: string
  let redirectPort: number
  let cache: TokenCacheHandle
  const closeLater = closeAfterAll()

  before(async () => {
    redirectPort = await freePort()
    const provider = await closeLater(
      startOidcProvider(() => ({
        clients: [
          {
            client_id: 'public-pkce-client',
            token_endpoint_auth_method: 'none',
            redirect_uris: [`http://localhost:${redirectPort}/`],
            response_types: ['code'],
            grant_types: ['authorization_code'],
          },
          { client_id: 'service-client', client_secret: 'service-secret', redirect_uris: [], response_types: [], grant_types: ['client_credentials'] },
        ],
        features: { clientCredentials: { enabled: true }, devInteractions: { enabled: true }, introspection: { enabled: true } },
        pkce: { required: () => true },
        cookies: { keys: ['oauth-sessions-spec-key'] },
        findAccount: (_ctx: unknown, id: string) => ({ accountId: id, claims: () => ({ sub: id }) }),
        scopes: ['openid', 'api:read'],
      })),
    )
    issuer = provider.issuer
    cache = useTokenCache()
  })

  after(() => cache?.restore())

  /** Signs in as a user would: login page, consent page, until the provider redirects to the listener. */
  async function signIn(openedUrl: string): Promise<string> {
    const user = new Session()
    try {
      let next = openedUrl
      for (let hop = 0; hop < 12; hop++) {
        const page = await user.get(next, { allowRedirects: false })
        const location = page.headers.get('location')
        if (location?.startsWith(`http://localhost:${redirectPort}/`)) return location
        if (location !== undefined) {
          next = new URL(location, next).href
          continue
        }
        const prompt = page.text.includes('name="login"') ? 'login' : 'consent'
        const fields = prompt === 'login' ? { prompt, login: 'alice', password: 'any' } : { prompt }
        const submitted = await user.post(next, { data: fields, allowRedirects: false })
        next = new URL(submitted.headers.get('location') ?? '', next).href
      }
      throw new Error('the provider did not redirect back to the listener within 12 hops')
    } finally {
      await user.close()
    }
  }

  it('runs the PKCE flow through the login and consent pages; the token works at the provider userinfo endpoint, through authFetch too', async () => {
    const browser = new BrowserMock().install()
    const auth = new OAuth2AuthorizationCodePKCE(`${issuer}/auth`, `${issuer}/token`, {
      clientId: 'public-pkce-client',
      scope: 'openid',
      redirectUriPort: redirectPort,
    })
    const tab = browser.addResponse({ openedUrl: (url) => url.startsWith(`${issuer}/auth?`), replyUrl: signIn })
    const session = new Session()
    try {
      const userinfo = await session.get(`${issuer}/me`, { auth })
      const again = await session.get(`${issuer}/me`, { auth })
      const viaFetch = await authFetch(auth)(`${issuer}/me`)

      await tab.assertSuccess()
      expect(viaFetch.status).to.equal(200)
      expect(await viaFetch.json()).to.deep.equal({ sub: 'alice' })
      expect(userinfo.status).to.equal(200)
      expect(userinfo.json()).to.deep.equal({ sub: 'alice' })
      expect(again.request.headers.get('authorization')).to.equal(userinfo.request.headers.get('authorization'))
    } finally {
      browser.restore()
      await session.close()
    }
  })

  it('gets a client-credentials token with Basic client authentication (checked by introspection), and maps a wrong secret to InvalidClientError', async () => {
    const auth = new OAuth2ClientCredentials(`${issuer}/token`, 'service-client', 'service-secret', { scope: 'api:read' })
    const wrong = new OAuth2ClientCredentials(`${issuer}/token`, 'service-client', 'wrong-secret', { scope: 'api:read' })
    await using api = await startServer((request, response) => response.end(request.headers.authorization ?? ''))
    const session = new Session()
    try {
      const url = `${api.url}/`
      const answer = await session.get(url, { auth })
      // Same client, token URL and scope, so the same cache key: forget the good token first.
      cache.cache.clear()
      const error = await session.get(url, { auth: wrong }).catch((e: unknown) => e)
      const token = answer.text.replace(/^Bearer /, '')
      const introspection = await session.post(`${issuer}/token/introspection`, {
        data: { token },
        auth: new HTTPBasicAuth('service-client', 'service-secret'),
      })

      expect(introspection.json()).to.include({ active: true, client_id: 'service-client', scope: 'api:read' })
      expect(error).to.be.instanceOf(InvalidClientError).and.include({ status: 401 })
    } finally {
      await session.close()
    }
  })
})
