import { performance } from 'node:perf_hooks'
import type { Got } from 'got'
import { CookieJar } from 'tough-cookie'
import type { AuthStrategy } from '../auth/auth-strategy.js'
import { urlCredentialsAuth } from './basic-authorization.js'
import { describeStrategy } from './describe-strategy.js'
import { AbortError, TimeoutError, TooManyRedirectsError } from './http-errors.js'
import { AgentPool } from './agent-pool.js'
import { attachJarCookies, storeSetCookies } from './cookie-exchange.js'
import { toPairs } from './form-encoding.js'
import type { HeaderMap } from './header-map.js'
import type { PreparedRequest } from './prepared-request.js'
import { prepareRequest } from './prepare-request.js'
import { redactUrl } from '../security/redact-url.js'
import { scrubSecrets } from '../security/scrub-secrets.js'
import { hasCredentialBody, redirectRequest } from './redirects.js'
import { Response } from './response.js'
import { RetryPolicy } from './retry-policy.js'
import { checkOptionKeys, type OptionsSchema } from './parse-options.js'
import {
  checkRequestValues,
  defaultHeaders,
  parseSessionOptions,
  requestOptionsSchema,
  sendOptionsSchema,
  type RequestOptions,
  type SendOptions,
  type SessionOptions,
  type TimeoutOption,
} from './session-options.js'
import { exchangeTraceEnabled, traceExchange } from './exchange-trace.js'
import { createGot, sendHop, type RawResponse } from './transport.js'
import { tlsSettings, type TlsSettings } from './tls-options.js'
import { untilAborted } from './until-aborted.js'

/** @internal per-request settings resolved against the Session's. */
interface SendContext {
  auth: AuthStrategy | undefined
  timeout: TimeoutOption
  /** Milliseconds for the whole request, or `null`. */
  deadline: number | null
  /** The body cap in bytes, or `null`. */
  maxResponseSize: number | null
  allowRedirects: boolean
  stream: boolean
  /** The caller's signal, combined with the deadline's once the request starts. */
  signal: AbortSignal | undefined
  /** Per-request cookies (requests' `cookies=`), sent while the chain stays on its first origin. */
  extraCookies: string
  /** Whether the caller set a Cookie header, which then replaces the jar's (as in requests). */
  explicitCookie: boolean
  /** Whether the body holds credentials, which no redirect may re-send to another origin. */
  credentialBody: boolean
}

/**
 * A cookie-keeping, keep-alive HTTP client with default headers, params and credentials: Node's
 * counterpart of `requests.Session`, and the base of every OAuth session class.
 *
 * Requests resolve to a {@link Response} whose body is already read. Redirects are followed by
 * the Session itself so that credentials are re-checked on every hop. Call {@link Session.close}
 * (or use `await using`) to release its sockets.
 *
 * @example
 * ```ts
 * import { HTTPBasicAuth, Session } from 'oauth-sessions'
 * const session = new Session({ baseUrl: 'https://api.example.com/v1/', auth: new HTTPBasicAuth('me', 'pw') })
 * const response = await session.get('users', { params: { page: 2 } })
 * console.log(response.json())
 * await session.close()
 * ```
 * @typeParam TOptions - the per-request options; OAuth sessions add their own (rauth's `headerAuth` ...)
 * @see requests.Session
 * @group HTTP
 */
