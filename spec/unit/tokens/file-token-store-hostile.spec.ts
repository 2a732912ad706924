import { expect } from 'chai'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ConfigurationError, FileTokenStore, JsonTokenFileCache } from '../../../lib/index.js'
import { configurationRejection } from '../../support/expect-configuration-error.js'

// The second review of #16: what a hostile or careless caller can do to a file store.
describe('FileTokenStore and JsonTokenFileCache, hostile callers', () => {
  let folder = ''
  let path = ''
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'oauth-sessions-file-hostile-'))
    path = join(folder, 'tokens.json')
  })
  afterEach(() => rmSync(folder, { recursive: true, force: true }))

  for (const Store of [FileTokenStore, JsonTokenFileCache]) {
    for (const ttl of [Number.NaN, Number.POSITIVE_INFINITY, -1, 0]) {
      it(`${Store.name}: a lease of ${ttl} ms is a ConfigurationError, and the file keeps its tokens`, async () => {
        const store = new Store(path)
        await store.set('kept', { access_token: 'a', expires_at: 2_000_000_000 })

        const error = await configurationRejection(() => store.lease('k', ttl))
        expect(error.option).to.equal('ttlMs')
        // A NaN or Infinity `until` was written as null: the next read took the whole file for corrupt and replaced it.
        expect((await new Store(path).get('kept'))?.token.access_token).to.equal('a')
      })
    }

    it(`${Store.name}: extend with a bad duration is a ConfigurationError, and the lease is still held`, async () => {
      const store = new Store(path)
      const lease = await store.lease('k', 10_000)
      expect(lease).to.not.equal(undefined)

      const error = await configurationRejection(() => lease?.extend(Number.NaN))
      expect(error).to.be.instanceOf(ConfigurationError)
      expect(await new Store(path).lease('k', 10_000)).to.equal(undefined)
      await lease?.release()
    })
  }
})
