import type { z } from 'zod'
import type { Response } from './http/response.js'

/**
 * The root of every error this library throws: catch it to handle all of them at once.
 *
 * @example
 * ```ts
 * import { OAuthSessionsError, Session } from 'oauth-sessions'
 * try { await new Session().get('https://api.example.com/') }
 * catch (error) { if (error instanceof OAuthSessionsError) console.error(error.message) }
 * ```
 * @see requests.exceptions.RequestException
 * @group Errors
 */
export class OAuthSessionsError extends Error {
  /** Always `'OAuthSessionsError'`. */
  override name = 'OAuthSessionsError'
}

/**
 * Thrown when an option or argument is wrong; the message names the option and what was expected,
 * never its value (it may be a secret).
 *
 * @example
 * ```ts
 * import { ConfigurationError, Session } from 'oauth-sessions'
 * try { new Session({ timeout: -1 }) }
 * catch (error) { if (error instanceof ConfigurationError) console.error(error.option) }
 * ```
 * @group Errors
 */
export class ConfigurationError extends OAuthSessionsError {
  /** Always `'ConfigurationError'`. */
  override name = 'ConfigurationError'
  /** The option path that was wrong, such as `proxies.https`. */
  readonly option: string

  constructor(option: string, message: string) {
    super(message)
    this.option = option
  }

  /**
   * Builds the error from a zod failure, naming the first wrong option path and what was expected.
   *
   * @param error - the zod error from `safeParse`
   * @param owner - the class or function whose options were checked, used in the message
   */
  static fromZod(error: z.ZodError, owner: string): ConfigurationError {
    const issues = error.issues.slice(0, 3).map((issue) => {
      const path = issue.path.map(String).join('.') || '(options)'
      return `${path}: ${describeIssue(issue)}`
    })
    const first = error.issues[0]
    const option = first ? first.path.map(String).join('.') || '(options)' : '(options)'
    return new ConfigurationError(
      option,
      `Invalid ${owner} options: ${issues.join('; ')}. Fix the option(s) named and try again.`,
    )
  }
}

