import { randomUUID } from 'node:crypto'
import type { OAuth2Token } from '../oauth2/oauth2-token.js'
import { copyStoredToken, nextStoredToken } from './stored-token-versions.js'
import type { SetTokenOptions, StoredToken, TokenLease, TokenStore } from './token-store.js'

/**
 * What `JSON.stringify` and `util.inspect` show of an in-memory token store: never a token.
 *
 * @example
 * ```ts
 * import { MemoryTokenStore } from 'oauth-sessions'
 * const store = new MemoryTokenStore()
 * await store.set('api', { access_token: 'abc' })
 * console.log(JSON.stringify(store)) // {"type":"MemoryTokenStore","count":1,"versions":{"api":1}}
 * ```
 * @group Tokens
 */
export interface TokenStoreSummary {
  /** The store's class name. */
  type: string
  /** The file a file-backed cache keeps its tokens in. */
  path?: string
  /** How many keys hold a token. */
  count: number
  /** Each key's version (see {@link StoredToken.version}). */
  versions: Record<string, number>
}

/**
 * A {@link TokenStore} in this process's memory: the default store, and the base of the
 * requests-auth caches. Versions and leases work as in the shared stores, within one process.
 *
 * @example
 * ```ts
 * import { MemoryTokenStore } from 'oauth-sessions'
 * const store = new MemoryTokenStore()
 * await store.set('api', { access_token: 'abc', expires_at: Date.now() / 1000 + 3600 })
 * console.log((await store.get('api'))?.token.access_token)
 * ```
 * @group Tokens
 */
export class MemoryTokenStore implements TokenStore {
  /** The stored tokens by key. @internal */
  protected readonly entries = new Map<string, StoredToken>()
  readonly #leases = new Map<string, { owner: string; until: number }>()
  /** The last version of a deleted key: versions never repeat, so `ifVersion` cannot be fooled by a delete and a new write. */
  readonly #retired = new Map<string, number>()

  async get(key: string): Promise<StoredToken | undefined> {
    const stored = this.entries.get(key)
    return stored === undefined ? undefined : copyStoredToken(stored)
  }

  async set(key: string, token: OAuth2Token, options: SetTokenOptions = {}): Promise<StoredToken | undefined> {
    return this.write(key, token, options)
  }

  async delete(key: string): Promise<void> {
    this.remove(key)
  }

  async lease(key: string, ttlMs: number): Promise<TokenLease | undefined> {
    const now = Date.now()
    const held = this.#leases.get(key)
    if (held !== undefined && held.until > now) return undefined
    const owner = randomUUID()
    this.#leases.set(key, { owner, until: now + ttlMs })
    const leases = this.#leases
    return {
      async extend(ms: number): Promise<boolean> {
        const current = leases.get(key)
        if (current?.owner !== owner) return false
        current.until = Date.now() + ms
        return true
      },
      async release(): Promise<void> {
        if (leases.get(key)?.owner === owner) leases.delete(key)
      },
    }
  }

  /**
   * What the store holds, without a token: its type, how many keys and each key's version, so
   * `console.log` and loggers never print an access or refresh token.
   */
  toJSON(): TokenStoreSummary {
    return {
      type: this.constructor.name,
      count: this.entries.size,
      versions: Object.fromEntries([...this.entries].map(([key, { version }]) => [key, version])),
    }
  }

  /** @internal keeps tokens out of `console.log` and `util.inspect`. */
  [Symbol.for('nodejs.util.inspect.custom')](): TokenStoreSummary {
    return this.toJSON()
  }

  /** The synchronous write behind {@link MemoryTokenStore.set}. @internal */
  protected write(key: string, token: OAuth2Token, options: SetTokenOptions = {}): StoredToken | undefined {
    const stored = nextStoredToken(this.entries.get(key), this.#retired.get(key), token, options)
    if (stored === undefined) return undefined
    this.entries.set(key, stored)
    this.#retired.delete(key)
    return copyStoredToken(stored)
  }

  /** The synchronous delete behind {@link MemoryTokenStore.delete}. @internal */
  protected remove(key: string): void {
    const current = this.entries.get(key)
    if (current !== undefined) this.#retired.set(key, current.version)
    this.entries.delete(key)
  }
}
