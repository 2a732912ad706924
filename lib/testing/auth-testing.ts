import { createHmac } from 'node:crypto'
import { setTokenCache, tokenCache, TokenMemoryCache } from '../oauth2/requests-auth/token-cache.js'
import type { StoredToken } from '../tokens/token-store.js'

/**
 * What {@link tokenCacheMock} and {@link useTokenCache} return: the cache in place and how to put
 * the previous one back.
 *
 * @example
 * ```ts
 * import { tokenCacheMock } from 'oauth-sessions/testing'
 * const mock = tokenCacheMock()
 * mock.restore()
 * ```
 * @group Testing
 */
export interface TokenCacheHandle {
  /** The cache now used by every requests-auth-style strategy. */
  cache: TokenMemoryCache
  /** Puts the previous process-wide cache back. */
  restore(): void
}

/** A cache that answers every key with one token, without running any flow. */
class FixedTokenCache extends TokenMemoryCache {
  readonly #token: string

  constructor(token: string) {
    super()
    this.#token = token
  }

  /** Every key holds the fixed token, which never expires. */
  override async get(_key: string): Promise<StoredToken> {
    return { token: { access_token: this.#token, token_type: 'Bearer' }, version: 1, updatedAt: 0 }
  }
}

/**
 * The counterpart of requests-auth's `token_cache_mock` fixture: every requests-auth-style
 * strategy gets `token` (default `2YotnFZFEjr1zCsicMWpAA`, as documented) without any flow.
 * Call `restore()` when the test ends.
 *
 * @example
 * ```ts
 * import { OAuth2ClientCredentials, Session } from 'oauth-sessions'
 * import { tokenCacheMock } from 'oauth-sessions/testing'
 * const mock = tokenCacheMock('MyCustomTokenValue')
 * try {
 *   const auth = new OAuth2ClientCredentials('https://idp.example.com/token', 'id', 'secret')
 *   await new Session({ auth }).get('https://api.example.com/') // Authorization: Bearer MyCustomTokenValue
 * } finally { mock.restore() }
 * ```
 * @see requests_auth.testing.token_cache_mock
 * @group Testing
 */
export function tokenCacheMock(token = '2YotnFZFEjr1zCsicMWpAA'): TokenCacheHandle {
  const previous = tokenCache()
  const cache = new FixedTokenCache(token)
  setTokenCache(cache)
  return { cache, restore: () => setTokenCache(previous) }
}

/**
 * The counterpart of requests-auth's `token_cache` fixture: a fresh, empty in-memory cache for
 * one test, and how to restore the previous one.
 *
 * @example
 * ```ts
 * import { useTokenCache } from 'oauth-sessions/testing'
 * const { cache, restore } = useTokenCache()
 * // ... run code that fetches tokens, inspect or clear the cache ...
 * restore()
 * ```
 * @see requests_auth.testing.token_cache
 * @group Testing
 */
export function useTokenCache(): TokenCacheHandle {
  const previous = tokenCache()
  const cache = new TokenMemoryCache()
  setTokenCache(cache)
  return {
    cache,
    restore: () => {
      cache.clear()
      setTokenCache(previous)
    },
  }
}

/**
 * A JWT (HS256, key `secret`, as requests-auth's `create_token` makes with pyjwt) whose `exp`
 * claim is `expiry`, for tests of code that reads token expiry.
 *
 * @example
 * ```ts
 * import { createToken } from 'oauth-sessions/testing'
 * const token = createToken(new Date(Date.now() + 3_600_000))
 * ```
 * @see requests_auth.testing.create_token
 * @group Testing
 */
export function createToken(expiry?: Date | number): string {
  const payload: Record<string, number> = {}
  if (expiry !== undefined) payload.exp = Math.trunc(expiry instanceof Date ? expiry.getTime() / 1000 : expiry)
  return hs256Jwt(payload, 'secret')
}

/** A JWT signed with HS256 under `key`. @internal */
export function hs256Jwt(claims: object, key: string): string {
  const encode = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url')
  const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(claims)}`
  return `${unsigned}.${createHmac('sha256', key).update(unsigned).digest('base64url')}`
}