export class Session<TOptions extends RequestOptions = RequestOptions> {
  /** Relative request URLs resolve against this. */
  baseUrl: string | undefined
  /** Headers sent with every request (case-insensitive). */
  readonly headers: HeaderMap
  /** Query parameters sent with every request. */
  readonly params: URLSearchParams
  /** Credentials applied to every request, unless a request passes its own `auth`. */
  auth: AuthStrategy | undefined
  /** The cookie jar kept across requests. */
  readonly cookies: CookieJar
  /** The timeout of each request, in milliseconds (`null`: none). */
  timeout: TimeoutOption
  /** Milliseconds for a whole request, redirects and retries included (`null`: none). */
  deadline: number | null
  /** The largest body read, in bytes after decompression (`null`: no cap). Default 64 MiB. */
  maxResponseSize: number | null
  /** The cap for token endpoints and other authorization answers. Default 1 MiB. */
  maxTokenResponseSize: number | null
  /** The longest redirect chain followed. */
  maxRedirects: number
  /** Whether redirects are followed by default. */
  allowRedirects: boolean
  /**
   * The schema of this class's per-request options: a subclass with its own (rauth's
   * `headerAuth` ...) returns `requestOptionsSchema().extend({ ... })`, so the check knows them.
   * A getter, so zod is loaded by the first Session, not at import.
   *
   * @internal
   */
  static get requestOptionsSchema(): OptionsSchema {
    return requestOptionsSchema()
  }
  readonly #requestSchema: OptionsSchema
  readonly #name: string
  /** Made at the first request (got is imported then); `#tls` is read at construction so a missing file fails early. */
  #got: Got | undefined
  #gotCreating: Promise<Got> | undefined
  readonly #tls: TlsSettings
  readonly #agents: AgentPool
  readonly #retry: RetryPolicy
  readonly #options: SessionOptions
  readonly #defaultTimeout: TimeoutOption

  constructor(options: SessionOptions = {}) {
    const parsed = parseSessionOptions(options, new.target.name)
    this.#requestSchema = (new.target as typeof Session).requestOptionsSchema
    this.#name = new.target.name
    this.#options = parsed
    this.baseUrl = parsed.baseUrl === undefined ? undefined : String(parsed.baseUrl)
    this.headers = defaultHeaders()
    if (parsed.headers !== undefined) this.headers.merge(parsed.headers)
    this.params = new URLSearchParams(toPairs(parsed.params))
    this.auth = parsed.auth
    this.cookies = parsed.cookies ?? new CookieJar()
    this.timeout = parsed.timeout === undefined ? 30_000 : parsed.timeout
    this.deadline = parsed.deadline ?? null
    this.maxResponseSize = parsed.maxResponseSize === undefined ? DEFAULT_MAX_RESPONSE_SIZE : parsed.maxResponseSize
    this.maxTokenResponseSize = parsed.maxTokenResponseSize === undefined ? DEFAULT_MAX_TOKEN_RESPONSE_SIZE : parsed.maxTokenResponseSize
    this.maxRedirects = parsed.maxRedirects ?? 30
    this.allowRedirects = parsed.allowRedirects ?? true
    this.#retry = new RetryPolicy(parsed.retry)
    this.#agents = new AgentPool({ agent: parsed.agent, proxies: parsed.proxies, trustEnv: parsed.trustEnv ?? true })
    this.#defaultTimeout = this.timeout
    this.#tls = tlsSettings(parsed)
  }

