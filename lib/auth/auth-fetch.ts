import { Readable } from 'node:stream'
import type { z } from 'zod'
import { lazySchema } from '../http/lazy-schema.js'
import { ConfigurationError } from '../errors.js'
import { HeaderMap } from '../http/header-map.js'
import { TooManyRedirectsError } from '../http/http-errors.js'
import { parseOptions } from '../http/parse-options.js'
import { PreparedRequest, type RequestBody } from '../http/prepared-request.js'
import { redirectRequest } from '../http/redirects.js'
import { untilAborted } from '../http/until-aborted.js'
import { BodyNotReplayableError } from './auth-fetch-errors.js'
import type { AuthResponse, AuthStrategy } from './auth-strategy.js'

/**
 * The signature of `fetch`: Node's global one, undici's, or any function that takes the same
 * arguments and resolves to a `Response`.
 *
 * @example
 * ```ts
 * import type { FetchFunction } from 'oauth-sessions'
 * const logged: FetchFunction = async (input, init) => {
 *   console.log(init?.method ?? 'GET')
 *   return fetch(input, init)
 * }
 * ```
 * @group Auth
 */
export type FetchFunction = (input: string | URL | Request, init?: RequestInit) => Promise<Response>

/**
 * Options of {@link authFetch}.
 *
 * @example
 * ```ts
 * import { authFetch, BearerAuth, type AuthFetchOptions } from 'oauth-sessions'
 * const options: AuthFetchOptions = { maxRedirects: 5 }
 * const fetchWithAuth = authFetch(new BearerAuth('token'), fetch, options)
 * ```
 * @group Auth
 */
export interface AuthFetchOptions {
  /** The longest redirect chain followed, as the Session's `maxRedirects` (default 30). */
  maxRedirects?: number
}

const authFetchOptionsSchema = lazySchema(
  (z) =>
    z.strictObject({
      maxRedirects: z.number().int().nonnegative().optional(),
    }) satisfies z.ZodType<AuthFetchOptions>,
)

const FORM_TYPE = 'application/x-www-form-urlencoded'
const FETCH_FORM_TYPE = `${FORM_TYPE};charset=UTF-8`

/** A request body read for the strategy, or a stream passed through unread (with its stand-in). */
interface ReadBody {
  body: RequestBody | undefined
  stream?: { original: BodyInit; standIn: Readable }
}

/**
 * A `fetch` that applies an {@link AuthStrategy} to every request, with the Session's rules:
 * the strategy's `apply` runs once per request; redirects are followed here (the given fetch is
 * called with `redirect: 'manual'`), `Authorization`, `Cookie` and every header marked secret
 * are dropped when the origin changes and on https → http, a same-origin hop goes through the
 * strategy's `onRedirect` (OAuth 1 signs it for its own URL), 303 (and 301/302 for POST) become
 * GET, 307/308 keep method and body, and the chain is cut at `maxRedirects` (30) with a
 * {@link TooManyRedirectsError}; the final answer goes to the strategy's `onResponse`, which may
 * answer a 401 with one retry (a refreshed token, a DPoP nonce), sent only to the first request's
 * origin. A caller's `redirect: 'manual'` or `'error'` is passed to the fetch as it is.
 *
 * Input is what fetch takes: a URL string, a `URL` or a `Request`, and a `RequestInit` (headers
 * as an object, pairs or `Headers`; a body as a string, `URLSearchParams`, bytes, a `Blob` or
 * `FormData`). A `Request`'s body is read into memory, so that a strategy can sign it (OAuth 1
 * signs form fields) and a 307/308 or a retry can send it again. A `ReadableStream` or async
 * iterable given as `init.body` is sent unread: with a form Content-Type it is a
 * {@link ConfigurationError} before any traffic (its fields cannot be signed), a 307/308 asking
 * for it again is a {@link BodyNotReplayableError}, and a 401 is returned without a retry.
 *
 * For an {@link OAuth2Session}, pass `session.auth`: its strategy refreshes the token, and with
 * `dpop` adds a proof for each request and hop and answers `use_dpop_nonce`.
 *
 * @param strategy - the credentials to apply
 * @param fetchImpl - the fetch to send with; default the global `fetch`, looked up on each call
 * @param options - `maxRedirects`
 * @throws {@link ConfigurationError} at once when the strategy, fetch or options are wrong
 * @example
 * ```ts
 * import { authFetch, OAuth1Auth } from 'oauth-sessions'
 * const auth = new OAuth1Auth(process.env.CONSUMER_KEY ?? '', {
 *   clientSecret: process.env.CONSUMER_SECRET,
 *   resourceOwnerKey: process.env.ACCESS_TOKEN,
 *   resourceOwnerSecret: process.env.ACCESS_TOKEN_SECRET,
 * })
 * const fetchWithAuth = authFetch(auth)
 * const response = await fetchWithAuth('https://api.example.com/1.1/statuses/update.json', {
 *   method: 'POST',
 *   body: new URLSearchParams({ status: 'Hello' }),
 * })
 * console.log(response.status, await response.json())
 * ```
 * @see requests.Session.request `auth=`
 * @group Auth
 */
