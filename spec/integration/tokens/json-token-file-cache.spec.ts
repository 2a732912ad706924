import { expect } from 'chai'
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ConfigurationError, JsonTokenFileCache, TokenStoreUnavailableError } from '../../../lib/index.js'
import { kill, startWorker, type Worker } from '../../support/token-store-worker.js'
import { tempTokenFileEachSpec } from '../../support/temp-token-file.js'
import { withWarnings } from '../../support/with-warnings.js'

const pythonFixture = new URL('../../fixtures/tokens/requests-auth-cache.json', import.meta.url)
const never = async (): Promise<never> => {
  throw new Error('the cache should have had the token')
}

describe('JsonTokenFileCache shared by processes', function () {
  this.timeout(30_000)
  const files = tempTokenFileEachSpec('oauth-sessions-json-cache-')

  it('keeps every key when two processes add different keys at once, round after round (3 × 2 × 30 tokens)', async () => {
    let a: Worker | undefined
    let b: Worker | undefined
    try {
      a = await startWorker(files.path, 'json')
      b = await startWorker(files.path, 'json')
      for (let round = 0; round < 3; round++)
        await Promise.all([a.ask({ op: 'addMany', prefix: `a${round}`, count: 30 }), b.ask({ op: 'addMany', prefix: `b${round}`, count: 30 })])

      const onDisk = JSON.parse(readFileSync(files.path, 'utf8')) as Record<string, unknown[]>
      const cache = new JsonTokenFileCache(files.path)
      const missing: string[] = []
      for (const prefix of ['a0', 'a1', 'a2', 'b0', 'b1', 'b2'])
        for (let i = 0; i < 30; i++) {
          const key = `${prefix}-${i}`
          if (onDisk[key]?.[0] !== `${prefix}${i}` || (await cache.getToken(key, 30, never)) !== `${prefix}${i}`) missing.push(key)
        }
      expect(missing).to.deep.equal([])
      expect(Object.keys(onDisk)).to.have.length(180)
      expect(statSync(files.path).mode & 0o777).to.equal(0o600)
      expect(statSync(`${files.path}.meta`).mode & 0o777).to.equal(0o600)
    } finally {
      kill(a)
      kill(b)
    }
  })

  it('lets exactly one of two processes win a compare-and-set on the same version', async () => {
    const cache = new JsonTokenFileCache(files.path)
    let a: Worker | undefined
    let b: Worker | undefined
    try {
      a = await startWorker(files.path, 'json')
      b = await startWorker(files.path, 'json')
      for (let round = 1; round <= 5; round++) {
        const results = await Promise.all([
          a.ask({ op: 'set', key: 'shared', value: `a${round}`, ifVersion: round - 1 }),
          b.ask({ op: 'set', key: 'shared', value: `b${round}`, ifVersion: round - 1 }),
        ])

        expect(
          results.filter((version) => version === round),
          `round ${round}`,
        ).to.have.length(1)
        expect(
          results.filter((version) => version === null),
          `round ${round}`,
        ).to.have.length(1)
        expect((await cache.get('shared'))?.version).to.equal(round)
      }
    } finally {
      kill(a)
      kill(b)
    }
  })
})

