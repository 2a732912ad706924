import { expect } from 'chai'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { FileTokenStore } from '../../../lib/index.js'
import { loadedPackages } from '../../support/loaded-packages.js'

const root = fileURLToPath(new URL('../../..', import.meta.url))

/** Packages a feature loads when it is first used (#20): none of them belongs in a cold start. */
const LAZY = [
  'got',
  'htmlparser2',
  'http-proxy-agent',
  'https-proxy-agent',
  'agent-base',
  'jose',
  'redis',
  '@redis/client',
  'ioredis',
  '@inquirer/prompts',
  'nanospinner',
  'proper-lockfile',
  'oauth-sign',
]

/** Loaded by the first constructor or function that parses options (#20), not by a bare import. */
const ON_FIRST_PARSE = ['zod']

describe('what a cold start loads (the built package)', () => {
  before(function () {
    if (!existsSync(`${root}/dist/index.js`)) throw new Error('dist/ is missing: run `npm run build` (npm test does it first)')
  })

  it("import('oauth-sessions') loads none of the packages a feature needs only when it is used", async () => {
    const loaded = await loadedPackages(['--input-type=module', '-e', "await import('oauth-sessions')"], { cwd: root })

    expect(loaded, 'the hook saw the package load at all').to.include('tough-cookie')
    expect(LAZY.concat(ON_FIRST_PARSE, 'commander').filter((name) => loaded.has(name))).to.deep.equal([])
  })

  it("the first Session loads zod: its ES module, the one `import 'zod'` shares, not its CommonJS build", async () => {
    const script = `import { createRequire } from 'node:module'
      import { Session } from 'oauth-sessions'
      const zodFiles = () => Object.keys(createRequire(import.meta.url).cache).filter((file) => file.includes('/node_modules/zod/'))
      if (zodFiles().length > 0) process.exit(2)
      new Session({ timeout: 1000 })
      if (zodFiles().length === 0 || zodFiles().some((file) => file.endsWith('.cjs'))) process.exit(3)`
    const loaded = await loadedPackages(['--input-type=module', '-e', script], { cwd: root })

    expect([...loaded].filter((name) => ON_FIRST_PARSE.includes(name))).to.deep.equal(ON_FIRST_PARSE)
  })

  it('`oauth-sessions token <profile>` with a valid cached token loads none of them', async () => {
    const home = mkdtempSync(join(tmpdir(), 'oauth-sessions-lazy-'))
    try {
      const config = join(home, 'config')
      const state = join(home, 'state')
      mkdirSync(join(config, 'oauth-sessions'), { recursive: true })
      mkdirSync(join(state, 'oauth-sessions'), { recursive: true, mode: 0o700 })
      const profile = { flow: 'client_credentials', tokenUrl: 'https://idp.invalid/token', clientId: 'spec', clientSecretEnv: 'SPEC_SECRET' }
      writeFileSync(join(config, 'oauth-sessions', 'config.json'), JSON.stringify({ version: 1, profiles: { ci: profile } }), { mode: 0o600 })
      writeFileSync(join(state, 'oauth-sessions', 'plaintext-warning-shown'), '')
      const token = { access_token: 'spec-access-token', token_type: 'Bearer', expires_at: Math.floor(Date.now() / 1000) + 3600 }
      await new FileTokenStore(join(state, 'oauth-sessions', 'tokens.json')).set('ci', token)

      const loaded = await loadedPackages([join(root, 'dist/cli/main.js'), 'token', 'ci'], {
        cwd: home,
        env: { HOME: home, XDG_CONFIG_HOME: config, XDG_STATE_HOME: state },
      })

      expect(loaded, 'the command line is parsed by commander').to.include('commander')
      expect(LAZY.filter((name) => loaded.has(name))).to.deep.equal([])
    } finally {
      rmSync(home, { recursive: true, force: true })
    }
  })
})