export function authFetch(strategy: AuthStrategy, fetchImpl?: FetchFunction, options: AuthFetchOptions = {}): FetchFunction {
  if (typeof strategy !== 'object' || strategy === null || typeof strategy.apply !== 'function') {
    throw new ConfigurationError('strategy', 'authFetch needs an AuthStrategy (an object with an apply(request) method) as its first argument.')
  }
  if (fetchImpl !== undefined && fetchImpl !== null && typeof fetchImpl !== 'function') {
    throw new ConfigurationError('fetchImpl', 'authFetch takes a fetch function as its second argument (or none, for the global fetch).')
  }
  const { maxRedirects = 30 } = parseOptions(authFetchOptionsSchema(), options, 'authFetch')
  // The global fetch is looked up on each call: a test double installed later is the one used.
  const send: FetchFunction = fetchImpl ?? ((url, hopInit) => globalThis.fetch(url, hopInit))
  // The closure holds the strategy: inspect and String() show nothing of it.
  return async function authFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
    const { request, read, rest, redirect } = await toPreparedRequest(input, init)
    const signal = rest.signal ?? undefined
    request.signal = signal
    const applied = strategy.apply(request)
    if (applied !== undefined) await untilAborted(applied, signal, request.method, () => request.redactedUrl)
    return sendFollowing(request, { strategy, send, read, rest, redirect, maxRedirects, signal }, true)
  }
}

/** What one request's hops share. */
interface FetchContext {
  strategy: AuthStrategy
  send: FetchFunction
  read: ReadBody
  /** The caller's init, without what each hop sets itself (method, headers, body, redirect). */
  rest: RequestInit
  redirect: RequestRedirect
  maxRedirects: number
  signal: AbortSignal | undefined
}

/** The Session's `#send` for fetch: hops, redirects with the one credential rule, one retry after onResponse. */
async function sendFollowing(first: PreparedRequest, context: FetchContext, mayRetry: boolean): Promise<Response> {
  const { strategy, signal } = context
  const follow = context.redirect === 'follow'
  // Parsed once, and only when a redirect happens: most requests have no hop.
  let firstOrigin: string | undefined
  const originOfFirst = (): string => (firstOrigin ??= new URL(first.url).origin)
  let request = first
  let hops = 0
  for (;;) {
    const response = await context.send(request.url, wireInit(request, context, follow ? 'manual' : context.redirect))
    const location = response.headers.get('location')
    if (!follow || location === null || !isRedirectStatus(response.status)) {
      const sameOrigin = hops === 0 || new URL(request.url).origin === originOfFirst()
      const answering = mayRetry && sameOrigin ? strategy.onResponse?.(authResponse(response, request.url), request) : undefined
      const retry = answering === undefined ? undefined : await untilAborted(answering, signal, request.method, () => request.redactedUrl)
      // A stream was read by the first send: the answer stands, and the caller may send again.
      if (!retry || (context.read.stream !== undefined && retry.body === context.read.stream.standIn)) return markRedirected(response, hops)
      await discard(response)
      return markRedirected(await sendFollowing(retry, context, false), hops)
    }
    if (hops >= context.maxRedirects) {
      await discard(response)
      throw new TooManyRedirectsError(context.maxRedirects, [])
    }
    hops++
    await discard(response)
    const next = redirectRequest(request, response.status, location)
    if (context.read.stream !== undefined && next.request.body === context.read.stream.standIn) throw new BodyNotReplayableError(response.status)
    // As the Session: only a hop to the original request's origin is signed again.
    const awayFromFirst = next.crossOrigin || new URL(next.request.url).origin !== originOfFirst()
    if (strategy.onRedirect) {
      const redirected = strategy.onRedirect(next.request, { status: response.status, previousUrl: request.url, crossOrigin: awayFromFirst })
      if (redirected !== undefined) await untilAborted(redirected, signal, next.request.method, () => next.request.redactedUrl)
    }
    request = next.request
  }
}

function isRedirectStatus(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308
}

/** Lets the connection of an answer nobody reads go back to its pool. */
async function discard(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => undefined)
}

/** A fetch Response of a followed chain says so, as fetch's own following would. */
function markRedirected(response: Response, hops: number): Response {
  if (hops > 0 && !response.redirected) Object.defineProperty(response, 'redirected', { value: true })
  return response
}

function authResponse(response: Response, url: string): AuthResponse {
  const headers = new HeaderMap()
  for (const [name, value] of response.headers) if (name !== 'set-cookie') headers.set(name, value)
  const cookies = response.headers.getSetCookie?.() ?? []
  if (cookies.length > 0) headers.set('set-cookie', cookies)
  return { status: response.status, headers, url }
}

