import { expect } from 'chai'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { EncryptedTokenStore, JsonTokenFileCache } from '../../../lib/index.js'
import { configurationError, configurationRejection } from '../../support/expect-configuration-error.js'

describe('EncryptedTokenStore over a store that keeps only part of a token', () => {
  let folder = ''
  let path = ''
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'oauth-sessions-encrypted-lossy-'))
    path = join(folder, 'tokens.json')
  })
  afterEach(() => rmSync(folder, { recursive: true, force: true }))

  it('refuses a JsonTokenFileCache (requests-auth format: no room for the ciphertext) before any write', async () => {
    const error = configurationError(() => new EncryptedTokenStore(new JsonTokenFileCache(path), { key: randomBytes(32) }))
    expect(error.option).to.equal('inner')
    expect(error.message).to.include('FileTokenStore')
  })

  it('fails a write the inner store kept without its ciphertext, rather than reporting it stored', async () => {
    // A store of the user's that keeps only access_token, as requests-auth's format does.
    const kept = new Map<string, Record<string, unknown>>()
    const lossy = {
      get: async (key: string) => (kept.has(key) ? { token: { ...kept.get(key) }, version: 1, updatedAt: 1 } : undefined),
      set: async (key: string, token: Record<string, unknown>) => {
        kept.set(key, { access_token: String(token.access_token ?? '') })
        return { token: { ...kept.get(key) }, version: 1, updatedAt: 1 }
      },
      delete: async (key: string) => void kept.delete(key),
      lease: async () => undefined,
    }
    const store = new EncryptedTokenStore(lossy, { key: randomBytes(32) })

    const error = await configurationRejection(() => store.set('k', { access_token: 'a', refresh_token: 'r' }))
    expect(error.option).to.equal('inner')
    expect(error.message).to.not.include('"a"')
  })
})
