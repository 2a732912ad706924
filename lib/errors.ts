import type { z } from 'zod'

/**
 * The root of every error this library throws: catch it to handle all of them at once.
 *
 * @example
 * ```ts
 * import { OAuthSessionsError, Session } from 'oauth-sessions'
 * try { await new Session().get('https://api.example.com/') }
 * catch (error) { if (error instanceof OAuthSessionsError) console.error(error.message) }
 * ```
 * @see requests.exceptions.RequestException
 * @group Errors
 */
export class OAuthSessionsError extends Error {
  /** Always `'OAuthSessionsError'`. */
  override name = 'OAuthSessionsError'
  /** A stable identifier to branch on, as got's `error.code`: `'ERR_OAUTH_SESSIONS'` here, each subclass its own (`'ERR_INVALID_GRANT'` ...). */
  code: string = 'ERR_OAUTH_SESSIONS'
}

/**
 * Thrown when an option or argument is wrong; the message names the option and what was expected,
 * never its value (it may be a secret).
 *
 * @example
 * ```ts
 * import { ConfigurationError, Session } from 'oauth-sessions'
 * try { new Session({ timeout: -1 }) }
 * catch (error) { if (error instanceof ConfigurationError) console.error(error.option) }
 * ```
 * @group Errors
 */
export class ConfigurationError extends OAuthSessionsError {
  /** Always `'ConfigurationError'`. */
  override name = 'ConfigurationError'
  /** Always `'ERR_CONFIGURATION'`: a stable value to branch on, unlike the message. */
  override code = 'ERR_CONFIGURATION'
  /** The option path that was wrong, such as `proxies.https`. */
  readonly option: string

  constructor(option: string, message: string) {
    super(message)
    this.option = option
  }

  /**
   * Builds the error from a zod failure, naming the first wrong option path and what was expected.
   *
   * @param error - the zod error from `safeParse`
   * @param owner - the class or function whose options were checked, used in the message
   */
  static fromZod(error: z.ZodError, owner: string): ConfigurationError {
    const issues = error.issues.slice(0, 3).map((issue) => {
      const path = issue.path.map(String).join('.') || '(options)'
      return `${path}: ${describeIssue(issue)}`
    })
    const first = error.issues[0]
    const option = first ? first.path.map(String).join('.') || '(options)' : '(options)'
    return new ConfigurationError(option, `Invalid ${owner} options: ${issues.join('; ')}. Fix the option(s) named and try again.`)
  }
}

/**
 * What a `fromJSON` was given, parsed when it is text. Anything but a JSON object is a
 * ConfigurationError naming `json`, never quoting it: `toJSON` output holds secrets.
 *
 * @internal
 */
export function parseSerialized(json: unknown, owner: string): Record<string, unknown> {
  let data = json
  if (typeof json === 'string') {
    try {
      data = JSON.parse(json)
    } catch {
      throw new ConfigurationError('json', `${owner}.fromJSON() was given text that is not valid JSON. Pass what ${owner}.serialize() returned, unchanged.`)
    }
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    const kind = data === null ? 'null' : Array.isArray(data) ? 'an array' : `a ${typeof data}`
    throw new ConfigurationError('json', `${owner}.fromJSON() was given ${kind}. Pass the object (or its JSON text) that ${owner}.serialize() returned.`)
  }
  if (holdsRedacted(data, 0)) {
    throw new ConfigurationError('json', `${owner}.fromJSON() was given toJSON() output, whose secrets are redacted. Pass what ${owner}.serialize() returned.`)
  }
  return data as Record<string, unknown>
}

/** Whether a (shallow) serialised object carries a redacted value, at most two levels down. */
function holdsRedacted(value: unknown, depth: number): boolean {
  if (value === '[redacted]') return true
  if (depth > 2 || typeof value !== 'object' || value === null) return false
  return Object.values(value).some((inner) => holdsRedacted(inner, depth + 1))
}