describe("JsonTokenFileCache and requests-auth's file", () => {
  const files = tempTokenFileEachSpec('oauth-sessions-json-cache-')

  it('reads a file written by Python (json.dump of (token, expiry, refresh_token or None) tuples)', async () => {
    copyFileSync(pythonFixture, files.path)
    chmodSync(files.path, 0o644) // Python's open(mode="w") under umask 022; the cache narrows it to 0600
    const cache = new JsonTokenFileCache(files.path)
    const keys = Object.keys(JSON.parse(readFileSync(pythonFixture, 'utf8')) as object)
    let offered: string | undefined

    const bearer = await cache.getToken(keys[0] ?? '', 30, never)
    const refreshable = await cache.get('refreshable')
    const renewed = await cache.getToken('expired', 30, async (refreshToken) => {
      offered = refreshToken
      return { token: 'renewed', expiresIn: 60, refreshToken: 'rt-rotated' }
    })

    expect(bearer).to.equal('2YotnFZFEjr1zCsicMWpAA')
    expect(refreshable?.token).to.deep.equal({ access_token: 'access-from-python', expires_at: 4102444800, refresh_token: 'tGzv3JOkF0XG5Qx2TlKWIA' })
    expect(refreshable?.version).to.equal(1)
    expect([offered, renewed]).to.deep.equal(['rt-from-python', 'renewed'])
    expect(statSync(files.path).mode & 0o777).to.equal(0o600)
  })

  it("writes exactly requests-auth's format: [token, expiry, refresh token or null] per key, nothing else, and no token in the sidecar", async () => {
    copyFileSync(pythonFixture, files.path)
    chmodSync(files.path, 0o600)
    const python = JSON.parse(readFileSync(pythonFixture, 'utf8')) as Record<string, unknown>
    const cache = new JsonTokenFileCache(files.path)

    await cache.addToken('with-refresh', { token: 'at-1', expiresAt: 2_000_000_000, refreshToken: 'rt-1' })
    await cache.addToken('plain', { token: 'at-2', expiresAt: 2_000_000_001.25 })
    await cache.set('whole', { access_token: 'at-3', token_type: 'Bearer', scope: ['read'], expires_at: 2_000_000_002, id_token: 'id-3' })
    await cache.delete('expired')

    const { expired: _gone, ...untouched } = python
    expect(JSON.parse(readFileSync(files.path, 'utf8'))).to.deep.equal({
      ...untouched,
      'with-refresh': ['at-1', 2_000_000_000, 'rt-1'],
      plain: ['at-2', 2_000_000_001.25, null],
      whole: ['at-3', 2_000_000_002, null],
    })
    const sidecar = readFileSync(`${files.path}.meta`, 'utf8')
    for (const secret of ['at-1', 'rt-1', 'at-2', 'at-3', 'id-3', '2YotnFZFEjr1zCsicMWpAA', 'tGzv3JOkF0XG5Qx2TlKWIA']) expect(sidecar).to.not.include(secret)
    expect((await cache.get('whole'))?.token).to.deep.equal({ access_token: 'at-3', expires_at: 2_000_000_002 })
  })

  it('gives an entry changed behind its back a new version, so a compare-and-set on the old one fails', async () => {
    const cache = new JsonTokenFileCache(files.path)
    const first = await cache.set('k', { access_token: 'mine', expires_at: 2_000_000_000, refresh_token: 'rt-1' })
    const other = await cache.set('other', { access_token: 'other', expires_at: 2_000_000_000 })

    // Python rewrites the whole file in place, in its own spacing: an unchanged entry keeps its version.
    const python = (entries: object): void => writeFileSync(files.path, JSON.stringify(entries).replaceAll(',', ', ').replaceAll(':', ': '))
    python({ k: ['mine', 2_000_000_000.0, 'rt-1'], other: ['other', 2_000_000_000, null] })
    const unchanged = await cache.get('k')
    python({ k: ['rotated-by-python', 2_000_000_100, 'rt-2'], other: ['other', 2_000_000_000, null] })
    const changed = await cache.get('k')
    const stale = await cache.set('k', { access_token: 'from-v1' }, { ifVersion: 1 })
    const current = await cache.set('k', { access_token: 'from-v2' }, { ifVersion: 2 })

    expect([first?.version, unchanged?.version, changed?.version]).to.deep.equal([1, 1, 2])
    expect(changed?.token).to.include({ access_token: 'rotated-by-python', refresh_token: 'rt-2' })
    expect(stale).to.equal(undefined)
    expect(current?.version).to.equal(3)
    expect((await cache.get('other'))?.version).to.equal(other?.version)
  })

  it('never repeats a version when the file is removed behind its back (Python clear() unlinks it)', async () => {
    const cache = new JsonTokenFileCache(files.path)
    await cache.set('k', { access_token: 'a' })
    await cache.set('k', { access_token: 'b' })
    rmSync(files.path)

    const gone = await cache.get('k')
    const stale = await cache.set('k', { access_token: 'c' }, { ifVersion: 2 })
    const again = await cache.set('k', { access_token: 'd' }, { ifVersion: 0 })

    expect(gone).to.equal(undefined)
    expect(stale).to.equal(undefined)
    expect(again?.version).to.equal(3)
  })

  it('forgets every token with clear(), in the file and for every process, without reusing a version', async () => {
    const cache = new JsonTokenFileCache(files.path)
    await cache.addToken('a', { token: 'tok-a', expiresIn: 3600 })
    await cache.addToken('b', { token: 'tok-b', expiresIn: 3600 })

    await cache.clear()
    const again = await new JsonTokenFileCache(files.path).set('a', { access_token: 'tok-a2' })

    expect(await new JsonTokenFileCache(files.path).get('b')).to.equal(undefined)
    expect(again?.version).to.equal(2)
  })

  it('rejects clear() with TokenStoreUnavailableError when the file cannot be read, since its tokens would still be served', async () => {
    mkdirSync(files.path)
    const { result: error } = await withWarnings(() => new JsonTokenFileCache(files.path).clear().catch((caught: unknown) => caught))

    expect(error).to.be.instanceOf(TokenStoreUnavailableError).and.include({ store: 'JsonTokenFileCache', operation: 'clear' })
  })

  it('replaces a corrupt data file with a warning, and goes on from the versions it knew', async () => {
    const cache = new JsonTokenFileCache(files.path)
    await cache.set('k', { access_token: 'a' })
    writeFileSync(files.path, '{"k": ["truncated by a crash')

    const { result, warnings } = await withWarnings(async () => {
      const read = await cache.get('k')
      const written = await cache.set('k', { access_token: 'b' })
      return { read, written }
    })

    expect(result.read).to.equal(undefined)
    expect(result.written?.version).to.equal(2)
    expect(warnings.join(' ')).to.include('is corrupt or not a token cache; it will be replaced.')
    expect(JSON.parse(readFileSync(files.path, 'utf8')))
      .to.have.property('k')
      .with.property('0', 'b')
  })

  it('refuses a sidecar that is a symbolic link, naming it, and never writes through it', () => {
    const target = join(files.folder, 'elsewhere.json')
    writeFileSync(target, JSON.stringify({ entries: {}, retired: {}, leases: {} }), { mode: 0o600 })
    symlinkSync(target, `${files.path}.meta`)

    expect(() => new JsonTokenFileCache(files.path)).to.throw(ConfigurationError, `${files.path}.meta is a symbolic link`)
    expect(readFileSync(target, 'utf8')).to.equal(JSON.stringify({ entries: {}, retired: {}, leases: {} }))
  })

  it('refuses a sidecar other users may write, from the constructor and from a write', async () => {
    const cache = new JsonTokenFileCache(files.path)
    writeFileSync(`${files.path}.meta`, JSON.stringify({ entries: {}, retired: {}, leases: {} }))
    chmodSync(`${files.path}.meta`, 0o666)

    const error = await cache.set('k', { access_token: 'tok-planted' }).catch((caught: unknown) => caught)

    expect(() => new JsonTokenFileCache(files.path)).to.throw(ConfigurationError, 'writable by other users')
    expect(error).to.be.instanceOf(ConfigurationError)
    expect((error as Error).message)
      .to.include(`${files.path}.meta`)
      .and.not.include('tok-planted')
  })
})
