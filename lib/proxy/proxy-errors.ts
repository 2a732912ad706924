import { OAuthSessionsError } from '../errors.js'

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
  /** Always `'ERR_PROXY_AUTHENTICATION'`: a stable value to branch on, unlike the message. */
  override code = 'ERR_PROXY_AUTHENTICATION'
  /**
   * Which step failed; `session_expired` is a request that is not idempotent (POST, PATCH) bounced
   * to sign in: the session signed in again, and the request is for you to send again.
   */
  readonly reason:
    | 'missing_credentials'
    | 'no_login_form'
    | 'invalid_login_form'
    | 'wrong_credentials'
    | 'two_factor'
    | 'needs_consent'
    | 'no_proxy_cookie'
    | 'session_expired'

  constructor(reason: ProxyAuthenticationError['reason'], message: string) {
    super(message)
    this.reason = reason
  }
}
