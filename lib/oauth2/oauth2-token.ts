import { InvalidTokenResponseError, kindOf } from '../errors.js'

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
  /** The field that holds the token in a provider's answer (checked like `access_token`). Default `access_token`. */
  tokenField?: string | undefined
}

/**
 * Normalises a token as oauthlib's `OAuth2Token` does: `expires_in` becomes a number and adds
 * `expires_at`; a space-separated `scope` becomes a list. A provider's answer (`fromProvider`) is
 * checked first ({@link checkProviderToken}).
 *
 * @internal
 */
export function normalizeToken(raw: Record<string, unknown>, options: NormalizeOptions = {}): OAuth2Token {
  if (options.fromProvider === true) raw = checkProviderToken(raw, options.tokenField)
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

/** The longest token, refresh token, ID token or scope accepted from a provider. @internal */
export const MAX_TOKEN_FIELD_LENGTH = 65_536

/** RFC 6749 Appendix A.12: an access token is visible ASCII; spaces are refused too, as a Bearer header could not carry them. */
const ACCESS_TOKEN = /^[\x21-\x7E]+$/
/** Appendix A.17: a refresh token is 1*VSCHAR; one that starts or ends with a space is refused as blank padding. */
const VSCHAR = /^[\x21-\x7E](?:[\x20-\x7E]*[\x21-\x7E])?$/
/** Appendix A.13 names the type 1*name-char; any printable text is let through here, and checked when the token is sent. */
const TOKEN_TYPE = /^[\x20-\x7E]{0,256}$/

/**
 * Checks the fields of a provider's token answer (DESIGN §4: every field validated, type and
 * length): a text `access_token` (or the field named) of visible ASCII; `refresh_token`,
 * `id_token`, `token_type` as text when present; `expires_in` and `expires_at` as non-negative
 * whole seconds (a numeric text is accepted, as form answers send one); `scope` as text or a list
 * of texts. A `null` (or an empty refresh token) counts as absent, and a `__proto__` key is
 * dropped. Anything else is an {@link InvalidTokenResponseError} naming the field, never its value.
 *
 * @internal
 */
export function checkProviderToken(raw: Record<string, unknown>, tokenField = 'access_token'): Record<string, unknown> {
  const token: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(raw)) {
    if (key === '__proto__' || value === null) continue
    if (key === 'refresh_token' && value === '') continue
    Object.defineProperty(token, key, { value, enumerable: true, writable: true, configurable: true })
  }
  const fields = new Set([tokenField, 'access_token'])
  for (const field of fields) {
    const value = Object.hasOwn(token, field) ? token[field] : undefined
    if (value === undefined && field !== tokenField) continue
    if (typeof value !== 'string' || value === '')
      throw new InvalidTokenResponseError(field, `is ${value === '' ? 'empty' : kindOf(value)}; expected the token as text`)
    if (value.length > MAX_TOKEN_FIELD_LENGTH) throw new InvalidTokenResponseError(field, `is longer than ${MAX_TOKEN_FIELD_LENGTH} characters`)
    if (!ACCESS_TOKEN.test(value))
      throw new InvalidTokenResponseError(field, 'holds characters a token cannot have (a space, a line break, a control or non-ASCII character)')
  }
  for (const field of ['refresh_token', 'id_token']) {
    if (fields.has(field) || !Object.hasOwn(token, field)) continue
    const value = token[field]
    if (typeof value !== 'string') throw new InvalidTokenResponseError(field, `is ${kindOf(value)}; expected text`)
    if (value.length > MAX_TOKEN_FIELD_LENGTH) throw new InvalidTokenResponseError(field, `is longer than ${MAX_TOKEN_FIELD_LENGTH} characters`)
    if (!VSCHAR.test(value)) throw new InvalidTokenResponseError(field, 'holds characters a token cannot have (a line break, a control or non-ASCII character)')
  }
  if (Object.hasOwn(token, 'token_type') && !(typeof token.token_type === 'string' && TOKEN_TYPE.test(token.token_type))) {
    throw new InvalidTokenResponseError(
      'token_type',
      `is ${typeof token.token_type === 'string' ? 'not a short printable name' : kindOf(token.token_type)}; expected a type such as Bearer`,
    )
  }
  for (const field of ['expires_in', 'expires_at']) {
    if (!Object.hasOwn(token, field) || token[field] === '') continue
    if (seconds(token[field]) === undefined) {
      throw new InvalidTokenResponseError(
        field,
        `is ${typeof token[field] === 'string' ? 'text that is not a number' : kindOf(token[field])}, or out of range; expected whole seconds (0 or more)`,
      )
    }
  }
  if (Object.hasOwn(token, 'scope')) {
    const scope = token.scope
    const valid = typeof scope === 'string' || (Array.isArray(scope) && scope.every((item) => typeof item === 'string'))
    if (!valid) throw new InvalidTokenResponseError('scope', `is ${kindOf(scope)}; expected space-separated text or a list of texts`)
    if ((typeof scope === 'string' ? scope : scope.join(' ')).length > MAX_TOKEN_FIELD_LENGTH) {
      throw new InvalidTokenResponseError('scope', `is longer than ${MAX_TOKEN_FIELD_LENGTH} characters`)
    }
  }
  return token
}

/** Whole seconds from a number or a decimal text, or undefined when it is neither, negative or not a safe integer. */
function seconds(value: unknown): number | undefined {
  const number = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+(?:\.\d+)?\s*$/.test(value) ? Number(value) : Number.NaN
  const whole = Math.trunc(number)
  return Number.isSafeInteger(whole) && whole >= 0 ? whole : undefined
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
