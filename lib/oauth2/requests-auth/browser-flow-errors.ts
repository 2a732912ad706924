import { OAuthSessionsError } from '../../errors.js'

/**
 * Thrown when the browser did not come back to the redirect listener in time (requests-auth's
 * `TimeoutOccurred`): the user did not finish signing in, or the provider redirects elsewhere.
 * Requests that reached the listener without the flow's state (or for another host, or too
 * large) were ignored, not taken as the answer; the message says how many there were.
 *
 * @example
 * ```ts
 * import { AuthorizationTimeoutError, OAuth2Implicit, Session } from 'oauth-sessions'
 * const auth = new OAuth2Implicit('https://idp.example.com/authorize', { client_id: 'x', timeout: 120 })
 * try { await new Session({ auth }).get('https://api.example.com/') }
 * catch (error) { if (error instanceof AuthorizationTimeoutError) console.error(error.message) }
 * ```
 * @see requests_auth.errors.TimeoutOccurred
 * @group Errors
 */
export class AuthorizationTimeoutError extends OAuthSessionsError {
  /** Always `'AuthorizationTimeoutError'`. */
  override name = 'AuthorizationTimeoutError'
  /** Always `'ERR_AUTHORIZATION_TIMEOUT'`: a stable value to branch on, unlike the message. */
  override code = 'ERR_AUTHORIZATION_TIMEOUT'
  /** The timeout, in seconds. */
  readonly timeout: number
  /** How many requests the listener ignored meanwhile (no or another state, another host, too large). */
  readonly ignoredRequests: number

  constructor(timeout: number, redirectUri: string, ignoredRequests = 0) {
    const ignored =
      ignoredRequests === 0
        ? ''
        : ` ${ignoredRequests === 1 ? '1 request was' : `${ignoredRequests} requests were`} ignored because ${ignoredRequests === 1 ? 'it' : 'they'} lacked this sign-in's state ` +
          '(or came for another host, or were too large): the provider must send the state back unchanged (RFC 6749 §4.1.2).'
    super(
      `User authentication was not received within ${timeout} seconds on ${redirectUri}. Finish signing in within the timeout (or raise the timeout option), ` +
        `and check that the provider has this exact redirect URI registered for the client.${ignored}`,
    )
    this.timeout = timeout
    this.ignoredRequests = ignoredRequests
  }
}

/**
 * Thrown before the browser opens when the redirect port is taken: another program listens there,
 * or another authentication is still waiting on it.
 *
 * @example
 * ```ts
 * import { OAuth2AuthorizationCode, RedirectPortInUseError, Session } from 'oauth-sessions'
 * const auth = new OAuth2AuthorizationCode('https://idp.example.com/authorize', 'https://idp.example.com/token', { redirectUriPort: 5001 })
 * try { await new Session({ auth }).get('https://api.example.com/') }
 * catch (error) { if (error instanceof RedirectPortInUseError) console.error(error.port) }
 * ```
 * @group Errors
 */
export class RedirectPortInUseError extends OAuthSessionsError {
  /** Always `'RedirectPortInUseError'`. */
  override name = 'RedirectPortInUseError'
  /** Always `'ERR_REDIRECT_PORT_IN_USE'`: a stable value to branch on, unlike the message. */
  override code = 'ERR_REDIRECT_PORT_IN_USE'
  /** The port that is taken. */
  readonly port: number

  constructor(port: number, host: string) {
    super(
      `Port ${port} on ${host} is already in use, so the redirect listener cannot start. Stop the program listening there, ` +
        `or pass another redirectUriPort (and register http://localhost:<port>/ as a redirect URI with the provider).`,
    )
    this.port = port
  }
}

/**
 * Thrown when the browser came back without the expected code or token (requests-auth's
 * `GrantNotProvided`); the message lists the parameter names received, never their values.
 *
 * @example
 * ```ts
 * import { GrantNotProvidedError } from 'oauth-sessions'
 * declare const error: unknown
 * if (error instanceof GrantNotProvidedError) console.error(error.fieldName, error.receivedNames)
 * ```
 * @see requests_auth.errors.GrantNotProvided
 * @group Errors
 */
export class GrantNotProvidedError extends OAuthSessionsError {
  /** Always `'GrantNotProvidedError'`. */
  override name = 'GrantNotProvidedError'
  /** Always `'ERR_GRANT_NOT_PROVIDED'`: a stable value to branch on, unlike the message. */
  override code = 'ERR_GRANT_NOT_PROVIDED'
  /** The parameter that was expected (`code`, `access_token`, `id_token` ...). */
  readonly fieldName: string
  /** The parameter names that were received. */
  readonly receivedNames: readonly string[]

