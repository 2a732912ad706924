import { expect } from 'chai'
import { startSandbox } from '../../../lib/testing/index.js'
import { startExample } from '../../support/example-process.js'

// examples/sign-in-with-google.ts run as a user runs it, in its own process, with the sandbox as the
// issuer in Google's place (GOOGLE_ISSUER): no credentials, no internet. The spec plays the user.
describe('the "Sign in with Google" example, run against the sandbox', function () {
  this.timeout(90_000)

  it("discovers the issuer, sends PKCE and a nonce, validates the ID token and prints its claims, then UserInfo's", async () => {
    await using sandbox = await startSandbox()
    const { issuer, clientId, clientSecret, username } = sandbox.oauth2
    await using example = startExample('examples/sign-in-with-google.ts', {
      GOOGLE_ISSUER: issuer,
      GOOGLE_CLIENT_ID: clientId,
      GOOGLE_CLIENT_SECRET: clientSecret,
    })
    const [, printed = ''] = await example.waitFor(/Please go here and authorize: (\S+)/)
    await example.waitFor(/Paste the full redirect URL here: $/)

    const approval = await fetch(printed, { redirect: 'manual' })
    example.type(approval.headers.get('location') ?? '')
    const { code, stdout, stderr } = await example.exited()

    const asked = new URL(printed)
    expect(`${asked.origin}${asked.pathname}`).to.equal(`${issuer}/oauth2/authorize`)
    expect(Object.fromEntries(asked.searchParams)).to.include({ scope: 'openid email profile', code_challenge_method: 'S256', prompt: 'select_account' })
    expect(asked.searchParams.get('nonce')).to.match(/^[A-Za-z0-9]{32}$/)
    expect(code, stderr).to.equal(0)
    expect(stdout).to.include(`Signed in as ${username} (${username}@sandbox.example), issued by ${issuer} for ${clientId}`)
    expect(stdout).to.include('its nonce matched the one sent')
    expect(stdout).to.include(`UserInfo: {"sub":"${username}"`)
    expect(stdout).to.not.include(clientSecret)
  })

  it('says which variable to set, and exits 1, without a client id', async () => {
    await using example = startExample('examples/sign-in-with-google.ts', {})

    const { code, stderr } = await example.exited()

    expect(code).to.equal(1)
    expect(stderr).to.match(/^Set GOOGLE_CLIENT_ID/)
  })
})
