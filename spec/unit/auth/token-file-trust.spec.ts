import { expect } from 'chai'
import { chmodSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ConfigurationError, JsonTokenFileCache } from '../../../lib/index.js'

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

  it('uses its own 0600 file, and keeps it 0600', () => {
    const path = join(folder, 'tokens.json')
    writeFileSync(path, JSON.stringify({ k: ['mine', 9_999_999_999] }), { mode: 0o600 })

    const cache = new JsonTokenFileCache(path)
    cache.addToken('other', { token: 'more', expiresIn: 60 })

    expect(statSync(path).mode & 0o777).to.equal(0o600)
  })
})
