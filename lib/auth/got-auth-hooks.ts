import type { AfterResponseHook, BeforeRedirectHook, BeforeRequestHook, Hooks, Method, Options } from 'got'
import { HeaderMap } from '../http/header-map.js'
import { PreparedRequest, type RequestBody } from '../http/prepared-request.js'
import { stripRedirectCredentials } from '../http/redirect-credentials.js'
import type { AuthStrategy, RedirectContext } from './auth-strategy.js'

const REDIRECT = Symbol('oauth-sessions.redirect')
const RETRIED = Symbol('oauth-sessions.retried')
/** The names of the headers marked secret so far; got's plain header object loses HeaderMap's mark. */
const SECRETS = Symbol('oauth-sessions.secret-headers')

/**
 * What {@link authHooks} returns: options to pass to `got.extend`.
 *
 * @example
 * ```ts
 * import got from 'got'
 * import { authHooks, HTTPBasicAuth } from 'oauth-sessions'
 * const options = authHooks(new HTTPBasicAuth('me', 'pw'))
 * const client = got.extend(options)
 * ```
 * @group Auth
 */
export interface GotAuthOptions {
  /** got hooks that apply the strategy (beforeRequest, beforeRedirect, afterResponse). */
  hooks: Partial<Hooks>
}

/**
 * got options (hooks) that make a plain got instance apply an {@link AuthStrategy} to every
 * request, redirect hop and 401 answer, the counterpart of `requests.get(url, auth=...)`.
 *
 * @example
 * ```ts
 * import got from 'got'
 * import { authHooks, BearerAuth } from 'oauth-sessions'
 * const client = got.extend(authHooks(new BearerAuth(process.env.ACCESS_TOKEN ?? '')))
 * const me = await client('https://api.example.com/me').json()
 * ```
 * @see requests.Session.request `auth=`
 * @group Auth
 */
export function authHooks(strategy: AuthStrategy): GotAuthOptions {
  const beforeRequest: BeforeRequestHook = async (options) => {
    const redirect = (options.context as Record<symbol, RedirectContext | undefined>)[REDIRECT]
    if (redirect !== undefined && strategy.onRedirect === undefined) return
    const request = toPreparedRequest(options)
    if (redirect === undefined) await strategy.apply(request)
    else await strategy.onRedirect?.(request, redirect)
    writeBack(request, options)
    const known = (options.context as Record<symbol, readonly string[] | undefined>)[SECRETS] ?? []
    options.context = { ...options.context, [SECRETS]: [...new Set([...known, ...request.headers.secretNames()])] }
  }

  // got itself drops Cookie and Authorization only when host or port change, so it keeps them on
  // an https → http hop of the same host: the Session's rule is applied here instead.
  const beforeRedirect: BeforeRedirectHook = (options, response) => {
    const previous = new URL(response.url)
    const next = options.url instanceof URL ? options.url : new URL(String(options.url))
    const secrets = (options.context as Record<symbol, readonly string[] | undefined>)[SECRETS] ?? []
    const crossOrigin = stripRedirectCredentials(previous, next, options.headers, secrets)
    // As the Session: only a hop to the original request's origin is signed again.
    const awayFromFirst = crossOrigin || next.origin !== response.requestUrl.origin
    options.context = { ...options.context, [REDIRECT]: { status: response.statusCode, previousUrl: response.url, crossOrigin: awayFromFirst } }
  }

  const afterResponse: AfterResponseHook = async (response, retryWithMergedOptions) => {
    const options = response.request.options
    const context = options.context as Record<symbol, unknown>
    if (strategy.onResponse === undefined || context[RETRIED] === true) return response
    // As the Session: a retry goes only to the origin of the original request, never to a redirect's target.
    if (new URL(response.url).origin !== response.requestUrl.origin) return response
    const headers = new HeaderMap()
    for (const [name, value] of Object.entries(response.headers)) if (value !== undefined) headers.set(name, value)
    const retry = await strategy.onResponse({ status: response.statusCode, headers, url: response.url }, toPreparedRequest(options))
    if (!retry) return response
    return retryWithMergedOptions({
      url: new URL(retry.url),
      method: retry.method as 'GET',
      headers: retry.headers.toObject(),
      context: { ...options.context, [RETRIED]: true, [REDIRECT]: undefined },
    })
  }

  return { hooks: { beforeRequest: [beforeRequest], beforeRedirect: [beforeRedirect], afterResponse: [afterResponse] } }
}

function toPreparedRequest(options: Pick<Options, 'url' | 'headers' | 'body' | 'method'>): PreparedRequest {
  const url = options.url instanceof URL ? options.url.href : String(options.url)
  const headers = new HeaderMap()
  for (const [name, value] of Object.entries(options.headers)) if (value !== undefined) headers.set(name, value)
  const body = options.body as RequestBody | undefined
  return new PreparedRequest(options.method, url, headers, typeof body === 'string' || body instanceof Uint8Array ? body : undefined)
}

function writeBack(request: PreparedRequest, options: Pick<Options, 'url' | 'headers' | 'body' | 'method'>): void {
  options.url = new URL(request.url)
  options.method = request.method as Method
  const previousBody = options.body
  const headers: Record<string, string | string[]> = {}
  for (const [name, value] of Object.entries(request.headers.toObject())) headers[name.toLowerCase()] = value
  if (request.body !== undefined && request.body !== previousBody) {
    options.body = request.body as string | Buffer
    if (typeof request.body === 'string' || request.body instanceof Uint8Array) {
      headers['content-length'] = String(Buffer.byteLength(request.body))
    }
  }
  options.headers = headers
}
