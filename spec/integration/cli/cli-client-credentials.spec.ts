import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect } from 'chai'
import { FileTokenStore } from '../../../lib/index.js'
import { startSandbox } from '../../../lib/testing/index.js'
import { cliHomeEachSpec, type CliResult } from '../../support/cli-process.js'

// The built `oauth-sessions` command against the sandbox, client credentials (#19): each spec has
// its own XDG_CONFIG_HOME and XDG_STATE_HOME, and checks stdout, stderr and the exit code.

const SECRET_ENV = { CLI_SPEC_SECRET: 'sandbox-client-secret' }

async function issued(statsUrl: string): Promise<number> {
  const stats = (await (await fetch(statsUrl)).json()) as { issued: Record<string, number> }
  return stats.issued.client_credentials ?? 0
}

function expectNoSecret(result: CliResult, ...secrets: string[]): void {
  for (const secret of secrets) {
    expect(result.stdout, 'stdout').not.to.include(secret)
    expect(result.stderr, 'stderr').not.to.include(secret)
  }
}

describe('oauth-sessions with a client-credentials profile', function () {
  this.timeout(60_000)
  const home = cliHomeEachSpec()

  const addProfile = (tokenUrl: string, extra: string[] = []) =>
    home.run([
      'profile',
      'add',
      'ci',
      '--flow',
      'client_credentials',
      '--token-url',
      tokenUrl,
      '--client-id',
      'sandbox-client',
      '--client-secret-env',
      'CLI_SPEC_SECRET',
      ...extra,
    ])

  it('adds the profile, logs in, prints the token alone on stdout, and shows its expiry in status, never a secret', async () => {
    await using sandbox = await startSandbox()
    const before = await issued(sandbox.oauth2.statsUrl)

    const added = await addProfile(sandbox.oauth2.tokenUrl, ['--scope', 'read'])
    const loggedIn = await home.run(['login', 'ci'], SECRET_ENV)
    const token = await home.run(['token', 'ci'], SECRET_ENV)
    const json = await home.run(['token', 'ci', '--json'], SECRET_ENV)
    const status = await home.run(['status'], SECRET_ENV)
    const statusJson = await home.run(['status', '--json'], SECRET_ENV)

    expect(added.code, added.stderr).to.equal(0)
    expect(loggedIn.code, loggedIn.stderr).to.equal(0)
    expect(loggedIn.stdout).to.match(/^Logged in: profile "ci", valid until \d{4}-/)
    expect(token.code, token.stderr).to.equal(0)
    expect(token.stdout).to.match(/^[^\s]+\n$/)
    expect(token.stderr).to.equal('')
    const accessToken = token.stdout.trim()
    expect(JSON.parse(json.stdout)).to.deep.include({ access_token: accessToken, token_type: 'Bearer', scope: 'read' })
    expect(JSON.parse(json.stdout).expires_at).to.match(/^\d{4}-\d\d-\d\dT/)
    expect(await issued(sandbox.oauth2.statsUrl)).to.equal(before + 1) // token reused the login's
    expect(status.code).to.equal(0)
    expect(status.stdout).to.match(/^ci\tclient_credentials\tvalid until /)
    const [row] = JSON.parse(statusJson.stdout).profiles
    expect(row).to.deep.include({ name: 'ci', flow: 'client_credentials', stored: true, expired: false, scope: 'read', refreshable: false })
    for (const result of [added, loggedIn, token, json, status, statusJson]) expectNoSecret(result, SECRET_ENV.CLI_SPEC_SECRET)
    for (const result of [added, loggedIn, status, statusJson]) expectNoSecret(result, accessToken)
    expect(readFileSync(join(home.config, 'oauth-sessions', 'config.json'), 'utf8')).not.to.include(SECRET_ENV.CLI_SPEC_SECRET)
  })

  it('warns once on stderr that tokens are kept in plain text, and not with a key', async () => {
    await using sandbox = await startSandbox()
    await addProfile(sandbox.oauth2.tokenUrl)

    const first = await home.run(['login', 'ci'], SECRET_ENV)
    const second = await home.run(['login', 'ci'], SECRET_ENV)

    expect(first.code, first.stderr).to.equal(0)
    expect(first.stderr).to.match(/warning: tokens are kept in plain text in .*tokens\.json.*OAUTH_SESSIONS_KEY/)
    expect(second.stderr).to.equal('')
  })

  it('keeps the tokens encrypted when OAUTH_SESSIONS_KEY is set, with no warning', async () => {
    await using sandbox = await startSandbox()
    await addProfile(sandbox.oauth2.tokenUrl)
    const env = { ...SECRET_ENV, OAUTH_SESSIONS_KEY: Buffer.alloc(32, 7).toString('base64') }

    const loggedIn = await home.run(['login', 'ci'], env)
    const token = await home.run(['token', 'ci'], env)
    const status = await home.run(['status'], { OAUTH_SESSIONS_KEY: env.OAUTH_SESSIONS_KEY })

    expect(loggedIn.code, loggedIn.stderr).to.equal(0)
    expect(loggedIn.stderr).to.equal('')
    const file = readFileSync(join(home.state, 'oauth-sessions', 'tokens.json'), 'utf8')
    expect(file).to.include('"ciphertext"')
    expect(file).not.to.include(token.stdout.trim())
    expect(status.stdout).to.match(/^ci\tclient_credentials\tvalid until /)
  })

  it('holds no secret in a failing --trace --json run (the provider refuses the client)', async () => {
    await using sandbox = await startSandbox()
    const secret = 'cli-sweep-Zq8v1Lr3-secret'
    await addProfile(`${sandbox.oauth2.tokenUrl}?error=invalid_client`)

    const traced = await home.run(['login', 'ci', '--trace'], { CLI_SPEC_SECRET: secret })
    const json = await home.run(['token', 'ci', '--json', '--trace'], { CLI_SPEC_SECRET: secret })

    expect(traced.code).to.equal(1)
    expect(traced.stderr).to.match(/^oauth-sessions: .*invalid_client/m)
    expect(traced.stderr).to.match(/\n\s+at /) // the stack, with --trace only
    expect(json.code).to.equal(1)
    // JSON lines (the trace, then the error), then the stack that --trace adds.
    const lines = json.stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line))
    expect(lines.find((line) => 'error' in line).error).to.include({ exitCode: 1 })
    expect(lines[0].trace).to.match(/^POST .* -> 4\d\d /) // the refused token request, traced as JSON
    expectNoSecret(traced, secret)
    expectNoSecret(json, secret)
  })

  it('causes exactly one grant for eight concurrent token runs on an expired token', async () => {
    await using sandbox = await startSandbox()
    await addProfile(sandbox.oauth2.tokenUrl)
    await home.run(['login', 'ci'], SECRET_ENV) // creates the state folder, and shows the warning
    const store = new FileTokenStore(join(home.state, 'oauth-sessions', 'tokens.json'))
    await store.set('ci', { access_token: 'expired-token', token_type: 'Bearer', expires_at: Date.now() / 1000 - 60 })
    const before = await issued(sandbox.oauth2.statsUrl)

    const runs = await Promise.allSettled(Array.from({ length: 8 }, () => home.run(['token', 'ci'], SECRET_ENV, 45_000)))

    const results = runs.map((run) => {
      if (run.status === 'rejected') throw run.reason
      return run.value
    })
    for (const result of results) expect(result.code, result.stderr).to.equal(0)
    const tokens = new Set(results.map((result) => result.stdout))
    expect(tokens.size).to.equal(1)
    expect([...tokens][0]).not.to.include('expired-token')
    expect(await issued(sandbox.oauth2.statsUrl)).to.equal(before + 1)
  })
})

