import { expect } from 'chai'
import { execFile, execFileSync } from 'node:child_process'
import { chmodSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { ConfigurationError, JsonTokenFileCache } from '../../../lib/index.js'
import { configurationError } from '../../support/expect-configuration-error.js'

const root = fileURLToPath(new URL('../../../', import.meta.url))

describe('JsonTokenFileCache and a file it did not write', () => {
  let folder = ''
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'oauth-sessions-trust-'))
  })
  afterEach(() => rmSync(folder, { recursive: true, force: true }))

  it('refuses a symbolic link, naming the path', () => {
    const target = join(folder, 'elsewhere.json')
    writeFileSync(target, '{}', { mode: 0o600 })
    const path = join(folder, 'tokens.json')
    symlinkSync(target, path)

    expect(() => new JsonTokenFileCache(path)).to.throw(ConfigurationError, 'symbolic link')
  })

  it('refuses a file other users may write', () => {
    const path = join(folder, 'tokens.json')
    writeFileSync(path, JSON.stringify({ k: ['planted', 9_999_999_999] }))
    chmodSync(path, 0o666)

    expect(() => new JsonTokenFileCache(path)).to.throw(ConfigurationError, 'writable by other users')
  })

  it('uses its own 0600 file, and keeps it 0600', async () => {
    const path = join(folder, 'tokens.json')
    writeFileSync(path, JSON.stringify({ k: ['mine', 9_999_999_999] }), { mode: 0o600 })

    const cache = new JsonTokenFileCache(path)
    await cache.addToken('other', { token: 'more', expiresIn: 60 })

    expect(statSync(path).mode & 0o777).to.equal(0o600)
  })

  it('refuses a FIFO planted as the cache file without blocking, naming the path', async () => {
    const path = join(folder, 'tokens.json')
    execFileSync('mkfifo', ['-m', '600', path])
    // Opening a FIFO for reading blocks the whole process until a writer comes: the cache is built
    // in a child process, so a blocked open fails this spec (killed at the timeout) instead of hanging it.
    const script = `
      import { JsonTokenFileCache } from './lib/index.js'
      try { new JsonTokenFileCache(${JSON.stringify(path)}); console.log('loaded') }
      catch (error) { console.log(error.name, error.option, error.message) }`

    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, timeout: 8_000 })

    expect(stdout).to.include('ConfigurationError path').and.include(path).and.include('not a regular file')
  })

  it('tightens its own file that others may read to 0600 when it loads it', () => {
    const path = join(folder, 'tokens.json')
    writeFileSync(path, JSON.stringify({ k: ['mine', 9_999_999_999] }))
    chmodSync(path, 0o644)

    const cache = new JsonTokenFileCache(path)

    expect(statSync(path).mode & 0o777).to.equal(0o600)
    expect(cache.path).to.equal(path)
  })

  for (const [label, path] of [
    ['a number', 5],
    ['an empty string', ''],
    ['undefined', undefined],
  ] as const) {
    it(`refuses ${label} as the path with a ConfigurationError naming path`, () => {
      const error = configurationError(() => new JsonTokenFileCache(path as unknown as string))

      expect(error.option).to.equal('path')
      expect(error.message).to.include('file path')
    })
  }
})
