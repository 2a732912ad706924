import { decodePairs, type ParamPairs } from '../http/form-encoding.js'
import { percentEncode, percentEncodeTwice } from './percent-encode.js'

const DEFAULT_PORTS: Readonly<Record<string, string>> = { 'http:': '80', 'https:': '443' }

/**
 * The base string URI of RFC 5849 §3.4.1.2: scheme and host in lower case, the default port
 * dropped, no query and no fragment.
 *
 * @internal
 */
export function baseStringUri(url: URL): string {
  const port = url.port === '' || url.port === DEFAULT_PORTS[url.protocol] ? '' : `:${url.port}`
  return `${url.protocol.toLowerCase()}//${url.hostname.toLowerCase()}${port}${url.pathname || '/'}`
}

/**
 * Decodes a query string the way oauthlib collects it (`+` is a space), keeping repeats and blanks.
 *
 * @internal
 */
export function queryPairs(url: URL): ParamPairs {
  return url.search.length <= 1 ? [] : decodePairs(url.search.slice(1))
}

/**
 * The normalised parameter string of RFC 5849 §3.4.1.3.2: every name and value percent-encoded,
 * sorted by name then value (byte order), joined with `=` and `&`.
 *
 * @internal
 */
export function normalizeParameters(pairs: ParamPairs): string {
  return sortedKeys(pairs).join('&').replaceAll(SEPARATOR, '=')
}

/**
 * The pairs in the order {@link normalizeParameters} puts them (by encoded name, then encoded
 * value), still decoded: what `explainSignature` shows.
 *
 * @internal
 */
export function normalizedOrder(pairs: ParamPairs): ParamPairs {
  const keyed = pairs.map((pair) => ({ pair, key: percentEncode(pair[0]) + SEPARATOR + percentEncode(pair[1]) }))
  return keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map(({ pair }) => pair)
}

/** Sorts below every character an encoded name or value can hold (a NUL would be `%00`). */
const SEPARATOR = '\u0000'

/**
 * Each pair encoded as `name NUL value` and sorted natively: with a separator below every
 * encoded character, plain string order is "by name, then by value" in byte order.
 */
function sortedKeys(pairs: ParamPairs): string[] {
  const keys: string[] = new Array(pairs.length)
  for (let i = 0; i < pairs.length; i++) {
    const pair = pairs[i] as [string, string]
    keys[i] = percentEncode(pair[0]) + SEPARATOR + percentEncode(pair[1])
  }
  return keys.sort()
}

/**
 * The signature base string of RFC 5849 §3.4.1.1: method, base string URI and normalised
 * parameters, each percent-encoded, joined with `&`.
 *
 * @internal
 */
export function signatureBaseString(method: string, url: URL | string, pairs: ParamPairs, preEncoded?: readonly EncodedPair[]): string {
  const parameters = encodedParameters(pairs, preEncoded)
  return `${percentEncode(method.toUpperCase())}&${encodedBaseUri(url)}&${parameters}`
}

/**
 * Pairs encoded for the base string ahead of time: the OAuth parameters that stay the same for
 * every request of one client and token (version, method, consumer key, token).
 *
 * @internal
 */
export function preEncode(pairs: ParamPairs): EncodedPair[] {
  return pairs.map(([name, value]) => ({ name: percentEncodeTwice(name), value: percentEncodeTwice(value) }))
}

/**
 * The normalised parameter string, percent-encoded once more, built in one go: each part is
 * encoded twice directly (which keeps the sort order of the once-encoded form) and joined with
 * `%3D` and `%26`.
 */
function encodedParameters(pairs: ParamPairs, preEncoded: readonly EncodedPair[] = []): string {
  const entries: EncodedPair[] = new Array(pairs.length + preEncoded.length)
  for (let i = 0; i < pairs.length; i++) {
    const pair = pairs[i] as [string, string]
    entries[i] = { name: percentEncodeTwice(pair[0]), value: percentEncodeTwice(pair[1]) }
  }
  for (let i = 0; i < preEncoded.length; i++) entries[pairs.length + i] = preEncoded[i] as EncodedPair
  entries.sort(byNameThenValue)
  let out = ''
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i] as EncodedPair
    out += `${i === 0 ? '' : '%26'}${entry.name}%3D${entry.value}`
  }
  return out
}

/**
 * The request's own parameters (query and form) as the two runs of the encoded parameter
 * string around the OAuth parameters: with no name starting with `oauth_`, every name sorts
 * either before all of `oauth_*` or after all of them, so the OAuth parameters of a request stay
 * one block whose only changing parts are the nonce and the timestamp. `before` ends with `%26`
 * and `after` starts with it, unless empty. `undefined` when a name starts with `oauth_`.
 *
 * @internal
 */
export function parametersAroundOAuth(pairs: ParamPairs): { before: string; after: string } | undefined {
  const entries: EncodedPair[] = new Array(pairs.length)
  for (let i = 0; i < pairs.length; i++) {
    const pair = pairs[i] as [string, string]
    const name = percentEncodeTwice(pair[0])
    if (name.startsWith('oauth_')) return undefined
    entries[i] = { name, value: percentEncodeTwice(pair[1]) }
  }
  if (entries.length > 1) entries.sort(byNameThenValue)
  let before = ''
  let after = ''
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i] as EncodedPair
    if (entry.name < 'oauth_') before += `${entry.name}%3D${entry.value}%26`
    else after += `%26${entry.name}%3D${entry.value}`
  }
  return { before, after }
}

/** A parameter name and value, each percent-encoded twice. @internal */
export interface EncodedPair {
  name: string
  value: string
}

function byNameThenValue(a: EncodedPair, b: EncodedPair): number {
  if (a.name !== b.name) return a.name < b.name ? -1 : 1
  return a.value < b.value ? -1 : a.value > b.value ? 1 : 0
}

/** Percent-encoded base string URIs of recent URLs: a client signs the same few URLs again and again. */
const baseUriCache = new Map<string, string>()

/** @internal */
export function encodedBaseUri(url: URL | string): string {
  const uri = typeof url === 'string' ? url : baseStringUri(url)
  let encoded = baseUriCache.get(uri)
  if (encoded === undefined) {
    encoded = percentEncode(uri)
    if (baseUriCache.size >= 256) baseUriCache.clear()
    baseUriCache.set(uri, encoded)
  }
  return encoded
}

/**
 * The base string URI and query of a URL string that is already in WHATWG form (lower-case
 * scheme and host, no default port, no user-info): what the Session and got hand a strategy.
 * Returns `undefined` for anything else, which then goes through `new URL`.
 *
 * @internal
 */
export function splitNormalizedUrl(url: string): { baseUri: string; query: string } | undefined {
  const match = /^(https?):\/\/([a-z0-9.-]+|\[[0-9a-f:.]+\])(?::(\d+))?(\/[^?#]*)(?:\?([^#]*))?/.exec(url)
  if (match === null) return undefined
  const [whole, scheme, , port, , query] = match as unknown as [string, string, string, string | undefined, string, string | undefined]
  if ((scheme === 'http' && port === '80') || (scheme === 'https' && port === '443')) return undefined
  const queryAt = whole.indexOf('?')
  return { baseUri: queryAt === -1 ? whole : whole.slice(0, queryAt), query: query ?? '' }
}
