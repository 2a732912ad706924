import { expect } from 'chai'
import { startSandbox } from '../../../lib/testing/index.js'
import { startExample } from '../../support/example-process.js'

// Each example is run as a user runs it, in its own process, against the sandbox (no credentials,
// no internet); the spec plays the user at the sandbox's pages.
describe('the device flow and logout examples, run against the sandbox', function () {
  this.timeout(90_000)

  it('device-flow.ts prints the code and URL, polls until the user approves there, then calls the API', async () => {
    await using sandbox = await startSandbox()
    const { clientId, deviceAuthorizationUrl, tokenUrl, baseUrl, username } = sandbox.oauth2
    await using example = startExample('examples/device-flow.ts', {
      GITHUB_CLIENT_ID: clientId,
      DEVICE_AUTHORIZATION_URL: deviceAuthorizationUrl,
      DEVICE_TOKEN_URL: tokenUrl,
      DEVICE_API_URL: `${baseUrl}user`,
    })
    const [, page = '', userCode = ''] = await example.waitFor(/Open (\S+) and enter the code (\S+)/)

    // The user types the code at the verification page a little later.
    await new Promise((resolve) => setTimeout(resolve, 1500))
    const approved = await fetch(page, { method: 'POST', body: new URLSearchParams({ user_code: userCode }) })
    const { code, stdout, stderr } = await example.exited()

    expect(page).to.equal(sandbox.oauth2.verificationUrl)
    expect(approved.status).to.equal(200)
    expect(code, stderr).to.equal(0)
    expect(stderr).to.match(/waiting for you \(poll 1, next in 1 s\)/)
    expect(stdout).to.match(new RegExp(`Signed in\\.[\\s\\S]*path: 'user'[\\s\\S]*user: '${username}'`))
  })

  it('github-device-login.ts prints the code and URL on stderr only, waits for the user, calls the API twice on one token, then revokes', async () => {
    await using sandbox = await startSandbox()
    const { clientId, clientSecret, deviceAuthorizationUrl, tokenUrl, revocationUrl, baseUrl, username } = sandbox.oauth2
    await using example = startExample('examples/github-device-login.ts', {
      GITHUB_CLIENT_ID: clientId,
      GITHUB_CLIENT_SECRET: clientSecret,
      DEVICE_AUTHORIZATION_URL: deviceAuthorizationUrl,
      DEVICE_TOKEN_URL: tokenUrl,
      DEVICE_API_URL: `${baseUrl}user`,
      DEVICE_REVOCATION_URL: revocationUrl,
    })
    const [, page = '', userCode = ''] = await example.waitFor(/Open (\S+) and enter the code (\S+)/, 30_000, 'stderr')

    await new Promise((resolve) => setTimeout(resolve, 1500))
    const approved = await fetch(page, { method: 'POST', body: new URLSearchParams({ user_code: userCode }) })
    const { code, stdout, stderr } = await example.exited()

    expect(approved.status).to.equal(200)
    expect(code, stderr).to.equal(0)
    expect(JSON.parse(stdout)).to.include({ path: 'user', user: username })
    expect(stdout).to.not.include(userCode)
    expect(stderr).to.include('again, with the cached token: HTTP 200')
    expect(stderr).to.include('Logged out: the token is revoked and forgotten.')
  })

  it('logout.ts revokes through the discovered endpoint and forgets; the old token is inactive and refused', async () => {
    await using sandbox = await startSandbox()
    const { clientId, clientSecret, tokenUrl, username, password, issuer, baseUrl } = sandbox.oauth2
    const granted = (await (
      await fetch(tokenUrl, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'password', username, password, client_id: clientId, client_secret: clientSecret }),
      })
    ).json()) as { access_token: string; refresh_token: string }
    await using example = startExample('examples/logout.ts', {
      OAUTH2_ISSUER: issuer,
      OAUTH2_CLIENT_ID: clientId,
      OAUTH2_CLIENT_SECRET: clientSecret,
      OAUTH2_ACCESS_TOKEN: granted.access_token,
      OAUTH2_REFRESH_TOKEN: granted.refresh_token,
    })

    const { code, stdout, stderr } = await example.exited()

    expect(code, stderr).to.equal(0)
    expect(stdout).to.include('Logged out; the session holds {}')
    expect(stdout).to.include('The old access token is inactive.')
    expect(stdout).to.not.include(granted.access_token)
    expect((await fetch(`${baseUrl}me`, { headers: { authorization: `Bearer ${granted.access_token}` } })).status).to.equal(401)
  })

  it('each says which variables to set, and exits 1, when its credentials are missing', async () => {
    for (const file of ['examples/device-flow.ts', 'examples/github-device-login.ts', 'examples/logout.ts']) {
      await using example = startExample(file, {})

      const { code, stderr } = await example.exited()

      expect(code, file).to.equal(1)
      expect(stderr, file).to.match(/^Set [A-Z_]+/)
    }
  })
})
