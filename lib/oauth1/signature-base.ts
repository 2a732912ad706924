import type { ParamPairs } from '../http/form-encoding.js'
import { percentEncode } from './percent-encode.js'

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
  const pairs: ParamPairs = []
  if (url.search.length <= 1) return pairs
  for (const [name, value] of url.searchParams) pairs.push([name, value])
  return pairs
}

/**
 * The normalised parameter string of RFC 5849 §3.4.1.3.2: every name and value percent-encoded,
 * sorted by name then value (byte order), joined with `=` and `&`.
 *
 * @internal
 */
export function normalizeParameters(pairs: ParamPairs): string {
  const encoded: string[] = new Array(pairs.length)
  for (let i = 0; i < pairs.length; i++) {
    const pair = pairs[i] as [string, string]
    encoded[i] = `${percentEncode(pair[0])}=${percentEncode(pair[1])}`
  }
  // `=` (0x3D) sorts above every character a percent-encoded name can hold except letters and
  // `_`, `~`: compare names first, then values, as the RFC requires.
  encoded.sort(compareEncodedPairs)
  return encoded.join('&')
}

function compareEncodedPairs(a: string, b: string): number {
  const aEq = a.indexOf('=')
  const bEq = b.indexOf('=')
  const aName = a.slice(0, aEq)
  const bName = b.slice(0, bEq)
  if (aName !== bName) return aName < bName ? -1 : 1
  const aValue = a.slice(aEq + 1)
  const bValue = b.slice(bEq + 1)
  return aValue < bValue ? -1 : aValue > bValue ? 1 : 0
}

/**
 * The signature base string of RFC 5849 §3.4.1.1: method, base string URI and normalised
 * parameters, each percent-encoded, joined with `&`.
 *
 * @internal
 */
export function signatureBaseString(method: string, url: URL, pairs: ParamPairs): string {
  return `${percentEncode(method.toUpperCase())}&${percentEncode(baseStringUri(url))}&${percentEncode(normalizeParameters(pairs))}`
}
