import { TokenStoreUnavailableError } from './token-store-unavailable-error.js'
import { randomUUID } from 'node:crypto'
import { lstatSync } from 'node:fs'
import { ConfigurationError, OAuthSessionsError } from '../errors.js'
import type { OAuth2Token } from '../oauth2/oauth2-token.js'
import type { TokenStoreSummary } from './memory-token-store.js'
import { checkLeaseMs, copyStoredToken, nextStoredToken } from './stored-token-versions.js'
import type { SetTokenOptions, StoredToken, TokenLease, TokenStore } from './token-store.js'
import { readTrustedFile, writePrivateFile } from './trusted-file.js'

/** proper-lockfile, imported by the first write of any FileTokenStore. */
let lockfile: Promise<typeof import('proper-lockfile')> | undefined

/**
 * What a store's file holds: tokens, the last version of deleted keys, and leases. A subclass
 * that keeps another on-disk format reads and writes these through
 * {@link FileTokenStore.readContents} and {@link FileTokenStore.writeContents}.
 *
 * @internal
 */
export interface FileContents {
  tokens: Record<string, StoredToken>
  retired: Record<string, number>
  leases: Record<string, { owner: string; until: number }>
}

/**
 * Options of {@link FileTokenStore}.
 *
 * @example
 * ```ts
 * import { FileTokenStore } from 'oauth-sessions'
 * const store = new FileTokenStore('./.tokens.json', { staleLockMs: 5_000 })
 * ```
 * @group Tokens
 */
export interface FileTokenStoreOptions {
  /** A lock file older than this (its holder died) is taken over, milliseconds; at least 2000, default 10000. */
  staleLockMs?: number
  /** How long an operation waits for the lock before it fails with `ELOCKED`, milliseconds; default 10000. */
  lockWaitMs?: number
}

/**
 * A {@link TokenStore} in one JSON file shared by every process of this user on this host: tokens,
 * versions and leases live in the file, so compare-and-set and leases work across processes. Every
 * write takes a lock beside the file (`<path>.lock`, with
 * [proper-lockfile](https://github.com/moxystudio/node-proper-lockfile); a lock left by a dead
 * process is taken over once stale), re-reads the file, changes one key and writes a temporary
 * file (mode 0600) that is renamed over it. The file is used only when it is a regular file of
 * this user that nobody else may write: a symbolic link, a FIFO or a planted file is a
 * {@link ConfigurationError}. A corrupt file is reported once with a warning and replaced.
 *
 * @example
 * ```ts
 * import { FileTokenStore } from 'oauth-sessions'
 * const store = new FileTokenStore('./.tokens.json')
 * const lease = await store.lease('github', 10_000)
 * if (lease !== undefined) {
 *   try {
 *     const current = await store.get('github')
 *     await store.set('github', { access_token: 'gho_…' }, { ifVersion: current?.version ?? 0 })
 *   } finally {
 *     await lease.release()
 *   }
 * }
 * ```
 * @group Tokens
 */
export class FileTokenStore implements TokenStore {
  /** The file the tokens are kept in. */
  readonly path: string
  readonly #staleLockMs: number
  readonly #lockWaitMs: number
  #warnedCorrupt = false
  /** Operations of this store run one at a time; the lock file orders them with other processes. */
  #queue: Promise<unknown> = Promise.resolve()

  constructor(path: string, options: FileTokenStoreOptions = {}) {
    if (typeof path !== 'string' || path === '')
      throw new ConfigurationError('path', `${new.target.name} needs a file path (a non-empty string), such as "./.tokens.json".`)
    const { staleLockMs = 10_000, lockWaitMs = 10_000 } = options
    if (!Number.isFinite(staleLockMs) || staleLockMs < 2000)
      throw new ConfigurationError('staleLockMs', 'FileTokenStore staleLockMs must be a number of milliseconds, at least 2000.')
    if (!Number.isFinite(lockWaitMs) || lockWaitMs < 0)
      throw new ConfigurationError('lockWaitMs', 'FileTokenStore lockWaitMs must be a number of milliseconds, 0 or more.')
    this.path = path
    this.#staleLockMs = staleLockMs
    this.#lockWaitMs = lockWaitMs
  }

  async get(key: string): Promise<StoredToken | undefined> {
    // The file is replaced by rename, so a read without the lock sees one whole version of it.
    const stored = this.#read('get').tokens[key]
    return stored === undefined ? undefined : copyStoredToken(stored)
  }

