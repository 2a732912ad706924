import { quotePlus } from '../http/form-encoding.js'

/**
 * The URL helpers requests-auth builds its authorization URLs and cache keys with, ported to the
 * byte: `parse_qs` (blank values dropped, names grouped in first-seen order), `urlencode(doseq=True)`
 * (quote_plus), `_add_parameters` and `_pop_parameter`, and the `unicode_escape` encoding the state
 * hash is computed over. The state is a SHA-512 of such a URL, so any difference here changes it.
 *
 * @internal
 */
export type QueryDict = Map<string, string[]>

/** Python's `unquote_plus` (UTF-8, invalid sequences replaced). */
function unquotePlus(text: string): string {
  const spaced = text.replaceAll('+', ' ')
  if (!spaced.includes('%')) return spaced
  const bytes: number[] = []
  const encoder = new TextEncoder()
  for (let index = 0; index < spaced.length; index++) {
    const hex = spaced.slice(index + 1, index + 3)
    if (spaced[index] === '%' && /^[0-9a-fA-F]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16))
      index += 2
    } else {
      const codePoint = spaced.codePointAt(index) as number
      if (codePoint > 0xffff) index++
      bytes.push(...encoder.encode(String.fromCodePoint(codePoint)))
    }
  }
  return new TextDecoder('utf-8').decode(Uint8Array.from(bytes))
}

/** Python's `parse_qs(query)`: pairs without `=` and blank values are dropped. */
export function parseQs(query: string): QueryDict {
  const result: QueryDict = new Map()
  for (const pair of query.split('&')) {
    const separator = pair.indexOf('=')
    if (separator < 0) continue
    const value = pair.slice(separator + 1)
    if (value === '') continue
    const name = unquotePlus(pair.slice(0, separator))
    const values = result.get(name)
    if (values === undefined) result.set(name, [unquotePlus(value)])
    else values.push(unquotePlus(value))
  }
  return result
}

/** Python's `urlencode(query, doseq=True)`. */
export function urlencode(query: QueryDict): string {
  const parts: string[] = []
  for (const [name, values] of query) for (const value of values) parts.push(`${quotePlus(name)}=${quotePlus(value)}`)
  return parts.join('&')
}

/** `urlsplit` into the part before the query, the query and the fragment (with its `#`). */
function split(url: string): [string, string, string] {
  const hash = url.indexOf('#')
  const fragment = hash < 0 ? '' : url.slice(hash)
  const withoutFragment = hash < 0 ? url : url.slice(0, hash)
  const question = withoutFragment.indexOf('?')
  if (question < 0) return [withoutFragment, '', fragment]
  return [withoutFragment.slice(0, question), withoutFragment.slice(question + 1), fragment]
}

function join(base: string, query: string, fragment: string): string {
  return `${base}${query === '' ? '' : `?${query}`}${fragment}`
}

/**
 * requests-auth's `_add_parameters`: the URL's query parsed, each parameter set (replacing a
 * parameter of the same name in place), and encoded again.
 */
export function addParameters(url: string, parameters: Iterable<[string, string]>): string {
  const [base, query, fragment] = split(url)
  const dict = parseQs(query)
  for (const [name, value] of parameters) dict.set(name, [value])
  return join(base, urlencode(dict), fragment)
}

/** requests-auth's `_pop_parameter`: the URL without the parameter, and its (first) value. */
export function popParameter(url: string, name: string): [string, string | undefined] {
  const [base, query, fragment] = split(url)
  const dict = parseQs(query)
  const values = dict.get(name)
  dict.delete(name)
  return [join(base, urlencode(dict), fragment), values?.[0]]
}

/** requests-auth's `_get_query_parameter`: the first value of a query parameter. */
export function queryParameter(url: string, name: string): string | undefined {
  return parseQs(split(url)[1]).get(name)?.[0]
}

/** Python's `str.encode('unicode_escape')`, as text (the result is ASCII). */
export function unicodeEscape(text: string): string {
  let escaped = ''
  for (const character of text) {
    const code = character.codePointAt(0) as number
    if (character === '\\') escaped += '\\\\'
    else if (character === '\t') escaped += '\\t'
    else if (character === '\n') escaped += '\\n'
    else if (character === '\r') escaped += '\\r'
    else if (code < 0x20 || (code >= 0x7f && code <= 0xff)) escaped += `\\x${code.toString(16).padStart(2, '0')}`
    else if (code < 0x7f) escaped += character
    else if (code <= 0xffff) escaped += `\\u${code.toString(16).padStart(4, '0')}`
    else escaped += `\\U${code.toString(16).padStart(8, '0')}`
  }
  return escaped
}
