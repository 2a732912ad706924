import { expect } from 'chai'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, utimesSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { FileTokenStore, JsonTokenFileCache, TokenStoreUnavailableError } from '../../../lib/index.js'

const root = fileURLToPath(new URL('../../../', import.meta.url))

// Another process that finds this one's lock stale (this one was paused, or its disk was slow, for
// longer than staleLockMs) takes the lock over, writes the file, and exits (its lock goes with it).
const TAKE_OVER = `
const { lockSync } = require('proper-lockfile')
const { writeFileSync } = require('node:fs')
const [path, text] = process.argv.slice(1)
const release = lockSync(path, { stale: 2000, realpath: false })
writeFileSync(path, text, { mode: 0o600 })
release()
`

/** A store whose next read, made under its lock, is where it stalls and a peer takes the lock over. */
function stalling<T extends typeof FileTokenStore>(Base: T, peerText: string) {
  return class extends (Base as typeof FileTokenStore) {
    stall = false
    protected override readContents() {
      const data = super.readContents()
      if (this.stall) {
        this.stall = false
        const old = new Date(Date.now() - 60_000)
        utimesSync(`${this.path}.lock`, old, old)
        execFileSync(process.execPath, ['-e', TAKE_OVER, this.path, peerText], { cwd: root })
      }
      return data
    }
  }
}

describe('a file store whose lock was taken over while it held it', () => {
  let folder = ''
  let path = ''
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'oauth-sessions-lock-takeover-'))
    path = join(folder, 'tokens.json')
  })
  afterEach(() => rmSync(folder, { recursive: true, force: true }))

  const cases = [
    {
      Base: FileTokenStore,
      peer: JSON.stringify({ tokens: { peer: { token: { access_token: 'peer' }, version: 1, updatedAt: 1 } }, retired: {}, leases: {} }),
    },
    { Base: JsonTokenFileCache, peer: JSON.stringify({ peer: ['peer', 2_000_000_000, null] }) },
  ]
  for (const { Base, peer } of cases) {
    it(`${Base.name}: writes nothing over the peer's write and fails typed`, async () => {
      const Stalling = stalling(Base, peer)
      const store = new Stalling(path, { staleLockMs: 2000 })
      await store.set('mine', { access_token: 'before', expires_at: 2_000_000_000 })
      store.stall = true

      let error: unknown
      try {
        await store.set('mine', { access_token: 'after', expires_at: 2_000_000_000 }, { ifVersion: 1 })
      } catch (caught) {
        error = caught
      }

      expect(error).to.be.instanceOf(TokenStoreUnavailableError)
      expect((error as Error).message).to.include('taken over')
      // The peer's write is kept: the old code renamed its own copy of the file over it.
      expect((await new Base(path).get('peer'))?.token.access_token).to.equal('peer')
    })
  }
})
