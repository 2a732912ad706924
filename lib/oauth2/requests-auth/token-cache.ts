import { ConfigurationError } from '../../errors.js'
import { MemoryTokenStore, type TokenStoreSummary } from '../../tokens/memory-token-store.js'
import type { SetTokenOptions, StoredToken, TokenStore } from '../../tokens/token-store.js'
import { readTrustedFile, writePrivateFile } from '../../tokens/trusted-file.js'
import { isExpired, jwtExpiry, type OAuth2Token } from '../oauth2-token.js'
import { SingleFlight } from '../token-renewal.js'
import { renewShared } from '../../tokens/shared-renewal.js'

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

/** How long requests-auth keeps a token whose lifetime is unknown: a year from now, Unix seconds. */
function yearFromNow(): number {
  return Date.now() / 1000 + 365 * 24 * 3600
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
): Promise<string> {
  const valid = usable((await store.get(key))?.token, earlyExpiry)
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
      onUnavailable: 'fail',
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
 * A token cache kept in a JSON file, so tokens survive restarts: created when missing, written
 * atomically (temporary file, then rename) with mode 0600, in requests-auth's format
 * (`{ key: [token, expiry, refreshToken?] }`). A corrupt or foreign file is reported with a
 * warning and replaced; it never fails a request. An existing file is used only when it is a
 * regular file of this user that nobody else may write (a symbolic link, a FIFO or a planted file
 * is a {@link ConfigurationError}); one that others may read is narrowed to 0600 when it is loaded.
 *
 * @example
 * ```ts
 * import { JsonTokenFileCache, setTokenCache } from 'oauth-sessions'
 * setTokenCache(new JsonTokenFileCache('./.tokens.json'))
 * ```
 * @see requests_auth.JsonTokenFileCache
 * @group Auth
 */
export class JsonTokenFileCache extends TokenMemoryCache {
  /** The file the tokens are kept in. */
  readonly path: string
  #loaded = false

  constructor(path: string) {
    super()
    if (typeof path !== 'string' || path === '')
      throw new ConfigurationError('path', 'JsonTokenFileCache needs a file path (a non-empty string), such as "./.tokens.json".')
    this.path = path
    for (const [key, token] of this.#load()) this.write(key, token)
    this.#loaded = true
  }

  /** What the cache holds, without a token: its file, how many keys and each key's version. */
  override toJSON(): TokenStoreSummary {
    const { type, ...rest } = super.toJSON()
    return { type, path: this.path, ...rest }
  }

  protected override persist(): void {
    if (!this.#loaded) return
    const data: Record<string, [string, number, string?]> = {}
    for (const [key, { token }] of this.entries) {
      // A token stored through set() without an expiry is kept a year, as cacheEntry() keeps one.
      const expiry = typeof token.expires_at === 'number' ? token.expires_at : yearFromNow()
      const value = String(token.access_token ?? '')
      data[key] = typeof token.refresh_token === 'string' ? [value, expiry, token.refresh_token] : [value, expiry]
    }
    try {
      writePrivateFile(this.path, JSON.stringify(data))
    } catch (error) {
      // The token is still cached in memory: a cache file that cannot be written never fails a request.
      process.emitWarning(
        `Token cache ${this.path} could not be written (${(error as NodeJS.ErrnoException).code ?? 'error'}); tokens are kept in memory only.`,
      )
    }
  }

  #load(): Map<string, OAuth2Token> {
    let text: string
    try {
      text = readTrustedFile(this.path)
    } catch (error) {
      if (error instanceof ConfigurationError) throw error
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        process.emitWarning(`Token cache ${this.path} is unreadable (${(error as NodeJS.ErrnoException).code}); starting empty.`)
      return new Map()
    }
    try {
      const data = JSON.parse(text) as unknown
      if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new TypeError('not an object')
      const tokens = new Map<string, OAuth2Token>()
      for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
        if (!Array.isArray(value) || typeof value[0] !== 'string' || typeof value[1] !== 'number') throw new TypeError(`entry ${key} is not [token, expiry]`)
        const token: OAuth2Token = { access_token: value[0], expires_at: value[1] }
        if (typeof value[2] === 'string') token.refresh_token = value[2]
        tokens.set(key, token)
      }
      return tokens
    } catch {
      process.emitWarning(`Token cache ${this.path} is corrupt or not a token cache; it will be replaced.`)
      return new Map()
    }
  }
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
 * another store. Name that store's type as the type argument (`tokenCache<RedisTokenStore>()`);
 * it is not checked, so `clear()` and `addToken()` exist only on the requests-auth caches.
 *
 * @example
 * ```ts
 * import { tokenCache } from 'oauth-sessions'
 * tokenCache().clear()
 * await tokenCache().delete('key')
 * ```
 * @group Auth
 */
export function tokenCache<T extends TokenStore = TokenMemoryCache>(): T {
  return processCache as T
}
