import { OAuthSessionsError } from '../errors.js'
import type { Response } from './response.js'

/**
 * Thrown by {@link Response.raiseForStatus} for a 4xx or 5xx answer; carries the Response.
 *
 * @example
 * ```ts
 * import { HTTPError, Session } from 'oauth-sessions'
 * try { (await new Session().get('https://api.example.com/missing')).raiseForStatus() }
 * catch (error) { if (error instanceof HTTPError) console.error(error.status, error.response.text) }
 * ```
 * @see requests.Response.raise_for_status
 * @group Errors
 */
export class HTTPError extends OAuthSessionsError {
  /** Always `'HTTPError'`. */
  override name = 'HTTPError'
  /** Always `'ERR_HTTP_STATUS'`: a stable value to branch on, unlike the message. */
  override code = 'ERR_HTTP_STATUS'
  /** The response whose status was 4xx or 5xx. */
  declare readonly response: Response
  /** The HTTP status code. */
  readonly status: number
  /** For a refused OAuth 1 request: the signature base string we signed (credential values redacted). */
  readonly signatureBaseString: string | undefined

  constructor(response: Response) {
    const kind = response.status >= 500 ? 'Server Error' : 'Client Error'
    const baseString = response.status === 401 ? response.request.signatureBaseString : undefined
    const hint =
      baseString === undefined
        ? 'Inspect error.response for the body the server sent.'
        : 'The provider refused the signed request: compare error.signatureBaseString with the base string it expected.'
    super(`${response.status} ${kind}: ${response.redactedReason} for url: ${response.redactedUrl}. ${hint}`)
    this.status = response.status
    this.signatureBaseString = baseString
    Object.defineProperty(this, 'response', { value: response, enumerable: false })
  }
}

/**
 * Thrown when a redirect chain is longer than the Session's `maxRedirects`.
 *
 * @example
 * ```ts
 * import { Session, TooManyRedirectsError } from 'oauth-sessions'
 * try { await new Session({ maxRedirects: 3 }).get('https://example.com/loop') }
 * catch (error) { if (error instanceof TooManyRedirectsError) console.error(error.history.length) }
 * ```
 * @see requests.exceptions.TooManyRedirects
 * @group Errors
 */
export class TooManyRedirectsError extends OAuthSessionsError {
  /** Always `'TooManyRedirectsError'`. */
  override name = 'TooManyRedirectsError'
  /** Always `'ERR_TOO_MANY_REDIRECTS'`: a stable value to branch on, unlike the message. */
  override code = 'ERR_TOO_MANY_REDIRECTS'
  /** The redirect responses received before giving up (empty when {@link authFetch} gave up: fetch answers are no Responses of ours). */
  declare readonly history: readonly Response[]

  constructor(maxRedirects: number, history: readonly Response[]) {
    super(
      `Exceeded ${maxRedirects} redirects. The server may be redirecting in a loop; ` +
        'raise maxRedirects or pass allowRedirects: false to inspect the first answer.',
    )
    Object.defineProperty(this, 'history', { value: history, enumerable: false })
  }
}

/**
 * Thrown when a request takes longer than its `timeout` to connect or to answer, or when the
 * whole request (redirects and retries included) outlasts its `deadline` (`phase: 'deadline'`).
 *
 * @example
 * ```ts
 * import { Session, TimeoutError } from 'oauth-sessions'
 * try { await new Session({ timeout: 1000 }).get('https://slow.example.com/') }
 * catch (error) { if (error instanceof TimeoutError) console.error(error.phase) }
 * ```
 * @see requests.exceptions.Timeout
 * @group Errors
 */
export class TimeoutError extends OAuthSessionsError {
  /** Always `'TimeoutError'`. */
  override name = 'TimeoutError'
  /** Always `'ERR_TIMEOUT'`: a stable value to branch on, unlike the message. */
  override code = 'ERR_TIMEOUT'
  /** Which phase timed out, as got names it (`connect`, `response`, `socket` ...), or `deadline`. */
  readonly phase: string
  /** The method of the request that timed out. */
  readonly method: string
  /** The URL of the request that timed out, with credentials redacted. */
  readonly url: string

  constructor(method: string, url: string, phase: string, timeoutMs: number | undefined, cause: unknown) {
    const limit = timeoutMs === undefined ? '' : ` after ${timeoutMs} ms`
    const option = phase === 'deadline' ? 'deadline' : 'timeout'
    super(`${method} ${url} timed out${limit} (${phase}). Check that the server is reachable, or raise the ${option} option.`, { cause })
    this.phase = phase
    this.method = method
    this.url = url
  }
}

/**
 * Thrown when a request's `signal` aborts it, before it was sent or while it was on the wire.
 *
 * @example
 * ```ts
 * import { AbortError, Session } from 'oauth-sessions'
 * const controller = new AbortController()
 * setTimeout(() => controller.abort(), 1000)
 * try { await new Session().get('https://slow.example.com/', { signal: controller.signal }) }
 * catch (error) { if (error instanceof AbortError) console.error(error.method, error.url) }
 * ```
 * @see https://developer.mozilla.org/docs/Web/API/AbortSignal
 * @group Errors
 */
