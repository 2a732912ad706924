import type { HeaderMap } from '../http/header-map.js'
import type { PreparedRequest } from '../http/prepared-request.js'

/**
 * What a strategy learns about a redirect before the next hop is sent.
 *
 * @example
 * ```ts
 * import type { AuthStrategy } from 'oauth-sessions'
 * const strategy: AuthStrategy = {
 *   apply(request) { request.headers.set('X-Key', 'k') },
 *   onRedirect(request, context) { if (!context.crossOrigin) request.headers.set('X-Key', 'k') },
 * }
 * ```
 * @group Auth
 */
export interface RedirectContext {
  /** The status of the redirect answer (301, 302, 303, 307 or 308). */
  readonly status: number
  /** The URL that answered with the redirect. */
  readonly previousUrl: string
  /**
   * Whether the next hop goes to another origin (scheme, host or port) than the original request's,
   * or from https to http. When it does, sign nothing: the Session (and the got adapter) has removed
   * `Authorization`, `Cookie` and every header marked secret where the origin changed, and a later
   * same-origin hop on the other side (A → B/one → B/two) is still `crossOrigin`.
   */
  readonly crossOrigin: boolean
}

/**
 * The parts of an answer a strategy may look at in {@link AuthStrategy.onResponse}.
 *
 * @example
 * ```ts
 * import type { AuthStrategy } from 'oauth-sessions'
 * const strategy: AuthStrategy = {
 *   apply() {},
 *   onResponse(response) { if (response.status === 401) console.warn(response.headers.get('www-authenticate')) },
 * }
 * ```
 * @group Auth
 */
export interface AuthResponse {
  /** The HTTP status code. */
  readonly status: number
  /** Response headers; names are case-insensitive. */
  readonly headers: HeaderMap
  /** The URL that answered. */
  readonly url: string
}

/**
 * The one extension point for credentials: an object that changes a {@link PreparedRequest}
 * before it is sent (sign it, add a header or a query parameter), and may react to redirects and
 * to answers such as a 401. The counterpart of a `requests.auth.AuthBase` subclass.
 *
 * Every method may be asynchronous. A strategy works with a {@link Session} (`auth` option) and
 * with plain got through {@link authHooks}.
 *
 * @example
 * ```ts
 * import { Session, type AuthStrategy } from 'oauth-sessions'
 * const apiKey: AuthStrategy = {
 *   apply(request) { request.headers.set('X-API-Key', process.env.API_KEY ?? '') },
 * }
 * const session = new Session({ auth: apiKey })
 * ```
 * @see requests.auth.AuthBase
 * @group Auth
 */
export interface AuthStrategy {
  /** Adds credentials to the request about to be sent. Called once per request, before the first hop. */
  apply(request: PreparedRequest): void | Promise<void>
  /**
   * Called before each redirect hop is sent. Without this method the Session keeps whatever
   * credentials survived its own rule (dropped on a cross-origin hop), as requests does. OAuth 1
   * uses it to sign each hop for its own URL.
   */
  onRedirect?(request: PreparedRequest, context: RedirectContext): void | Promise<void>
  /**
   * Called with each final answer. Return a request to send once more (for example after a 401
   * led to a token refresh), or nothing to keep the answer. The Session retries at most once.
   */
  onResponse?(
    response: AuthResponse,
    request: PreparedRequest,
    // biome-ignore lint/suspicious/noConfusingVoidType: a user strategy may simply not return
  ): PreparedRequest | undefined | void | Promise<PreparedRequest | undefined | void>
}
