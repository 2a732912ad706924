import { expect } from 'chai'
import { startSandbox, type Sandbox } from '../../../lib/testing/index.js'
import { startExample } from '../../support/example-process.js'

/** Plays the user: opens the authorization URL the example printed and returns where the provider redirects. */
async function approve(sandbox: Sandbox, printed: string): Promise<string> {
  expect(printed.startsWith(`${sandbox.url}/`), `the example sent the user to ${printed}`).to.equal(true)
  const approval = await fetch(printed, { redirect: 'manual' })
  expect(approval.status, await approval.clone().text()).to.equal(302)
  return approval.headers.get('location') ?? ''
}

const URL_PRINTED = /(http:\/\/127\.0\.0\.1:\d+\/\S+)/

/**
 * Runs `file` with `env` as a user runs it: waits for the authorization URL it prints and for its
 * `prompt`, approves at the sandbox, types the redirect URL and waits for the example to exit.
 */
async function runExample(sandbox: Sandbox, file: string, env: Record<string, string>, prompt = /Paste the full redirect URL here: $/) {
  await using example = startExample(file, env)
  const [, printed = ''] = await example.waitFor(URL_PRINTED)
  await example.waitFor(prompt)
  const callback = await approve(sandbox, printed)
  example.type(callback)
  return { printed, callback, ...(await example.exited()) }
}

// Each example is run as a user runs it, in its own process, against the sandbox (no credentials,
// no internet): the spec types the redirect URL into its prompt and reads what it printed.
describe('the examples ported from the seeds, run against the sandbox', function () {
  this.timeout(90_000)

  it("bitbucket-oauth1.ts runs requests-oauthlib's Bitbucket OAuth 1 tutorial to the user profile", async () => {
    await using sandbox = await startSandbox()
    const { consumerKey, consumerSecret, requestTokenUrl, authorizeUrl, accessTokenUrl, baseUrl } = sandbox.oauth1

    const { printed, callback, code, stdout, stderr } = await runExample(sandbox, 'examples/bitbucket-oauth1.ts', {
      BITBUCKET_KEY: consumerKey,
      BITBUCKET_SECRET: consumerSecret,
      BITBUCKET_REQUEST_TOKEN_URL: requestTokenUrl,
      BITBUCKET_AUTHORIZATION_URL: authorizeUrl,
      BITBUCKET_ACCESS_TOKEN_URL: accessTokenUrl,
      BITBUCKET_USER_URL: `${baseUrl}user`,
    })

    expect(new URL(printed).searchParams.get('oauth_callback')).to.equal('http://127.0.0.1/cb')
    expect(callback.startsWith('http://127.0.0.1/cb?')).to.equal(true)
    expect(code, stderr).to.equal(0)
    const profile = JSON.parse(stdout.slice(stdout.lastIndexOf('{"method"'))) as { method: string; path: string; placement: string }
    expect(profile).to.include({ method: 'GET', path: '/oauth1/api/user', placement: 'header' })
  })

  it("facebook-oauth2-rauth.ts runs rauth's Facebook snippet: getAuthorizeUrl, getAuthSession({ data }), get('me')", async () => {
    await using sandbox = await startSandbox()
    const { clientId, clientSecret, facebookUrl, username } = sandbox.oauth2

    const { printed, code, stdout, stderr } = await runExample(sandbox, 'examples/facebook-oauth2-rauth.ts', {
      FACEBOOK_CLIENT_ID: clientId,
      FACEBOOK_CLIENT_SECRET: clientSecret,
      FACEBOOK_GRAPH_URL: facebookUrl,
    })

    expect(new URL(printed).pathname).to.equal('/facebook/oauth/authorize')
    expect(Object.fromEntries(new URL(printed).searchParams)).to.deep.equal({
      scope: 'email',
      response_type: 'code',
      redirect_uri: 'https://www.facebook.com/connect/login_success.html',
      client_id: clientId,
    })
    expect(code, stderr).to.equal(0)
    expect(stdout).to.match(new RegExp(`path: 'me'[\\s\\S]*user: '${username}'[\\s\\S]*via: 'header'`))
  })

  it("facebook-requests-oauth2.ts runs requests-oauth2's Facebook snippet: authorize_url('email'), get_token(code), a Session with the token as a parameter", async () => {
    await using sandbox = await startSandbox()
    const { clientId, clientSecret, facebookUrl, username } = sandbox.oauth2

    const { printed, code, stdout, stderr } = await runExample(sandbox, 'examples/facebook-requests-oauth2.ts', {
      FACEBOOK_CLIENT_ID: clientId,
      FACEBOOK_CLIENT_SECRET: clientSecret,
      FACEBOOK_WWW_URL: facebookUrl,
      FACEBOOK_GRAPH_URL: facebookUrl,
    })

    // requests-oauth2's exact URL: site + path, then redirect_uri, client_id and scope, quoted with quote_plus.
    expect(printed).to.equal(
      `${facebookUrl}dialog/oauth?redirect_uri=https%3A%2F%2Fwww.facebook.com%2Fconnect%2Flogin_success.html&client_id=${clientId}&scope=email`,
    )
    expect(code, stderr).to.equal(0)
    expect(stdout).to.match(new RegExp(`path: 'me'[\\s\\S]*user: '${username}'[\\s\\S]*via: 'query'`))
  })

  it("fitbit-implicit-oauth2.ts runs requests-oauthlib's Fitbit mobile flow: a fragment token, no token request", async () => {
    await using sandbox = await startSandbox()
    const { clientId, authorizeUrl, baseUrl, username } = sandbox.oauth2

    const { printed, callback, code, stdout, stderr } = await runExample(
      sandbox,
      'examples/fitbit-implicit-oauth2.ts',
      {
        FITBIT_CLIENT_ID: clientId,
        FITBIT_REDIRECT_URI: 'https://localhost/fitbit-callback',
        FITBIT_AUTHORIZATION_URL: authorizeUrl,
        FITBIT_API_URL: `${baseUrl}1/user/-/sleep/goal.json`,
      },
      /Paste URL you get back here: $/,
    )

    const query = new URL(printed).searchParams
    expect(query.get('response_type')).to.equal('token')
    expect(query.get('scope')).to.equal('activity heartrate location nutrition profile settings sleep social weight')
    expect(new URL(callback).hash).to.match(/^#access_token=/)
    expect(code, stderr).to.equal(0)
    expect(stdout).to.match(/token expires at \d{4}-\d\d-\d\dT/)
    expect(stdout).to.match(new RegExp(`path: '1/user/-/sleep/goal.json'[\\s\\S]*user: '${username}'[\\s\\S]*via: 'header'`))
  })

  it('each example says which variables to set, and exits 1, when its credentials are missing', async () => {
    for (const file of [
      'examples/bitbucket-oauth1.ts',
      'examples/facebook-oauth2-rauth.ts',
      'examples/facebook-requests-oauth2.ts',
      'examples/fitbit-implicit-oauth2.ts',
    ]) {
      await using example = startExample(file, {})

      const { code, stderr } = await example.exited()

      expect(code, file).to.equal(1)
      expect(stderr, file).to.match(/^Set [A-Z_]+/)
    }
  })
})
