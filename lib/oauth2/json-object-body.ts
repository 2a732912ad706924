import type { Response } from '../http/response.js'

/**
 * Why a response body is not a JSON object: `not-json` (its content-type is no JSON type; `shown`
 * says which, cut to 80 characters), `unparsable` or `not-an-object` (an array, a string, null...).
 *
 * @internal
 */
export type JsonBodyProblem = 'not-json' | 'unparsable' | 'not-an-object'

/** `application/json` and the structured `+json` types (`application/jwk-set+json`), parameters allowed. */
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i

/**
 * The JSON object a response carries (a discovery document, a key set, a UserInfo answer), or
 * what `fail` makes of why it carries none: `fail` throws the caller's error or returns its
 * reason. The status is the caller's to check first.
 *
 * @internal
 */
export function jsonObjectBody<F>(response: Response, fail: (problem: JsonBodyProblem, shown: string) => F): Record<string, unknown> | F {
  const type = response.headers.get('content-type') ?? ''
  if (!JSON_TYPE.test(type)) return fail('not-json', type === '' ? 'no content-type' : type.slice(0, 80))
  let body: unknown
  try {
    body = JSON.parse(response.text)
  } catch {
    return fail('unparsable', '')
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return fail('not-an-object', '')
  return body as Record<string, unknown>
}
