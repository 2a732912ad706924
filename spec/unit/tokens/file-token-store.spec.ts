import { expect } from 'chai'
import { execFile, execFileSync } from 'node:child_process'
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { inspect, promisify } from 'node:util'
import { ConfigurationError, FileTokenStore, TokenStoreUnavailableError } from '../../../lib/index.js'
import { configurationError } from '../../support/expect-configuration-error.js'
import { tempTokenFileEachSpec } from '../../support/temp-token-file.js'
import { withWarnings } from '../../support/with-warnings.js'

const root = fileURLToPath(new URL('../../../', import.meta.url))

describe('FileTokenStore', () => {
  const files = tempTokenFileEachSpec('oauth-sessions-file-store-')

  it('numbers each write under a key, compares versions, and never repeats a version after a delete', async () => {
    const store = new FileTokenStore(files.path)

    const first = await store.set('k', { access_token: 'a' })
    const second = await store.set('k', { access_token: 'b' }, { ifVersion: 1 })
    const lost = await store.set('k', { access_token: 'c' }, { ifVersion: 1 })
    const absentOnly = await store.set('k', { access_token: 'd' }, { ifVersion: 0 })
    await store.delete('k')
    const afterDelete = await store.get('k')
    const stale = await store.set('k', { access_token: 'e' }, { ifVersion: 0 })

    expect(first?.version).to.equal(1)
    expect(second?.version).to.equal(2)
    expect(lost).to.equal(undefined)
    expect(absentOnly).to.equal(undefined)
    expect(afterDelete).to.equal(undefined)
    expect(stale?.version).to.equal(3)
    expect((await new FileTokenStore(files.path).get('k'))?.token.access_token).to.equal('e')
  })

  it('keeps many keys in one file, changing one key per write', async () => {
    const store = new FileTokenStore(files.path)
    await store.set('a', { access_token: 'one' })
    // Another writer (another process) adds a key this store never saw.
    await new FileTokenStore(files.path).set('b', { access_token: 'two' })
    await store.set('a', { access_token: 'three' })

    const other = new FileTokenStore(files.path)
    expect((await other.get('a'))?.token.access_token).to.equal('three')
    expect((await other.get('b'))?.token.access_token).to.equal('two')
  })

  it('returns copies: changing what get() returned never changes the store', async () => {
    const store = new FileTokenStore(files.path)
    await store.set('k', { access_token: 'a' })

    const got = await store.get('k')
    if (got !== undefined) got.token.access_token = 'changed'

    expect((await store.get('k'))?.token.access_token).to.equal('a')
  })

  it('writes the file with mode 0600 and leaves no temporary file or lock behind', async () => {
    const store = new FileTokenStore(files.path)
    await store.set('k', { access_token: 'a' })
    await store.set('k', { access_token: 'b' })

    expect(statSync(files.path).mode & 0o777).to.equal(0o600)
    expect(readdirSync(files.folder)).to.deep.equal(['tokens.json'])
  })

  it('gives one lease at a time, releases only its own, and lets an expired one be taken', async () => {
    const store = new FileTokenStore(files.path)

    const lease = await store.lease('k', 60_000)
    const blocked = await new FileTokenStore(files.path).lease('k', 60_000)
    const short = await store.lease('other', 1)
    await new Promise((resolve) => setTimeout(resolve, 5))
    const taken = await store.lease('other', 60_000)
    const lostExtend = await short?.extend(60_000)
    await short?.release() // not its lease any more: releases nothing
    const stillHeld = await store.lease('other', 60_000)
    const extended = await lease?.extend(60_000)
    await lease?.release()
    const again = await new FileTokenStore(files.path).lease('k', 60_000)

    expect(lease).to.not.equal(undefined)
    expect(blocked).to.equal(undefined)
    expect(taken).to.not.equal(undefined)
    expect(lostExtend).to.equal(false)
    expect(stillHeld).to.equal(undefined)
    expect(extended).to.equal(true)
    expect(again).to.not.equal(undefined)
  })

  it('takes over a lock left by a dead process once it is stale, and waits for a live one', async () => {
    mkdirSync(`${files.path}.lock`)
    const busy = await new FileTokenStore(files.path, { lockWaitMs: 100 }).set('k', { access_token: 'a' }).catch((caught: unknown) => caught)
    const old = new Date(Date.now() - 60_000)
    utimesSync(`${files.path}.lock`, old, old)
    const stored = await new FileTokenStore(files.path, { staleLockMs: 2_000 }).set('k', { access_token: 'b' })

    expect(busy).to.be.instanceOf(TokenStoreUnavailableError).and.include({ code: 'ERR_TOKEN_STORE_UNAVAILABLE', operation: 'set' })
    expect((busy as Error).message).to.include('lockWaitMs')
    expect(stored?.version).to.equal(1)
    expect(readdirSync(files.folder)).to.deep.equal(['tokens.json'])
  })

  it('turns a write that cannot be made (a missing folder) into TokenStoreUnavailableError', async () => {
    const error = await new FileTokenStore(join(files.folder, 'missing', 'tokens.json'))
      .set('k', { access_token: 'tok-nofolder' })
      .catch((caught: unknown) => caught)

    expect(error).to.be.instanceOf(TokenStoreUnavailableError).and.include({ operation: 'set' })
    expect((error as Error).message).to.not.include('tok-nofolder')
  })

  it('turns a file that cannot be read (a directory in its place) into TokenStoreUnavailableError, for get and set', async () => {
    mkdirSync(files.path)
    const store = new FileTokenStore(files.path)

    const read = await store.get('k').catch((caught: unknown) => caught)
    const written = await store.set('k', { access_token: 'tok-dir' }).catch((caught: unknown) => caught)

    expect(read).to.be.instanceOf(TokenStoreUnavailableError).and.include({ operation: 'get', store: 'FileTokenStore' })
    expect((read as Error).message)
      .to.include(files.path)
      .and.include('could not be read (EISDIR)')
    expect(written).to.be.instanceOf(TokenStoreUnavailableError).and.include({ operation: 'set' })
    expect((written as Error).message).to.not.include('tok-dir')
  })

  it('refuses a symbolic link, naming the path', async () => {
    const target = join(files.folder, 'elsewhere.json')
    writeFileSync(target, JSON.stringify({ tokens: {}, retired: {}, leases: {} }), { mode: 0o600 })
    symlinkSync(target, files.path)
    const store = new FileTokenStore(files.path)

    for (const operation of [() => store.get('k'), () => store.set('k', { access_token: 'a' })]) {
      const error = await operation().then(
        () => undefined,
        (caught: unknown) => caught,
      )
      expect(error).to.be.instanceOf(ConfigurationError)
      expect((error as Error).message)
        .to.include('symbolic link')
        .and.include(files.path)
    }
    expect(readFileSync(target, 'utf8')).to.equal(JSON.stringify({ tokens: {}, retired: {}, leases: {} }))
  })

  it('refuses a file other users may write, and one of another owner', async () => {
    writeFileSync(files.path, JSON.stringify({ tokens: {}, retired: {}, leases: {} }))
    chmodSync(files.path, 0o666)
    const writable = await new FileTokenStore(files.path).set('k', { access_token: 'a' }).catch((caught: unknown) => caught)
    chmodSync(files.path, 0o600)
    const ownUid = process.getuid?.() ?? 0
    const original = process.getuid
    process.getuid = () => ownUid + 1 // the file now belongs to "another user"
    let foreign: unknown
    try {
      foreign = await new FileTokenStore(files.path).get('k').catch((caught: unknown) => caught)
    } finally {
      process.getuid = original
    }

    expect(writable).to.be.instanceOf(ConfigurationError)
    expect((writable as Error).message).to.include('writable by other users')
    expect(foreign).to.be.instanceOf(ConfigurationError)
    expect((foreign as Error).message).to.include('owned by another user')
  })

  it('refuses a FIFO planted as the store file without blocking', async () => {
    execFileSync('mkfifo', ['-m', '600', files.path])
    // A blocked open would block the whole process: the store is used in a child, killed at the timeout.
    const script = `
      import { FileTokenStore } from './lib/index.js'
      try { await new FileTokenStore(${JSON.stringify(files.path)}).get('k'); console.log('read') }
      catch (error) { console.log(error.name, error.message) }`

    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, timeout: 8_000 })

    expect(stdout).to.include('ConfigurationError').and.include('not a regular file')
  })

  it('replaces a corrupt file, warning once, and never throws for it', async () => {
    writeFileSync(files.path, '{"tokens": [1, 2', { mode: 0o600 })
    const store = new FileTokenStore(files.path)

    const { result, warnings } = await withWarnings(async () => {
      const before = await store.get('k')
      await store.set('k', { access_token: 'a' })
      writeFileSync(files.path, 'not json', { mode: 0o600 })
      await store.set('j', { access_token: 'b' })
      return before
    })

    expect(result).to.equal(undefined)
    expect(warnings).to.have.length(1)
    expect(warnings[0]).to.include(files.path).and.include('corrupt')
    expect((await store.get('j'))?.token.access_token).to.equal('b')
    expect(JSON.parse(readFileSync(files.path, 'utf8'))).to.have.keys('tokens', 'retired', 'leases')
  })

  it('shows no token in JSON.stringify or util.inspect', async () => {
    const store = new FileTokenStore(files.path)
    await store.set('api', { access_token: 'secret-access', refresh_token: 'secret-refresh' })

    const shown = `${JSON.stringify(store)} ${inspect(store)}`

    expect(shown).to.include('FileTokenStore').and.include('"api":1')
    expect(shown).to.not.include('secret-access').and.not.include('secret-refresh')
  })

  for (const [label, build, option] of [
    ['an empty path', () => new FileTokenStore(''), 'path'],
    ['a number as the path', () => new FileTokenStore(5 as unknown as string), 'path'],
    ['a stale-lock age under 2 s', () => new FileTokenStore('x.json', { staleLockMs: 10 }), 'staleLockMs'],
    ['a negative lock wait', () => new FileTokenStore('x.json', { lockWaitMs: -1 }), 'lockWaitMs'],
  ] as const) {
    it(`refuses ${label} with a ConfigurationError naming ${option}`, () => {
      expect(configurationError(build).option).to.equal(option)
    })
  }
})

describe('FileTokenStore with keys named like Object.prototype members', () => {
  const files = tempTokenFileEachSpec('file-store-proto-')

  it('stores __proto__ and constructor like any other key, across a re-read', async () => {
    const { path } = files
    const store = new FileTokenStore(path)
    expect(await store.get('__proto__')).to.equal(undefined)
    expect(await store.get('constructor')).to.equal(undefined)

    const first = await store.set('__proto__', { access_token: 'proto-token' })
    await store.set('constructor', { access_token: 'ctor-token' })

    expect(first?.version).to.equal(1)
    const again = new FileTokenStore(path)
    expect((await again.get('__proto__'))?.token.access_token).to.equal('proto-token')
    expect((await again.get('constructor'))?.token.access_token).to.equal('ctor-token')
    expect(({} as Record<string, unknown>).access_token).to.equal(undefined)
  })
})
