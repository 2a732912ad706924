/**
 * A single query or form value. `null` and `undefined` drop the name, as `None` does in requests.
 *
 * @example
 * ```ts
 * const params = { page: 2, draft: false, cursor: null } // page=2&draft=false
 * ```
 * @group HTTP
 */
export type ParamValue = string | number | boolean | bigint | null | undefined

/**
 * Query parameters or form fields: an object (array values repeat the name), URLSearchParams,
 * or `[name, value]` pairs in the order to send them.
 *
 * @example
 * ```ts
 * const params: ParamsInit = { tag: ['a', 'b'], page: 2 } // tag=a&tag=b&page=2
 * ```
 * @group HTTP
 */
export type ParamsInit = Readonly<Record<string, ParamValue | readonly ParamValue[]>> | URLSearchParams | Iterable<readonly [string, ParamValue]>

/**
 * Ordered name/value pairs: how params and form fields are held once parsed.
 *
 * @example
 * ```ts
 * import { Session } from 'oauth-sessions'
 * const prepared = await new Session().prepareRequest('POST', 'https://api.example.com/', { data: { a: '1' } })
 * console.log(prepared.formFields()) // [['a', '1']]
 * ```
 * @group HTTP
 */
export type ParamPairs = [string, string][]

/**
 * Turns any {@link ParamsInit} into ordered pairs, dropping `null`/`undefined` values.
 *
 * @internal
 */
export function toPairs(init: ParamsInit | undefined): ParamPairs {
  const pairs: ParamPairs = []
  if (init === undefined || init === null) return pairs
  if (init instanceof URLSearchParams || isPairIterable(init)) {
    for (const [name, value] of init as Iterable<readonly [string, ParamValue]>) pushValue(pairs, name, value)
    return pairs
  }
  const record = init as Readonly<Record<string, ParamValue | readonly ParamValue[]>>
  for (const name of Object.keys(record)) {
    const value = record[name]
    if (Array.isArray(value)) for (const item of value as readonly ParamValue[]) pushValue(pairs, name, item)
    else pushValue(pairs, name, value as ParamValue)
  }
  return pairs
}

/**
 * Merges session-level and request-level pairs the way requests' `merge_setting` does: a name the
 * request gives replaces every session value of that name; a request value of `null` removes it.
 *
 * @internal
 */
export function mergePairs(sessionPairs: ParamPairs, request: ParamsInit | undefined): ParamPairs {
  if (request === undefined) return sessionPairs
  const requestPairs = toPairs(request)
  const overridden = new Set(requestPairs.map(([name]) => name))
  for (const name of removedNames(request)) overridden.add(name)
  if (overridden.size === 0) return sessionPairs
  return [...sessionPairs.filter(([name]) => !overridden.has(name)), ...requestPairs]
}

function removedNames(init: ParamsInit): string[] {
  if (init instanceof URLSearchParams || isPairIterable(init)) {
    return [...(init as Iterable<readonly [string, ParamValue]>)].filter(([, value]) => value === null || value === undefined).map(([name]) => name)
  }
  const record = init as Readonly<Record<string, unknown>>
  return Object.keys(record).filter((name) => record[name] === null || record[name] === undefined)
}

function pushValue(pairs: ParamPairs, name: string, value: ParamValue): void {
  if (value === null || value === undefined) return
  pairs.push([name, String(value)])
}

function isPairIterable(value: unknown): value is Iterable<readonly [string, ParamValue]> {
  return typeof value === 'object' && value !== null && Symbol.iterator in value
}

/**
 * Percent-encodes one name or value exactly as Python's `urllib.parse.quote_plus` does, which is
 * what requests sends: letters, digits and `_.-~` stay, space becomes `+`, everything else is
 * UTF-8 percent-encoded (URLSearchParams differs on `~`, `*` and others).
 *
 * @internal
 */
export function quotePlus(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]|%20/g, plusReplacement)
}

function plusReplacement(match: string): string {
  if (match === '%20') return '+'
  return `%${match.charCodeAt(0).toString(16).toUpperCase()}`
}

/**
 * Encodes pairs as `application/x-www-form-urlencoded` the way requests' `urlencode(doseq=True)`
 * does, for both query strings and form bodies.
 *
 * @internal
 */
export function encodePairs(pairs: ParamPairs): string {
  let out = ''
  for (const [name, value] of pairs) {
    if (out.length > 0) out += '&'
    out += `${quotePlus(name)}=${quotePlus(value)}`
  }
  return out
}

/**
 * Decodes a form-encoded string into pairs (`+` is a space), keeping order and repeats, as
 * URLSearchParams does but without its per-call cost for plain parts (OAuth 1 decodes on every
 * signed request).
 *
 * @internal
 */
export function decodePairs(text: string): ParamPairs {
  const pairs: ParamPairs = []
  for (const part of text.split('&')) {
    if (part === '') continue
    const eq = part.indexOf('=')
    const name = eq === -1 ? part : part.slice(0, eq)
    const value = eq === -1 ? '' : part.slice(eq + 1)
    pairs.push([decodeComponent(name), decodeComponent(value)])
  }
  return pairs
}

/**
 * One form-encoded component decoded (`+` is a space); malformed escapes are kept as they are, never thrown.
 *
 * @internal
 */
export function decodeComponent(text: string): string {
  const plus = text.includes('+')
  if (!plus && !text.includes('%')) return text
  try {
    return decodeURIComponent(plus ? text.replaceAll('+', ' ') : text)
  } catch {
    // Malformed escapes: fall back to the WHATWG decoder, which keeps them as they are.
    return new URLSearchParams(`x=${text}`).get('x') ?? text
  }
}