export class AbortError extends OAuthSessionsError {
  /** Always `'AbortError'`. */
  override name = 'AbortError'
  /** Always `'ERR_ABORTED'`: a stable value to branch on, unlike the message. */
  override code = 'ERR_ABORTED'
  /** The method of the aborted request. */
  readonly method: string
  /** The URL of the aborted request, with credentials redacted. */
  readonly url: string

  constructor(method: string, url: string, cause: unknown) {
    super(`${method} ${url} was aborted by its signal. Send it again with a new signal if it is still wanted.`, { cause })
    this.method = method
    this.url = url
  }
}

/**
 * Thrown when an answer's body is larger than the cap: `maxResponseSize` for API calls (64 MiB by
 * default), `maxTokenResponseSize` for token and other authorization endpoints (1 MiB). The cap
 * counts the bytes after decompression, so a compressed bomb ends at the cap too; the connection is
 * closed as soon as it is passed. Streamed bodies (`stream: true`) are yours to bound.
 *
 * @example
 * ```ts
 * import { ResponseTooLargeError, Session } from 'oauth-sessions'
 * const session = new Session({ maxResponseSize: 10 * 1024 * 1024 })
 * try { await session.get('https://api.example.com/export') }
 * catch (error) { if (error instanceof ResponseTooLargeError) console.error(error.limit, error.received) }
 * ```
 * @group Errors
 */
export class ResponseTooLargeError extends OAuthSessionsError {
  /** Always `'ResponseTooLargeError'`. */
  override name = 'ResponseTooLargeError'
  /** Always `'ERR_RESPONSE_TOO_LARGE'`: a stable value to branch on, unlike the message. */
  override code = 'ERR_RESPONSE_TOO_LARGE'
  /** The method of the request. */
  readonly method: string
  /** The URL of the request, with credentials redacted. */
  readonly url: string
  /** The cap, in bytes. */
  readonly limit: number
  /** The bytes announced (Content-Length) or read when the request was stopped. */
  readonly received: number
  /** The option that set the cap: `'maxResponseSize'` or `'maxTokenResponseSize'`. */
  readonly option: string

  constructor(method: string, url: string, limit: number, received: number, option = 'maxResponseSize') {
    super(
      `${method} ${url} answered with more than ${limit} bytes (${received} so far). Raise the ${option} option (null lifts it) if such answers are expected.`,
    )
    this.method = method
    this.url = url
    this.limit = limit
    this.received = received
    this.option = option
  }
}

/**
 * Thrown when no connection could be made or it broke: DNS failure, refused, reset, TLS failure.
 * Unlike the other errors, its `code` is the system error code (`ECONNREFUSED`, `CERT_HAS_EXPIRED`),
 * as got's is; `ERR_NETWORK` when there was none.
 *
 * @example
 * ```ts
 * import { ConnectionError, Session } from 'oauth-sessions'
 * try { await new Session().get('http://127.0.0.1:1/') }
 * catch (error) { if (error instanceof ConnectionError) console.error(error.code) }
 * ```
 * @see requests.exceptions.ConnectionError
 * @group Errors
 */
export class ConnectionError extends OAuthSessionsError {
  /** Always `'ConnectionError'`. */
  override name = 'ConnectionError'
  /**
   * The system or TLS error code, such as `ECONNREFUSED` or `CERT_HAS_EXPIRED` (as got's
   * `RequestError.code`), not an `ERR_` code of this library: branch on `instanceof ConnectionError`.
   */
  override readonly code: string
  /** The method of the failed request. */
  readonly method: string
  /** The URL of the failed request, with credentials redacted. */
  readonly url: string

  constructor(method: string, url: string, code: string, cause: unknown) {
    super(`${method} ${url} failed: ${code}. ${connectionHint(code)}`, { cause })
    this.code = code
    this.method = method
    this.url = url
  }
}

function connectionHint(code: string): string {
  if (code === 'ECONNREFUSED') return 'Nothing is listening there: check the host and port.'
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'The host name did not resolve: check the URL.'
  if (code === 'ERR_UNEXPECTED_UPGRADE') return 'The server answered 101 Switching Protocols, which no HTTP API or OAuth exchange asks for: check the URL.'
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'The server closed the connection: retry, or check a proxy.'
  if (code.startsWith('CERT_') || code.includes('SELF_SIGNED') || code.startsWith('ERR_TLS') || code.includes('UNABLE_TO')) {
    return 'TLS verification failed: pass the CA with the ca option (or verify: false for tests only).'
  }
  return 'Check the URL, the network and any proxy settings.'
}

/**
 * Thrown by {@link Response.json} when the body is not valid JSON, and by the OAuth 1 token
 * methods when a token response is not the JSON it claims to be; names the URL and status.
 *
 * @example
 * ```ts
 * import { JSONDecodeError, Session } from 'oauth-sessions'
 * try { (await new Session().get('https://example.com/')).json() }
 * catch (error) { if (error instanceof JSONDecodeError) console.error(error.status) }
 * ```
 * @see requests.exceptions.JSONDecodeError
 * @group Errors
 */
