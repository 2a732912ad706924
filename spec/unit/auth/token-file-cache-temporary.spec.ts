import { expect } from 'chai'
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { JsonTokenFileCache } from '../../../lib/index.js'

describe('JsonTokenFileCache when the file cannot be replaced', () => {
  it('leaves no temporary file holding the tokens next to the cache path', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'oauth-sessions-cache-'))
    const silence = (): void => {}
    process.on('warning', silence)
    try {
      // A directory where the file should be: the temporary file is written, the rename fails.
      mkdirSync(join(folder, 'tokens.json'))
      const cache = new JsonTokenFileCache(join(folder, 'tokens.json'))

      await cache.addToken('key-1', { token: 'tok-on-disk', expiresIn: 3600 })

      expect(readdirSync(folder)).to.deep.equal(['tokens.json'])
    } finally {
      process.off('warning', silence)
      rmSync(folder, { recursive: true, force: true })
    }
  })
})