  async set(key: string, token: OAuth2Token, options: SetTokenOptions = {}): Promise<StoredToken | undefined> {
    return this.update('set', (data) => {
      const stored = nextStoredToken(data.tokens[key], data.retired[key], token, options)
      if (stored === undefined) return { result: undefined }
      data.tokens[key] = stored
      delete data.retired[key]
      return { result: copyStoredToken(stored), changed: true }
    })
  }

  async delete(key: string): Promise<void> {
    await this.update('delete', (data) => {
      const current = data.tokens[key]
      if (current === undefined) return { result: undefined }
      // Versions never repeat, so `ifVersion` cannot be fooled by a delete and a new write.
      data.retired[key] = current.version
      delete data.tokens[key]
      return { result: undefined, changed: true }
    })
  }

  async lease(key: string, ttlMs: number): Promise<TokenLease | undefined> {
    checkLeaseMs(this.constructor.name, 'ttlMs', ttlMs)
    const owner = randomUUID()
    const taken = await this.update('lease', (data) => {
      const held = data.leases[key]
      if (held !== undefined && held.until > Date.now()) return { result: false }
      data.leases[key] = { owner, until: Date.now() + ttlMs }
      return { result: true, changed: true }
    })
    if (!taken) return undefined
    return {
      extend: async (ms: number): Promise<boolean> => {
        checkLeaseMs(this.constructor.name, 'ms', ms)
        return this.update('extend', (data) => {
          const current = data.leases[key]
          if (current?.owner !== owner) return { result: false }
          current.until = Date.now() + ms
          return { result: true, changed: true }
        })
      },
      release: (): Promise<void> =>
        this.update('release', (data) => {
          if (data.leases[key]?.owner !== owner) return { result: undefined }
          delete data.leases[key]
          return { result: undefined, changed: true }
        }),
    }
  }

  /** What the store holds, without a token: its file, how many keys and each key's version. */
  toJSON(): TokenStoreSummary {
    let tokens: Record<string, StoredToken> = {}
    try {
      tokens = this.#read('get').tokens
    } catch {
      // A summary never throws: an untrusted file shows as empty.
    }
    const entries = Object.entries(tokens)
    return {
      type: this.constructor.name,
      path: this.path,
      count: entries.length,
      versions: Object.fromEntries(entries.map(([key, { version }]) => [key, version])),
    }
  }

  /** @internal keeps tokens out of `console.log` and `util.inspect`. */
  [Symbol.for('nodejs.util.inspect.custom')](): TokenStoreSummary {
    return this.toJSON()
  }

