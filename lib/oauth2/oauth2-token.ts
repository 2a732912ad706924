/**
 * An OAuth 2 token as the wire spells it (RFC 6749 §5.1), with `expires_at` (Unix seconds) added
 * when the provider sent `expires_in`, and `scope` as a list, as oauthlib keeps it.
 *
 * @example
 * ```ts
 * import type { OAuth2Token } from 'oauth-sessions'
 * const token: OAuth2Token = { access_token: 'abc', token_type: 'Bearer', expires_in: 3600 }
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 * @group OAuth 2
 */
export interface OAuth2Token {
  /** The access token. */
  access_token?: string
  /** Usually `Bearer`. */
  token_type?: string
  /** Lifetime in seconds, as sent. */
  expires_in?: number
  /** When the token expires, Unix seconds. */
  expires_at?: number
  /** The refresh token, if the provider issued one. */
  refresh_token?: string
  /** The granted scope. */
  scope?: string[]
  /** The OpenID Connect ID token, if any. */
  id_token?: string
  /** Anything else the provider returned. */
  [key: string]: unknown
}

/** How {@link normalizeToken} reads a token. @internal */
export interface NormalizeOptions {
  /** Now, in Unix seconds (for tests). */
  nowSeconds?: number | undefined
  /** When there is no `expires_in`, take `expires_at` from the `exp` claim of this field if it holds a JWT (requests-auth). */
  jwtExpiry?: string | undefined
  /**
   * The token is a fresh provider answer: `expires_at` is computed from `expires_in`, whatever
   * `expires_at` the provider sent (oauthlib's rule). Without it a given `expires_at` wins, as for
   * a stored token.
   */
  fromProvider?: boolean | undefined
}

/**
 * Normalises a token as oauthlib's `OAuth2Token` does: `expires_in` becomes a number and adds
 * `expires_at`; a space-separated `scope` becomes a list.
 *
 * @internal
 */
export function normalizeToken(raw: Record<string, unknown>, options: NormalizeOptions = {}): OAuth2Token {
  const nowSeconds = options.nowSeconds ?? Date.now() / 1000
  const token: OAuth2Token = { ...raw }
  const expiresIn = raw.expires_in === undefined || raw.expires_in === null || raw.expires_in === '' ? Number.NaN : Math.trunc(Number(raw.expires_in))
  if (Number.isFinite(expiresIn)) token.expires_in = expiresIn
  else delete token.expires_in
  // As oauthlib: a given expires_at wins (a stored token); otherwise it is now + expires_in.
  const givenExpiresAt = raw.expires_at !== undefined && raw.expires_at !== null && Number.isFinite(Number(raw.expires_at))
  if (Number.isFinite(expiresIn) && (options.fromProvider === true || !givenExpiresAt)) token.expires_at = nowSeconds + expiresIn
  else if (givenExpiresAt) token.expires_at = Math.trunc(Number(raw.expires_at))
  else if (options.jwtExpiry !== undefined && typeof raw[options.jwtExpiry] === 'string') {
    const exp = jwtExpiry(raw[options.jwtExpiry] as string)
    if (exp !== undefined) token.expires_at = exp
  }
  if (typeof raw.scope === 'string') token.scope = scopeToList(raw.scope)
  return token
}

/** The `exp` claim of a JWT, or undefined when the token is not a JWT with one. @internal */
export function jwtExpiry(token: string): number | undefined {
  const parts = token.split('.')
  if (parts.length !== 3) return undefined
  try {
    const claims = JSON.parse(Buffer.from(parts[1] as string, 'base64url').toString('utf8')) as unknown
    const exp = typeof claims === 'object' && claims !== null ? (claims as Record<string, unknown>).exp : undefined
    return typeof exp === 'number' && Number.isFinite(exp) ? exp : undefined
  } catch {
    return undefined
  }
}

/** A scope string or list as a list. @internal */
export function scopeToList(scope: string | readonly string[] | undefined): string[] | undefined {
  if (scope === undefined) return undefined
  if (typeof scope === 'string') return scope.split(/[\s,]+/).filter(Boolean)
  return [...scope]
}

/** A scope list as the space-separated string the wire wants. @internal */
export function scopeToString(scope: string | readonly string[] | undefined): string | undefined {
  if (scope === undefined) return undefined
  return typeof scope === 'string' ? scope : scope.join(' ')
}

/** Whether a token has expired, `leeway` seconds early. @internal */
export function isExpired(token: OAuth2Token | undefined, leewaySeconds = 0, nowSeconds = Date.now() / 1000): boolean {
  return token?.expires_at !== undefined && token.expires_at - leewaySeconds < nowSeconds
}
