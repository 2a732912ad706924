import { InvalidTokenResponseError, kindOf, TokenMissingError } from '../errors.js'
import { JSONDecodeError } from '../http/http-errors.js'
import type { Response } from '../http/response.js'

/**
 * Turns a token response body into key/value pairs: rauth's `decoder` argument.
 *
 * @example
 * ```ts
 * import type { TokenDecoder } from 'oauth-sessions'
 * const upperCaseKeys: TokenDecoder = (text) => Object.fromEntries(new URLSearchParams(text.toLowerCase()))
 * ```
 * @group OAuth 1
 */
export type TokenDecoder = (text: string) => Record<string, unknown>

/**
 * rauth's default decoder: a form-encoded body (`oauth_token=...&oauth_token_secret=...`) as an object.
 *
 * @example
 * ```ts
 * import { parseUtf8Qsl } from 'oauth-sessions'
 * parseUtf8Qsl('oauth_token=a&oauth_token_secret=b') // { oauth_token: 'a', oauth_token_secret: 'b' }
 * ```
 * @see rauth.utils.parse_utf8_qsl
 * @group OAuth 1
 */
export function parseUtf8Qsl(text: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(text.trim()))
}

/**
 * A JSON body as an object (for providers that answer token requests in JSON).
 *
 * @example
 * ```ts
 * import { parseJsonToken } from 'oauth-sessions'
 * parseJsonToken('{"oauth_token":"a"}') // { oauth_token: 'a' }
 * ```
 * @throws SyntaxError when the text is not JSON; given as a `decoder`, that becomes a
 * {@link JSONDecodeError} naming the token URL and status.
 * @group OAuth 1
 */
export function parseJsonToken(text: string): Record<string, unknown> {
  const value: unknown = JSON.parse(text)
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {}
}

/**
 * Decodes a token response: the explicit decoder when given, otherwise JSON or form according to
 * the response's Content-Type (rauth always assumed form, its most reported problem). A body that
 * fails to parse as JSON (an HTML error page, a login wall) is a {@link JSONDecodeError} carrying
 * status, URL and the Response; the parser's own message is dropped, as it quotes the body.
 *
 * @internal
 */
export function decodeTokenResponse(response: Response, decoder: TokenDecoder | undefined): Record<string, unknown> {
  const type = response.headers.get('content-type')
  try {
    if (decoder !== undefined) return decoder(response.text)
    if (/[/+]json\b/i.test(type ?? '')) return parseJsonToken(response.text)
    return parseUniqueQsl(response.text)
  } catch (error) {
    if (error instanceof SyntaxError) throw new JSONDecodeError(response.redactedUrl, response.status, type, error, response)
    throw error
  }
}

/**
 * {@link parseUtf8Qsl} for the default decoding of a token answer: a parameter sent twice is an
 * {@link InvalidTokenResponseError}, since either copy could be the token (rauth's dict kept the last).
 */
function parseUniqueQsl(text: string): Record<string, string> {
  const decoded: Record<string, string> = {}
  for (const [name, value] of new URLSearchParams(text.trim())) {
    if (Object.hasOwn(decoded, name)) throw new InvalidTokenResponseError(name, 'is sent more than once', 'The token response')
    Object.defineProperty(decoded, name, { value, enumerable: true, writable: true, configurable: true })
  }
  return decoded
}

/**
 * Reads the named keys from a decoded token, as rauth's `process_token_request`: each must be
 * non-empty text of printable characters (rauth's `parse_qs` drops empty values, so an empty one
 * is missing), at most {@link MAX_OAUTH1_FIELD_LENGTH} long; anything else is a typed error that
 * never quotes the value.
 *
 * @throws {@link TokenMissingError} for a missing or empty key
 * @throws {@link InvalidTokenResponseError} for a number, an object, or text a token cannot be
 * @internal
 */
export function pickTokenKeys(token: Record<string, unknown>, keys: readonly string[], where: string): string[] {
  return keys.map((key) => {
    const value = Object.hasOwn(token, key) ? token[key] : undefined
    if (value === undefined || value === null || value === '') {
      throw new TokenMissingError(
        key,
        Object.keys(token).filter((name) => token[name] !== ''),
        where,
      )
    }
    return checkOAuth1Text(key, value, where)
  })
}

/** The longest OAuth 1 token or secret accepted. @internal */
export const MAX_OAUTH1_FIELD_LENGTH = 65_536

/** A token value: printable, no control characters, no U+FFFD from undecodable bytes. */
const PRINTABLE = /^[^\p{Cc}\uFFFD]+$/u

/** An OAuth 1 token field checked as text. @internal */
export function checkOAuth1Text(key: string, value: unknown, where: string): string {
  if (typeof value !== 'string') throw new InvalidTokenResponseError(key, `is ${kindOf(value)}; expected text`, where)
  if (value.length > MAX_OAUTH1_FIELD_LENGTH) throw new InvalidTokenResponseError(key, `is longer than ${MAX_OAUTH1_FIELD_LENGTH} characters`, where)
  if (!PRINTABLE.test(value)) throw new InvalidTokenResponseError(key, 'holds control characters or bytes that are not UTF-8', where)
  return value
}

/**
 * A decoded OAuth 1 token answer as text values (requests-oauthlib keeps every key): numbers and
 * booleans as text, other values dropped; `oauth_token` and `oauth_token_secret`, when present,
 * checked as {@link pickTokenKeys} does.
 *
 * @internal
 */
export function oauth1TokenText(decoded: Record<string, unknown>, where: string): Record<string, string> {
  const token: Record<string, string> = {}
  for (const [key, value] of Object.entries(decoded)) {
    if (key === '__proto__') continue
    let text: string | undefined
    if (key === 'oauth_token' || key === 'oauth_token_secret') text = value === null || value === '' ? undefined : checkOAuth1Text(key, value, where)
    else if (typeof value === 'string') text = value
    else if (typeof value === 'number' || typeof value === 'boolean') text = String(value)
    if (text !== undefined) Object.defineProperty(token, key, { value: text, enumerable: true, writable: true, configurable: true })
  }
  return token
}
