import { expect } from 'chai'
import { readFileSync } from 'node:fs'
import { EncryptedTokenStore, FileTokenStore, TokenDecryptionError } from '../../../lib/index.js'
import { tempTokenFileEachSpec } from '../../support/temp-token-file.js'

const ACCESS = 'file-access-3b9d0e'
const REFRESH = 'file-refresh-61c4af'
const KEY = 'q3Jz0vJ4r6YbVb1pWkq9Jm2b8Xr6cQ2kqf5uU1fJk2Y=' // a test key, as `openssl rand -base64 32` prints one

describe('EncryptedTokenStore over a FileTokenStore', () => {
  const files = tempTokenFileEachSpec('oauth-sessions-encrypted-')

  it('keeps no token text in the file, and a second store on the same file and key reads it back', async () => {
    const { path } = files
    const store = new EncryptedTokenStore(new FileTokenStore(path), { key: KEY })

    const written = await store.set('api', { access_token: ACCESS, refresh_token: REFRESH, token_type: 'Bearer' })
    const file = readFileSync(path, 'utf8')
    const other = new EncryptedTokenStore(new FileTokenStore(path), { key: KEY })

    expect(file).to.not.include(ACCESS).and.not.include(REFRESH).and.not.include(KEY)
    expect(file).to.match(/"ciphertext": ?"v1\./)
    expect(await other.get('api')).to.deep.equal(written)
    expect(JSON.parse(JSON.stringify(store))).to.deep.include({
      type: 'EncryptedTokenStore',
      inner: { type: 'FileTokenStore', path, count: 1, versions: { api: 1 } },
    })
  })

  it('shares compare-and-set and leases through the file, and a store with another key cannot read it', async () => {
    const { path } = files
    const one = new EncryptedTokenStore(new FileTokenStore(path), { key: KEY })
    const two = new EncryptedTokenStore(new FileTokenStore(path), { key: KEY })
    const first = await one.set('api', { access_token: ACCESS })

    const lease = await one.lease('api', 10_000)
    expect(await two.lease('api', 10_000)).to.equal(undefined)
    expect((await two.set('api', { access_token: 'b' }, { ifVersion: first?.version }))?.version).to.equal(2)
    expect(await one.set('api', { access_token: 'c' }, { ifVersion: first?.version })).to.equal(undefined)
    await lease?.release()

    const stranger = new EncryptedTokenStore(new FileTokenStore(path), { key: Buffer.alloc(32, 7) })
    const error = await stranger.get('api').catch((caught: unknown) => caught)
    expect(error).to.be.instanceOf(TokenDecryptionError).and.include({ reason: 'unknown_key', storeKey: 'api' })
    expect((await one.get('api'))?.token).to.deep.equal({ access_token: 'b' })
  })
})
