import { expect } from 'chai'
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import {
  ConfigurationError,
  InvalidClientError,
  JsonTokenFileCache,
  OAuth2ClientCredentials,
  OAuth2ResourceOwnerPasswordCredentials,
  Session,
  setTokenCache,
  TokenMemoryCache,
} from '../../../lib/index.js'
import { startSandbox, type Sandbox } from '../../../lib/testing/index.js'

const root = fileURLToPath(new URL('../../..', import.meta.url))

describe('requests-auth token strategies against the sandbox', () => {
  let sandbox: Sandbox
  let session: Session
  before(async () => {
    sandbox = await startSandbox()
  })
  after(async () => {
    setTokenCache(new TokenMemoryCache())
    await sandbox.close()
  })
  beforeEach(() => {
    setTokenCache(new TokenMemoryCache())
    session = new Session()
  })
  afterEach(() => session.close())

  it('gets a client-credentials token once, caches it for later requests, and sends Bearer', async () => {
    const auth = new OAuth2ClientCredentials(sandbox.oauth2.tokenUrl, sandbox.oauth2.clientId, sandbox.oauth2.clientSecret, { audience: 'api://orders' })

    const answers = await Promise.all([1, 2, 3].map(() => session.get(`${sandbox.oauth2.baseUrl}me`, { auth })))
    const tokens = new Set(answers.map((answer) => answer.request.headers.get('authorization')))

    expect(answers.map((answer) => answer.status)).to.deep.equal([200, 200, 200])
    expect(tokens.size).to.equal(1)
    expect(answers[0]?.json()).to.include({ user: sandbox.oauth2.clientId, audience: 'api://orders' })
  })

  it('renews a token that expires within earlyExpiry', async () => {
    const auth = new OAuth2ClientCredentials(`${sandbox.oauth2.tokenUrl}?expires_in=20`, sandbox.oauth2.clientId, sandbox.oauth2.clientSecret, {
      earlyExpiry: 30,
    })

    const first = await session.get(`${sandbox.oauth2.baseUrl}me`, { auth })
    const second = await session.get(`${sandbox.oauth2.baseUrl}me`, { auth })

    expect(first.request.headers.get('authorization')).to.not.equal(second.request.headers.get('authorization'))
  })

  it('gets a password-grant token with a custom header format', async () => {
    const auth = new OAuth2ResourceOwnerPasswordCredentials(sandbox.oauth2.tokenUrl, sandbox.oauth2.username, sandbox.oauth2.password, {
      clientId: sandbox.oauth2.clientId,
      clientSecret: sandbox.oauth2.clientSecret,
      headerValue: 'Bearer {token}',
    })

    const me = await session.get(`${sandbox.oauth2.baseUrl}me`, { auth })

    expect(me.json()).to.include({ user: sandbox.oauth2.username })
  })

  it('turns a refused client into InvalidClientError, and refuses a header value without {token}', async () => {
    const wrong = new OAuth2ClientCredentials(sandbox.oauth2.tokenUrl, sandbox.oauth2.clientId, 'wrong-secret')

    const error = await session.get(`${sandbox.oauth2.baseUrl}me`, { auth: wrong }).catch((e: unknown) => e)

    expect(error).to.be.instanceOf(InvalidClientError).and.include({ status: 401 })
    expect(() => new OAuth2ClientCredentials(sandbox.oauth2.tokenUrl, 'id', 'secret', { headerValue: 'Bearer' })).to.throw(ConfigurationError, '{token}')
  })

  it('keeps tokens in a JSON file (mode 0600) that a second process reads', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'oauth-sessions-cache-'))
    const file = join(folder, 'tokens.json')
    try {
      setTokenCache(new JsonTokenFileCache(file))
      const auth = new OAuth2ClientCredentials(sandbox.oauth2.tokenUrl, sandbox.oauth2.clientId, sandbox.oauth2.clientSecret)
      const sent = (await session.get(`${sandbox.oauth2.baseUrl}me`, { auth })).request.headers.get('authorization')
      const script = `
        import { JsonTokenFileCache } from './lib/index.js'
        const cache = new JsonTokenFileCache(${JSON.stringify(file)})
        const token = await cache.getToken(${JSON.stringify(auth.state)}, 30, async () => { throw new Error('should come from the file') })
        console.log(token)`

      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, timeout: 8_000 })

      expect(`Bearer ${stdout.trim()}`).to.equal(sent)
      expect(statSync(file).mode & 0o777).to.equal(0o600)
    } finally {
      rmSync(folder, { recursive: true, force: true })
    }
  })

  it('never fails a request for a cache file it cannot write: it warns and keeps the token in memory', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'oauth-sessions-cache-'))
    const file = join(folder, 'tokens.json')
    const warnings: string[] = []
    const onWarning = (warning: Error): void => {
      warnings.push(warning.message)
    }
    process.on('warning', onWarning)
    try {
      mkdirSync(file) // a directory where the file should be: it can be neither read nor replaced
      setTokenCache(new JsonTokenFileCache(file))
      const auth = new OAuth2ClientCredentials(sandbox.oauth2.tokenUrl, sandbox.oauth2.clientId, sandbox.oauth2.clientSecret)

      const first = await session.get(`${sandbox.oauth2.baseUrl}me`, { auth })
      const second = await session.get(`${sandbox.oauth2.baseUrl}me`, { auth })
      await new Promise((resolve) => setImmediate(resolve))

      expect([first.status, second.status]).to.deep.equal([200, 200])
      expect(second.request.headers.get('authorization')).to.equal(first.request.headers.get('authorization'))
      expect(warnings.join(' ')).to.include('could not be written').and.include('tokens are kept in memory only')
    } finally {
      process.off('warning', onWarning)
      rmSync(folder, { recursive: true, force: true })
    }
  })

  it('reports a corrupt cache file and replaces it instead of failing', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'oauth-sessions-cache-'))
    const file = join(folder, 'tokens.json')
    const warnings: string[] = []
    const onWarning = (warning: Error): void => {
      warnings.push(warning.message)
    }
    process.on('warning', onWarning)
    try {
      writeFileSync(file, '{not json')
      setTokenCache(new JsonTokenFileCache(file))
      const auth = new OAuth2ClientCredentials(sandbox.oauth2.tokenUrl, sandbox.oauth2.clientId, sandbox.oauth2.clientSecret)

      const me = await session.get(`${sandbox.oauth2.baseUrl}me`, { auth })
      await new Promise((resolve) => setImmediate(resolve))

      expect(me.status).to.equal(200)
      expect(warnings.join(' ')).to.include('corrupt')
      expect(Object.keys(JSON.parse(readFileSync(file, 'utf8')) as object)).to.deep.equal([auth.state])
    } finally {
      process.off('warning', onWarning)
      rmSync(folder, { recursive: true, force: true })
    }
  })
})
