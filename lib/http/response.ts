import { STATUS_CODES } from 'node:http'
import type { Readable } from 'node:stream'
import { HTTPError, JSONDecodeError } from './http-errors.js'
import { OAuthSessionsError } from '../errors.js'
import type { HeaderMap } from './header-map.js'
import { parseLinkHeader, type LinkEntry } from './parse-link-header.js'
import type { PreparedRequest } from './prepared-request.js'
import { redactUrl } from '../security/redact-url.js'
import { shownUrl } from './request-secrets.js'
import { scrubSecrets } from '../security/scrub-secrets.js'
import { isFollowableRedirect } from './redirects.js'

/**
 * What a {@link Response} is built from; useful to fake answers in your own tests.
 *
 * @example
 * ```ts
 * import { HeaderMap, PreparedRequest, Response } from 'oauth-sessions'
 * const request = new PreparedRequest('GET', 'https://api.example.com/')
 * const fake = new Response({ status: 200, headers: new HeaderMap(), url: request.url, request, elapsed: 0, body: Buffer.from('{}') })
 * ```
 * @group HTTP
 */
export interface ResponseInit {
  /** The HTTP status code. */
  status: number
  /** The reason phrase; derived from the status when empty. */
  reason?: string | undefined
  /** The response headers. */
  headers: HeaderMap
  /** The URL that answered. */
  url: string
  /** The request that was sent. */
  request: PreparedRequest
  /** Milliseconds the exchange took. */
  elapsed: number
  /** The body bytes (omit when streaming). */
  body?: Buffer | undefined
  /** The unread body stream (streaming only). */
  raw?: Readable | undefined
  /** Earlier redirect responses, oldest first. */
  history?: readonly Response[] | undefined
  /** Cookies this response set, name to value. */
  cookies?: Readonly<Record<string, string>> | undefined
}

/** Shared by every answer that followed no redirect. */
const NO_HISTORY: readonly Response[] = Object.freeze([])

/**
 * An HTTP answer whose body is already read, like `requests.Response`: `text`, `content` and
 * `json()` are synchronous. With the request option `stream: true` the body is left unread in
 * {@link Response.raw} instead.
 *
 * @example
 * ```ts
 * import { Session } from 'oauth-sessions'
 * const response = await new Session().get('https://api.github.com/zen')
 * response.raiseForStatus()
 * console.log(response.status, response.headers.get('content-type'), response.text)
 * ```
 * @see requests.Response
 * @group HTTP
 */
export class Response {
  /** The HTTP status code. */
  readonly status: number
  /** The reason phrase (`OK`, `Not Found` ...). */
  readonly reason: string
  /** Response headers; names are case-insensitive. */
  readonly headers: HeaderMap
  /** The final URL, after redirects. */
  readonly url: string
  /** Milliseconds from sending the request to having the body (or the headers, when streaming). */
  readonly elapsed: number
  /** The redirect responses that led here, oldest first; empty when there was no redirect. */
  readonly history: readonly Response[]
  /** Cookies this response set, name to value (the Session's jar holds them all). */
  readonly cookies: Readonly<Record<string, string>>
  readonly #request: PreparedRequest
  readonly #body: Buffer | undefined
  readonly #raw: Readable | undefined
  #text: string | undefined

  constructor(init: ResponseInit) {
    this.status = init.status
    this.reason = init.reason || STATUS_CODES[init.status] || ''
    this.headers = init.headers
    this.url = init.url
    this.elapsed = init.elapsed
    this.history = init.history ?? NO_HISTORY
    this.cookies = init.cookies ?? {}
    this.#body = init.body
    this.#raw = init.raw
    this.#request = init.request
  }

  /** The request actually sent for this response (after auth was applied). */
  get request(): PreparedRequest {
    return this.#request
  }

  /** `true` when the status is below 400, as requests' `ok`. */
  get ok(): boolean {
    return this.status < 400
  }

  /** Whether this response is a redirect the Session could follow (it has a Location). */
  get isRedirect(): boolean {
    return isFollowableRedirect(this.status, this.headers)
  }

  /**
   * The parsed `Link` header, keyed by `rel` (or by URL when a link has no rel), as requests'
   * `Response.links`: `response.links.next?.url` walks GitHub-style pagination.
   */
  get links(): Record<string, LinkEntry> {
    const header = this.headers.get('link')
    const links: Record<string, LinkEntry> = {}
    if (header === undefined) return links
    for (const link of parseLinkHeader(header)) links[link.rel || link.url] = link
    return links
  }

