import { ConfigurationError } from '../../errors.js'
import { type FileContents, FileTokenStore, type FileTokenStoreOptions, partialTokenStores } from '../../tokens/file-token-store.js'
import { MemoryTokenStore } from '../../tokens/memory-token-store.js'
import type { SetTokenOptions, StoredToken, TokenStore } from '../../tokens/token-store.js'
import { TokenStoreUnavailableError } from '../../tokens/token-store-unavailable-error.js'
import { isExpired, jwtExpiry, type OAuth2Token } from '../oauth2-token.js'
import { SingleFlight } from '../token-renewal.js'
import { renewShared, type StoreUnavailablePolicy } from '../../tokens/shared-renewal.js'
import { readRequestsAuthFile, requestsAuthToken, writeRequestsAuthFile, yearFromNow } from './requests-auth-file-format.js'

/** What a strategy hands the cache when it fetched a token. @group Auth */
export interface NewToken {
  /** The access (or ID) token. */
  token: string
  /** Its lifetime in seconds, if the provider said. */
  expiresIn?: number | undefined
  /** When it expires (Unix seconds), when known: from `expires_in`, or a JWT's `exp`. */
  expiresAt?: number | undefined
  /** A refresh token, if the provider issued one. */
  refreshToken?: string | undefined
}

/**
 * The token a requests-auth cache stores for a new one: the token as `access_token`, its expiry
 * as `expires_at` (from `expires_in`, else a JWT's `exp`, else a year, as requests-auth keeps
 * tokens without a lifetime) and the refresh token.
 *
 * @internal
 */
export function cacheEntry(fresh: NewToken): OAuth2Token {
  const now = Date.now() / 1000
  const expiresAt = fresh.expiresAt ?? (fresh.expiresIn !== undefined ? now + fresh.expiresIn : (jwtExpiry(fresh.token) ?? yearFromNow()))
  const entry: OAuth2Token = { access_token: fresh.token, expires_at: expiresAt }
  if (fresh.refreshToken !== undefined) entry.refresh_token = fresh.refreshToken
  return entry
}

const flights = new WeakMap<TokenStore, SingleFlight<string>>()
/**
 * A cache key's lease: kept alive while its holder gets a token (a browser flow waits for the user,
 * up to its `timeout`, 60 s by default), taken over 10 s after its holder died. The others wait
 * for the token up to 130 s.
 */
const CACHE_LEASE_MS = 10_000
const CACHE_WAIT_MS = 130_000

/** The view a store's requests-auth methods use, when it has one (a JsonTokenFileCache's: memory when the file cannot serve). */
const requestsAuthViews = new WeakMap<TokenStore, TokenStore>()

/** The store the requests-auth side reads and writes: a JsonTokenFileCache's tolerant view, else the store. @internal */
export function requestsAuthView(store: TokenStore): TokenStore {
  return requestsAuthViews.get(store) ?? store
}

/**
 * The token under `key` in any {@link TokenStore}: the stored one while it is valid for
 * `earlyExpiry` more seconds, else a new one from `onMissing` (given the stored refresh token),
 * which is stored. Concurrent callers for one key share one fetch.
 *
 * @internal
 */
