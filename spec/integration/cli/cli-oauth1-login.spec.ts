import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect } from 'chai'
import { FileTokenStore } from '../../../lib/index.js'
import { startSandbox } from '../../../lib/testing/index.js'
import { cliHomeEachSpec, type CliHome, type CliResult, oauth1ProfileFlags, startCli } from '../../support/cli-process.js'

// The built `oauth-sessions` command with an `oauth1` profile against the sandbox (#19): `login`
// with the PIN (oob) flow (the spec opens the printed URL, whose oob answer holds the verifier, and
// writes it to the command's stdin), then `request` signed with the stored token (the sandbox
// checks every HMAC-SHA1 signature), `explain` with it, `status` and `token` of an OAuth 1 token.

const CONSUMER_SECRET = 'cli-oauth1-Zx8-consumer-secret'
const SECRET_ENV = { TW_SECRET: CONSUMER_SECRET }

type Sandbox = Awaited<ReturnType<typeof startSandbox>>

async function addProfile(home: CliHome, sandbox: Sandbox): Promise<void> {
  const added = await home.run(['profile', 'add', 'tw', ...oauth1ProfileFlags(sandbox.oauth1, sandbox.oauth1.consumerKey, 'TW_SECRET')])
  expect(added.code, added.stderr).to.equal(0)
}

function tokenStore(home: CliHome): FileTokenStore {
  mkdirSync(join(home.state, 'oauth-sessions'), { recursive: true })
  return new FileTokenStore(join(home.state, 'oauth-sessions', 'tokens.json'))
}

/** `login tw --no-browser` (plus `extra`), the printed URL opened: its oob answer's verifier, and the run once `pin(verifier)` was written to stdin. */
async function logIn(home: CliHome, pin: (verifier: string) => string, extra: string[] = []): Promise<{ verifier: string; result: CliResult }> {
  await using login = startCli(home, ['login', 'tw', '--no-browser', ...extra], SECRET_ENV)
  const [, url = ''] = await login.waitFor(/^Open this page and enter the PIN it shows:\n {2}(\S+)$/m)
  const page = await fetch(url)
  expect(page.status).to.equal(200)
  const { oauth_verifier: verifier } = (await page.json()) as { oauth_verifier: string }
  login.stdin.end(pin(verifier))
  return { verifier, result: await login.exited }
}

