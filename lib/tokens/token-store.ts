import type { OAuth2Token } from '../oauth2/oauth2-token.js'

/**
 * A token as a {@link TokenStore} keeps it: the token, a version that grows with every write
 * (for compare-and-set), and when it was written.
 *
 * @example
 * ```ts
 * import { MemoryTokenStore } from 'oauth-sessions'
 * const store = new MemoryTokenStore()
 * const stored = await store.set('github', { access_token: 'gho_…', token_type: 'bearer' })
 * console.log(stored?.version) // 1
 * ```
 * @group Tokens
 */
export interface StoredToken {
  /** The token, wire keys as in {@link OAuth2Token}. */
  token: OAuth2Token
  /** 1 for the first write under a key, one more for each later write. */
  version: number
  /** When it was written, Unix milliseconds. */
  updatedAt: number
}

/**
 * Options of {@link TokenStore.set}.
 *
 * @example
 * ```ts
 * import { MemoryTokenStore } from 'oauth-sessions'
 * const store = new MemoryTokenStore()
 * const first = await store.set('key', { access_token: 'a' })
 * const lost = await store.set('key', { access_token: 'b' }, { ifVersion: 0 }) // undefined: a token is there
 * ```
 * @group Tokens
 */
export interface SetTokenOptions {
  /** Write only if the stored version is this one (0: only if there is none); otherwise `set` returns undefined. */
  ifVersion?: number
}

/**
 * A lease on a key: while it is held, no other holder gets one, so one process refreshes a token
 * while the others wait and re-read.
 *
 * @example
 * ```ts
 * import { MemoryTokenStore } from 'oauth-sessions'
 * const lease = await new MemoryTokenStore().lease('key', 10_000)
 * try {
 *   // refresh the token here
 * } finally {
 *   await lease?.release()
 * }
 * ```
 * @group Tokens
 */
export interface TokenLease {
  /** Keeps the lease for `ms` more milliseconds from now; false when it was lost (expired and taken). */
  extend(ms: number): Promise<boolean>
  /** Gives the lease up; only its holder's lease is released. */
  release(): Promise<void>
}

/**
 * Where tokens live between requests, processes and hosts (DESIGN §10): get, compare-and-set,
 * delete and a lease for single-flight refreshes. {@link MemoryTokenStore} is the default; the
 * requests-auth caches ({@link TokenMemoryCache}, {@link JsonTokenFileCache}) are stores too.
 *
 * @example
 * ```ts
 * import { setTokenCache, type TokenStore } from 'oauth-sessions'
 * declare const store: TokenStore
 * setTokenCache(store)
 * ```
 * @group Tokens
 */
export interface TokenStore {
  /** The token under `key`, if any. */
  get(key: string): Promise<StoredToken | undefined>
  /** Writes a token; with `ifVersion`, only over that version. Returns what was stored, or undefined when the race was lost. */
  set(key: string, token: OAuth2Token, options?: SetTokenOptions): Promise<StoredToken | undefined>
  /** Forgets the token under `key`. */
  delete(key: string): Promise<void>
  /** Takes a lease on `key` for `ttlMs`, or undefined while another holder has it. */
  lease(key: string, ttlMs: number): Promise<TokenLease | undefined>
}