  /**
   * Sends a request and resolves to its final Response (after redirects): {@link Session.prepareRequest}
   * then {@link Session.send}.
   *
   * @param method - the HTTP method (`GET`, `POST` ...), any case
   * @param url - absolute, or relative to `baseUrl`
   * @param given - per-request settings (`null` is none); they override the Session's for this request
   * @throws {@link ConfigurationError} before any traffic when the URL or options are wrong
   * @throws {@link TimeoutError} or {@link ConnectionError} when the server cannot be reached
   * @throws {@link TooManyRedirectsError} when the chain is longer than `maxRedirects`
   * @see requests.Session.request
   */
  async request(method: string, url: string | URL, given: TOptions = {} as TOptions): Promise<Response> {
    // Python's `None` for no options.
    const options = given ?? ({} as TOptions)
    checkOptionKeys(this.#requestSchema, options, this.#name, 'request')
    checkRequestValues(options, `${this.#name}.request`)
    const { request, auth } = this.#prepare(method, url, options)
    const context = this.#sendContext(request, auth, options)
    if (context.deadline === null && context.signal === undefined) {
      // Most strategies sign synchronously: await only when one returns a promise.
      const applied = auth?.apply(request)
      if (applied !== undefined) await applied
      return this.#send(request, context, true)
    }
    return this.#within(context, async () => {
      request.signal = context.signal
      const applied = auth?.apply(request)
      if (applied !== undefined) await untilAborted(applied, context.signal, request.method, () => request.redactedUrl)
      return this.#send(request, context, true)
    })
  }

  /**
   * Merges a request with the Session's defaults (URL, params, headers, body) and applies its
   * credentials, without sending it. Jar cookies are added when it is sent, per hop.
   *
   * @example
   * ```ts
   * import { Session } from 'oauth-sessions'
   * const session = new Session({ headers: { Accept: 'application/json' } })
   * const prepared = await session.prepareRequest('GET', 'https://api.example.com/me')
   * prepared.headers.set('X-Extra', '1')
   * const response = await session.send(prepared)
   * ```
   * @see requests.Session.prepare_request
   */
  async prepareRequest(method: string, url: string | URL, options: RequestOptions = {}): Promise<PreparedRequest> {
    checkOptionKeys(requestOptionsSchema(), options, this.#name, 'prepareRequest')
    checkRequestValues(options, `${this.#name}.prepareRequest`)
    const { request, auth } = this.#prepare(method, url, options)
    const applied = auth?.apply(request)
    if (applied !== undefined) await applied
    return request
  }

  /**
   * Sends a prepared request as it is (its credentials are not applied again) and follows its
   * redirects. The strategy in `options.auth`, or the Session's, still handles redirect hops and
   * answers.
   *
   * @throws {@link ConfigurationError} before any traffic when an option is unknown
   * @see requests.Session.send
   */
  async send(request: PreparedRequest, options: SendOptions = {}): Promise<Response> {
    checkOptionKeys(sendOptionsSchema(), options, this.#name, 'send')
    checkRequestValues(options, `${this.#name}.send`)
    const auth = options.auth === null ? undefined : (options.auth ?? this.auth)
    const context = this.#sendContext(request, auth, options)
    return this.#within(context, () => this.#send(request, context, true))
  }

  /** Sends a GET request. @see requests.Session.get */
  get(url: string | URL, options?: TOptions): Promise<Response> {
    return this.request('GET', url, options)
  }

  /** Sends a POST request. @see requests.Session.post */
  post(url: string | URL, options?: TOptions): Promise<Response> {
    return this.request('POST', url, options)
  }

  /** Sends a PUT request. @see requests.Session.put */
  put(url: string | URL, options?: TOptions): Promise<Response> {
    return this.request('PUT', url, options)
  }

  /** Sends a PATCH request. @see requests.Session.patch */
  patch(url: string | URL, options?: TOptions): Promise<Response> {
    return this.request('PATCH', url, options)
  }

  /** Sends a DELETE request. @see requests.Session.delete */
  delete(url: string | URL, options?: TOptions): Promise<Response> {
    return this.request('DELETE', url, options)
  }

  /** Sends a HEAD request; redirects are not followed unless `allowRedirects: true`, as in requests. */
  async head(url: string | URL, options?: TOptions): Promise<Response> {
    // Checked before the default is spread in: a string spread in would be reported key by key.
    checkOptionKeys(this.#requestSchema, options, this.#name, 'head')
    return this.request('HEAD', url, { allowRedirects: false, ...options } as TOptions)
  }

  /** Sends an OPTIONS request. @see requests.Session.options */
  options(url: string | URL, options?: TOptions): Promise<Response> {
    return this.request('OPTIONS', url, options)
  }

  /** Releases the Session's keep-alive sockets. The Session should not be used afterwards. */
  async close(): Promise<void> {
    this.#agents.destroy()
  }

  /** Lets `await using session = new Session()` close it at the end of the block. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }

  /** A summary safe to log: credentials in headers, params, auth and proxies are redacted. */
  toJSON(): Record<string, unknown> {
    const params = redactUrl(`http://x/?${this.params.toString()}`).slice('http://x/?'.length)
    return {
      type: this.constructor.name,
      baseUrl: this.baseUrl === undefined ? undefined : redactUrl(this.baseUrl),
      headers: this.headers.toJSON(),
      params,
      auth: this.auth === undefined ? undefined : describeStrategy(this.auth),
      timeout: this.timeout,
      maxRedirects: this.maxRedirects,
      allowRedirects: this.allowRedirects,
      proxies: this.#options.proxies && Object.fromEntries(Object.entries(this.#options.proxies).map(([k, v]) => [k, redactProxy(v)])),
    }
  }

  /** @internal */
  toString(): string {
    return `<${this.constructor.name}${this.baseUrl ? ` ${redactUrl(this.baseUrl)}` : ''}>`
  }

  /** @internal keeps credentials out of `console.log` and `util.inspect`. */
  [Symbol.for('nodejs.util.inspect.custom')](): object {
    return { [this.constructor.name]: this.toJSON() }
  }

  #prepare(method: string, url: string | URL, options: RequestOptions): { request: PreparedRequest; auth: AuthStrategy | undefined } {
    const { request, urlCredentials } = prepareRequest(this, method, url, options)
    if (options.auth === null) return { request, auth: undefined }
    const fromUrl = urlCredentials && urlCredentialsAuth(urlCredentials.username, urlCredentials.password)
    return { request, auth: options.auth ?? this.auth ?? fromUrl }
  }

  #sendContext(request: PreparedRequest, auth: AuthStrategy | undefined, options: SendOptions): SendContext {
    return {
      auth,
      timeout: options.timeout === undefined ? this.timeout : options.timeout,
      deadline: options.deadline === undefined ? this.deadline : options.deadline,
      maxResponseSize: options.maxResponseSize === undefined ? this.maxResponseSize : options.maxResponseSize,
      allowRedirects: options.allowRedirects ?? this.allowRedirects,
      stream: options.stream ?? false,
      signal: options.signal,
      extraCookies: options.cookies
        ? Object.entries(options.cookies)
            .map(([name, value]) => `${name}=${value}`)
            .join('; ')
        : '',
      explicitCookie: request.headers.has('cookie'),
      credentialBody: hasCredentialBody(options),
    }
  }

  /**
   * Runs a request within its deadline: the caller's signal and the deadline's end it at once
   * (a strategy still applying included), and an abort by the deadline is a TimeoutError.
   */
  async #within(context: SendContext, run: () => Promise<Response>): Promise<Response> {
    if (context.deadline === null) return run()
    const caller = context.signal
    const deadline = AbortSignal.timeout(context.deadline)
    context.signal = caller === undefined ? deadline : AbortSignal.any([caller, deadline])
    try {
      return await run()
    } catch (error) {
      // got reports the deadline signal's TimeoutError reason as a timeout of its own: both are the deadline.
      if ((error instanceof AbortError || error instanceof TimeoutError) && deadline.aborted && !caller?.aborted) {
        throw new TimeoutError(error.method, error.url, 'deadline', context.deadline, error.cause)
      }
      throw error
    }
  }

  /** Sends a prepared request, follows its redirects, and lets the strategy retry once. */
  async #send(first: PreparedRequest, context: SendContext, mayRetryAuth: boolean): Promise<Response> {
    const history: Response[] = []
    let request = first
    let crossedOrigin = false
    for (;;) {
      const response = await this.#hop(request, context, history, crossedOrigin)
      const location = response.headers.get('location')
      if (!context.allowRedirects || location === undefined || !response.isRedirect) {
        // A retry (a 401 answered with a new token) goes only to the origin of the original request:
        // never to wherever a redirect led.
        const sameOrigin = history.length === 0 || new URL(request.url).origin === new URL(first.url).origin
        const retrying = mayRetryAuth && sameOrigin ? context.auth?.onResponse?.(response, request) : undefined
        const retry = retrying === undefined ? undefined : await untilAborted(retrying, context.signal, request.method, () => request.redactedUrl)
        if (retry) return this.#send(retry, context, false)
        return response
      }
      if (history.length >= this.maxRedirects) throw new TooManyRedirectsError(this.maxRedirects, [...history, response])
      history.push(response)
      const next = redirectRequest(request, response.status, location, context.credentialBody)
      // A strategy re-signs only a hop to the original request's origin: once the chain has left it,
      // a same-origin hop on the other side (B/one → B/two) is no place for the credentials either.
      const awayFromFirst = next.crossOrigin || new URL(next.request.url).origin !== new URL(first.url).origin
      crossedOrigin ||= awayFromFirst
      if (next.crossOrigin) context.explicitCookie = false
      if (context.auth?.onRedirect) {
        await context.auth.onRedirect(next.request, { status: response.status, previousUrl: request.url, crossOrigin: awayFromFirst })
      }
      request = next.request
    }
  }

  /** The Session's got instance, made once (concurrent first requests share it). */
  #createGot(): Promise<Got> {
    this.#gotCreating ??= createGot(this.#tls, this.#agents.direct, this.#defaultTimeout).then((client) => {
      this.#got = client
      return client
    })
    return this.#gotCreating
  }

  /** One hop: cookies in, send (with retries), cookies out, a Response. */
  async #hop(request: PreparedRequest, context: SendContext, history: Response[], crossedOrigin: boolean): Promise<Response> {
    if (!context.explicitCookie) {
      const attached = attachJarCookies(this.cookies, request, crossedOrigin ? '' : context.extraCookies)
      if (attached !== undefined) await attached
    }
    const found = this.#agents.agentsFor(request.url)
    const agents = found instanceof Promise ? await found : found
    const client = this.#got ?? (await this.#createGot())
    const hopOptions = {
      agents: agents === this.#agents.direct ? undefined : agents,
      timeout: context.timeout,
      maxResponseSize: context.maxResponseSize,
      customTimeout: context.timeout !== this.#defaultTimeout,
      signal: context.signal,
      stream: context.stream,
      followRedirects: context.allowRedirects,
    }
    const started = performance.now()
    let raw: RawResponse
    for (let attempt = 1; ; attempt++) {
      let outcome: RawResponse | Error
      try {
        outcome = await sendHop(client, request, hopOptions)
      } catch (error) {
        outcome = error as Error
      }
      const delay = this.#retry.limit > 0 ? this.#retry.delayFor(attempt, request, outcome) : undefined
      if (delay === undefined) {
        if (outcome instanceof Error) throw outcome
        raw = outcome
        break
      }
      try {
        await this.#retry.wait(delay, context.signal)
      } catch (error) {
        throw new AbortError(request.method, request.redactedUrl, error)
      }
    }
    const elapsed = performance.now() - started
    const setCookies = raw.headers.getAll('set-cookie')
    const cookies = setCookies.length === 0 ? {} : await storeSetCookies(this.cookies, setCookies, request.url)
    // The reason phrase is the server's text: a hostile one quotes the request's credentials.
    if (exchangeTraceEnabled())
      traceExchange(
        '%s %s -> %d %s (%d ms)',
        request.method,
        request.redactedUrl,
        raw.status,
        scrubSecrets(raw.reason, request.secretValues()),
        Math.round(elapsed),
      )
    return new Response({
      status: raw.status,
      reason: raw.reason,
      headers: raw.headers,
      url: request.url,
      request,
      elapsed,
      body: raw.body,
      raw: raw.raw,
      history: history.length === 0 ? undefined : [...history],
      cookies,
    })
  }
}

/** The default body cap of API calls: 64 MiB. */
const DEFAULT_MAX_RESPONSE_SIZE = 64 * 1024 * 1024
/** The default body cap of token endpoints and other authorization answers: 1 MiB. */
const DEFAULT_MAX_TOKEN_RESPONSE_SIZE = 1024 * 1024

function redactProxy(value: string | undefined): string | undefined {
  return value === undefined ? undefined : redactUrl(value)
}
