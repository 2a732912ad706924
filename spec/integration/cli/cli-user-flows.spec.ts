import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect } from 'chai'
import { FileTokenStore } from '../../../lib/index.js'
import { startSandbox } from '../../../lib/testing/index.js'
import { cliHomeEachSpec, startCli } from '../../support/cli-process.js'

// The built `oauth-sessions` command against the sandbox, user flows (#19): `login` with the device
// flow (the spec approves the code at the verification page) and the code flow ($BROWSER is a
// script that follows the sandbox's redirect back to the listener), and `token` refreshing an
// expired token with its refresh token through the store.

const SECRET_ENV = { CLI_SPEC_SECRET: 'sandbox-client-secret' }

interface Stats {
  issued: Record<string, number>
}

async function issued(statsUrl: string, grant: string): Promise<number> {
  const stats = (await (await fetch(statsUrl)).json()) as Stats
  return stats.issued[grant] ?? 0
}

describe('oauth-sessions with user-flow profiles', function () {
  this.timeout(60_000)
  const home = cliHomeEachSpec()

  it('logs in with the device flow: the code and URL on stderr only, the token stored, then printed by `token`', async () => {
    await using sandbox = await startSandbox()
    const { clientId, deviceAuthorizationUrl, tokenUrl } = sandbox.oauth2
    const added = await home.run([
      'profile',
      'add',
      'tv',
      '--flow',
      'device',
      '--device-authorization-url',
      `${deviceAuthorizationUrl}?interval=1`,
      '--token-url',
      tokenUrl,
      '--client-id',
      clientId,
    ])
    expect(added.code, added.stderr).to.equal(0)

    await using login = startCli(home, ['login', 'tv'])
    const [, page = '', userCode = ''] = await login.waitFor(/Open (\S+) and enter the code (\S+)/)
    await new Promise((resolve) => setTimeout(resolve, 1200)) // a poll or two is pending first
    const approved = await fetch(page, { method: 'POST', body: new URLSearchParams({ user_code: userCode }) })
    const loggedIn = await login.exited
    const token = await home.run(['token', 'tv'])

    expect(approved.status).to.equal(200)
    expect(loggedIn.code, loggedIn.stderr).to.equal(0)
    expect(loggedIn.stdout).to.match(/^Logged in: profile "tv", valid until /)
    expect(loggedIn.stdout).not.to.include(userCode)
    expect(loggedIn.stderr).to.include('Waiting for you to approve the code') // no TTY: plain lines, no spinner frames
    expect(token.code, token.stderr).to.equal(0)
    expect(token.stdout).to.match(/^[^\s]+\n$/)
    expect(await issued(sandbox.oauth2.statsUrl, 'urn:ietf:params:oauth:grant-type:device_code')).to.equal(1)
    const stored = await new FileTokenStore(join(home.state, 'oauth-sessions', 'tokens.json')).get('tv')
    expect(stored?.token.access_token).to.equal(token.stdout.trim())
    expect(loggedIn.stderr).not.to.include(token.stdout.trim())
  })

  it('logs in with the code flow and PKCE through $BROWSER, unattended, and prints the URL instead with --no-browser', async () => {
    await using sandbox = await startSandbox()
    const { clientId, authorizeUrl, tokenUrl } = sandbox.oauth2
    await home.run([
      'profile',
      'add',
      'web',
      '--flow',
      'code',
      '--authorization-url',
      authorizeUrl,
      '--token-url',
      tokenUrl,
      '--client-id',
      clientId,
      '--client-secret-env',
      'CLI_SPEC_SECRET',
      '--scope',
      'read',
    ])
    // A "browser" that follows the sandbox's redirects back to the redirect listener, then writes down the URL it was given.
    const browser = join(home.config, 'browser.mjs')
    writeFileSync(
      browser,
      `import { appendFileSync } from 'node:fs'\nappendFileSync(${JSON.stringify(`${browser}.log`)}, process.argv[2] + '\\n')\nawait fetch(process.argv[2])\n`,
    )

    const loggedIn = await home.run(['login', 'web'], { ...SECRET_ENV, BROWSER: `${process.execPath} ${browser}` })
    const token = await home.run(['token', 'web', '--json'])
    await using headless = startCli(home, ['login', 'web', '--no-browser'], { ...SECRET_ENV, BROWSER: `${process.execPath} ${browser}` })
    const [, printed = ''] = await headless.waitFor(/Open this URL in a browser to sign in:\n\s+(\S+)/)
    await fetch(printed) // the person opens it elsewhere
    const second = await headless.exited

    expect(loggedIn.code, loggedIn.stderr).to.equal(0)
    expect(loggedIn.stdout).to.match(/^Logged in: profile "web", valid until /)
    const opened = readFileSync(`${browser}.log`, 'utf8').trim().split('\n')
    expect(opened).to.have.length(1) // --no-browser opened nothing
    const url = new URL(opened[0] as string)
    expect(url.searchParams.get('code_challenge_method')).to.equal('S256')
    expect(url.searchParams.get('redirect_uri')).to.match(/^http:\/\/127\.0\.0\.1:\d+\/$/) // RFC 8252 §8.3: the loopback IP, not localhost
    expect(JSON.parse(token.stdout)).to.include({ token_type: 'Bearer', scope: 'read' })
    expect(second.code, second.stderr).to.equal(0)
    expect(await issued(sandbox.oauth2.statsUrl, 'authorization_code')).to.equal(2)
    for (const result of [loggedIn, second]) expect(result.stderr).not.to.include(SECRET_ENV.CLI_SPEC_SECRET)
  })

  const addPasswordProfile = async (tokenUrl: string, clientId: string) => {
    await home.run([
      'profile',
      'add',
      'me',
      '--flow',
      'code',
      '--authorization-url',
      tokenUrl,
      '--token-url',
      tokenUrl,
      '--client-id',
      clientId,
      '--client-secret-env',
      'CLI_SPEC_SECRET',
    ])
  }

  /** A user token with a live refresh token from the sandbox (the password grant), stored expired under `me`. */
  async function storeExpiredUserToken(sandbox: Awaited<ReturnType<typeof startSandbox>>): Promise<string> {
    const { clientId, clientSecret, tokenUrl, username, password } = sandbox.oauth2
    const granted = (await (
      await fetch(tokenUrl, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'password', username, password, client_id: clientId, client_secret: clientSecret }),
      })
    ).json()) as { access_token: string; refresh_token: string }
    mkdirSync(join(home.state, 'oauth-sessions'), { recursive: true })
    const store = new FileTokenStore(join(home.state, 'oauth-sessions', 'tokens.json'))
    await store.set('me', {
      access_token: granted.access_token,
      refresh_token: granted.refresh_token,
      token_type: 'Bearer',
      expires_at: Date.now() / 1000 - 60,
    })
    return granted.access_token
  }

  it('refreshes an expired user token with its refresh token through the store: one refresh for eight parallel runs', async () => {
    await using sandbox = await startSandbox()
    await addPasswordProfile(sandbox.oauth2.tokenUrl, sandbox.oauth2.clientId)
    const old = await storeExpiredUserToken(sandbox)

    const runs = await Promise.all(Array.from({ length: 8 }, () => home.run(['token', 'me'], SECRET_ENV, 45_000)))

    for (const result of runs) expect(result.code, result.stderr).to.equal(0)
    const tokens = new Set(runs.map((result) => result.stdout))
    expect(tokens.size).to.equal(1)
    expect([...tokens][0]).not.to.include(old)
    const refreshed = (await new FileTokenStore(join(home.state, 'oauth-sessions', 'tokens.json')).get('me'))?.token.access_token
    expect(refreshed).to.be.a('string').and.not.equal(old)
    expect([...tokens][0]).to.equal(`${refreshed}\n`) // the refreshed token, as stored, alone on stdout
    expect(await issued(sandbox.oauth2.statsUrl, 'refresh_token')).to.equal(1)
    const again = await home.run(['token', 'me'], SECRET_ENV)
    expect(again.stdout).to.equal([...tokens][0])
    expect(await issued(sandbox.oauth2.statsUrl, 'refresh_token')).to.equal(1)
  })

  it('request: a 401 invalid_token (the provider expired a token the store thinks valid) is refreshed once, and the request sent again', async () => {
    await using sandbox = await startSandbox()
    await addPasswordProfile(sandbox.oauth2.tokenUrl, sandbox.oauth2.clientId)
    const old = await storeExpiredUserToken(sandbox)
    const store = new FileTokenStore(join(home.state, 'oauth-sessions', 'tokens.json'))
    const stored = await store.get('me')
    await store.set('me', { ...stored?.token, expires_at: Date.now() / 1000 + 3600 })
    await fetch(sandbox.oauth2.expireUrl, { method: 'POST', body: new URLSearchParams({ token: old }) })

    const result = await home.run(['request', 'me', `${sandbox.oauth2.baseUrl}me`], SECRET_ENV)

    expect(result.code, result.stderr).to.equal(0)
    expect(JSON.parse(result.stdout)).to.include({ path: 'me', via: 'header' })
    expect(await issued(sandbox.oauth2.statsUrl, 'refresh_token')).to.equal(1)
    const renewed = (await store.get('me'))?.token.access_token
    expect(renewed).to.be.a('string').and.not.equal(old)
    const refusedAgain = await home.run(['request', 'me', `${sandbox.oauth2.baseUrl}me`], SECRET_ENV)
    expect(refusedAgain.code, refusedAgain.stderr).to.equal(0)
    expect(await issued(sandbox.oauth2.statsUrl, 'refresh_token')).to.equal(1)
  })

  it('exits 2 when the provider refuses the refresh token, or there is none', async () => {
    await using sandbox = await startSandbox()
    await addPasswordProfile(`${sandbox.oauth2.tokenUrl}?error=invalid_grant`, sandbox.oauth2.clientId)
    await storeExpiredUserToken(sandbox)

    const refused = await home.run(['token', 'me', '--json'], SECRET_ENV)
    const store = new FileTokenStore(join(home.state, 'oauth-sessions', 'tokens.json'))
    await store.set('me', { access_token: 'old', token_type: 'Bearer', expires_at: Date.now() / 1000 - 60 })
    const none = await home.run(['token', 'me'], SECRET_ENV)

    expect(refused.code, refused.stderr).to.equal(2)
    expect(JSON.parse(refused.stderr).error).to.include({ code: 'ERR_REAUTHORIZATION_REQUIRED', exitCode: 2 })
    expect(refused.stdout).to.equal('')
    expect(none.code, none.stderr).to.equal(2)
    expect(none.stderr).to.match(/has expired and has no refresh token: a person must log in\. Run `oauth-sessions login me`/)
  })
})
