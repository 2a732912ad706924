import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect } from 'chai'
import { FileTokenStore } from '../../../lib/index.js'
import { type Sandbox, startSandbox } from '../../../lib/testing/index.js'
import { cliHomeEachSpec, oauth1ProfileFlags } from '../../support/cli-process.js'

// The built command's `request`, `logout` and `explain` (#19) against the sandbox: a
// client-credentials profile for OAuth 2, an oauth1 profile with a stored token for explain.

describe('oauth-sessions request, logout and explain', function () {
  this.timeout(60_000)
  const home = cliHomeEachSpec()

  async function sandboxProfile(extra: (sandbox: Sandbox) => string[] = () => []) {
    const sandbox = await startSandbox()
    const env = { CLI_SPEC_SECRET: sandbox.oauth2.clientSecret }
    const added = await home.run([
      'profile',
      'add',
      'ci',
      '--flow',
      'client_credentials',
      '--token-url',
      sandbox.oauth2.tokenUrl,
      '--client-id',
      sandbox.oauth2.clientId,
      '--client-secret-env',
      'CLI_SPEC_SECRET',
      ...extra(sandbox),
    ])
    expect(added.code, added.stderr).to.equal(0)
    return { sandbox, env }
  }

  it('sends GET with headers and query items, the bearer token from the store, and prints raw JSON when stdout is not a terminal', async () => {
    const { sandbox, env } = await sandboxProfile()
    await using _sandbox = sandbox

    const result = await home.run(
      ['request', 'ci', `${sandbox.url}/anything`, '-H', 'X-Trace: abc', '-H', 'Accept: application/json', '--query', 'page=2'],
      env,
    )
    const token = await home.run(['token', 'ci'], env)

    expect(result.code, result.stderr).to.equal(0)
    expect(result.stdout).not.to.include('\n  ') // raw, not pretty-printed
    const echo = JSON.parse(result.stdout)
    expect(echo).to.deep.include({ method: 'GET', args: { page: '2' } })
    expect(echo.headers).to.include({ 'x-trace': 'abc', accept: 'application/json', authorization: `Bearer ${token.stdout.trim()}` })
  })

  it('sends POST bodies: JSON (-j), form fields (--form) and raw form data (-d)', async () => {
    const { sandbox, env } = await sandboxProfile()
    await using _sandbox = sandbox

    const json = await home.run(['request', 'ci', 'POST', `${sandbox.url}/anything`, '-j', '{"name":"x","n":1}'], env)
    const form = await home.run(['request', 'ci', 'PUT', `${sandbox.url}/anything`, '--form', 'a=1', '--form', 'b=two words'], env)
    const data = await home.run(['request', 'ci', `${sandbox.url}/anything`, '-d', 'c=3&d=4'], env)
    const bad = await home.run(['request', 'ci', 'POST', `${sandbox.url}/anything`, '-j', '{nope'], env)

    expect(JSON.parse(json.stdout)).to.deep.include({ method: 'POST', json: { name: 'x', n: 1 } })
    expect(JSON.parse(json.stdout).headers['content-type']).to.equal('application/json')
    expect(JSON.parse(form.stdout)).to.deep.include({ method: 'PUT', form: { a: '1', b: 'two words' } })
    expect(JSON.parse(data.stdout)).to.deep.include({ method: 'POST', form: { c: '3', d: '4' } })
    expect(bad.code).to.equal(64)
    expect(bad.stderr).to.include('not valid JSON')
  })

  it("takes curl's --json <data> after `request` as the JSON body (Accept: application/json unless -H says otherwise), while other subcommands keep their --json flag", async () => {
    const { sandbox, env } = await sandboxProfile()
    await using _sandbox = sandbox

    const json = await home.run(['request', 'ci', 'POST', `${sandbox.url}/anything`, '--json', '{"name":"x"}'], env)
    const accept = await home.run(['request', 'ci', `${sandbox.url}/anything`, '--json', '[1]', '-H', 'Accept: text/plain'], env)
    const missing = await home.run(['request', 'ci', 'POST', `${sandbox.url}/anything`, '--json'], env)
    const status = await home.run(['status', 'ci', '--json'], env)

    expect(json.code, json.stderr).to.equal(0)
    const echo = JSON.parse(json.stdout)
    expect(echo).to.deep.include({ method: 'POST', json: { name: 'x' } })
    expect(echo.headers).to.include({ 'content-type': 'application/json', accept: 'application/json' })
    expect(JSON.parse(accept.stdout)).to.deep.include({ method: 'POST', json: [1] })
    expect(JSON.parse(accept.stdout).headers.accept).to.equal('text/plain')
    expect(missing.code).to.equal(64)
    expect(missing.stderr).to.include("option '-j, --json <data>' argument missing")
    expect(JSON.parse(status.stdout).profiles[0]).to.include({ name: 'ci' })
  })

  it('writes the body to -o, prints the status line and headers with --include, and colours JSON only with FORCE_COLOR and without NO_COLOR', async () => {
    const { sandbox, env } = await sandboxProfile()
    await using _sandbox = sandbox
    const file = join(home.state, 'out.json')
    mkdirSync(home.state, { recursive: true })

    const saved = await home.run(['request', 'ci', `${sandbox.oauth2.baseUrl}me`, '-o', file, '--include'], env)
    const coloured = await home.run(['request', 'ci', `${sandbox.oauth2.baseUrl}me`], { ...env, FORCE_COLOR: '1' })
    const plain = await home.run(['request', 'ci', `${sandbox.oauth2.baseUrl}me`], { ...env, FORCE_COLOR: '1', NO_COLOR: '1' })

    expect(saved.code, saved.stderr).to.equal(0)
    expect(saved.stdout).to.match(/^HTTP\/1\.1 200 OK\n(.+: .+\n)+\n$/)
    expect(saved.stdout).to.match(/^content-type: application\/json/m)
    expect(JSON.parse(readFileSync(file, 'utf8'))).to.include({ path: 'me', user: sandbox.oauth2.clientId })
    expect(coloured.stdout).to.include('\u001b[')
    expect(coloured.stdout).to.include('\n  ')
    expect(plain.stdout).not.to.include('\u001b[')
    expect(JSON.parse(plain.stdout)).to.include({ path: 'me' })
    expect(plain.stdout).to.include('\n  "path": "me"')
  })

  it('exits 1 for a 404 answer, with its body on stdout and one line on stderr', async () => {
    const { sandbox, env } = await sandboxProfile()
    await using _sandbox = sandbox

    const result = await home.run(['request', 'ci', `${sandbox.oauth2.baseUrl.replace('/api/', '/')}nowhere`], env)

    expect(result.code).to.equal(1)
    expect(JSON.parse(result.stdout)).to.include({ error: 'not_found' })
    expect(result.stderr).to.match(/answered 404 Not Found\.\n$/)
  })

  it('ends a text body without a final newline with one on a terminal (FORCE_COLOR), and writes it as it is otherwise', async () => {
    const { sandbox, env } = await sandboxProfile()
    await using _sandbox = sandbox

    const raw = await home.run(['request', 'ci', `${sandbox.url}/status/404`], env)
    const terminal = await home.run(['request', 'ci', `${sandbox.url}/status/404`], { ...env, FORCE_COLOR: '1' })

    expect(raw.stdout).to.equal('status 404') // the sandbox's text body, without a final newline
    expect(terminal.stdout).to.equal('status 404\n')
  })

  it('logout revokes the token (introspection says inactive) and forgets it; `token` then grants a new one', async () => {
    const { sandbox, env } = await sandboxProfile((started) => ['--revocation-url', started.oauth2.revocationUrl])
    await using _sandbox = sandbox
    const token = (await home.run(['token', 'ci'], env)).stdout.trim()

    const loggedOut = await home.run(['logout', 'ci'], env)
    const status = await home.run(['status', 'ci', '--json'], env)
    const introspection = await fetch(sandbox.oauth2.introspectionUrl, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${sandbox.oauth2.clientId}:${sandbox.oauth2.clientSecret}`).toString('base64')}` },
      body: new URLSearchParams({ token }),
    })
    const again = await home.run(['token', 'ci'], env)

    expect(loggedOut.code, loggedOut.stderr).to.equal(0)
    expect(loggedOut.stdout).to.include('revoked at the provider and forgotten')
    expect(JSON.parse(status.stdout).profiles[0]).to.include({ stored: false })
    expect(await introspection.json()).to.include({ active: false })
    expect(again.code).to.equal(0)
    expect(again.stdout).to.match(/^\S+\n$/)
    expect(again.stdout.trim()).not.to.equal(token)
    expect(loggedOut.stdout + loggedOut.stderr).not.to.include(token)
  })

  it('logout without a revocation endpoint only forgets, and says so on stderr', async () => {
    const { sandbox, env } = await sandboxProfile()
    await using _sandbox = sandbox
    await home.run(['login', 'ci'], env)

    const loggedOut = await home.run(['logout', 'ci'], env)
    const status = await home.run(['status', 'ci', '--json'], env)

    expect(loggedOut.code, loggedOut.stderr).to.equal(0)
    expect(loggedOut.stderr).to.include('has no revocation endpoint').and.include('stays valid at the provider')
    expect(JSON.parse(status.stdout).profiles[0]).to.include({ stored: false })
  })

  it('explain prints the normalised parameters, the base string and the key shape of an OAuth 1 signature, never a secret', async () => {
    await using sandbox = await startSandbox()
    const consumerSecret = 'explain-consumer-Rt5-secret'
    const tokenSecret = 'explain-token-Wq9-secret'
    const added = await home.run(['profile', 'add', 'tw', ...oauth1ProfileFlags(sandbox.oauth1, 'explain-key', 'TW_SECRET')])
    expect(added.code, added.stderr).to.equal(0)
    mkdirSync(join(home.state, 'oauth-sessions'), { recursive: true })
    const store = new FileTokenStore(join(home.state, 'oauth-sessions', 'tokens.json'))
    await store.set('tw', { oauth_token: 'explain-token', oauth_token_secret: tokenSecret })

    const result = await home.run(['explain', 'tw', 'GET', `${sandbox.oauth1.baseUrl}timeline?count=5`, '--query', 'b=two words'], {
      TW_SECRET: consumerSecret,
    })
    const wrongFlow = await (async () => {
      await home.run(['profile', 'add', 'ci', '--flow', 'device', '--issuer', 'https://idp.example', '--client-id', 'c'])
      return home.run(['explain', 'ci', 'GET', 'https://api.example/'])
    })()

    expect(result.code, result.stderr).to.equal(0)
    expect(result.stdout).to.match(/^Signature base string: GET&http%3A%2F%2F127\.0\.0\.1%3A\d+%2Foauth1%2Fapi%2Ftimeline&.*count%3D5/m)
    expect(result.stdout).to.include('b%3Dtwo%2520words')
    expect(result.stdout).to.match(/^ {2}oauth_consumer_key=explain-key$/m)
    expect(result.stdout).to.include(`Signing key:           <consumer secret: ${consumerSecret.length} chars>&<token secret: ${tokenSecret.length} chars>`)
    expect(result.stdout + result.stderr)
      .not.to.include(consumerSecret)
      .and.not.to.include(tokenSecret)
    expect(result.stdout).not.to.include('oauth_signature=')
    expect(wrongFlow.code).to.equal(64)
  })
})