export class JSONDecodeError extends OAuthSessionsError {
  /** Always `'JSONDecodeError'`. */
  override name = 'JSONDecodeError'
  /** Always `'ERR_JSON_DECODE'`: a stable value to branch on, unlike the message. */
  override code = 'ERR_JSON_DECODE'
  /** The HTTP status of the response whose body failed to parse. */
  readonly status: number
  /** The response URL, with credentials redacted. */
  readonly url: string
  /** The response, when the library parsed it for you (a token response); `undefined` from {@link Response.json}. */
  declare readonly response: Response | undefined

  constructor(url: string, status: number, contentType: string | undefined, cause: unknown, response?: Response) {
    const where = response === undefined ? 'response.text' : 'error.response.text'
    super(`Response from ${url} (HTTP ${status}, ${contentType ?? 'no content-type'}) is not valid JSON. Read ${where} to see what the server sent.`, {
      cause: withoutQuotedBody(cause),
    })
    this.status = status
    this.url = url
    Object.defineProperty(this, 'response', { value: response, enumerable: false })
  }
}

/** V8's JSON.parse messages quote the start of the body, which may be a secret: keep only the position. */
function withoutQuotedBody(cause: unknown): unknown {
  if (!(cause instanceof SyntaxError) || !cause.message.includes('"')) return cause
  const position = /\bat position \d+(?: \(line \d+ column \d+\))?/.exec(cause.message)?.[0]
  return new SyntaxError(position === undefined ? 'Unexpected token in JSON' : `Unexpected token in JSON ${position}`)
}

/**
 * Thrown when a redirect's `Location` cannot be followed: it is empty, not a valid URL
 * (`http://[::1`), or not http or https (`file:`, `javascript:`, `data:`). Nothing is sent to it.
 * A redirect with no Location at all is not an error: it is returned as the response.
 *
 * @example
 * ```ts
 * import { InvalidRedirectError, Session } from 'oauth-sessions'
 * try { await new Session().get('https://api.example.com/moved') }
 * catch (error) { if (error instanceof InvalidRedirectError) console.error(error.status, error.location) }
 * ```
 * @group Errors
 */
export class InvalidRedirectError extends OAuthSessionsError {
  /** Always `'InvalidRedirectError'`. */
  override name = 'InvalidRedirectError'
  /** Always `'ERR_INVALID_REDIRECT'`: a stable value to branch on, unlike the message. */
  override code = 'ERR_INVALID_REDIRECT'
  /** The redirect's HTTP status. */
  readonly status: number
  /** The Location as sent, credentials redacted and cut to 200 characters. */
  readonly location: string

  /**
   * @param url - the URL that redirected, already redacted
   * @param location - the Location as sent, already redacted
   * @param problem - what is wrong with it, as a predicate (`is not a valid URL`)
   */
  constructor(status: number, url: string, location: string, problem: string) {
    const shown = location.length > 200 ? `${location.slice(0, 200)}…` : location
    super(
      `${url} redirected (HTTP ${status}) to a Location that ${problem}${shown === '' ? '' : `: "${shown}"`}; it is not followed. ` +
        'Pass allowRedirects: false to read the answer yourself, or check for a misconfigured server or proxy.',
    )
    this.status = status
    this.location = shown
  }
}

/**
 * Thrown when a redirect would re-send a request body that holds credentials (a login password,
 * a client secret, an authorization code, an OAuth 1 verifier) to another origin or from https to
 * http: a 307 or 308 keeps the body, so such a hop is refused and nothing is sent to it. 301, 302
 * and 303 (the body dropped) and a same-origin 307/308 are followed as usual.
 *
 * @example
 * ```ts
 * import { CredentialRedirectRefusedError, ProxySession } from 'oauth-sessions'
 * try { await ProxySession.create({ oauth2Username: 'bot', oauth2Password: 'pw', authenticationBaseUrl: 'https://site.example/oauth2/start' }) }
 * catch (error) { if (error instanceof CredentialRedirectRefusedError) console.error(error.status, error.location) }
 * ```
 * @group Errors
 */
export class CredentialRedirectRefusedError extends OAuthSessionsError {
  /** Always `'CredentialRedirectRefusedError'`. */
  override name = 'CredentialRedirectRefusedError'
  /** Always `'ERR_CREDENTIAL_REDIRECT_REFUSED'`: a stable value to branch on, unlike the message. */
  override code = 'ERR_CREDENTIAL_REDIRECT_REFUSED'
  /** The redirect's HTTP status. */
  readonly status: number
  /** Where it pointed, credentials redacted. */
  readonly location: string

  /**
   * @param location - where the redirect pointed, already redacted
   * @param message - a subclass's own message
   */
  constructor(status: number, location: string, message?: string) {
    super(
      message ??
        `A request whose body holds credentials was redirected (HTTP ${status}) to ${location}; the body is not re-sent to another origin or over plain http. ` +
          'Use the final URL of the endpoint (same origin, https), or check for a proxy or captive portal.',
    )
    this.status = status
    this.location = location
  }
}
