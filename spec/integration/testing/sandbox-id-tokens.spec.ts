import { expect } from 'chai'
import { BackendApplicationClient, HTTPBasicAuth, OAuth2Session } from '../../../lib/index.js'
import { clearDiscoveryCache } from '../../../lib/oauth2/discovery.js'
import { clearJwksCache } from '../../../lib/oauth2/jwks-cache.js'
import { startSandbox } from '../../../lib/testing/index.js'

// The sandbox as an OpenID Provider: its discovery document names its JWKS and UserInfo, its ID
// tokens are RS256 under a key made at start, with the nonce echoed; the session validates them.
describe('the sandbox issues OpenID Connect ID tokens', function () {
  this.timeout(15_000)
  beforeEach(() => {
    clearDiscoveryCache()
    clearJwksCache()
  })

  it('for the code grant with scope openid: discovered, validated (nonce echoed), with UserInfo; and on a refresh', async () => {
    await using sandbox = await startSandbox()
    const { issuer, clientId, clientSecret, username, jwksUrl, userinfoUrl } = sandbox.oauth2
    await using session = await OAuth2Session.discover(issuer, clientId, { clientSecret, scope: 'openid email', redirectUri: 'http://127.0.0.1/cb' })
    const [url, state] = session.authorizationUrl()
    const nonce = new URL(url).searchParams.get('nonce')
    const approval = await fetch(url, { redirect: 'manual' })

    await session.fetchToken({ authorizationResponse: approval.headers.get('location') ?? '' })
    const claims = session.idTokenClaims
    const userinfo = await session.userinfo()
    await session.refreshToken({ auth: new HTTPBasicAuth(clientId, clientSecret) })

    expect(session.metadata).to.include({ jwks_uri: jwksUrl, userinfo_endpoint: userinfoUrl })
    expect(new URL(approval.headers.get('location') ?? '').searchParams.get('state')).to.equal(state)
    expect(claims).to.include({ iss: issuer, sub: username, aud: clientId, nonce, email: `${username}@sandbox.example` })
    expect(userinfo).to.include({ sub: username, email_verified: true })
    expect(session.idTokenClaims).to.include({ sub: username }).and.not.have.property('nonce')
  })

  it('serves its public key only, and no ID token for client credentials', async () => {
    await using sandbox = await startSandbox()
    const { clientId, clientSecret, jwksUrl, tokenUrl } = sandbox.oauth2
    await using session = new OAuth2Session(clientId, { client: new BackendApplicationClient(clientId), clientSecret, scope: 'openid' })

    const jwks = (await session.get(jwksUrl)).json() as { keys: Array<Record<string, unknown>> }
    const token = await session.fetchToken(tokenUrl)

    expect(jwks.keys).to.have.length(1)
    expect(jwks.keys[0]).to.include({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: 'sandbox-rs256' })
    expect(jwks.keys[0]).to.not.have.any.keys('d', 'p', 'q')
    expect(token).to.not.have.property('id_token')
  })
})