describe('oauth-sessions with an oauth1 profile', function () {
  this.timeout(60_000)
  const home = cliHomeEachSpec()

  it('logs in with the PIN flow through stdin, then signs request (GET, and POST with --form) and explain with the stored token', async () => {
    await using sandbox = await startSandbox({ oauth1: { consumerSecret: CONSUMER_SECRET } })
    await addProfile(home, sandbox)

    const { verifier, result: loggedIn } = await logIn(home, (verifier) => `${verifier}\n`)
    const stored = (await tokenStore(home).get('tw'))?.token as Record<string, string> | undefined
    const get = await home.run(['request', 'tw', 'GET', `${sandbox.oauth1.baseUrl}timeline?count=5`], SECRET_ENV)
    const post = await home.run(['request', 'tw', 'POST', `${sandbox.oauth1.baseUrl}statuses`, '--form', 'status=hello world', '--form', 'n=1'], SECRET_ENV)
    const explained = await home.run(['explain', 'tw', 'GET', `${sandbox.oauth1.baseUrl}timeline`], SECRET_ENV)
    const json = await logIn(home, (verifier) => `  ${verifier}  \r\n`, ['--json'])

    expect(loggedIn.code, loggedIn.stderr).to.equal(0)
    expect(loggedIn.stdout).to.equal('Logged in: profile "tw", an OAuth 1 token (it does not expire).\n')
    expect(loggedIn.stderr).to.match(/oauth_token=\w+/) // the authorization URL, on stderr only
    expect(stored).to.include({ screen_name: 'sandbox_user', user_id: '42' })
    expect(stored?.oauth_token).to.match(/-access$/)
    const tokenSecret = stored?.oauth_token_secret ?? ''
    expect(tokenSecret).to.have.length(32)
    expect(get.code, get.stderr).to.equal(0)
    const answered = JSON.parse(get.stdout) as { method: string; placement: string; oauth: Record<string, string>; params: [string, string][] }
    expect(answered).to.deep.include({ method: 'GET', placement: 'header' })
    expect(answered.oauth).to.include({ oauth_token: stored?.oauth_token, oauth_signature_method: 'HMAC-SHA1', oauth_consumer_key: sandbox.oauth1.consumerKey })
    expect(answered.params).to.deep.include(['count', '5'])
    // The sandbox put the form fields into its base string: a signature without them would be refused (401, exit 1).
    expect(post.code, post.stderr).to.equal(0)
    const posted = JSON.parse(post.stdout) as { method: string; params: [string, string][]; body: string }
    expect(posted.method).to.equal('POST')
    expect(posted.body).to.equal('status=hello+world&n=1')
    expect(posted.params).to.deep.include.members([
      ['status', 'hello world'],
      ['n', '1'],
    ])
    expect(explained.code, explained.stderr).to.equal(0)
    expect(explained.stdout).to.include(`Signing key:           <consumer secret: ${CONSUMER_SECRET.length} chars>&<token secret: 32 chars>`)
    expect(explained.stdout).to.match(new RegExp(`^ {2}oauth_token=${stored?.oauth_token}$`, 'm'))
    // A second login (--json, the PIN with blanks around it) replaces the token; it prints no token either.
    expect(json.result.code, json.result.stderr).to.equal(0)
    expect(JSON.parse(json.result.stdout)).to.deep.equal({ profile: 'tw', token_type: 'oauth1' })
    const again = (await tokenStore(home).get('tw'))?.token as Record<string, string> | undefined
    expect(again?.oauth_token)
      .to.match(/-access$/)
      .and.not.equal(stored?.oauth_token)
    for (const result of [loggedIn, get, post, explained, json.result]) {
      const printed = result.stdout + result.stderr
      expect(printed).not.to.include(CONSUMER_SECRET).and.not.to.include(tokenSecret).and.not.to.include(again?.oauth_token_secret)
    }
    for (const result of [loggedIn, json.result]) {
      expect(result.stdout + result.stderr)
        .not.to.include(stored?.oauth_token)
        .and.not.to.include(again?.oauth_token)
    }
    expect(loggedIn.stdout + loggedIn.stderr).not.to.include(verifier)
    expect(json.result.stdout + json.result.stderr).not.to.include(json.verifier)
  })

  it('opens the authorization URL with $BROWSER, as the code flow does, and takes the PIN from stdin', async () => {
    await using sandbox = await startSandbox({ oauth1: { consumerSecret: CONSUMER_SECRET } })
    await addProfile(home, sandbox)
    // A "browser" that opens the page and writes down what it showed (the oob answer, with the verifier).
    const browser = join(home.config, 'browser.mjs')
    const shown = `${browser}.log`
    writeFileSync(browser, `import { writeFileSync } from 'node:fs'\nwriteFileSync(${JSON.stringify(shown)}, await (await fetch(process.argv[2])).text())\n`)

    await using login = startCli(home, ['login', 'tw'], { ...SECRET_ENV, BROWSER: `${process.execPath} ${browser}` })
    const [, url = ''] = await login.waitFor(/^Open this page and enter the PIN it shows:\n {2}(\S+)$/m)
    for (let waited = 0; !existsSync(shown) && waited < 10_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50))
    const page = JSON.parse(readFileSync(shown, 'utf8')) as { oauth_token: string; oauth_verifier: string }
    login.stdin.end(`${page.oauth_verifier}\n`)
    const loggedIn = await login.exited

    expect(new URL(url).searchParams.get('oauth_token')).to.equal(page.oauth_token)
    expect(loggedIn.code, loggedIn.stderr).to.equal(0)
    expect((await tokenStore(home).get('tw'))?.token).to.include({ screen_name: 'sandbox_user' })
    expect(loggedIn.stdout + loggedIn.stderr).not.to.include(page.oauth_verifier)
  })

  it('refuses a wrong PIN with the typed error (exit 1, nothing stored, the PIN never printed), and an empty stdin at once', async () => {
    await using sandbox = await startSandbox({ oauth1: { consumerSecret: CONSUMER_SECRET } })
    await addProfile(home, sandbox)
    const wrongPin = 'wrong-Jh7-pin'

    const { result: wrong } = await logIn(home, () => `${wrongPin}\n`, ['--json'])
    const started = Date.now()
    const empty = await home.run(['login', 'tw', '--no-browser'], SECRET_ENV) // stdin is /dev/null: it ends at once
    await using blank = startCli(home, ['login', 'tw', '--no-browser', '--json'], SECRET_ENV)
    await blank.waitFor(/enter the PIN it shows/)
    blank.stdin.end('  \n')
    const blankLine = await blank.exited
    const took = Date.now() - started

    expect(wrong.code, wrong.stderr).to.equal(1)
    expect(JSON.parse(wrong.stderr.trim().split('\n').at(-1) as string).error).to.include({ code: 'ERR_TOKEN_REQUEST_DENIED', exitCode: 1 })
    expect(wrong.stderr).to.include('verifier_invalid')
    expect(wrong.stdout).to.equal('')
    expect(await tokenStore(home).get('tw')).to.equal(undefined)
    expect(empty.code).to.equal(1)
    expect(empty.stderr).to.match(/Stdin ended before a PIN was read for profile "tw"\. Run `oauth-sessions login tw` again/)
    expect(JSON.parse(blankLine.stderr.trim().split('\n').at(-1) as string).error).to.include({ code: 'ERR_PIN_MISSING', exitCode: 1 })
    expect(took).to.be.below(10_000)
    for (const result of [wrong, empty, blankLine]) {
      expect(result.stdout + result.stderr)
        .not.to.include(wrongPin)
        .and.not.to.include(CONSUMER_SECRET)
    }
  })

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
