import { TokenMissingError } from '../errors.js'
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
 * @group OAuth 1
 */
export function parseJsonToken(text: string): Record<string, unknown> {
  const value: unknown = JSON.parse(text)
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {}
}

/**
 * Decodes a token response: the explicit decoder when given, otherwise JSON or form according to
 * the response's Content-Type (rauth always assumed form, its most reported problem).
 *
 * @internal
 */
export function decodeTokenResponse(response: Response, decoder: TokenDecoder | undefined): Record<string, unknown> {
  if (decoder !== undefined) return decoder(response.text)
  const type = response.headers.get('content-type') ?? ''
  if (/[/+]json\b/i.test(type)) return parseJsonToken(response.text)
  return parseUtf8Qsl(response.text)
}

/**
 * Reads the named keys from a decoded token, as rauth's `process_token_request`.
 *
 * @internal
 */
export function pickTokenKeys(token: Record<string, unknown>, keys: readonly string[], where: string): string[] {
  return keys.map((key) => {
    const value = token[key]
    if (value === undefined || value === null) throw new TokenMissingError(key, Object.keys(token), where)
    return String(value)
  })
}
