import { createHash } from 'node:crypto'
import { ConfigurationError } from '../errors.js'

/**
 * The hash methods Ofly signatures use.
 *
 * @example
 * ```ts
 * import type { OflyHashMethod } from 'oauth-sessions'
 * const hashMeth: OflyHashMethod = 'md5'
 * ```
 * @group Ofly
 */
export type OflyHashMethod = 'sha1' | 'md5'

/**
 * The Ofly timestamp of a moment, as rauth writes it: UTC `YYYY-MM-DDTHH:MM:SS.<ms>Z` with the
 * milliseconds not zero-padded (5 ms gives `.5Z`), because rauth puts the millisecond count into
 * its strftime format string as a plain number.
 *
 * @internal
 */
export function oflyTimestamp(date: Date): string {
  const pad = (value: number): string => String(value).padStart(2, '0')
  return (
    `${String(date.getUTCFullYear()).padStart(4, '0')}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}` +
    `T${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}.${date.getUTCMilliseconds()}Z`
  )
}

/** rauth's `get_sorted_params`: names sorted, `name=value` joined with `&`, values as they are. */
function sortedParams(params: Readonly<Record<string, string>>): string {
  return Object.keys(params)
    .sort()
    .map((name) => `${name}=${params[name]}`)
    .join('&')
}

/**
 * Signs an Ofly request exactly as rauth's `OflySession.sign`: returns the query string with the
 * request's params, `oflyAppId`, `oflyHashMeth`, `oflyTimestamp` and `oflyApiSig`, sorted by
 * name, values not percent-encoded.
 *
 * @internal
 */
export function signOfly(...request: Parameters<typeof signOflyParams>): string {
  return sortedParams(signOflyParams(...request))
}

/**
 * The parameters of a signed Ofly request, unencoded: the request's params with `oflyAppId`,
 * `oflyHashMeth`, `oflyTimestamp` and `oflyApiSig` added ({@link signOfly} joins them).
 *
 * @internal
 */
export function signOflyParams(
  url: string,
  appId: string,
  appSecret: string,
  hashMeth: string,
  params: Readonly<Record<string, string>>,
  now: Date = new Date(),
): Record<string, string> {
  checkHashMethod(hashMeth)
  const oflyParams: Record<string, string> = { oflyAppId: appId, oflyHashMeth: hashMeth.toUpperCase(), oflyTimestamp: oflyTimestamp(now) }
  const path = urlsplitPath(url)
  let base = `${appSecret}${path}?`
  if (Object.keys(params).length > 0) base += `${sortedParams(params)}&`
  base += sortedParams(oflyParams)
  oflyParams.oflyApiSig = createHash(hashMeth).update(base, 'utf8').digest('hex')
  return { ...oflyParams, ...params }
}

/**
 * The path Python's `urlsplit(url).path` gives, which rauth signs: the text after the scheme and
 * authority up to `?` or `#`, as written, so a bare host (`http://api.example.test`) has the empty
 * path where WHATWG's URL says `/`.
 *
 * @internal
 */
export function urlsplitPath(url: string): string {
  let rest = url.trimStart().replace(/[\t\n\r]/g, '')
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:/.exec(rest)
  if (scheme !== null) rest = rest.slice(scheme[0].length)
  if (rest.startsWith('//')) {
    const end = rest.slice(2).search(/[/?#]/)
    rest = end < 0 ? '' : rest.slice(2 + end)
  }
  return rest.split('#', 1)[0]?.split('?', 1)[0] ?? ''
}

/**
 * Throws unless `hashMeth` is one Ofly knows.
 *
 * @internal
 */
export function checkHashMethod(hashMeth: unknown): asserts hashMeth is OflyHashMethod {
  if (hashMeth !== 'sha1' && hashMeth !== 'md5') {
    throw new ConfigurationError('hashMeth', `Unknown Ofly hash method '${String(hashMeth)}': use 'sha1' or 'md5'.`)
  }
}
