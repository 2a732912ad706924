import type { HeaderMap } from './header-map.js'
import type { PreparedRequest } from './prepared-request.js'
import { stripRedirectCredentials } from './redirect-credentials.js'

/**
 * Whether an answer is a redirect the Session follows: 301, 302, 303, 307 or 308 with a Location.
 *
 * @internal
 */
export function isFollowableRedirect(status: number, headers: HeaderMap): boolean {
  return (status === 301 || status === 302 || status === 303 || status === 307 || status === 308) && headers.has('location')
}

/**
 * Builds the next hop of a redirect the way requests' `resolve_redirects` does: the Location is
 * resolved against the current URL (keeping the fragment when the new one has none); 302 and
 * 303 turn any method but HEAD into GET, 301 turns POST into GET; every status but 307/308 drops
 * the body and its headers; credentials go as {@link stripRedirectCredentials} says (the Session
 * re-reads jar cookies for each hop). Returns the new request and whether the hop changed origin.
 *
 * @internal
 */
export function redirectRequest(previous: PreparedRequest, status: number, location: string): { request: PreparedRequest; crossOrigin: boolean } {
  const from = new URL(previous.url)
  const target = new URL(location.startsWith('//') ? `${from.protocol}${location}` : location, from)
  if (target.hash === '' && from.hash !== '') target.hash = from.hash
  const request = previous.clone()
  request.rememberSecretsOf(previous)
  request.url = target.href
  if ((status === 303 || status === 302) && request.method !== 'HEAD') request.method = 'GET'
  if (status === 301 && request.method === 'POST') request.method = 'GET'
  if (status !== 307 && status !== 308) {
    request.body = undefined
    for (const name of ['content-type', 'content-length', 'transfer-encoding']) request.headers.delete(name)
  }
  const crossOrigin = stripRedirectCredentials(from, target, request.headers)
  return { request, crossOrigin }
}
