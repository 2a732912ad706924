import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect } from 'chai'
import type { ProviderContext } from 'oidc-provider'
import { type DeviceAuthorization, FileTokenStore, OAuth2Session } from '../../../lib/index.js'
import { cliHomeEachSpec, startCli } from '../../support/cli-process.js'
import { freePort } from '../../support/free-port.js'
import { loginThroughDevInteractions, userAtDevicePages } from '../../support/oidc-login.js'
import { closeAfterAll, startOidcProvider } from '../../support/servers.js'

// The built `oauth-sessions` command against oidc-provider (a certified OpenID Connect server, #19):
// an issuer discovered at login; client credentials; the device flow approved at the provider's
// own pages; the code flow with PKCE through $BROWSER and the provider's development login and
// consent pages, back to the command's loopback listener; a refresh of an expired token; a logout
// that revokes at the provider (its introspection says inactive); and --trace runs that hold none
// of the secrets the provider saw or handed out. One provider for the file, a client per case.

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code'
/** Distinctive secret values: a trace or output holding one is caught by a plain substring search. */
const SECRETS = { CLI_CC_SECRET: 'cc-secret-QV7tZr2mXw', CLI_NATIVE_SECRET: 'native-secret-Hj4pLs9eKd', CLI_WEB_SECRET: 'web-secret-Yb3nRf8uTc' }