export async function cachedToken(
  store: TokenStore,
  key: string,
  earlyExpiry: number,
  onMissing: (refreshToken: string | undefined) => Promise<NewToken>,
  onUnavailable: StoreUnavailablePolicy = 'fail',
): Promise<string> {
  store = requestsAuthView(store)
  const first = await store.get(key).catch((error: unknown) => {
    // A store that is down, under 'proceed': the renewal below works around it.
    if (onUnavailable === 'proceed' && error instanceof TokenStoreUnavailableError) return undefined
    throw error
  })
  const valid = usable(first?.token, earlyExpiry)
  if (valid !== undefined) return valid
  let flight = flights.get(store)
  if (flight === undefined) {
    flight = new SingleFlight<string>()
    flights.set(store, flight)
  }
  return flight.run(key, async () => {
    // Through the store, as a shared OAuth2Session renews: re-read (a peer, or a flight that ended
    // while this caller was reading, stored a new token and may have rotated its refresh token) →
    // lease → re-read → fetch → compare-and-set → release. In one process the lease is free.
    const { token } = await renewShared({
      store,
      key,
      local: {},
      localVersion: undefined,
      force: false,
      usable: (candidate) => usable(candidate, earlyExpiry) !== undefined,
      renew: async (current) => {
        const refreshToken = current.refresh_token
        return cacheEntry(await onMissing(typeof refreshToken === 'string' ? refreshToken : undefined))
      },
      refused: () => false,
      reauthorization: (error) => error,
      onUnavailable,
      leaseMs: CACHE_LEASE_MS,
      waitMs: CACHE_WAIT_MS,
      keepLease: true,
    })
    return token.access_token as string
  })
}

/** The stored access token while it is valid for `earlyExpiry` more seconds. */
function usable(token: OAuth2Token | undefined, earlyExpiry: number): string | undefined {
  const accessToken = token?.access_token
  return typeof accessToken === 'string' && !isExpired(token, earlyExpiry) ? accessToken : undefined
}

/**
 * Where requests-auth-style strategies keep tokens between requests, keyed by a hash of the
 * grant's parameters (requests-auth's `state`). It is a {@link TokenStore} in memory.
 *
 * @example
 * ```ts
 * import { setTokenCache, TokenMemoryCache } from 'oauth-sessions'
 * setTokenCache(new TokenMemoryCache())
 * ```
 * @see requests_auth.TokenMemoryCache
 * @group Auth
 */
export class TokenMemoryCache extends MemoryTokenStore {
  /**
   * The token under `key`, fetched with `onMissing` when there is none or it expires within
   * `earlyExpiry` seconds; concurrent callers share one fetch.
   */
  getToken(key: string, earlyExpiry: number, onMissing: (refreshToken: string | undefined) => Promise<NewToken>): Promise<string> {
    return cachedToken(this, key, earlyExpiry, onMissing)
  }

  /**
   * Stores a token. Without a lifetime, a JWT's `exp` claim gives its expiry (as requests-auth reads
   * bearer tokens); any other token is kept for a year.
   */
  addToken(key: string, fresh: NewToken): void {
    this.write(key, cacheEntry(fresh))
  }

  /** Forgets every token. */
  clear(): void {
    this.#clearing = true
    try {
      for (const key of [...this.entries.keys()]) this.remove(key)
    } finally {
      this.#clearing = false
    }
    this.persist()
  }

  /** @internal every write and delete goes through here, then {@link TokenMemoryCache.persist}. */
  protected override write(key: string, token: OAuth2Token, options?: SetTokenOptions): StoredToken | undefined {
    const stored = super.write(key, token, options)
    if (stored !== undefined) this.persist()
    return stored
  }

