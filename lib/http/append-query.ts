import { encodePairs, type ParamPairs } from './form-encoding.js'

/**
 * Appends form-encoded pairs to a URL string's query (after any it has), before the fragment.
 *
 * @internal
 */
export function appendQuery(url: string, pairs: ParamPairs): string {
  if (pairs.length === 0) return url
  const hashAt = url.indexOf('#')
  const beforeHash = hashAt === -1 ? url : url.slice(0, hashAt)
  const hash = hashAt === -1 ? '' : url.slice(hashAt)
  const joiner = beforeHash.includes('?') ? (beforeHash.endsWith('?') || beforeHash.endsWith('&') ? '' : '&') : '?'
  return `${beforeHash}${joiner}${encodePairs(pairs)}${hash}`
}
