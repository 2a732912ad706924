import type { Readable } from 'node:stream'
import { decodePairs, type ParamPairs } from './form-encoding.js'
import { HeaderMap } from './header-map.js'
import { requestSecretValues, shownUrl } from './request-secrets.js'

/**
 * What a request body can be once prepared: text, bytes, multipart FormData or a stream.
 *
 * @example
 * ```ts
 * import { Session } from 'oauth-sessions'
 * import { createReadStream } from 'node:fs'
 * await new Session().put('https://api.example.com/upload', { body: createReadStream('report.csv') })
 * ```
 * @group HTTP
 */
export type RequestBody = string | Buffer | Uint8Array | FormData | Readable

const FORM_TYPE = 'application/x-www-form-urlencoded'

/**
 * The request exactly as it goes on the wire: method, absolute URL (params already encoded),
 * headers and body. Auth strategies receive it and may change any part before it is sent.
 *
 * @example
 * ```ts
 * import type { AuthStrategy, PreparedRequest } from 'oauth-sessions'
 * const stamp: AuthStrategy = {
 *   apply(request: PreparedRequest) { request.headers.set('X-Signed-At', Date.now()) },
 * }
 * ```
 * @see requests.PreparedRequest
 * @group HTTP
 */
export class PreparedRequest {
  /** The HTTP method, upper case. */
  method: string
  /** The absolute URL, query string included. */
  url: string
  /** Headers to send; names are case-insensitive. */
  headers: HeaderMap
  /** The body to send, if any. */
  body: RequestBody | undefined
  /**
   * The signal that ends this request (the caller's `signal` joined with its `deadline`). A
   * strategy that sends requests of its own while applying (a token fetch) passes it on.
   */
  signal: AbortSignal | undefined
  #signatureBaseString: string | (() => string) | undefined
  /** Query parameter names (lower case) a strategy put a credential under, beyond the well-known ones. */
  #secretParams: Set<string> | undefined
  /** Credential values earlier hops of this request carried (their headers are gone): a redirect target may echo them. */
  #rememberedSecrets: Set<string> | undefined

  constructor(method: string, url: string, headers: HeaderMap = new HeaderMap(), body?: RequestBody) {
    this.method = method.toUpperCase()
    this.url = url
    this.headers = headers
    this.body = body
  }

  /**
   * The OAuth 1 signature base string of this request, with credential values redacted, set by
   * the strategy that signed it. Compare it with the one a provider reports when it refuses a
   * signature.
   */
  get signatureBaseString(): string | undefined {
    if (typeof this.#signatureBaseString === 'function') this.#signatureBaseString = this.#signatureBaseString()
    return this.#signatureBaseString
  }

  /** Sets the base string a signing strategy used (credential values redacted). */
  set signatureBaseString(value: string | undefined) {
    this.#signatureBaseString = value
  }

  /**
   * Records how to compute {@link PreparedRequest.signatureBaseString} when it is first read, so
   * that signing does not pay for redaction on every request.
   *
   * @internal
   */
  deferSignatureBaseString(compute: () => string): void {
    this.#signatureBaseString = compute
  }

  /**
   * Marks a query parameter whose value is a credential, so that every summary of this request
   * and of its redirect hops (toJSON, errors, debug logs, {@link Response.redactedUrl}) shows it
   * as `[redacted]`. A strategy that sends a credential under a name of its own calls it (rauth's
   * `accessTokenKey`, {@link QueryApiKey}); the usual names (`access_token`, `api_key` ...) need no mark.
   *
   * @example
   * ```ts
   * import type { AuthStrategy } from 'oauth-sessions'
   * const ticket: AuthStrategy = {
   *   apply(request) {
   *     const url = new URL(request.url)
   *     url.searchParams.set('ticket', process.env.TICKET ?? '')
   *     request.url = url.href
   *     request.markSecretParam('ticket')
   *   },
   * }
   * ```
   */
  markSecretParam(name: string): void {
    this.#secretParams ??= new Set()
    this.#secretParams.add(name.toLowerCase())
  }

  /**
   * The URL with credential values (the usual names and those marked by {@link PreparedRequest.markSecretParam})
   * and passwords redacted, and every credential value this request (or an earlier hop) carries
   * elsewhere scrubbed out of it, whatever the parameter's name.
   */
  get redactedUrl(): string {
    return shownUrl(this.url, this)
  }

  /**
   * Every credential value this request carries or an earlier hop carried, to scrub out of what
   * a server sends back (error descriptions, Locations).
   *
   * @internal
   */
  secretValues(): Set<string> {
    return requestSecretValues(this, this.#rememberedSecrets)
  }

  /**
   * Keeps the credential values of `previous` (the hop before a redirect, whose secret headers
   * this one may have dropped), so that a Location echoing them is scrubbed from this hop's summaries.
   *
   * @internal
   */
  rememberSecretsOf(previous: PreparedRequest): void {
    const values = previous.secretValues()
    if (values.size === 0) return
    this.#rememberedSecrets ??= new Set()
    for (const value of values) this.#rememberedSecrets.add(value)
  }

  /**
   * The names marked by {@link PreparedRequest.markSecretParam}, lower case.
   *
   * @internal
   */
  get secretParams(): ReadonlySet<string> | undefined {
    return this.#secretParams
  }

  /** The URL parsed, for strategies that need its parts. */
  get parsedUrl(): URL {
    return new URL(this.url)
  }

  /**
   * The form fields of an `application/x-www-form-urlencoded` body, in order; `undefined` when
   * the body is not a form (JSON, multipart, stream or none). OAuth 1 signs these.
   */
  formFields(): ParamPairs | undefined {
    const type = this.headers.get('content-type')
    if (type === undefined || !type.toLowerCase().startsWith(FORM_TYPE)) return undefined
    if (typeof this.body === 'string') return decodePairs(this.body)
    if (this.body instanceof Uint8Array) return decodePairs(Buffer.from(this.body).toString('utf8'))
    if (this.body === undefined) return []
    return undefined
  }

  /** A copy whose headers can be changed without touching this one (the body is shared). */
  clone(): PreparedRequest {
    const copy = new PreparedRequest(this.method, this.url, this.headers.clone(), this.body)
    copy.signal = this.signal
    if (this.#secretParams !== undefined) copy.#secretParams = new Set(this.#secretParams)
    if (this.#rememberedSecrets !== undefined) copy.#rememberedSecrets = new Set(this.#rememberedSecrets)
    return copy
  }

  /** A summary safe to log: credentials in headers and URL are redacted, the body is not shown. */
  toJSON(): Record<string, unknown> {
    return { method: this.method, url: this.redactedUrl, headers: this.headers.toJSON(), body: describeBody(this.body) }
  }

  /** @internal keeps credentials out of `console.log` and `util.inspect`. */
  [Symbol.for('nodejs.util.inspect.custom')](): object {
    return { PreparedRequest: this.toJSON() }
  }

  /** @internal */
  toString(): string {
    return `<PreparedRequest [${this.method}] ${this.redactedUrl}>`
  }
}

function describeBody(body: RequestBody | undefined): string | undefined {
  if (body === undefined) return undefined
  if (typeof body === 'string') return `[${Buffer.byteLength(body)} bytes]`
  if (body instanceof Uint8Array) return `[${body.byteLength} bytes]`
  if (body instanceof FormData) return '[multipart form]'
  return '[stream]'
}