describe('oauth-sessions errors and exit codes', function () {
  this.timeout(30_000)
  const home = cliHomeEachSpec()

  it("exits 64 on a usage error (an unknown option, a missing argument), with commander's message", async () => {
    const unknown = await home.run(['token', 'ci', '--bogus'])
    const missing = await home.run(['token'])

    expect(unknown.code).to.equal(64)
    expect(unknown.stderr).to.include("unknown option '--bogus'")
    expect(missing.code).to.equal(64)
    expect(missing.stderr).to.include("missing required argument 'profile'")
  })

  it('exits 1 naming a missing profile, in one line and without a stack', async () => {
    const result = await home.run(['token', 'nope'])

    expect(result.code).to.equal(1)
    expect(result.stderr).to.match(/^oauth-sessions: No profile named "nope" in .*config\.json\..*profile add nope/)
    expect(result.stderr.trim().split('\n')).to.have.length(1)
    expect(result.stdout).to.equal('')
  })

  it('exits 2 when a device or code profile has no token stored', async () => {
    await home.run(['profile', 'add', 'dev', '--flow', 'device', '--issuer', 'https://idp.example', '--client-id', 'c'])
    await home.run(['profile', 'add', 'web', '--flow', 'code', '--issuer', 'https://idp.example', '--client-id', 'c'])

    const device = await home.run(['token', 'dev'])
    const code = await home.run(['token', 'web', '--json'])

    expect(device.code).to.equal(2)
    expect(device.stderr).to.include('a person must log in. Run `oauth-sessions login dev`')
    expect(device.stdout).to.equal('')
    expect(code.code).to.equal(2)
    expect(JSON.parse(code.stderr).error).to.include({ code: 'ERR_LOGIN_REQUIRED', exitCode: 2 })
  })

  it('refuses an inline client secret with exit 64, never echoing it, and writes no profile', async () => {
    const result = await home.run(['profile', 'add', 'ci', '--flow', 'client_credentials', '--client-id', 'c', '--client-secret', 'inline-Hx81-secret'])
    const list = await home.run(['profile', 'list', '--json'])

    expect(result.code).to.equal(64)
    expect(result.stderr).to.include('--client-secret is refused').and.include('--client-secret-env')
    expectNoSecret(result, 'inline-Hx81-secret')
    expect(JSON.parse(list.stdout).profiles).to.deep.equal([])
  })

  it('refuses a hostile config file with exit 1, naming the field', async () => {
    const { mkdirSync, writeFileSync } = await import('node:fs')
    mkdirSync(join(home.config, 'oauth-sessions'), { recursive: true })
    const file = join(home.config, 'oauth-sessions', 'config.json')
    const cases: [unknown, RegExp][] = [
      ['{ not json', /is not valid JSON/],
      [
        { version: 1, profiles: { ci: { flow: 'client_credentials', clientId: 'c', clientSecret: 'inline-Qp2-secret', tokenUrl: 'https://x/t' } } },
        /profiles\.ci\.clientSecret.*never kept in the config file/,
      ],
      [{ version: 1, profiles: { ci: { flow: 'telepathy' } } }, /profiles\.ci\.flow/],
      [{ version: 1, profiles: { ci: { flow: 'client_credentials', clientId: 'c', clientSecretEnv: 'S' } } }, /profiles\.ci\.tokenUrl/],
      [{ version: 1, profiles: { ci: { flow: 'code', clientId: 'c', issuer: 'javascript:alert(1)' } } }, /profiles\.ci\.issuer/],
      [{ version: 1, profiles: [] }, /profiles/],
    ]
    for (const [content, message] of cases) {
      writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content))

      const result = await home.run(['profile', 'list'])

      expect(result.code, String(content)).to.equal(1)
      expect(result.stderr).to.match(message)
      expect(result.stderr).not.to.include('inline-Qp2-secret')
      expect(result.stderr).not.to.match(/\n\s+at /)
    }
  })
})
