import type { HeaderMap } from './header-map.js'
import { CredentialRedirectRefusedError, InvalidRedirectError } from './http-errors.js'
import type { PreparedRequest } from './prepared-request.js'
import { stripRedirectCredentials } from './redirect-credentials.js'
import { shownUrl } from './request-secrets.js'

/**
 * Whether an answer is a redirect the Session follows: 301, 302, 303, 307 or 308 with a Location.
 *
 * @internal
 */
export function isFollowableRedirect(status: number, headers: HeaderMap): boolean {
  return (status === 301 || status === 302 || status === 303 || status === 307 || status === 308) && headers.has('location')
}

/**
 * Where a redirect leads: its Location resolved against the URL that redirected (a
 * protocol-relative one takes that URL's scheme). An empty Location, a malformed URL
 * (`http://[::1`) or a scheme other than http and https (`file:`, `javascript:`, `data:`) is an
 * {@link InvalidRedirectError} naming it redacted, for every caller that follows redirects. With
 * the request that was redirected, its credential values are also scrubbed from both URLs.
 *
 * @internal
 */
export function redirectTarget(from: URL, status: number, location: string, request?: PreparedRequest): URL {
  const refuse = (problem: string): InvalidRedirectError => new InvalidRedirectError(status, shownUrl(from.href, request), shownUrl(location, request), problem)
  if (location.trim() === '') throw refuse('is empty')
  let target: URL
  try {
    target = new URL(location.startsWith('//') ? `${from.protocol}${location}` : location, from)
  } catch {
    throw refuse('is not a valid URL')
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') throw refuse(`uses ${target.protocol}, not http or https`)
  return target
}

/**
 * The request-option key that marks a body as holding credentials (a login form, a client secret,
 * a code or verifier): a symbol, so it is never sent, never listed among the public options and
 * survives every subclass's option spreading. Set it with {@link withCredentialBody}.
 *
 * @internal
 */
export const CREDENTIAL_BODY: unique symbol = Symbol('oauth-sessions.credential-body')

/**
 * Request options marked as carrying credentials in their body: the Session then refuses a
 * redirect that would re-send that body elsewhere ({@link refusesCredentialBody}).
 *
 * @internal
 */
export function withCredentialBody<T extends object>(options: T): T {
  return { ...options, [CREDENTIAL_BODY]: true }
}

/** Whether request options carry the {@link CREDENTIAL_BODY} mark. @internal */
export function hasCredentialBody(options: object): boolean {
  return (options as { [CREDENTIAL_BODY]?: unknown })[CREDENTIAL_BODY] === true
}

/**
 * The one rule for bodies that hold credentials (DESIGN §4), for the Session and the token
 * endpoint alike: a redirect that keeps the body (307, 308) may not take it to another origin,
 * which includes https → http and http → https (the scheme is part of the origin).
 *
 * @internal
 */
export function refusesCredentialBody(status: number, from: URL, to: URL): boolean {
  return (status === 307 || status === 308) && from.origin !== to.origin
}

/**
 * Builds the next hop of a redirect the way requests' `resolve_redirects` does: the Location is
 * resolved against the current URL by {@link redirectTarget} (keeping the fragment when the new one has none); 302 and
 * 303 turn any method but HEAD into GET, 301 turns POST into GET; every status but 307/308 drops
 * the body and its headers; credentials go as {@link stripRedirectCredentials} says (the Session
 * re-reads jar cookies for each hop). With `credentialBody`, a hop {@link refusesCredentialBody}
 * names is a {@link CredentialRedirectRefusedError}. Returns the new request and whether the hop
 * changed origin.
 *
 * @internal
 */
export function redirectRequest(
  previous: PreparedRequest,
  status: number,
  location: string,
  credentialBody = false,
): { request: PreparedRequest; crossOrigin: boolean } {
  const from = new URL(previous.url)
  const target = redirectTarget(from, status, location, previous)
  if (credentialBody && refusesCredentialBody(status, from, target)) throw new CredentialRedirectRefusedError(status, shownUrl(target.href, previous))
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
