import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect } from 'chai'
import { cliHomeEachSpec } from '../../support/cli-process.js'

// `profile add --preset ...` (#19) writes the provider's endpoints and flow into the config file,
// with no network (an issuer is discovered only at login); and `profile add` without a terminal
// names every missing flag and exits 64. The interactive prompts (stdin a TTY) are not driven here:
// a spawned process has pipes, not a pty.

describe('oauth-sessions profile add --preset', function () {
  this.timeout(60_000)
  const home = cliHomeEachSpec()

  const added = async (args: string[]): Promise<Record<string, unknown>> => {
    const result = await home.run(['profile', 'add', 'p', '--client-id', 'my-client', ...args])
    expect(result.code, result.stderr).to.equal(0)
    const config = JSON.parse(readFileSync(join(home.config, 'oauth-sessions', 'config.json'), 'utf8'))
    return config.profiles.p
  }

  it('github: the device flow and GitHub’s three fixed endpoints', async () => {
    expect(await added(['--preset', 'github'])).to.deep.equal({
      flow: 'device',
      clientId: 'my-client',
      authorizationUrl: 'https://github.com/login/oauth/authorize',
      tokenUrl: 'https://github.com/login/oauth/access_token',
      deviceAuthorizationUrl: 'https://github.com/login/device/code',
    })
  })

  it('google, gitlab: the code flow and the issuer, to discover at login', async () => {
    expect(await added(['--preset', 'google'])).to.deep.equal({ flow: 'code', clientId: 'my-client', issuer: 'https://accounts.google.com' })
    expect(await added(['--preset', 'gitlab', '--force'])).to.deep.equal({ flow: 'code', clientId: 'my-client', issuer: 'https://gitlab.com' })
  })

  it('entra with --tenant, okta and auth0 with --domain: the issuer built from it', async () => {
    expect(await added(['--preset', 'entra', '--tenant', 'contoso.onmicrosoft.com'])).to.deep.include({
      flow: 'code',
      issuer: 'https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0',
    })
    expect(await added(['--preset', 'okta', '--domain', 'dev-123.okta.com', '--force'])).to.deep.include({
      issuer: 'https://dev-123.okta.com/oauth2/default',
    })
    expect(await added(['--preset', 'auth0', '--domain', 'me.eu.auth0.com', '--force'])).to.deep.include({ issuer: 'https://me.eu.auth0.com/' })
  })

  it('twitter: OAuth 1 and its three URLs', async () => {
    const result = await home.run(['profile', 'add', 'x', '--preset', 'twitter', '--consumer-key', 'ck', '--consumer-secret-env', 'X_SECRET'])
    expect(result.code, result.stderr).to.equal(0)
    const config = JSON.parse(readFileSync(join(home.config, 'oauth-sessions', 'config.json'), 'utf8'))
    expect(config.profiles.x).to.deep.equal({
      flow: 'oauth1',
      requestTokenUrl: 'https://api.twitter.com/oauth/request_token',
      authorizeUrl: 'https://api.twitter.com/oauth/authorize',
      accessTokenUrl: 'https://api.twitter.com/oauth/access_token',
      consumerKey: 'ck',
      consumerSecretEnv: 'X_SECRET',
    })
  })

  it('explicit flags win over the preset: --flow and an endpoint', async () => {
    expect(await added(['--preset', 'github', '--flow', 'code', '--token-url', 'https://ghe.example/login/oauth/access_token'])).to.deep.include({
      flow: 'code',
      tokenUrl: 'https://ghe.example/login/oauth/access_token',
      authorizationUrl: 'https://github.com/login/oauth/authorize',
    })
  })

  it('a preset without its --tenant / --domain, a malformed one, or an unknown preset is a usage error (64), nothing written', async () => {
    const noTenant = await home.run(['profile', 'add', 'p', '--preset', 'entra', '--client-id', 'c'])
    const badDomain = await home.run(['profile', 'add', 'p', '--preset', 'okta', '--domain', 'https://dev-1.okta.com/x', '--client-id', 'c'])
    const unknown = await home.run(['profile', 'add', 'p', '--preset', 'myspace', '--client-id', 'c'])
    const stray = await home.run(['profile', 'add', 'p', '--preset', 'google', '--domain', 'x.example', '--client-id', 'c'])
    for (const result of [noTenant, badDomain, unknown, stray]) expect(result.code, result.stderr).to.equal(64)
    expect(noTenant.stderr).to.include('--preset entra needs --tenant')
    expect(badDomain.stderr).to.include('--domain is a host name')
    expect(unknown.stderr).to.match(/myspace/)
    expect(stray.stderr).to.include('--domain is only for')
    const list = await home.run(['profile', 'list', '--json'])
    expect(JSON.parse(list.stdout).profiles).to.deep.equal([])
  })
})

describe('oauth-sessions profile add without a terminal', function () {
  this.timeout(60_000)
  const home = cliHomeEachSpec()

  it('names every missing flag and exits 64 instead of asking', async () => {
    const noFlow = await home.run(['profile', 'add', 'p', '--client-id', 'c'])
    const cc = await home.run(['profile', 'add', 'p', '--flow', 'client_credentials'])
    const github = await home.run(['profile', 'add', 'gh', '--preset', 'github'])

    expect(noFlow.code).to.equal(64)
    expect(noFlow.stderr).to.include('missing --flow (or --preset)')
    expect(cc.code).to.equal(64)
    expect(cc.stderr).to.include('missing --client-id, --client-secret-env (or --client-secret-file), --token-url')
    expect(cc.stderr).to.include('stdin is not a terminal')
    expect(github.code).to.equal(64)
    expect(github.stderr).to.include('missing --client-id;')
    const list = await home.run(['profile', 'list', '--json'])
    expect(JSON.parse(list.stdout).profiles).to.deep.equal([])
  })
})

describe('oauth-sessions profile add, run at the same time', function () {
  this.timeout(60_000)
  const home = cliHomeEachSpec()

  it('keeps every profile when several processes add one at once (no lost update of the config file)', async () => {
    const names = ['a', 'b', 'c', 'd', 'e', 'f']
    const results = await Promise.all(
      names.map((name) =>
        home.run([
          'profile',
          'add',
          name,
          '--flow',
          'client_credentials',
          '--token-url',
          'https://idp.example/token',
          '--client-id',
          'c',
          '--client-secret-env',
          'SECRET',
        ]),
      ),
    )

    for (const result of results) expect(result.code, result.stderr).to.equal(0)
    const config = JSON.parse(readFileSync(join(home.config, 'oauth-sessions', 'config.json'), 'utf8')) as { profiles: Record<string, unknown> }
    expect(Object.keys(config.profiles).sort()).to.deep.equal(names)
  })
})
