import { randomAlphanumeric } from '../security/random-alphanumeric.js'
import { decodePairs, type ParamPairs } from '../http/form-encoding.js'
import type { PreparedRequest } from '../http/prepared-request.js'
import { percentEncode } from './percent-encode.js'

/** @internal */
export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded'

/** Parameters a caller may give in params or data that belong with the OAuth parameters (rauth). */
export const MOVABLE_OAUTH_PARAMS = ['oauth_callback', 'oauth_verifier', 'oauth_version'] as const

/**
 * A nonce of 24 alphanumeric characters from `crypto.randomBytes`, inside the 20 to 30 that
 * oauthlib-based providers accept.
 *
 * @internal
 */
export function generateNonce(): string {
  return randomAlphanumeric(24)
}

/**
 * Whether a body with no Content-Type reads as form parameters, as oauthlib's `extract_params`
 * decides (only URL-encoding characters and valid escapes).
 *
 * @internal
 */
export function looksLikeForm(body: PreparedRequest['body']): boolean {
  const text = typeof body === 'string' ? body : body instanceof Uint8Array ? Buffer.from(body).toString('utf8') : undefined
  if (text === undefined || text === '') return false
  return /^[A-Za-z0-9_.\-=&;:%+~,*@!()/?']*$/.test(text) && !/%(?![0-9A-Fa-f]{2})/.test(text)
}

/** @internal the request body as text, when it is text or bytes. */
export function bodyText(body: PreparedRequest['body']): string | undefined {
  if (typeof body === 'string') return body
  if (body instanceof Uint8Array) return Buffer.from(body).toString('utf8')
  return undefined
}

/**
 * Removes the parts of a `&`-separated string whose name matches, keeping every other part
 * byte for byte. Returns the kept string and the removed pairs (decoded).
 *
 * @internal
 */
export function extractParts(encoded: string, matches: (name: string) => boolean): { kept: string; removed: ParamPairs } {
  if (encoded === '') return { kept: '', removed: [] }
  const kept: string[] = []
  const removed: ParamPairs = []
  for (const part of encoded.split('&')) {
    const [pair] = decodePairs(part)
    if (pair !== undefined && matches(pair[0])) removed.push(pair)
    else kept.push(part)
  }
  return { kept: kept.join('&'), removed }
}

/** Replaces the query of a URL string, keeping the fragment. @internal */
export function withQuery(url: string, query: string): string {
  const hashAt = url.indexOf('#')
  const beforeHash = hashAt === -1 ? url : url.slice(0, hashAt)
  const hash = hashAt === -1 ? '' : url.slice(hashAt)
  const queryAt = beforeHash.indexOf('?')
  const path = queryAt === -1 ? beforeHash : beforeHash.slice(0, queryAt)
  return query === '' ? `${path}${hash}` : `${path}?${query}${hash}`
}

/** The query string of a URL string, without `?` and fragment. @internal */
export function queryOf(url: string): string {
  const hashAt = url.indexOf('#')
  const beforeHash = hashAt === -1 ? url : url.slice(0, hashAt)
  const queryAt = beforeHash.indexOf('?')
  return queryAt === -1 ? '' : beforeHash.slice(queryAt + 1)
}

/**
 * The Authorization header value oauthlib writes: `OAuth realm="...", name="value", ...` with
 * names and values percent-encoded (the realm as given).
 *
 * @internal
 */
export function authorizationHeader(oauthParams: ParamPairs, realm: string | undefined): string {
  let header = realm === undefined || realm === '' ? 'OAuth ' : `OAuth realm="${realm}", `
  for (let i = 0; i < oauthParams.length; i++) {
    const pair = oauthParams[i] as [string, string]
    const name = KNOWN_NAMES.has(pair[0]) ? pair[0] : percentEncode(pair[0])
    header += `${i === 0 ? '' : ', '}${name}="${percentEncode(pair[1])}"`
  }
  return header
}

/** OAuth parameter names that need no encoding (this runs for every signed request). */
const KNOWN_NAMES = new Set([
  'oauth_nonce',
  'oauth_timestamp',
  'oauth_version',
  'oauth_signature_method',
  'oauth_consumer_key',
  'oauth_token',
  'oauth_callback',
  'oauth_verifier',
  'oauth_body_hash',
  'oauth_signature',
])