/** Describes a zod issue without echoing the input value, which may be a secret. */
function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected}`
    case 'unrecognized_keys':
      return `unknown option(s) ${issue.keys.map((key) => `'${key}'`).join(', ')}`
    case 'too_small':
      return `must be at least ${String(issue.minimum)}`
    case 'too_big':
      return `must be at most ${String(issue.maximum)}`
    case 'invalid_value':
      return `expected one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`
    default:
      return issue.message
  }
}

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
    super(`${response.status} ${kind}: ${response.reason} for url: ${response.redactedUrl}. ${hint}`)
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
  /** The redirect responses received before giving up. */
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
 * Thrown when a request takes longer than its `timeout` to connect or to answer.
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
  /** Which phase timed out, as got names it: `connect`, `secureConnect`, `response`, `socket`, ... */
  readonly phase: string
  /** The method of the request that timed out. */
  readonly method: string
  /** The URL of the request that timed out, with credentials redacted. */
  readonly url: string

  constructor(method: string, url: string, phase: string, timeoutMs: number | undefined, cause: unknown) {
    const limit = timeoutMs === undefined ? '' : ` after ${timeoutMs} ms`
    super(
      `${method} ${url} timed out${limit} (${phase}). ` +
        'Check that the server is reachable, or raise the timeout option.',
      { cause },
    )
    this.phase = phase
    this.method = method
    this.url = url
  }
}

/**
 * Thrown when no connection could be made or it broke: DNS failure, refused, reset, TLS failure.
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
  /** The system or TLS error code, such as `ECONNREFUSED` or `CERT_HAS_EXPIRED`. */
  readonly code: string
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
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'The server closed the connection: retry, or check a proxy.'
  if (code.startsWith('CERT_') || code.includes('SELF_SIGNED') || code.startsWith('ERR_TLS') || code.includes('UNABLE_TO')) {
    return 'TLS verification failed: pass the CA with the ca option (or verify: false for tests only).'
  }
  return 'Check the URL, the network and any proxy settings.'
}

/**
 * Thrown by {@link Response.json} when the body is not valid JSON; names the URL and status.
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
  /** The HTTP status of the response whose body failed to parse. */
  readonly status: number
  /** The response URL, with credentials redacted. */
  readonly url: string

  constructor(url: string, status: number, contentType: string | undefined, cause: unknown) {
    super(
      `Response from ${url} (HTTP ${status}, ${contentType ?? 'no content-type'}) is not valid JSON. ` +
        'Read response.text to see what the server sent.',
      { cause },
    )
    this.status = status
    this.url = url
  }
}

/**
 * Thrown when a token endpoint answers an OAuth 1 token request with a non-2xx status; carries
 * the status, the body and the Response.
 *
 * @example
 * ```ts
 * import { OAuth1Session, TokenRequestDeniedError } from 'oauth-sessions'
 * const session = new OAuth1Session('key', 'secret')
 * try { await session.fetchRequestToken('https://api.example.com/oauth/request_token') }
 * catch (error) { if (error instanceof TokenRequestDeniedError) console.error(error.status, error.body) }
 * ```
 * @see requests_oauthlib.oauth1_session.TokenRequestDenied
 * @group Errors
 */
export class TokenRequestDeniedError extends OAuthSessionsError {
  /** Always `'TokenRequestDeniedError'`. */
  override name = 'TokenRequestDeniedError'
  /** The HTTP status of the refusal. */
  readonly status: number
  /** The body the provider sent. */
  readonly body: string
  /** For a 401, the signature base string we signed (credential values redacted). */
  readonly signatureBaseString: string | undefined
  /** The refusing response. */
  declare readonly response: Response

  constructor(response: Response) {
    const snippet = response.text.length > 200 ? `${response.text.slice(0, 200)}...` : response.text
    super(
      `Token request failed with code ${response.status}, response was '${snippet}'. ` +
        'Check the consumer key and secret, the token and the endpoint URL.',
    )
    this.status = response.status
    this.body = response.text
    this.signatureBaseString = response.status === 401 ? response.request.signatureBaseString : undefined
    Object.defineProperty(this, 'response', { value: response, enumerable: false })
  }
}

/**
 * Thrown when a token response or an authorization redirect lacks the token; lists the keys it
 * did have (never their values, which may be secrets).
 *
 * @example
 * ```ts
 * import { OAuth1Session, TokenMissingError } from 'oauth-sessions'
 * try { new OAuth1Session('key').parseAuthorizationResponse('https://client.example/cb?denied=abc') }
 * catch (error) { if (error instanceof TokenMissingError) console.error(error.keys) }
 * ```
 * @see requests_oauthlib.oauth1_session.TokenMissing
 * @group Errors
 */
export class TokenMissingError extends OAuthSessionsError {
  /** Always `'TokenMissingError'`. */
  override name = 'TokenMissingError'
  /** The keys that were present. */
  readonly keys: readonly string[]
  /** The key that was expected. */
  readonly expected: string

  constructor(expected: string, keys: readonly string[], where: string) {
    super(
      `${where} does not contain '${expected}' (keys present: ${keys.length > 0 ? keys.join(', ') : 'none'}). ` +
        'The provider may have refused the request, or uses another key name: pass keyToken / a decoder.',
    )
    this.expected = expected
    this.keys = keys
  }
}

/**
 * Thrown when an OAuth 1 access token is fetched without a verifier.
 *
 * @example
 * ```ts
 * import { OAuth1Session, VerifierMissingError } from 'oauth-sessions'
 * try { await new OAuth1Session('key', 'secret', 'request-token', 'rt-secret').fetchAccessToken('https://api.example.com/oauth/access_token') }
 * catch (error) { if (error instanceof VerifierMissingError) console.error(error.message) }
 * ```
 * @see requests_oauthlib.oauth1_session.VerifierMissing
 * @group Errors
 */
export class VerifierMissingError extends OAuthSessionsError {
  /** Always `'VerifierMissingError'`. */
  override name = 'VerifierMissingError'

  constructor() {
    super('No verifier has been set. Pass it to fetchAccessToken(url, verifier), or parse the callback URL with parseAuthorizationResponse(url) first.')
  }
}

/**
 * Thrown when the oauth2_proxy sign-in dance fails; `reason` says which step and the message
 * says what to do.
 *
 * @example
 * ```ts
 * import { ProxyAuthenticationError, ProxySession } from 'oauth-sessions'
 * try { await ProxySession.create({ oauth2Username: 'monitor', oauth2Password: 'pw', authenticationBaseUrl: 'https://site.example/oauth2/start' }) }
 * catch (error) { if (error instanceof ProxyAuthenticationError) console.error(error.reason, error.message) }
 * ```
 * @group Errors
 */
export class ProxyAuthenticationError extends OAuthSessionsError {
  /** Always `'ProxyAuthenticationError'`. */
  override name = 'ProxyAuthenticationError'
  /** Which step failed. */
  readonly reason: 'missing_credentials' | 'no_login_form' | 'wrong_credentials' | 'two_factor' | 'needs_consent' | 'no_proxy_cookie'

  constructor(reason: ProxyAuthenticationError['reason'], message: string) {
    super(message)
    this.reason = reason
  }
}