  /** The final URL with credential query values and passwords redacted, for messages and logs. */
  get redactedUrl(): string {
    return shownUrl(this.url, this.#request)
  }

  /** The body as bytes. Throws when the request used `stream: true` (read {@link Response.raw}). */
  get content(): Buffer {
    if (this.#body === undefined) {
      throw new OAuthSessionsError('This response was requested with stream: true, so its body was not read. Read response.raw instead.')
    }
    return this.#body
  }

  /** The unread body stream when the request used `stream: true`; `undefined` otherwise. */
  get raw(): Readable | undefined {
    return this.#raw
  }

  /** The charset named by Content-Type, or `utf-8`. */
  get encoding(): string {
    const type = this.headers.get('content-type') ?? ''
    const match = /charset\s*=\s*"?([^";\s]+)/i.exec(type)
    return match?.[1]?.toLowerCase() ?? 'utf-8'
  }

  /** The body decoded as text with {@link Response.encoding} (UTF-8 when unknown). */
  get text(): string {
    if (this.#text === undefined) this.#text = decode(this.content, this.encoding)
    return this.#text
  }

  /**
   * The body parsed as JSON.
   *
   * @typeParam T - the shape you expect; it is not checked
   * @throws {@link JSONDecodeError} naming the URL and status when the body is not JSON
   */
  json<T = unknown>(): T {
    try {
      return JSON.parse(this.text) as T
    } catch (error) {
      throw new JSONDecodeError(this.redactedUrl, this.status, this.headers.get('content-type'), error)
    }
  }

  /**
   * Throws {@link HTTPError} for a 4xx or 5xx status; does nothing otherwise.
   *
   * @returns this response, so calls can be chained
   */
  raiseForStatus(): this {
    if (this.status >= 400) throw new HTTPError(this)
    return this
  }

  /**
   * A copy of this response with another body (and, when given, Content-Type): what compliance
   * hooks return to fix a provider's answer without changing the original.
   */
  withBody(body: string | Buffer, contentType?: string): Response {
    const headers = this.headers.clone()
    if (contentType !== undefined) headers.set('Content-Type', contentType)
    return new Response({
      status: this.status,
      reason: this.reason,
      headers,
      url: this.url,
      request: this.#request,
      elapsed: this.elapsed,
      body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
      history: this.history,
      cookies: this.cookies,
    })
  }

  /** A copy of this response whose body is `value` as JSON, with `Content-Type: application/json`. */
  withJson(value: unknown): Response {
    return this.withBody(JSON.stringify(value), 'application/json')
  }

  /** A summary safe to log (no body, credentials redacted). */
  toJSON(): Record<string, unknown> {
    const headers = this.headers.toJSON()
    // A hostile server may echo a credential into any header (a Location, a WWW-Authenticate realm) and the reason phrase.
    const sent = this.#request.secretValues()
    for (const name of Object.keys(headers)) {
      const value = headers[name] as string | string[]
      if (name.toLowerCase() === 'location' && typeof value === 'string') headers[name] = scrubSecrets(redactUrl(value, this.#request.secretParams), sent)
      else headers[name] = typeof value === 'string' ? scrubSecrets(value, sent) : value.map((item) => scrubSecrets(item, sent))
    }
    return { status: this.status, reason: scrubSecrets(this.reason, sent), url: this.redactedUrl, headers }
  }

  /**
   * The reason phrase with every credential value the request carried scrubbed out: a hostile
   * server may quote the request in its status line.
   *
   * @internal
   */
  get redactedReason(): string {
    return scrubSecrets(this.reason, this.#request.secretValues())
  }

  /** @internal */
  toString(): string {
    return `<Response [${this.status}]>`
  }

  /** @internal keeps credentials out of `console.log` and `util.inspect`. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `Response { ${this.status} ${this.redactedReason} ${this.redactedUrl} }`
  }
}

function decode(bytes: Buffer, encoding: string): string {
  if (encoding === 'utf-8' || encoding === 'utf8') return bytes.toString('utf8')
  try {
    return new TextDecoder(encoding).decode(bytes)
  } catch {
    return bytes.toString('utf8')
  }
}
