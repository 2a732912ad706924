import { randomBytes } from 'node:crypto'
import { chmodSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { jwtExpiry } from '../oauth2-token.js'

/** A cached token and when it expires (Unix seconds), as requests-auth stores it. */
interface CachedToken {
  token: string
  expiry: number
  refreshToken?: string | undefined
}

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
 * Where requests-auth-style strategies keep tokens between requests, keyed by a hash of the
 * grant's parameters (requests-auth's `state`).
 *
 * @example
 * ```ts
 * import { setTokenCache, TokenMemoryCache } from 'oauth-sessions'
 * setTokenCache(new TokenMemoryCache())
 * ```
 * @see requests_auth.TokenMemoryCache
 * @group Auth
 */
export class TokenMemoryCache {
  /** @internal */
  protected tokens = new Map<string, CachedToken>()
  readonly #pending = new Map<string, Promise<string>>()

  /**
   * The token under `key`, fetched with `onMissing` when there is none or it expires within
   * `earlyExpiry` seconds; concurrent callers share one fetch.
   */
  async getToken(key: string, earlyExpiry: number, onMissing: (refreshToken: string | undefined) => Promise<NewToken>): Promise<string> {
    const cached = this.tokens.get(key)
    if (cached !== undefined && cached.expiry - earlyExpiry > Date.now() / 1000) return cached.token
    let pending = this.#pending.get(key)
    if (pending === undefined) {
      pending = onMissing(cached?.refreshToken)
        .then((fresh) => {
          this.addToken(key, fresh)
          return fresh.token
        })
        .finally(() => this.#pending.delete(key))
      this.#pending.set(key, pending)
    }
    return pending
  }

  /**
   * Stores a token. Without a lifetime, a JWT's `exp` claim gives its expiry (as requests-auth reads
   * bearer tokens); any other token is kept for a year.
   */
  addToken(key: string, fresh: NewToken): void {
    const now = Date.now() / 1000
    const expiry = fresh.expiresAt ?? (fresh.expiresIn !== undefined ? now + fresh.expiresIn : (jwtExpiry(fresh.token) ?? now + 365 * 24 * 3600))
    this.tokens.set(key, { token: fresh.token, expiry, refreshToken: fresh.refreshToken })
    this.persist()
  }

  /** Forgets every token. */
  clear(): void {
    this.tokens.clear()
    this.persist()
  }

  /** @internal hook for persistent caches */
  protected persist(): void {}
}

/**
 * A token cache kept in a JSON file, so tokens survive restarts: created when missing, written
 * atomically (temporary file, then rename) with mode 0600. A corrupt or foreign file is reported
 * with a warning and replaced; it never fails a request.
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

  constructor(path: string) {
    super()
    this.path = path
    this.tokens = this.#load()
  }

  protected override persist(): void {
    const data: Record<string, [string, number, string?]> = {}
    for (const [key, value] of this.tokens)
      data[key] = value.refreshToken === undefined ? [value.token, value.expiry] : [value.token, value.expiry, value.refreshToken]
    const temporary = `${this.path}.${randomBytes(6).toString('hex')}.tmp`
    try {
      writeFileSync(temporary, JSON.stringify(data), { mode: 0o600 })
      chmodSync(temporary, 0o600)
      renameSync(temporary, this.path)
    } catch (error) {
      // The token is still cached in memory: a cache file that cannot be written never fails a request.
      process.emitWarning(
        `Token cache ${this.path} could not be written (${(error as NodeJS.ErrnoException).code ?? 'error'}); tokens are kept in memory only.`,
      )
    }
  }

  #load(): Map<string, CachedToken> {
    let text: string
    try {
      text = readFileSync(this.path, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        process.emitWarning(`Token cache ${this.path} is unreadable (${(error as NodeJS.ErrnoException).code}); starting empty.`)
      return new Map()
    }
    try {
      const data = JSON.parse(text) as unknown
      if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new TypeError('not an object')
      const tokens = new Map<string, CachedToken>()
      for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
        if (!Array.isArray(value) || typeof value[0] !== 'string' || typeof value[1] !== 'number') throw new TypeError(`entry ${key} is not [token, expiry]`)
        tokens.set(key, { token: value[0], expiry: value[1], refreshToken: typeof value[2] === 'string' ? value[2] : undefined })
      }
      return tokens
    } catch {
      process.emitWarning(`Token cache ${this.path} is corrupt or not a token cache; it will be replaced.`)
      return new Map()
    }
  }
}

let processCache: TokenMemoryCache = new TokenMemoryCache()

/**
 * Sets the process-wide token cache of requests-auth-style strategies (`OAuth2.token_cache = ...`).
 *
 * @example
 * ```ts
 * import { JsonTokenFileCache, setTokenCache } from 'oauth-sessions'
 * setTokenCache(new JsonTokenFileCache('./.tokens.json'))
 * ```
 * @group Auth
 */
export function setTokenCache(cache: TokenMemoryCache): void {
  processCache = cache
}

/**
 * The process-wide token cache.
 *
 * @example
 * ```ts
 * import { tokenCache } from 'oauth-sessions'
 * tokenCache().clear()
 * ```
 * @group Auth
 */
export function tokenCache(): TokenMemoryCache {
  return processCache
}