/** Describes a zod issue without echoing the input value, which may be a secret. */
function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected}`
    case 'unrecognized_keys':
      return `unknown option(s) ${issue.keys.map((key) => `'${key}'`).join(', ')}`
    case 'too_small':
      return `must be at least ${String(issue.minimum)}`
    case 'too_big':
      return `must be at most ${String(issue.maximum)}`
    case 'invalid_value':
      return `expected one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`
    default:
      return issue.message
  }
}

/**
 * Thrown when a token response or an authorization redirect lacks the token; lists the keys it
 * did have (never their values, which may be secrets).
 *
 * @example
 * ```ts
 * import { OAuth1Session, TokenMissingError } from 'oauth-sessions'
 * try { new OAuth1Session('key').parseAuthorizationResponse('https://client.example/cb?denied=abc') }
 * catch (error) { if (error instanceof TokenMissingError) console.error(error.keys) }
 * ```
 * @see requests_oauthlib.oauth1_session.TokenMissing
 * @group Errors
 */
export class TokenMissingError extends OAuthSessionsError {
  /** Always `'TokenMissingError'`. */
  override name = 'TokenMissingError'
  /** Always `'ERR_TOKEN_MISSING'`: a stable value to branch on, unlike the message. */
  override code = 'ERR_TOKEN_MISSING'
  /** The keys that were present. */
  readonly keys: readonly string[]
  /** The key that was expected. */
  readonly expected: string

  constructor(expected: string, keys: readonly string[], where: string) {
    // Only what looks like a parameter name is listed: a body that is not really a form (a JSON
    // text, a bare token) decodes to "keys" that are the provider's values, credentials included.
    const names = keys.filter(isShowableKey)
    const others = keys.length - names.length
    const listed = [...names, ...(others > 0 ? [`${others} unnamed`] : [])]
    super(
      `${where} does not contain '${expected}' (keys present: ${listed.length > 0 ? listed.join(', ') : 'none'}). ` +
        'The provider may have refused the request, or uses another key name: pass keyToken / a decoder.',
    )
    this.expected = expected
    this.keys = names
  }
}

/**
 * Thrown when a credential would go over plain http to a host other than loopback: an OAuth 2
 * URL (as oauthlib's `InsecureTransportError`) or an OAuth 1 PLAINTEXT signature, which is the
 * secrets themselves. Set `OAUTHLIB_INSECURE_TRANSPORT=1` or `insecureTransport: true` for local
 * testing.
 *
 * @example
 * ```ts
 * import { InsecureTransportError, OAuth2Session } from 'oauth-sessions'
 * try { new OAuth2Session('id').authorizationUrl('http://idp.example.com/authorize') }
 * catch (error) { if (error instanceof InsecureTransportError) console.error(error.message) }
 * ```
 * @see oauthlib.oauth2.InsecureTransportError
 * @group Errors
 */
export class InsecureTransportError extends OAuthSessionsError {
  /** Always `'InsecureTransportError'`. */
  override name = 'InsecureTransportError'
  /** Always `'ERR_INSECURE_TRANSPORT'`: a stable value to branch on, unlike the message. */
  override code = 'ERR_INSECURE_TRANSPORT'

  /**
   * @param url - the plain-http URL (only its origin is shown)
   * @param what - what must use https, for the message (default `OAuth 2`)
   */
  constructor(url: string, what = 'OAuth 2') {
    super(
      `${what} must use https: ${new URL(url).origin} is plain http. Use https, or set OAUTHLIB_INSECURE_TRANSPORT=1 / insecureTransport: true for local testing only.`,
    )
  }
}

/**
 * Whether a key a provider sent may be shown in a message: a short parameter name, not a value
 * that a malformed body turned into a key.
 *
 * @internal
 */
export function isShowableKey(key: string): boolean {
  return /^[A-Za-z_][\w.:-]{0,63}$/.test(key)
}

/**
 * Thrown when a token answer has the token, but a field of the wrong type, length or form: an
 * `access_token` with a line break, an `expires_in` of `"abc"` or `1e308`, a `scope` that is an
 * object, a parameter sent twice. The message names the field and what was expected, never its
 * value (it may be a credential).
 *
 * @example
 * ```ts
 * import { InvalidTokenResponseError, OAuth2Session } from 'oauth-sessions'
 * declare const session: OAuth2Session
 * try { await session.fetchToken('https://idp.example.com/token', { code: 'abc' }) }
 * catch (error) { if (error instanceof InvalidTokenResponseError) console.error(error.field, error.problem) }
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 * @group Errors
 */
export class InvalidTokenResponseError extends OAuthSessionsError {
  /** Always `'InvalidTokenResponseError'`. */
  override name = 'InvalidTokenResponseError'
  /** Always `'ERR_INVALID_TOKEN_RESPONSE'`: a stable value to branch on, unlike the message. */
  override code = 'ERR_INVALID_TOKEN_RESPONSE'
  /** The field that was wrong (`'(a parameter)'` when its name is not fit to show). */
  readonly field: string
  /** What was wrong with it, such as `'is an object; expected a number of seconds'`. */
  readonly problem: string

  constructor(field: string, problem: string, where = 'The token response') {
    const shown = isShowableKey(field) ? field : '(a parameter)'
    super(
      `${where} is malformed: its '${shown}' ${problem}. ` +
        'Check the token URL; if the provider really answers so, repair the answer with a compliance hook or a decoder.',
    )
    this.field = shown
    this.problem = problem
  }
}

/**
 * What a value read from a provider is, for a message that must not quote it.
 *
 * @internal
 */
export function kindOf(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'a list'
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`
}