  /** @internal */
  protected override remove(key: string): void {
    super.remove(key)
    if (!this.#clearing) this.persist()
  }

  /** While clear() runs, the file is written once at the end. */
  #clearing = false

  /** @internal hook for persistent caches */
  protected persist(): void {}
}

/**
 * A token cache in a JSON file shared by every process of this user on this host, in
 * requests-auth's format (`{ "<key>": [token, expiry, refresh_token] }`, `null` when there is no
 * refresh token), so Python's `requests_auth.JsonTokenFileCache` reads and writes the same file. It
 * is a {@link FileTokenStore}: every write takes the lock `<path>.lock`, re-reads the file, changes
 * one key and renames a temporary file (mode 0600) over it, so processes writing different keys
 * keep each other's tokens and see each other's refreshes. Versions and leases, which the format
 * has no room for, live in a sidecar file, `<path>.meta`, with a fingerprint of each entry: an
 * entry changed behind its back (by Python, which neither locks nor renames, or by a crash between
 * the two writes) gets a new version, so compare-and-set is never fooled. The file keeps only the
 * access token, its expiry (a year when unknown) and the refresh token; use {@link FileTokenStore}
 * for whole tokens.
 *
 * Both files are used only when they are regular files of this user that nobody else may write (a
 * symbolic link, a FIFO or a planted file is a {@link ConfigurationError}, from the constructor
 * when it is there already); one that others may read is narrowed to 0600. A corrupt file is
 * reported once with a warning and replaced.
 *
 * Failures: as a {@link TokenStore} (`get`, `set`, `delete`, `lease`, as sessions use it) a file
 * that cannot be locked, read or written is a {@link TokenStoreUnavailableError}, so the caller's
 * policy decides. The requests-auth side keeps requests-auth's rule that a cache never fails a
 * request: {@link JsonTokenFileCache.getToken}, {@link JsonTokenFileCache.addToken} and the
 * strategies using it through {@link setTokenCache} report such a file with a warning and keep the
 * token in this process's memory (not shared, until the file can be written again). {@link JsonTokenFileCache.clear}
 * rejects instead, since the tokens it could not remove would still be served.
 *
 * @example
 * ```ts
 * import { JsonTokenFileCache, setTokenCache } from 'oauth-sessions'
 * const cache = new JsonTokenFileCache('./.tokens.json')
 * setTokenCache(cache)
 * await cache.addToken('my-key', { token: 'abc', expiresIn: 3600 })
 * console.log(await cache.getToken('my-key', 30, async () => ({ token: 'fetched' }))) // abc
 * ```
 * @see requests_auth.JsonTokenFileCache
 * @group Auth
 */
export class JsonTokenFileCache extends FileTokenStore {
  /** Tokens this process could not write to the file, for the requests-auth methods. */
  readonly #fallback = new TokenMemoryCache()
  #warnedUnreadable = false
  /** The store the requests-auth methods use: the file, or memory when the file cannot serve. */
  readonly #tolerant: TokenStore

  constructor(path: string, options: FileTokenStoreOptions = {}) {
    super(path, options)
    partialTokenStores.add(this)
    const fallback = this.#fallback
    this.#tolerant = {
      get: async (key) => {
        let onFile: StoredToken | undefined
        try {
          onFile = await this.get(key)
        } catch (error) {
          if (!(error instanceof TokenStoreUnavailableError)) throw error
          this.#warnUnreadable(error)
        }
        const kept = await fallback.get(key)
        return kept !== undefined && (onFile === undefined || kept.updatedAt >= onFile.updatedAt) ? kept : onFile
      },
      set: async (key, token, setOptions) => {
        try {
          const stored = await this.set(key, token, setOptions)
          await fallback.delete(key)
          return stored
        } catch (error) {
          if (!(error instanceof TokenStoreUnavailableError)) throw error
          process.emitWarning(`Token cache ${this.path} could not be written (${errorCode(error)}); tokens are kept in memory only.`)
          return fallback.set(key, requestsAuthToken(token))
        }
      },
      delete: async (key) => {
        await fallback.delete(key)
        await this.delete(key)
      },
      lease: async (key, ttlMs) => {
        try {
          return await this.lease(key, ttlMs)
        } catch (error) {
          // A file that cannot be locked leaves this process on its own: its lease is in memory.
          if (!(error instanceof TokenStoreUnavailableError)) throw error
          this.#warnUnreadable(error)
          return fallback.lease(key, ttlMs)
        }
      },
    }
    // Strategies reach the process cache through cachedToken(): it uses this view too.
    requestsAuthViews.set(this, this.#tolerant)
    // Read once now, as requests-auth does: a file that cannot be trusted is refused here.
    try {
      this.readContents()
    } catch (error) {
      if (error instanceof ConfigurationError) throw error
      this.#warnUnreadable(error)
    }
  }

