import { TokenMissingError } from '../errors.js'
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
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {}
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
    return parseUtf8Qsl(response.text)
  } catch (error) {
    if (error instanceof SyntaxError) throw new JSONDecodeError(response.redactedUrl, response.status, type, error, response)
    throw error
  }
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
