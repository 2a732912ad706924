/**
 * One entry of a `Link` header: its URL and parameters (`rel`, `type` ...).
 *
 * @example
 * ```ts
 * import { Session } from 'oauth-sessions'
 * const session = new Session()
 * let response = await session.get('https://api.github.com/repos/nodejs/node/issues')
 * while (response.links.next) response = await session.get(response.links.next.url)
 * ```
 * @see requests.Response.links
 * @group HTTP
 */
export interface LinkEntry {
  /** The target URL, as the server wrote it. */
  url: string
  /** The link relation (`next`, `last` ...), when given. */
  rel?: string
  /** Any other parameter of the link. */
  [param: string]: string | undefined
}

const QUOTES = ` '"`

/**
 * Parses a `Link` header (RFC 8288) exactly as requests' `parse_header_links` does, so GitHub
 * style pagination ports unchanged.
 *
 * @internal
 */
export function parseLinkHeader(value: string): LinkEntry[] {
  const links: LinkEntry[] = []
  const trimmed = strip(value, QUOTES)
  if (trimmed === '') return links
  for (const part of trimmed.split(/, *</)) {
    const semicolon = part.indexOf(';')
    const url = semicolon === -1 ? part : part.slice(0, semicolon)
    const params = semicolon === -1 ? '' : part.slice(semicolon + 1)
    const link: LinkEntry = { url: strip(url, '<> \'"') }
    for (const param of params.split(';')) {
      const eq = param.indexOf('=')
      // requests unpacks `param.split('=')` into two names and stops at the first that does not fit.
      if (eq === -1 || param.indexOf('=', eq + 1) !== -1) break
      link[strip(param.slice(0, eq), QUOTES)] = strip(param.slice(eq + 1), QUOTES)
    }
    links.push(link)
  }
  return links
}

function strip(text: string, characters: string): string {
  let start = 0
  let end = text.length
  while (start < end && characters.includes(text[start] as string)) start++
  while (end > start && characters.includes(text[end - 1] as string)) end--
  return text.slice(start, end)
}
