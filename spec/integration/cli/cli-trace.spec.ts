import { expect } from 'chai'
import { startSandbox } from '../../../lib/testing/index.js'
import { cliHomeEachSpec } from '../../support/cli-process.js'

// `--trace` (#19): every OAuth exchange of the run on stderr (method, URL, status, time), through
// the Session's own redacted exchange line; no secret, token or Authorization header.

const SECRET = 'sandbox-client-secret'

describe('oauth-sessions --trace', function () {
  this.timeout(60_000)
  const home = cliHomeEachSpec()

  it('token --trace shows the token request line and its status, and no secret or token', async () => {
    await using sandbox = await startSandbox()
    const env = { CLI_TRACE_SECRET: SECRET }
    const add = ['profile', 'add', 'ci', '--flow', 'client_credentials', '--token-url', sandbox.oauth2.tokenUrl, '--client-id', 'sandbox-client']
    await home.run([...add, '--client-secret-env', 'CLI_TRACE_SECRET', '--scope', 'read'])

    const traced = await home.run(['token', 'ci', '--trace'], env)
    const cached = await home.run(['token', 'ci', '--trace'], env)

    expect(traced.code, traced.stderr).to.equal(0)
    const token = traced.stdout.trim()
    expect(token).to.match(/^\S+$/)
    const lines = traced.stderr.split('\n').filter((line) => line.startsWith('oauth-sessions: trace: '))
    expect(lines).to.have.length(1)
    expect(lines[0]).to.match(new RegExp(`^oauth-sessions: trace: POST ${sandbox.oauth2.tokenUrl.replace(/[.?]/g, '\\$&')} -> 200 \\S.* \\(\\d+ ms\\)$`))
    // The cached token needs no exchange: nothing to trace, and the token alone on stdout.
    expect(cached.code, cached.stderr).to.equal(0)
    expect(cached.stdout.trim()).to.equal(token)
    expect(cached.stderr).not.to.include('trace:')
    const basic = Buffer.from(`sandbox-client:${SECRET}`).toString('base64')
    for (const output of [traced.stderr, cached.stderr]) {
      for (const secret of [SECRET, token, basic, encodeURIComponent(SECRET)]) expect(output).not.to.include(secret)
      expect(output.toLowerCase()).not.to.include('authorization:')
    }
  })
})