  /**
   * Under the lock: re-reads the file, lets `change` edit it (one key, or every key for a clear),
   * and writes the file if it changed.
   *
   * @internal
   */
  protected update<T>(operation: string, change: (data: FileContents) => { result: T; changed?: boolean }): Promise<T> {
    const run = async (): Promise<T> => {
      const { lock } = await (lockfile ??= import('proper-lockfile'))
      const release = await lock(this.path, {
        realpath: false,
        stale: this.#staleLockMs,
        retries: { retries: Math.ceil(this.#lockWaitMs / 25), factor: 1, minTimeout: 5, maxTimeout: 25, randomize: true },
        onCompromised: () => process.emitWarning(`Token store lock ${this.path}.lock was taken over while held; a write may have been lost.`),
      }).catch((error: unknown) => {
        throw this.#unavailable(operation, error, `its lock ${this.path}.lock is held by another process (waited lockWaitMs, ${this.#lockWaitMs} ms)`)
      })
      // From here to the write, all is synchronous: proper-lockfile cannot refresh the lock's time,
      // so a lock that is no longer this one (stale to another process, which took it over) is seen below.
      const held = lockStamp(this.path)
      try {
        const data = this.#read(operation)
        const { result, changed = false } = change(data)
        if (changed) {
          if (held === undefined || held !== lockStamp(this.path)) {
            throw new TokenStoreUnavailableError(
              this.constructor.name,
              operation,
              `${this.label} ${this.path}: ${operation} failed because its lock ${this.path}.lock was taken over by another process while this one held it ` +
                `(this one was paused or slowed for more than staleLockMs, ${this.#staleLockMs} ms); nothing was written. Raise staleLockMs if this repeats.`,
            )
          }
          try {
            this.writeContents(data)
          } catch (error) {
            throw this.#unavailable(operation, error, `it could not be written (${(error as NodeJS.ErrnoException).code ?? 'error'})`)
          }
        }
        return result
      } finally {
        await release().catch(() => undefined)
      }
    }
    const next = this.#queue.then(run, run)
    this.#queue = next.catch(() => undefined)
    return next
  }

  /** A lock or file failure as the typed store error; the filesystem error (which names no token) is its cause. */
  #unavailable(operation: string, cause: unknown, why: string): unknown {
    if (cause instanceof OAuthSessionsError || (cause as NodeJS.ErrnoException).code === undefined) return cause
    const error = new TokenStoreUnavailableError(
      this.constructor.name,
      operation,
      `${this.label} ${this.path}: ${operation} failed because ${why}. Check the folder and its permissions, or raise lockWaitMs.`,
    )
    return Object.assign(error, { cause })
  }

  /** How warnings and errors name the file ("Token store"). @internal */
  protected get label(): string {
    return 'Token store'
  }

  /**
   * The store's file read and checked (see {@link readTrustedFile}): empty when there is none,
   * undefined when it is not a token store's file. Filesystem errors are thrown as they are.
   *
   * @internal
   */
  protected readContents(): FileContents | undefined {
    let text: string
    try {
      text = readTrustedFile(this.path, 'Token store', 'the store')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return empty()
      throw error
    }
    return parse(text)
  }

  /** Replaces the store's file with `data` (temporary file, then rename, mode 0600). @internal */
  protected writeContents(data: FileContents): void {
    writePrivateFile(this.path, JSON.stringify(data))
  }

  /** Warns, once per store, that its file is corrupt and will be replaced. @internal */
  protected warnCorrupt(): void {
    if (this.#warnedCorrupt) return
    this.#warnedCorrupt = true
    process.emitWarning(`${this.label} ${this.path} is corrupt or not a ${this.label.toLowerCase()}; it will be replaced.`)
  }

  /** The file's contents; a file that cannot be read is a {@link TokenStoreUnavailableError}, a corrupt one reads as empty. */
  #read(operation: string): FileContents {
    let data: FileContents | undefined
    try {
      data = this.readContents()
    } catch (error) {
      throw this.#unavailable(operation, error, `it could not be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`)
    }
    if (data !== undefined) return data
    this.warnCorrupt()
    return empty()
  }
}

/** The lock directory's identity and time, or undefined when there is none: another process's lock is another directory, made later. */
function lockStamp(path: string): string | undefined {
  try {
    const { dev, ino, mtimeMs } = lstatSync(`${path}.lock`)
    return `${dev}:${ino}:${mtimeMs}`
  } catch {
    return undefined
  }
}

/**
 * Stores that keep only part of a token (a {@link JsonTokenFileCache}: requests-auth's format has
 * room for the access token, its expiry and the refresh token), which an {@link EncryptedTokenStore} cannot wrap.
 *
 * @internal
 */
export const partialTokenStores = new WeakSet<TokenStore>()

/** Contents with no token, no retired version and no lease. @internal */
export function empty(): FileContents {
  return { tokens: record(), retired: record(), leases: record() }
}

/** A map of keys with no prototype: a key named `__proto__` or `constructor` is a key like any other. @internal */
export function record<T>(entries: object = {}): Record<string, T> {
  return Object.assign(Object.create(null) as Record<string, T>, entries)
}

/** @internal */
export const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/** The file's contents, or undefined when it is not a token store's file. */
function parse(text: string): FileContents | undefined {
  const file = parseVersionedFile<StoredToken>(
    text,
    'tokens',
    (stored) => isRecord(stored) && isRecord(stored.token) && typeof stored.version === 'number' && typeof stored.updatedAt === 'number',
  )
  return file && { tokens: file.entries, retired: file.retired, leases: file.leases }
}

/** `text` as a JSON object, or undefined when it is not JSON or not an object. @internal */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const data: unknown = JSON.parse(text)
    return isRecord(data) ? data : undefined
  } catch {
    return undefined
  }
}

/**
 * `text` as JSON of `{ [entriesName]: { key: entry }, retired, leases }`, the versions and leases
 * of a store's file (or of a sidecar that keeps them beside another format), each entry checked by
 * `isEntry`; undefined when it is not one.
 *
 * @internal
 */
export function parseVersionedFile<E>(
  text: string,
  entriesName: string,
  isEntry: (entry: unknown) => boolean,
): { entries: Record<string, E>; retired: FileContents['retired']; leases: FileContents['leases'] } | undefined {
  const data = parseJsonObject(text)
  if (data === undefined) return undefined
  const { [entriesName]: entries, retired, leases } = data
  if (!isRecord(entries) || !isRecord(retired) || !isRecord(leases)) return undefined
  if (!Object.values(entries).every((entry) => isEntry(entry))) return undefined
  if (!Object.values(retired).every((version) => typeof version === 'number')) return undefined
  if (!Object.values(leases).every((held) => isRecord(held) && typeof held.owner === 'string' && typeof held.until === 'number')) return undefined
  return { entries: record(entries), retired: record(retired), leases: record(leases) }
}