  /**
   * The token under `key`, fetched with `onMissing` when there is none or it expires within
   * `earlyExpiry` seconds, and stored; concurrent callers in this process share one fetch.
   */
  getToken(key: string, earlyExpiry: number, onMissing: (refreshToken: string | undefined) => Promise<NewToken>): Promise<string> {
    return cachedToken(this, key, earlyExpiry, onMissing)
  }

  /**
   * Stores a token. Without a lifetime, a JWT's `exp` claim gives its expiry (as requests-auth reads
   * bearer tokens); any other token is kept for a year. A file that cannot be written is reported
   * with a warning, and the token is kept in this process's memory.
   */
  async addToken(key: string, fresh: NewToken): Promise<void> {
    await this.#tolerant.set(key, cacheEntry(fresh))
  }

  /** Forgets every token, in the file (under its lock, one write) and in memory. */
  async clear(): Promise<void> {
    this.#fallback.clear()
    await this.update('clear', (data) => {
      const keys = Object.keys(data.tokens)
      for (const key of keys) {
        data.retired[key] = data.tokens[key]?.version ?? 0
        delete data.tokens[key]
      }
      return { result: undefined, changed: keys.length > 0 }
    })
  }

  /** Stores what requests-auth's format keeps of `token`: access token, expiry and refresh token. */
  override set(key: string, token: OAuth2Token, options: SetTokenOptions = {}): Promise<StoredToken | undefined> {
    return super.set(key, requestsAuthToken(token), options)
  }

  /** @internal */
  protected override get label(): string {
    return 'Token cache'
  }

  /** @internal */
  protected override readContents(): FileContents {
    return readRequestsAuthFile(this.path, () => this.warnCorrupt())
  }

  /** @internal */
  protected override writeContents(data: FileContents): void {
    writeRequestsAuthFile(this.path, data)
  }

  #warnUnreadable(error: unknown): void {
    if (this.#warnedUnreadable) return
    this.#warnedUnreadable = true
    process.emitWarning(`Token cache ${this.path} is unreadable (${errorCode(error)}); starting empty.`)
  }
}

/** The filesystem code behind an error (its own, or its cause's). */
function errorCode(error: unknown): string {
  const { code, cause } = error as NodeJS.ErrnoException
  const causeCode = (cause as NodeJS.ErrnoException | undefined)?.code
  return causeCode ?? (code?.startsWith('ERR_') ? undefined : code) ?? 'error'
}

let processCache: TokenStore = new TokenMemoryCache()

/**
 * Sets the process-wide token cache of requests-auth-style strategies (`OAuth2.token_cache = ...`):
 * a {@link TokenMemoryCache}, a {@link JsonTokenFileCache}, or any {@link TokenStore}.
 *
 * @example
 * ```ts
 * import { JsonTokenFileCache, setTokenCache } from 'oauth-sessions'
 * setTokenCache(new JsonTokenFileCache('./.tokens.json'))
 * ```
 * @group Auth
 */
export function setTokenCache(cache: TokenStore): void {
  processCache = cache
}

/**
 * The process-wide token cache: a {@link TokenMemoryCache} unless {@link setTokenCache} set
 * another store. Name that store's type as the type argument (`tokenCache<JsonTokenFileCache>()`);
 * it is not checked, so `clear()` and `addToken()` exist only on the requests-auth caches (and
 * return promises on {@link JsonTokenFileCache}).
 *
 * @example
 * ```ts
 * import { type JsonTokenFileCache, tokenCache } from 'oauth-sessions'
 * tokenCache().clear() // the default TokenMemoryCache
 * await tokenCache<JsonTokenFileCache>().clear() // after setTokenCache(new JsonTokenFileCache(path))
 * await tokenCache().delete('key')
 * ```
 * @group Auth
 */
export function tokenCache<T extends TokenStore = TokenMemoryCache>(): T {
  return processCache as T
}
