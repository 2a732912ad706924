import { createHash } from 'node:crypto'

/**
 * What names a shared token in a {@link TokenStore}: see {@link tokenKeyFor}.
 *
 * @example
 * ```ts
 * import { tokenKeyFor, type TokenKeyParts } from 'oauth-sessions'
 * const parts: TokenKeyParts = { tokenUrl: 'https://idp.example.com/token', clientId: 'app', grantType: 'client_credentials' }
 * console.log(tokenKeyFor(parts))
 * ```
 * @group Tokens
 */
export interface TokenKeyParts {
  /** The token endpoint. */
  tokenUrl: string
  /** The client id. */
  clientId?: string | undefined
  /** The grant, as its `grant_type` (`authorization_code`, `client_credentials` ...). */
  grantType: string
  /** Whose token it is (a user id), for a token per user. */
  subject?: string | undefined
  /** The scope; its order does not matter. */
  scope?: string | readonly string[] | undefined
}

/**
 * The default store key of a shared token: `oauth2:` and a SHA-256 (base64url) of the token
 * endpoint (as a URL: host case and default port do not matter), client id, grant, subject and
 * scope. Nothing secret goes into it, so the key can be logged and shown. Sessions with the same
 * parts share one token.
 *
 * @example
 * ```ts
 * import { OAuth2Session, RedisTokenStore, tokenKeyFor } from 'oauth-sessions'
 * declare const store: RedisTokenStore
 * const tokenKey = tokenKeyFor({ tokenUrl: 'https://idp.example.com/token', clientId: 'app', grantType: 'authorization_code', subject: 'user-42' })
 * const session = new OAuth2Session('app', { tokenStore: store, tokenKey, autoRefreshUrl: 'https://idp.example.com/token' })
 * ```
 * @group Tokens
 */
export function tokenKeyFor(parts: TokenKeyParts): string {
  const scope = typeof parts.scope === 'string' ? parts.scope.split(/\s+/) : [...(parts.scope ?? [])]
  // One endpoint, however it is spelt: `https://IDP.example:443/token` is `https://idp.example/token`.
  const tokenUrl = URL.canParse(parts.tokenUrl) ? new URL(parts.tokenUrl).href : parts.tokenUrl
  const named = [tokenUrl, parts.clientId ?? '', parts.grantType, parts.subject ?? '', [...new Set(scope.filter(Boolean))].sort().join(' ')]
  return `oauth2:${createHash('sha256').update(JSON.stringify(named)).digest('base64url')}`
}
