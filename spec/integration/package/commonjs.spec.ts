import { expect } from 'chai'
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)
const root = fileURLToPath(new URL('../../..', import.meta.url))

describe('the built package from CommonJS', () => {
  before(function () {
    if (!existsSync(`${root}/dist/index.js`)) throw new Error('dist/ is missing: run `npm run build` (npm test does it first)')
  })

  it('can be required by name, with its subpath exports, on this Node', async () => {
    const script = `
      const main = require('oauth-sessions')
      const testing = require('oauth-sessions/testing')
      const compliance = require('oauth-sessions/compliance')
      console.log(JSON.stringify({
        session: typeof main.Session,
        basic: typeof main.HTTPBasicAuth,
        error: new main.ConfigurationError('x', 'y') instanceof main.OAuthSessionsError,
        sandbox: typeof testing.startSandbox,
        hooks: compliance.COMPLIANCE_HOOK_TYPES.length,
      }))`

    const { stdout } = await run(process.execPath, ['-e', script], { cwd: root, env: { ...process.env, NODE_OPTIONS: '' }, timeout: 8_000 })

    expect(JSON.parse(stdout)).to.deep.equal({ session: 'function', basic: 'function', error: true, sandbox: 'function', hooks: 5 })
  })

  it('makes a real request from CommonJS against the sandbox', async () => {
    const script = `
      const { Session } = require('oauth-sessions')
      const { startSandbox } = require('oauth-sessions/testing')
      ;(async () => {
        const sandbox = await startSandbox()
        const session = new Session({ baseUrl: sandbox.url })
        const response = await session.get('/get', { params: { from: 'cjs' } })
        console.log(JSON.stringify(response.json().args))
        await session.close()
        await sandbox.close()
      })().catch((error) => { console.error(error); process.exit(1) })`

    const { stdout } = await run(process.execPath, ['-e', script], { cwd: root, env: { ...process.env, NODE_OPTIONS: '' }, timeout: 8_000 })

    expect(JSON.parse(stdout)).to.deep.equal({ from: 'cjs' })
  })
})
