import { OAuthSessionsError } from '../errors.js'

/**
 * Thrown when a shared {@link TokenStore} could not be reached or did not answer in time (a
 * stopped redis-server, a closed client): the token was neither read nor written. Retry later;
 * a write that timed out may still be applied once the store answers again, so re-read first.
 *
 * @example
 * ```ts
 * import { TokenStoreUnavailableError, type TokenStore } from 'oauth-sessions'
 * declare const store: TokenStore
 * try { await store.get('api') }
 * catch (error) { if (error instanceof TokenStoreUnavailableError) console.error(error.store, error.message) }
 * ```
 * @group Errors
 */
export class TokenStoreUnavailableError extends OAuthSessionsError {
  /** Always `'TokenStoreUnavailableError'`. */
  override name = 'TokenStoreUnavailableError'
  /** Always `'ERR_TOKEN_STORE_UNAVAILABLE'`. */
  override code = 'ERR_TOKEN_STORE_UNAVAILABLE'
  /** The store's class name, such as `'RedisTokenStore'`. */
  readonly store: string
  /** The store operation that failed: `'get'`, `'set'`, `'delete'`, `'lease'`, `'extend'` or `'release'`. */
  readonly operation: string

  constructor(store: string, operation: string, message: string) {
    super(message)
    this.store = store
    this.operation = operation
  }
}