describe('oauth-sessions against oidc-provider', function () {
  this.timeout(60_000)
  const home = cliHomeEachSpec()
  const closeLater = closeAfterAll()
  let issuer: string
  /** A redirect URI a web client registered with its port (exact match only). */
  let fixedRedirect: string
  /** Every value the provider's token endpoint received or sent that must never be printed. */
  const seen = new Set<string>()
  /** The grant_type of every token request, in order. */
  const grants: string[] = []
  /** The PKCE verifiers the token endpoint received. */
  const verifiers: string[] = []

  before(async () => {
    fixedRedirect = `http://127.0.0.1:${await freePort()}/callback`
    const provider = await closeLater(
      startOidcProvider(
        () => ({
          clients: [
            {
              client_id: 'cli-cc',
              client_secret: SECRETS.CLI_CC_SECRET,
              token_endpoint_auth_method: 'client_secret_basic',
              grant_types: ['client_credentials'],
              response_types: [],
              redirect_uris: [],
            },
            { client_id: 'cli-tv', token_endpoint_auth_method: 'none', grant_types: [DEVICE_GRANT, 'refresh_token'], response_types: [], redirect_uris: [] },
            {
              // A native client (RFC 8252): a loopback IP redirect URI registered without a port, any port accepted (§7.3).
              client_id: 'cli-native',
              client_secret: SECRETS.CLI_NATIVE_SECRET,
              application_type: 'native',
              token_endpoint_auth_method: 'client_secret_basic',
              redirect_uris: ['http://127.0.0.1/'],
              response_types: ['code'],
              grant_types: ['authorization_code', 'refresh_token'],
            },
            {
              // A public native client that registered localhost (RFC 8252 §8.3 does not recommend it, but providers take it).
              client_id: 'cli-local',
              application_type: 'native',
              token_endpoint_auth_method: 'none',
              redirect_uris: ['http://localhost/'],
              response_types: ['code'],
              grant_types: ['authorization_code'],
            },
            {
              client_id: 'cli-web',
              client_secret: SECRETS.CLI_WEB_SECRET,
              token_endpoint_auth_method: 'client_secret_basic',
              redirect_uris: [fixedRedirect],
              response_types: ['code'],
              grant_types: ['authorization_code', 'refresh_token'],
            },
          ],
          features: {
            clientCredentials: { enabled: true },
            deviceFlow: { enabled: true },
            devInteractions: { enabled: true },
            revocation: { enabled: true },
            introspection: { enabled: true },
          },
          scopes: ['openid', 'offline_access', 'api:read'],
          pkce: { required: () => true },
          cookies: { keys: ['oauth-sessions-spec-key'] },
          issueRefreshToken: () => true,
          findAccount: (_ctx: unknown, id: string) => ({ accountId: id, claims: () => ({ sub: id }) }),
        }),
        (oidc) => {
          // Writes down what went through the token endpoint: the code, the verifier, the tokens.
          oidc.use(async (ctx: ProviderContext, next) => {
            await next()
            if (ctx.path !== '/token' || ctx.method !== 'POST') return
            const params = ctx.oidc?.params ?? {}
            if (typeof params.grant_type === 'string') grants.push(params.grant_type)
            if (typeof params.code_verifier === 'string') verifiers.push(params.code_verifier)
            const body = (typeof ctx.body === 'object' && ctx.body !== null ? ctx.body : {}) as Record<string, unknown>
            for (const value of [params.code, params.code_verifier, params.refresh_token, body.access_token, body.refresh_token, body.id_token]) {
              if (typeof value === 'string' && value !== '') seen.add(value)
            }
          })
        },
      ),
    )
    issuer = provider.issuer
  })

  /** Adds a profile; fails the spec when `profile add` does not exit 0. */
  async function addProfile(name: string, flags: string[]): Promise<void> {
    const added = await home.run(['profile', 'add', name, ...flags])
    expect(added.code, added.stderr).to.equal(0)
  }

  /** The flags of a code-flow profile of `clientId` at the issuer, then `extra`. */
  function codeFlowFlags(clientId: string, scope: string, ...extra: string[]): string[] {
    return ['--flow', 'code', '--issuer', issuer, '--client-id', clientId, '--scope', scope, ...extra]
  }

  /** The code-flow profile `native` of the native client (loopback IP redirect, any port). */
  function addNativeProfile(scope = 'openid'): Promise<void> {
    return addProfile('native', codeFlowFlags('cli-native', scope, '--client-secret-env', 'CLI_NATIVE_SECRET'))
  }

  /** The client-credentials profile `ci` of the confidential client `cli-cc`, scope api:read. */
  function addCcProfile(): Promise<void> {
    return addProfile('ci', [
      '--flow',
      'client_credentials',
      '--issuer',
      issuer,
      '--client-id',
      'cli-cc',
      '--client-secret-env',
      'CLI_CC_SECRET',
      '--scope',
      'api:read',
    ])
  }

  /** A "browser" for $BROWSER that only writes down the URL it was asked to open. */
  function browserScript(folder: string): { env: Record<string, string>; log: string } {
    const script = join(folder, 'browser.mjs')
    const log = `${script}.log`
    writeFileSync(script, `import { appendFileSync } from 'node:fs'\nappendFileSync(${JSON.stringify(log)}, process.argv[2] + '\\n')\n`)
    return { env: { BROWSER: `${process.execPath} ${script}` }, log }
  }

  /** The first URL the browser script wrote down, within 20 s. */
  async function openedUrl(log: string): Promise<URL> {
    for (let waited = 0; waited < 20_000; waited += 50) {
      if (existsSync(log)) {
        const [line] = readFileSync(log, 'utf8').split('\n')
        if (line !== undefined && line !== '') return new URL(line)
      }
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    throw new Error(`the browser was not opened (${log})`)
  }

  /** The person at the browser: logs in and consents at oidc-provider's pages, then follows the redirect to the command's listener. */
  async function signIn(opened: URL): Promise<{ callback: URL; answer: Response }> {
    await using browser = new OAuth2Session('browser', { timeout: null })
    const redirectUri = opened.searchParams.get('redirect_uri') ?? ''
    const callback = new URL(await loginThroughDevInteractions(browser, opened.href, redirectUri))
    return { callback, answer: await fetch(callback) }
  }

  /** `login <name>` of a code profile, signed in through the provider's pages; the login's result, the URL opened and the callback. */
  async function codeLogin(name: string, env: Record<string, string>, extra: string[] = []) {
    const browser = browserScript(home.config)
    await using login = startCli(home, ['login', name, ...extra], { ...env, ...browser.env })
    const opened = await openedUrl(browser.log)
    const { callback, answer } = await signIn(opened)
    return { result: await login.exited, opened, callback, answer }
  }

  /** Introspects `token` at the provider as the native client: whether it is active. */
  async function active(token: string): Promise<boolean> {
    const answer = await fetch(`${issuer}/token/introspection`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`cli-native:${SECRETS.CLI_NATIVE_SECRET}`).toString('base64')}` },
      body: new URLSearchParams({ token }),
    })
    expect(answer.status).to.equal(200)
    return ((await answer.json()) as { active: boolean }).active
  }

  /** The token stored under `name` in the command's (plain-text) file store. */
  function store(): FileTokenStore {
    return new FileTokenStore(join(home.state, 'oauth-sessions', 'tokens.json'))
  }

  it('logs in with client credentials at a discovered issuer; `token` prints the token, `token --json` parses', async () => {
    await addCcProfile()

    const loggedIn = await home.run(['login', 'ci'], SECRETS)
    const token = await home.run(['token', 'ci'], SECRETS)
    const json = await home.run(['token', 'ci', '--json'], SECRETS)

    expect(loggedIn.code, loggedIn.stderr).to.equal(0)
    expect(loggedIn.stdout).to.match(/^Logged in: profile "ci", valid until /)
    expect(token.code, token.stderr).to.equal(0)
    expect(token.stdout).to.match(/^\S+\n$/)
    expect(await active(token.stdout.trim())).to.equal(true)
    expect(json.code, json.stderr).to.equal(0)
    const parsed = JSON.parse(json.stdout) as Record<string, unknown>
    expect(parsed).to.include({ access_token: token.stdout.trim(), token_type: 'Bearer', scope: 'api:read' })
    expect(parsed.expires_in).to.be.a('number').above(0)
    expect(parsed).not.to.have.property('refresh_token')
  })

  it("logs in with the device flow approved at the provider's own pages; `token` prints the stored token", async () => {
    await addProfile('tv', ['--flow', 'device', '--issuer', issuer, '--client-id', 'cli-tv', '--scope', 'openid offline_access'])

    await using login = startCli(home, ['login', 'tv'])
    const [, verificationUri = '', userCode = ''] = await login.waitFor(/Open (\S+) and enter the code (\S+)/)
    const page = await userAtDevicePages(issuer, { verificationUri, userCode } as DeviceAuthorization, 'approve')
    const loggedIn = await login.exited
    const token = await home.run(['token', 'tv'])

    expect(verificationUri).to.equal(`${issuer}/device`)
    expect(page).to.include('Sign-in Success')
    expect(loggedIn.code, loggedIn.stderr).to.equal(0)
    expect(loggedIn.stdout).to.match(/^Logged in: profile "tv", valid until /)
    expect(token.code, token.stderr).to.equal(0)
    expect(token.stdout.trim()).to.equal((await store().get('tv'))?.token.access_token)
    expect(await active(token.stdout.trim())).to.equal(true)
  })

  it('logs in with the code flow and PKCE: a native client with the loopback IP redirect, any port (RFC 8252 §7.3)', async () => {
    await addNativeProfile()

    const { result, opened, callback, answer } = await codeLogin('native', SECRETS)
    const token = await home.run(['token', 'native'], SECRETS)

    expect(opened.searchParams.get('code_challenge_method')).to.equal('S256')
    expect(opened.searchParams.get('redirect_uri')).to.match(/^http:\/\/127\.0\.0\.1:\d+\/$/)
    expect(callback.searchParams.get('iss')).to.equal(issuer)
    expect(answer.status).to.equal(200)
    expect(result.code, result.stderr).to.equal(0)
    expect(result.stdout).to.match(/^Logged in: profile "native", valid until /)
    expect(token.code, token.stderr).to.equal(0)
    expect(await active(token.stdout.trim())).to.equal(true)
  })

  it('logs in with the code flow at the fixed redirect URI a web client registered (--redirect-uri), and at localhost (any port) when asked', async () => {
    await addProfile('web', codeFlowFlags('cli-web', 'openid', '--client-secret-env', 'CLI_WEB_SECRET', '--redirect-uri', fixedRedirect))
    await addProfile('local', codeFlowFlags('cli-local', 'openid', '--redirect-uri', 'http://localhost/'))

    const web = await codeLogin('web', SECRETS)
    rmSync(join(home.config, 'browser.mjs.log'))
    const local = await codeLogin('local', SECRETS)

    expect(web.opened.searchParams.get('redirect_uri')).to.equal(fixedRedirect)
    expect(web.callback.href.startsWith(`${fixedRedirect}?`)).to.equal(true)
    expect(web.result.code, web.result.stderr).to.equal(0)
    expect(local.opened.searchParams.get('redirect_uri')).to.match(/^http:\/\/localhost:\d+\/$/)
    expect(local.answer.status).to.equal(200)
    expect(local.result.code, local.result.stderr).to.equal(0)
  })

  it('gives up after `login --timeout` seconds (code and device flows): exit 1, a typed error naming the timeout; a wrong --timeout is usage (64)', async () => {
    await addNativeProfile()
    await addProfile('tv', ['--flow', 'device', '--issuer', issuer, '--client-id', 'cli-tv', '--scope', 'openid'])
    const nobody = browserScript(home.config) // opens nothing: nobody signs in

    const started = Date.now()
    const [code, device, ...wrong] = await Promise.all([
      home.run(['login', 'native', '--timeout', '1', '--trace'], { ...SECRETS, ...nobody.env }),
      home.run(['login', 'tv', '--timeout', '1', '--trace']),
      ...['0', '1.5', 'soon', '-3', '86401'].map((value) => home.run(['login', 'tv', '--timeout', value])),
    ])
    const took = Date.now() - started

    expect(code.code, code.stderr).to.equal(1)
    expect(code.stderr).to.match(/^oauth-sessions: User authentication was not received within 1 seconds on http:\/\/127\.0\.0\.1:\d+\/\./m)
    expect(code.stderr).to.match(/^AuthorizationTimeoutError: /m)
    expect(device.code, device.stderr).to.equal(1)
    expect(device.stderr).to.match(
      /^oauth-sessions: The device code was not approved within 1 seconds \(login --timeout 1\)\. Run `oauth-sessions login tv` again/m,
    )
    expect(device.stderr).to.match(/^LoginTimeoutError: /m)
    expect(took).to.be.below(10_000) // neither waited for the 5 minutes, nor for the device code's 10
    for (const result of wrong) {
      expect(result.code, result.stderr).to.equal(64)
      expect(result.stderr).to.include("option '--timeout <seconds>' argument")
      expect(result.stderr).to.include('expected a whole number of seconds from 1 to 86400')
    }
    expect(readFileSync(nobody.log, 'utf8').trim().split('\n')).to.have.length(1)
  })

  /** Rewrites the stored token of `name` as expired a minute ago; returns it as it was. */
  async function expireStored(name: string): Promise<Record<string, unknown>> {
    const stored = await store().get(name)
    expect(stored?.token.refresh_token, 'a refresh token was stored').to.be.a('string')
    await store().set(name, { ...stored?.token, expires_at: Date.now() / 1000 - 60 })
    return stored?.token as Record<string, unknown>
  }

  it('asks for consent with offline_access (OIDC Core §11), refreshes an expired token at the provider, and logout revokes it there', async () => {
    const scope = 'openid offline_access'
    await addNativeProfile(scope)
    const { result, opened } = await codeLogin('native', SECRETS)
    expect(result.code, result.stderr).to.equal(0)
    const old = await expireStored('native')
    grants.length = 0

    const refreshed = await home.run(['token', 'native', '--json'], SECRETS)
    const renewed = (await store().get('native'))?.token as Record<string, string>
    const introspectedBefore = await active(renewed.access_token as string)
    const logout = await home.run(['logout', 'native'], SECRETS)
    const after = await home.run(['token', 'native'], SECRETS)

    expect(opened.searchParams.get('prompt')).to.equal('consent')
    expect(refreshed.code, refreshed.stderr).to.equal(0)
    const json = JSON.parse(refreshed.stdout) as Record<string, unknown>
    expect(json).to.include({ token_type: 'Bearer', scope })
    expect(json.access_token).to.equal(renewed.access_token).and.not.equal(old.access_token)
    expect(grants).to.deep.equal(['refresh_token'])
    expect(introspectedBefore).to.equal(true)
    expect(logout.code, logout.stderr).to.equal(0)
    expect(logout.stdout).to.include('token revoked at the provider and forgotten')
    expect(await active(renewed.access_token as string)).to.equal(false)
    expect(await active(renewed.refresh_token as string)).to.equal(false)
    expect(await store().get('native')).to.equal(undefined)
    expect(after.code, after.stderr).to.equal(2)
    expect(after.stdout).to.equal('')
  })

  it('holds none of the secrets in --trace runs of login and token (client secret, code, verifier, access and refresh tokens)', async () => {
    await addNativeProfile('openid offline_access')
    await addCcProfile()
    seen.clear()
    grants.length = 0
    verifiers.length = 0

    const code = await codeLogin('native', SECRETS, ['--trace'])
    await expireStored('native')
    const refresh = await home.run(['token', 'native', '--trace'], SECRETS)
    const ci = await home.run(['login', 'ci', '--trace'], SECRETS)
    const ciToken = await home.run(['token', 'ci', '--trace'], SECRETS)
    const runs = { 'login native': code.result, 'token native': refresh, 'login ci': ci, 'token ci': ciToken }

    expect(grants).to.deep.equal(['authorization_code', 'refresh_token', 'client_credentials'])
    const secrets = [
      ...Object.values(SECRETS),
      ...[...seen].filter((value) => value.length >= 16),
      Buffer.from(`cli-native:${SECRETS.CLI_NATIVE_SECRET}`).toString('base64'),
      Buffer.from(`cli-cc:${SECRETS.CLI_CC_SECRET}`).toString('base64'),
    ]
    // The code, the verifier, two access tokens and two refresh tokens (or one, kept), an ID token, the client-credentials token.
    expect(seen.size).to.be.at.least(6)
    expect(seen).to.include(code.callback.searchParams.get('code'))
    expect(verifiers).to.have.length(1)
    expect(secrets).to.include(verifiers[0])
    for (const [run, result] of Object.entries(runs)) {
      expect(result.code, `${run}: ${result.stderr}`).to.equal(0)
      const traced = result.stderr.split('\n').filter((line) => line.startsWith('oauth-sessions: trace: '))
      // `token ci` is answered from the store: no exchange, nothing traced.
      expect(traced.length, `${run} traced its exchanges`).to.be.at.least(run === 'token ci' ? 0 : 1)
      for (const secret of secrets) expect(result.stderr, `${run} stderr`).not.to.include(secret)
    }
    expect(code.result.stderr).to.match(/trace: POST http:\/\/127\.0\.0\.1:\d+\/token -> 200 /)
    for (const result of [code.result, ci]) for (const secret of secrets) expect(result.stdout).not.to.include(secret)
    expect(refresh.stdout.trim()).to.equal((await store().get('native'))?.token.access_token)
    expect(ciToken.stderr).not.to.include('trace:')
  })
})

describe('oauth-sessions profile add --redirect-uri', function () {
  this.timeout(30_000)
  const home = cliHomeEachSpec()

  it('takes an http loopback URL only, naming the flag or the config field when it is not one', async () => {
    const add = (name: string, redirect: string, flow = 'code') =>
      home.run(['profile', 'add', name, '--flow', flow, '--issuer', 'https://idp.example', '--client-id', 'c', '--redirect-uri', redirect])

    const good = await Promise.all(
      ['http://127.0.0.1/', 'http://[::1]:8400/callback', 'http://localhost:0/'].map((redirect, index) => add(`ok${index}`, redirect)),
    )
    const bad = await Promise.all(
      ['https://127.0.0.1/', 'http://example.com/', 'http://127.0.0.1:8400/#x', 'http://me:pw@127.0.0.1/', 'not a url'].map((redirect, index) =>
        add(`bad${index}`, redirect),
      ),
    )
    const device = await add('tv', 'http://127.0.0.1/', 'device')
    const config = join(home.config, 'oauth-sessions', 'config.json')
    const written = JSON.parse(readFileSync(config, 'utf8')) as { profiles: Record<string, Record<string, unknown>> }
    written.profiles.ok0 = { ...written.profiles.ok0, redirectUri: 'http://10.0.0.1/' }
    writeFileSync(config, JSON.stringify(written))
    const read = await home.run(['login', 'ok0'])

    for (const result of good) expect(result.code, result.stderr).to.equal(0)
    expect(written.profiles.ok1?.redirectUri).to.equal('http://[::1]:8400/callback')
    for (const result of bad) {
      expect(result.code, result.stderr).to.equal(1)
      expect(result.stderr).to.match(/^oauth-sessions: --redirect-uri is not valid: an http loopback URL for the redirect listener: http:\/\/127\.0\.0\.1\//)
      expect(result.stderr).not.to.include('pw@')
    }
    expect(device.code, device.stderr).to.equal(1)
    expect(device.stderr).to.include('--redirect-uri, which only the code flow uses')
    expect(read.code, read.stderr).to.equal(1)
    expect(read.stderr).to.include('profiles.ok0.redirectUri: an http loopback URL')
  })
})
