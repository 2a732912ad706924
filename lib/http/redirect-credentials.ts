import { HeaderMap } from './header-map.js'

/**
 * Whether two URLs differ in scheme, host or port (an https to http hop counts as a change).
 * requests' `should_strip_auth`, minus its http→https upgrade exception on default ports:
 * that one keeps credentials, as requests does.
 *
 * @internal
 */
export function isCrossOrigin(from: URL, to: URL): boolean {
  if (from.hostname !== to.hostname) return true
  if (from.protocol === to.protocol) return effectivePort(from) !== effectivePort(to)
  const upgrade = from.protocol === 'http:' && to.protocol === 'https:'
  return !(upgrade && effectivePort(from) === '80' && effectivePort(to) === '443')
}

function effectivePort(url: URL): string {
  return url.port || (url.protocol === 'https:' ? '443' : '80')
}

/** Credential headers every redirect rule knows by name. */
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization']

/**
 * The headers of the next hop, as the Session holds them (a HeaderMap, which knows which
 * headers are marked secret) or as got does (a plain object with lower-case names, with the
 * names the strategy marked secret given alongside).
 *
 * @internal
 */
export type RedirectHeaders = HeaderMap | Record<string, unknown>

/**
 * The one credential rule for redirect hops (DESIGN §4), used by the Session and the got
 * adapter: `Proxy-Authorization` never follows a redirect (the Session's proxy agents add their
 * own for each hop); when the hop changes origin (scheme, host or port, http → https on default
 * ports excepted as requests does) or goes from https to http, `Authorization`, `Cookie` and every
 * header marked secret are removed too. Jar cookies are attached again for each hop's own URL.
 *
 * @param secretNames - header names marked secret that `headers` cannot tell by itself (got's plain object)
 * @returns whether the hop changed origin
 * @internal
 */
export function stripRedirectCredentials(from: URL, to: URL, headers: RedirectHeaders, secretNames: Iterable<string> = []): boolean {
  const crossOrigin = isCrossOrigin(from, to)
  const names = crossOrigin ? new Set([...CREDENTIAL_HEADERS, ...[...secretNames].map((name) => name.toLowerCase())]) : new Set(['proxy-authorization'])
  if (headers instanceof HeaderMap) {
    if (crossOrigin) for (const name of headers.secretNames()) names.add(name)
    for (const name of names) headers.delete(name)
    return crossOrigin
  }
  for (const name of Object.keys(headers)) if (names.has(name.toLowerCase())) delete headers[name]
  return crossOrigin
}
