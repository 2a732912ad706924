import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { expect } from 'chai'
import { FileTokenStore } from '../../../lib/index.js'
import { startSandbox } from '../../../lib/testing/index.js'
import { cliHomeEachSpec, type CliHome } from '../../support/cli-process.js'

// The built `oauth-sessions` command with an `oauth1` profile against the sandbox (#19): `status`
// and `token` of an OAuth 1 token.

const CONSUMER_SECRET = 'cli-oauth1-Zx8-consumer-secret'
const SECRET_ENV = { TW_SECRET: CONSUMER_SECRET }

type Sandbox = Awaited<ReturnType<typeof startSandbox>>

async function addProfile(home: CliHome, sandbox: Sandbox): Promise<void> {
  const added = await home.run([
    'profile',
    'add',
    'tw',
    '--flow',
    'oauth1',
    '--request-token-url',
    sandbox.oauth1.requestTokenUrl,
    '--authorize-url',
    sandbox.oauth1.authorizeUrl,
    '--access-token-url',
    sandbox.oauth1.accessTokenUrl,
    '--consumer-key',
    sandbox.oauth1.consumerKey,
    '--consumer-secret-env',
    'TW_SECRET',
  ])
  expect(added.code, added.stderr).to.equal(0)
}

function tokenStore(home: CliHome): FileTokenStore {
  mkdirSync(join(home.state, 'oauth-sessions'), { recursive: true })
  return new FileTokenStore(join(home.state, 'oauth-sessions', 'tokens.json'))
}

describe('oauth-sessions with an oauth1 profile', function () {
  this.timeout(60_000)
  const home = cliHomeEachSpec()

  it('status shows a stored OAuth 1 token as such; token is a usage error (no bearer token), with or without one', async () => {
    await using sandbox = await startSandbox({ oauth1: { consumerSecret: CONSUMER_SECRET } })
    await addProfile(home, sandbox)

    const before = await home.run(['token', 'tw'], SECRET_ENV)
    await tokenStore(home).set('tw', { oauth_token: 'seeded-token', oauth_token_secret: 'seeded-Kp3-token-secret', screen_name: 'someone' })
    const status = await home.run(['status', 'tw', '--json'], SECRET_ENV)
    const plain = await home.run(['status'], SECRET_ENV)
    const token = await home.run(['token', 'tw'], SECRET_ENV)

    expect(JSON.parse(status.stdout).profiles).to.deep.equal([
      { name: 'tw', flow: 'oauth1', stored: true, expired: false, token_type: 'oauth1', refreshable: false },
    ])
    expect(plain.stdout).to.equal('tw\toauth1\tOAuth 1 token stored (it does not expire)\n')
    for (const result of [before, token]) {
      expect(result.code, result.stderr).to.equal(64)
      expect(result.stdout).to.equal('')
      expect(result.stderr).to.match(/OAuth 1, which has no bearer token.*`oauth-sessions request tw .*`oauth-sessions explain tw /)
    }
    for (const result of [status, plain, token]) expect(result.stdout + result.stderr).not.to.include('seeded-Kp3-token-secret')
  })
})