  constructor(fieldName: string, receivedNames: readonly string[], several = false) {
    const names = receivedNames.length === 0 ? 'no parameters' : `only ${receivedNames.join(', ')}`
    super(
      several
        ? `The redirect carried ${fieldName} more than once; refusing an ambiguous answer.`
        : `The redirect did not carry ${fieldName} (it had ${names}). Check codeFieldName / tokenFieldName and the response_type the provider supports.`,
    )
    this.fieldName = fieldName
    this.receivedNames = receivedNames
  }
}

/**
 * requests-auth's `StateNotProvided`, kept for code that catches it: the redirect listener no
 * longer throws it. A redirect without the flow's state is answered with a 400 and ignored (any
 * program or web page could send one to end the flow), and a flow that only gets such requests
 * ends in {@link AuthorizationTimeoutError}, which counts them.
 *
 * @example
 * ```ts
 * import { StateNotProvidedError } from 'oauth-sessions'
 * declare const error: unknown
 * if (error instanceof StateNotProvidedError) console.error(error.message)
 * ```
 * @see requests_auth.errors.StateNotProvided
 * @group Errors
 */
export class StateNotProvidedError extends OAuthSessionsError {
  /** Always `'StateNotProvidedError'`. */
  override name = 'StateNotProvidedError'
  /** Always `'ERR_STATE_NOT_PROVIDED'`: a stable value to branch on, unlike the message. */
  override code = 'ERR_STATE_NOT_PROVIDED'

  constructor(several = false) {
    super(
      several
        ? 'The redirect carried state more than once; refusing an ambiguous answer.'
        : 'The redirect did not carry the state it was sent with; the provider must return state unchanged (RFC 6749 §4.1.2).',
    )
  }
}

/**
 * Thrown when the redirect listener itself fails after it started (`reason` `server_error`).
 * An oversized form or URL (413) and a connection that breaks while posting are answered and
 * ignored, so the flow keeps waiting for the real callback; the `form_too_large` and
 * `connection_error` reasons are no longer produced and stay for code that checks them.
 *
 * @example
 * ```ts
 * import { OAuth2Implicit, RedirectListenerError, Session } from 'oauth-sessions'
 * const auth = new OAuth2Implicit('https://idp.example.com/authorize', { client_id: 'x' })
 * try { await new Session({ auth }).get('https://api.example.com/') }
 * catch (error) { if (error instanceof RedirectListenerError) console.error(error.reason, error.message) }
 * ```
 * @group Errors
 */
export class RedirectListenerError extends OAuthSessionsError {
  /** Always `'RedirectListenerError'`. */
  override name = 'RedirectListenerError'
  /** Always `'ERR_REDIRECT_LISTENER'`: a stable value to branch on, unlike the message. */
  override code = 'ERR_REDIRECT_LISTENER'
  /** What went wrong: the listener's server failing (`server_error`); the other two are no longer produced. */
  readonly reason: 'server_error' | 'form_too_large' | 'connection_error'

  constructor(reason: RedirectListenerError['reason'], message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause })
    this.reason = reason
  }
}

/**
 * Thrown when the browser opener (see `setBrowserOpener`) fails, so nobody can sign in; the
 * opener's own failure is the `cause`.
 *
 * @example
 * ```ts
 * import { BrowserOpenError, OAuth2Implicit, Session, setBrowserOpener } from 'oauth-sessions'
 * setBrowserOpener(() => { throw new Error('no display') })
 * const auth = new OAuth2Implicit('https://idp.example.com/authorize', { client_id: 'x' })
 * try { await new Session({ auth }).get('https://api.example.com/') }
 * catch (error) { if (error instanceof BrowserOpenError) console.error(error.cause) }
 * ```
 * @group Errors
 */
export class BrowserOpenError extends OAuthSessionsError {
  /** Always `'BrowserOpenError'`. */
  override name = 'BrowserOpenError'
  /** Always `'ERR_BROWSER_OPEN'`: a stable value to branch on, unlike the message. */
  override code = 'ERR_BROWSER_OPEN'

  constructor(cause: unknown) {
    super(
      'The browser opener failed, so the authorization page was never shown (see error.cause). ' +
        'Fix the opener given to setBrowserOpener(), or use one that prints the URL for the user to open.',
      { cause },
    )
  }
}
