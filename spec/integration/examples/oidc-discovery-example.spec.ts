import { expect } from 'chai'
import { startSandbox } from '../../../lib/testing/index.js'
import { startExample } from '../../support/example-process.js'

// examples/oidc-discovery.ts run as a user runs it, in its own process, against the sandbox as the
// issuer (the sandbox serves both well-known documents): no credentials, no internet. The spec
// plays the user: it opens the printed URL and types the redirect URL into the prompt.
describe('the OIDC discovery example, run against the sandbox', function () {
  this.timeout(90_000)

  it('discovers every endpoint from the issuer, signs in with the code grant and PKCE S256, then calls the API', async () => {
    await using sandbox = await startSandbox()
    const { issuer, clientId, clientSecret, baseUrl, username } = sandbox.oauth2
    await using example = startExample('examples/oidc-discovery.ts', {
      OIDC_ISSUER: issuer,
      OIDC_CLIENT_ID: clientId,
      OIDC_CLIENT_SECRET: clientSecret,
      OIDC_USERINFO_URL: `${baseUrl}me`,
    })
    const [, printed = ''] = await example.waitFor(/Please go here and authorize: (\S+)/)
    await example.waitFor(/Paste the full redirect URL here: $/)

    const approval = await fetch(printed, { redirect: 'manual' })
    example.type(approval.headers.get('location') ?? '')
    const { code, stdout, stderr } = await example.exited()

    const asked = new URL(printed)
    expect(`${asked.origin}${asked.pathname}`).to.equal(`${issuer}/oauth2/authorize`)
    expect(Object.fromEntries(asked.searchParams)).to.include({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: 'http://localhost:8080/callback',
      scope: 'openid profile email',
      code_challenge_method: 'S256',
    })
    expect(asked.searchParams.get('code_challenge')).to.match(/^[\w-]{43}$/)
    expect(approval.status).to.equal(302)
    expect(code, stderr).to.equal(0)
    expect(stdout).to.include(`Discovered ${issuer}`)
    expect(stdout).to.include(`token_endpoint: "${sandbox.oauth2.tokenUrl}"`)
    expect(stdout).to.include(`revocation_endpoint: "${sandbox.oauth2.revocationUrl}"`)
    expect(stdout).to.include('code_challenge_methods_supported: ["S256","plain"]')
    expect(stdout).to.include(`userinfo_endpoint: "${sandbox.oauth2.userinfoUrl}"`)
    expect(stdout).to.include('Signed in; the token has access_token, expires_at, expires_in, id_token, refresh_token, scope, token_type')
    expect(stdout).to.match(new RegExp(`path: 'me'[\\s\\S]*user: '${username}'[\\s\\S]*scope: 'openid profile email'`))
    expect(stdout).to.not.include(clientSecret)
  })

  it('says which variables to set, and exits 1, when the issuer or client id is missing', async () => {
    await using example = startExample('examples/oidc-discovery.ts', { OIDC_ISSUER: 'https://accounts.google.com' })

    const { code, stderr } = await example.exited()

    expect(code).to.equal(1)
    expect(stderr).to.match(/^Set OIDC_ISSUER .* and OIDC_CLIENT_ID/)
  })
})