/** The init of one hop: the caller's settings, and the request as the strategy left it. */
function wireInit(request: PreparedRequest, context: FetchContext, redirect: RequestRedirect): RequestInit {
  const headers = new Headers()
  for (const [name, value] of Object.entries(request.headers.toObject())) {
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one)
  }
  const body = request.body
  let wire: BodyInit | undefined
  if (context.read.stream !== undefined && body === context.read.stream.standIn) wire = context.read.stream.original
  else if (typeof body === 'string' || body instanceof Uint8Array || body instanceof FormData) wire = body as BodyInit
  else if (body !== undefined) wire = Readable.toWeb(body as Readable) as ReadableStream
  // fetch counts the bytes it sends: a length a strategy's change of the body made stale must not go.
  if (typeof wire === 'string' || wire instanceof Uint8Array || wire instanceof FormData) headers.delete('content-length')
  const init: RequestInit = { ...context.rest, method: request.method, headers, redirect }
  if (wire !== undefined) init.body = wire
  return init
}

/** The caller's input as the PreparedRequest a strategy signs, and the init each hop starts from. */
async function toPreparedRequest(
  input: string | URL | Request,
  init: RequestInit,
): Promise<{ request: PreparedRequest; read: ReadBody; rest: RequestInit; redirect: RequestRedirect }> {
  const fromRequest = isRequest(input) ? input : undefined
  const { method, headers: initHeaders, body: initBody, redirect: initRedirect, ...rest } = init
  if (rest.signal === undefined && fromRequest !== undefined) rest.signal = fromRequest.signal
  const url = fromRequest !== undefined ? fromRequest.url : input instanceof URL ? input.href : String(input)
  const parsed = URL.canParse(url) ? new URL(url) : undefined
  if (parsed === undefined || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new ConfigurationError('input', 'authFetch needs an absolute http or https URL, a URL object or a Request.')
  }
  const headers = new HeaderMap()
  for (const [name, value] of headerPairs(initHeaders ?? fromRequest?.headers)) headers.set(name, value)
  const request = new PreparedRequest(method ?? fromRequest?.method ?? 'GET', parsed.href, headers)
  let read: ReadBody
  if (initBody !== undefined && initBody !== null) read = await readBody(initBody, headers)
  else if (initBody === undefined && fromRequest?.body !== null && fromRequest?.body !== undefined)
    read = { body: new Uint8Array(await fromRequest.arrayBuffer()) }
  else read = { body: undefined }
  request.body = read.body
  return { request, read, rest, redirect: initRedirect ?? fromRequest?.redirect ?? 'follow' }
}

/** A body as fetch takes it, read where fetch would read it anyway; a stream passes through unread. */
async function readBody(body: BodyInit, headers: HeaderMap): Promise<ReadBody> {
  if (typeof body === 'string') return { body }
  if (body instanceof URLSearchParams) {
    if (!headers.has('content-type')) headers.set('Content-Type', FETCH_FORM_TYPE)
    return { body: body.toString() }
  }
  if (body instanceof FormData) return { body }
  if (body instanceof Blob) {
    if (body.type !== '' && !headers.has('content-type')) headers.set('Content-Type', body.type)
    return { body: new Uint8Array(await body.arrayBuffer()) }
  }
  if (body instanceof ArrayBuffer) return { body: new Uint8Array(body) }
  if (ArrayBuffer.isView(body)) return { body: new Uint8Array(body.buffer, body.byteOffset, body.byteLength) }
  if ((headers.get('content-type') ?? '').toLowerCase().startsWith(FORM_TYPE)) {
    throw new ConfigurationError(
      'body',
      'authFetch cannot sign a streamed form body: a strategy such as OAuth1Auth signs the form fields, and a stream is read only once, as it is sent. ' +
        'Pass the form as a string or URLSearchParams.',
    )
  }
  // The strategy sees a stream it cannot read ahead; the caller's own stream goes on the wire.
  const standIn = new Readable({
    read() {
      this.destroy(new ConfigurationError('body', 'A streamed body passed to authFetch is sent as it is: a strategy cannot read it before it is sent.'))
    },
  })
  return { body: standIn, stream: { original: body, standIn } }
}

/** A `Request` of this realm or of another fetch implementation (undici's own class). */
function isRequest(input: unknown): input is Request {
  if (input instanceof Request) return true
  if (typeof input !== 'object' || input === null || input instanceof URL) return false
  const candidate = input as Partial<Request>
  return typeof candidate.url === 'string' && typeof candidate.method === 'string' && typeof candidate.arrayBuffer === 'function'
}

/**
 * The caller's headers as pairs. A `Headers` object is read by iterating it: under a fetch
 * interceptor (nock 14's @mswjs/interceptors) the copy `new Headers(request.headers)` of a
 * Request's headers loses entries that iterating it shows.
 */
function headerPairs(init: HeadersInit | undefined): Iterable<[string, string]> {
  if (init === undefined) return []
  const headers = init as Partial<Headers>
  if (init instanceof Headers || (!Array.isArray(init) && typeof headers.forEach === 'function')) {
    const pairs: [string, string][] = []
    ;(init as Headers).forEach((value, name) => {
      pairs.push([name, value])
    })
    return pairs
  }
  return new Headers(init)
}
