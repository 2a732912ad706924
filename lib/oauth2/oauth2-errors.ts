import { redactUrl } from '../security/redact-url.js'
import { OAuthSessionsError } from '../errors.js'
import { CredentialRedirectRefusedError } from '../http/http-errors.js'

// Shared with OAuth 1 (PLAINTEXT signatures): it lives in lib/errors.ts, and OAuth 2 code keeps importing it from here.
export { InsecureTransportError } from '../errors.js'
import type { Response } from '../http/response.js'

/**
 * An RFC 6749 error body (§4.1.2.1 for redirects, §5.2 for token responses).
 *
 * @group Errors
 */
export interface OAuth2ErrorBody {
  /** The error code, such as `invalid_grant`. */
  error: string
  /** The provider's human-readable explanation. */
  error_description?: string
  /** A page about the error. */
  error_uri?: string
}

/**
 * Thrown when an OAuth 2 provider says no: a token endpoint's error body (RFC 6749 §5.2) or an
 * error in the authorization redirect (§4.1.2.1). Each RFC 6749 code has a subclass
 * ({@link InvalidGrantError}, {@link AccessDeniedError} ...); other codes use this class.
 *
 * @example
 * ```ts
 * import { InvalidGrantError, OAuth2Session, TokenRequestError } from 'oauth-sessions'
 * declare const session: OAuth2Session
 * try { await session.fetchToken('https://idp.example.com/token', { code: 'used' }) }
 * catch (error) {
 *   if (error instanceof InvalidGrantError) console.error('log in again')
 *   else if (error instanceof TokenRequestError) console.error(error.error, error.errorDescription)
 * }
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 * @group Errors
 */
export class TokenRequestError extends OAuthSessionsError {
  /** The class name. */
  override name = 'TokenRequestError'
  /** `'ERR_TOKEN_REQUEST'` for a code without a subclass; each subclass has its own (`'ERR_INVALID_GRANT'` ...). */
  override code = 'ERR_TOKEN_REQUEST'
  /** The RFC 6749 error code. */
  readonly error: string
  /** The provider's explanation, if any. */
  readonly errorDescription: string | undefined
  /** A page about the error, if any. */
  readonly errorUri: string | undefined
  /** The HTTP status of the token response; `undefined` for an error in a redirect. */
  readonly status: number | undefined
  /** The token response, when the error came from one. */
  declare readonly response: Response | undefined

  constructor(body: OAuth2ErrorBody, response?: Response, hint = 'Check the client credentials, the grant and the token URL.') {
    const where = response === undefined ? 'The authorization server redirected with an error' : `The token endpoint refused (HTTP ${response.status})`
    const description = body.error_description === undefined ? '' : `: ${shortText(body.error_description, 300)}`
    super(`${where}: ${shortText(body.error, 80)}${description}. ${hint}`)
    this.error = body.error
    this.errorDescription = body.error_description
    this.errorUri = body.error_uri
    this.status = response?.status
    Object.defineProperty(this, 'response', { value: response, enumerable: false })
  }
}

/**
 * Thrown for `invalid_request`: a parameter is missing, repeated or malformed.
 *
 * @example
 * ```ts
 * import { InvalidRequestError } from 'oauth-sessions'
 * function handle(error: unknown): void { if (error instanceof InvalidRequestError) console.error(error.errorDescription) }
 * ```
 * @group Errors
 */
export class InvalidRequestError extends TokenRequestError {
  /** Always `'InvalidRequestError'`. */
  override name = 'InvalidRequestError'
  /** Always `'ERR_INVALID_REQUEST'`: a stable value to branch on, unlike the message. */
  override code = 'ERR_INVALID_REQUEST'

  constructor(body: OAuth2ErrorBody, response?: Response) {
    super(body, response, 'A parameter is missing, repeated or malformed: compare the request with the provider documentation.')
  }
}

/**
 * Thrown for `invalid_client`: client authentication failed.
 *
 * @example
 * ```ts
 * import { InvalidClientError } from 'oauth-sessions'
 * function handle(error: unknown): void { if (error instanceof InvalidClientError) console.error(error.errorDescription) }
 * ```
 * @group Errors
 */
export class InvalidClientError extends TokenRequestError {
  /** Always `'InvalidClientError'`. */
  override name = 'InvalidClientError'
  /** Always `'ERR_INVALID_CLIENT'`: a stable value to branch on, unlike the message. */
  override code = 'ERR_INVALID_CLIENT'

  constructor(body: OAuth2ErrorBody, response?: Response) {
    super(
      body,
      response,
      'Client authentication failed: check clientId and clientSecret, and whether the provider wants them in the body (includeClientId) or as Basic auth.',
    )
  }
}

/**
 * Thrown for `invalid_grant`: the code or refresh token is invalid, expired, used or revoked.
 *
 * @example
 * ```ts
 * import { InvalidGrantError } from 'oauth-sessions'
 * function handle(error: unknown): void { if (error instanceof InvalidGrantError) console.error(error.errorDescription) }
 * ```
 * @group Errors
 */
export class InvalidGrantError extends TokenRequestError {
  /** Always `'InvalidGrantError'`. */
  override name = 'InvalidGrantError'
  /** Always `'ERR_INVALID_GRANT'`: a stable value to branch on, unlike the message. */
  override code = 'ERR_INVALID_GRANT'

  constructor(body: OAuth2ErrorBody, response?: Response) {
    super(body, response, 'The code or refresh token is no longer valid: send the user through the authorization flow again.')
  }
}

/**
 * Thrown when a shared token's refresh token is refused (`invalid_grant`) and, read again, the
 * token store holds no newer token from another process: the grant is gone, and the user must
 * authorize again. It is an {@link InvalidGrantError} (so code that catches that keeps working)
 * and carries the provider's `error`, `errorDescription` and `status`.
 *
 * @example
 * ```ts
 * import { ReauthorizationRequiredError, type OAuth2Session } from 'oauth-sessions'
 * declare const session: OAuth2Session
 * try { await session.get('https://api.example.com/me') }
 * catch (error) { if (error instanceof ReauthorizationRequiredError) console.error('log in again:', error.errorDescription) }
 * ```
 * @group Errors
 */
export class ReauthorizationRequiredError extends InvalidGrantError {
  /** Always `'ReauthorizationRequiredError'`. */
  override name = 'ReauthorizationRequiredError'
  /** Always `'ERR_REAUTHORIZATION_REQUIRED'`. */
  override code = 'ERR_REAUTHORIZATION_REQUIRED'
  /** The store key of the token whose grant was refused. */
  readonly tokenKey: string

  constructor(refused: TokenRequestError, tokenKey: string) {
    const body: OAuth2ErrorBody = { error: refused.error }
    if (refused.errorDescription !== undefined) body.error_description = refused.errorDescription
    if (refused.errorUri !== undefined) body.error_uri = refused.errorUri
    super(body, refused.response)
    this.message = `${this.message} The token store (key ${tokenKey}) holds no newer token from another process either.`
    this.tokenKey = tokenKey
    this.cause = refused
  }
}

/**
 * Thrown for `unauthorized_client`: this client may not use this grant.
 *
 * @example
 * ```ts
 * import { UnauthorizedClientError } from 'oauth-sessions'
 * function handle(error: unknown): void { if (error instanceof UnauthorizedClientError) console.error(error.errorDescription) }
 * ```
 * @group Errors
 */
export class UnauthorizedClientError extends TokenRequestError {
  /** Always `'UnauthorizedClientError'`. */
  override name = 'UnauthorizedClientError'
  /** Always `'ERR_UNAUTHORIZED_CLIENT'`: a stable value to branch on, unlike the message. */
  override code = 'ERR_UNAUTHORIZED_CLIENT'

  constructor(body: OAuth2ErrorBody, response?: Response) {
    super(body, response, 'This client is not allowed to use this grant type: check the client registration.')
  }
}

/**
 * Thrown for `unsupported_grant_type`: the provider does not support the grant type.
 *
 * @example
 * ```ts
 * import { UnsupportedGrantTypeError } from 'oauth-sessions'
 * function handle(error: unknown): void { if (error instanceof UnsupportedGrantTypeError) console.error(error.errorDescription) }
 * ```
 * @group Errors
 */
export class UnsupportedGrantTypeError extends TokenRequestError {
  /** Always `'UnsupportedGrantTypeError'`. */
  override name = 'UnsupportedGrantTypeError'
  /** Always `'ERR_UNSUPPORTED_GRANT_TYPE'`: a stable value to branch on, unlike the message. */
  override code = 'ERR_UNSUPPORTED_GRANT_TYPE'

  constructor(body: OAuth2ErrorBody, response?: Response) {
    super(body, response, 'The provider does not support this grant type.')
  }
}

/**
 * Thrown for `invalid_scope`: a requested scope is invalid or unknown.
 *
 * @example
 * ```ts
 * import { InvalidScopeError } from 'oauth-sessions'
 * function handle(error: unknown): void { if (error instanceof InvalidScopeError) console.error(error.errorDescription) }
 * ```
 * @group Errors
 */
export class InvalidScopeError extends TokenRequestError {
  /** Always `'InvalidScopeError'`. */
  override name = 'InvalidScopeError'
  /** Always `'ERR_INVALID_SCOPE'`: a stable value to branch on, unlike the message. */
  override code = 'ERR_INVALID_SCOPE'

  constructor(body: OAuth2ErrorBody, response?: Response) {
    super(body, response, 'A requested scope is invalid or unknown: check the scope list.')
  }
}

/**
 * Thrown for `access_denied`: the user or the server refused.
 *
 * @example
 * ```ts
 * import { AccessDeniedError } from 'oauth-sessions'
 * function handle(error: unknown): void { if (error instanceof AccessDeniedError) console.error(error.errorDescription) }
 * ```
 * @group Errors
 */
export class AccessDeniedError extends TokenRequestError {
  /** Always `'AccessDeniedError'`. */
  override name = 'AccessDeniedError'
  /** Always `'ERR_ACCESS_DENIED'`: a stable value to branch on, unlike the message. */
  override code = 'ERR_ACCESS_DENIED'

  constructor(body: OAuth2ErrorBody, response?: Response) {
    super(body, response, 'The user or the server denied access: ask the user to authorize again.')
  }
}

/**
 * Thrown for `unsupported_response_type`: the provider does not support the response type.
 *
 * @example
 * ```ts
 * import { UnsupportedResponseTypeError } from 'oauth-sessions'
 * function handle(error: unknown): void { if (error instanceof UnsupportedResponseTypeError) console.error(error.errorDescription) }
 * ```
 * @group Errors
 */
export class UnsupportedResponseTypeError extends TokenRequestError {
  /** Always `'UnsupportedResponseTypeError'`. */
  override name = 'UnsupportedResponseTypeError'
  /** Always `'ERR_UNSUPPORTED_RESPONSE_TYPE'`: a stable value to branch on, unlike the message. */
  override code = 'ERR_UNSUPPORTED_RESPONSE_TYPE'

  constructor(body: OAuth2ErrorBody, response?: Response) {
    super(body, response, 'The provider does not support this response type.')
  }
}

/**
 * Thrown for `server_error`: the authorization server failed.
 *
 * @example
 * ```ts
 * import { ServerError } from 'oauth-sessions'
 * function handle(error: unknown): void { if (error instanceof ServerError) console.error(error.errorDescription) }
 * ```
 * @group Errors
 */
export class ServerError extends TokenRequestError {
  /** Always `'ServerError'`. */
  override name = 'ServerError'
  /** Always `'ERR_SERVER_ERROR'`: a stable value to branch on, unlike the message. */
  override code = 'ERR_SERVER_ERROR'

  constructor(body: OAuth2ErrorBody, response?: Response) {
    super(body, response, 'The authorization server failed: retry later.')
  }
}

/**
 * Thrown for `temporarily_unavailable`: the authorization server is overloaded or in maintenance.
 *
 * @example
 * ```ts
 * import { TemporarilyUnavailableError } from 'oauth-sessions'
 * function handle(error: unknown): void { if (error instanceof TemporarilyUnavailableError) console.error(error.errorDescription) }
 * ```
 * @group Errors
 */
export class TemporarilyUnavailableError extends TokenRequestError {
  /** Always `'TemporarilyUnavailableError'`. */
  override name = 'TemporarilyUnavailableError'
  /** Always `'ERR_TEMPORARILY_UNAVAILABLE'`: a stable value to branch on, unlike the message. */
  override code = 'ERR_TEMPORARILY_UNAVAILABLE'

  constructor(body: OAuth2ErrorBody, response?: Response) {
    super(body, response, 'The authorization server is overloaded or down for maintenance: retry later.')
  }
}

/**
 * Thrown for `invalid_token`: the access token is expired, revoked or malformed (RFC 6750 §3.1).
 *
 * @example
 * ```ts
 * import { InvalidTokenError } from 'oauth-sessions'
 * function handle(error: unknown): void { if (error instanceof InvalidTokenError) console.error(error.errorDescription) }
 * ```
 * @group Errors
 */
export class InvalidTokenError extends TokenRequestError {
  /** Always `'InvalidTokenError'`. */
  override name = 'InvalidTokenError'
  /** Always `'ERR_INVALID_TOKEN'`: a stable value to branch on, unlike the message. */
  override code = 'ERR_INVALID_TOKEN'

  constructor(body: OAuth2ErrorBody, response?: Response) {
    super(body, response, 'The access token is expired, revoked or malformed: refresh it or authorize again.')
  }
}

/**
 * Thrown for `authorization_pending` (RFC 8628 §3.5): the user has not finished at the
 * verification page yet. {@link OAuth2Session.pollDeviceToken} keeps polling on it; you see it
 * only when you send the device-code grant yourself.
 *
 * @example
 * ```ts
 * import { AuthorizationPendingError } from 'oauth-sessions'
 * function handle(error: unknown): boolean { return error instanceof AuthorizationPendingError }
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.5
 * @group Errors
 */
export class AuthorizationPendingError extends TokenRequestError {
  /** Always `'AuthorizationPendingError'`. */
  override name = 'AuthorizationPendingError'
  /** Always `'ERR_AUTHORIZATION_PENDING'`: a stable value to branch on, unlike the message. */
  override code = 'ERR_AUTHORIZATION_PENDING'

  constructor(body: OAuth2ErrorBody, response?: Response) {
    super(body, response, 'The user has not finished authorizing the device yet: poll again after the interval.')
  }
}

/**
 * Thrown for `slow_down` (RFC 8628 §3.5): the client polls too fast. {@link OAuth2Session.pollDeviceToken}
 * adds 5 seconds to its interval, for good, and keeps polling.
 *
 * @example
 * ```ts
 * import { SlowDownError } from 'oauth-sessions'
 * function handle(error: unknown): boolean { return error instanceof SlowDownError }
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.5
 * @group Errors
 */
export class SlowDownError extends TokenRequestError {
  /** Always `'SlowDownError'`. */
  override name = 'SlowDownError'
  /** Always `'ERR_SLOW_DOWN'`: a stable value to branch on, unlike the message. */
  override code = 'ERR_SLOW_DOWN'

  constructor(body: OAuth2ErrorBody, response?: Response) {
    super(body, response, 'The client polls too often: add 5 seconds to the polling interval.')
  }
}

/**
 * Thrown for `expired_token` (RFC 8628 §3.5): the device code expired before the user
 * authorized it. Start again with {@link OAuth2Session.deviceAuthorization}.
 *
 * @example
 * ```ts
 * import { ExpiredTokenError, type OAuth2Session } from 'oauth-sessions'
 * declare const session: OAuth2Session
 * const device = await session.deviceAuthorization('https://idp.example.com/device')
 * try { await session.pollDeviceToken(device, { tokenUrl: 'https://idp.example.com/token' }) }
 * catch (error) { if (error instanceof ExpiredTokenError) console.error('too late: start again') }
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.5
 * @group Errors
 */
export class ExpiredTokenError extends TokenRequestError {
  /** Always `'ExpiredTokenError'`. */
  override name = 'ExpiredTokenError'
  /** Always `'ERR_EXPIRED_TOKEN'`: a stable value to branch on, unlike the message. */
  override code = 'ERR_EXPIRED_TOKEN'

  constructor(body: OAuth2ErrorBody, response?: Response) {
    super(body, response, 'The device code expired before the user authorized it: start again with deviceAuthorization().')
  }
}

/**
 * Thrown by {@link OAuth2Session.pollDeviceToken} when the device code's `expires_in` has passed
 * (or would pass before the next poll) and the user has still not authorized it: no further
 * request is sent. The provider's own `expired_token` answer is an {@link ExpiredTokenError}.
 *
 * @example
 * ```ts
 * import { DeviceAuthorizationExpiredError, type OAuth2Session } from 'oauth-sessions'
 * declare const session: OAuth2Session
 * const device = await session.deviceAuthorization('https://idp.example.com/device')
 * try { await session.pollDeviceToken(device, { tokenUrl: 'https://idp.example.com/token' }) }
 * catch (error) { if (error instanceof DeviceAuthorizationExpiredError) console.error('too late: start again') }
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.5
 * @group Errors
 */
export class DeviceAuthorizationExpiredError extends OAuthSessionsError {
  /** Always `'DeviceAuthorizationExpiredError'`. */
  override name = 'DeviceAuthorizationExpiredError'
  /** Always `'ERR_DEVICE_AUTHORIZATION_EXPIRED'`: a stable value to branch on, unlike the message. */
  override code = 'ERR_DEVICE_AUTHORIZATION_EXPIRED'
  /** The device code's lifetime, seconds (`expires_in`). */
  readonly expiresIn: number

  constructor(expiresIn: number) {
    super(`The device code expired (after ${expiresIn} s) before the user authorized it: start again with deviceAuthorization().`)
    this.expiresIn = expiresIn
  }
}

/**
 * Thrown for RFC 7009's `unsupported_token_type`: the revocation endpoint does not revoke this kind
 * of token (many revoke refresh tokens only). Not {@link UnsupportedTokenTypeError}, which is about
 * a token's `token_type` this library cannot send.
 *
 * @example
 * ```ts
 * import { OAuth2Session, RevocationUnsupportedTokenTypeError } from 'oauth-sessions'
 * declare const session: OAuth2Session
 * try { await session.revokeToken(session.accessToken, { tokenTypeHint: 'access_token' }) }
 * catch (error) { if (!(error instanceof RevocationUnsupportedTokenTypeError)) throw error }
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc7009#section-2.2.1
 * @group Errors
 */
export class RevocationUnsupportedTokenTypeError extends TokenRequestError {
  /** Always `'RevocationUnsupportedTokenTypeError'`. */
  override name = 'RevocationUnsupportedTokenTypeError'
  /** Always `'ERR_REVOCATION_UNSUPPORTED_TOKEN_TYPE'`: a stable value to branch on, unlike the message. */
  override code = 'ERR_REVOCATION_UNSUPPORTED_TOKEN_TYPE'

  constructor(body: OAuth2ErrorBody, response?: Response) {
    super(body, response, 'The server does not revoke this type of token: revoke the refresh token instead, or let the token expire.')
  }
}

/**
 * Thrown when a revocation or introspection endpoint answers 503 (RFC 7009 §2.2.1): the server is
 * down for a while. `retryAfter` holds its `Retry-After`, in seconds, when it sent one; the token
 * is still valid, so try again after that.
 *
 * @example
 * ```ts
 * import { EndpointUnavailableError, OAuth2Session } from 'oauth-sessions'
 * declare const session: OAuth2Session
 * try { await session.revokeToken() }
 * catch (error) { if (error instanceof EndpointUnavailableError) console.error('retry in', error.retryAfter ?? 60, 's') }
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc7009#section-2.2.1
 * @group Errors
 */
export class EndpointUnavailableError extends TokenRequestError {
  /** Always `'EndpointUnavailableError'`. */
  override name = 'EndpointUnavailableError'
  /** Always `'ERR_ENDPOINT_UNAVAILABLE'`: a stable value to branch on, unlike the message. */
  override code = 'ERR_ENDPOINT_UNAVAILABLE'
  /** The seconds the server's `Retry-After` asks to wait (a date is turned into seconds from now); `undefined` without one. */
  readonly retryAfter: number | undefined

  constructor(body: OAuth2ErrorBody, response: Response, retryAfter: number | undefined) {
    const wait = retryAfter === undefined ? 'it sent no Retry-After: retry later' : `retry after the ${retryAfter} s its Retry-After asks`
    super(body, response, `The endpoint is temporarily unavailable (RFC 7009 §2.2.1); ${wait}.`)
    this.retryAfter = retryAfter
  }
}

/**
 * Thrown for `invalid_target` (RFC 8693 §2.2.2, RFC 8707 §2): the server will not issue a token
 * for the `resource` or `audience` asked for (unknown, not allowed for this client, or not
 * together).
 *
 * @example
 * ```ts
 * import { InvalidTargetError, OAuth2Session } from 'oauth-sessions'
 * declare const session: OAuth2Session
 * try { await session.exchangeToken({ subjectToken: 'user-token', subjectTokenType: 'access_token', audience: 'orders-api' }) }
 * catch (error) { if (error instanceof InvalidTargetError) console.error('not allowed for that audience:', error.errorDescription) }
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc8693#section-2.2.2
 * @group Errors
 */
export class InvalidTargetError extends TokenRequestError {
  /** Always `'InvalidTargetError'`. */
  override name = 'InvalidTargetError'
  /** Always `'ERR_INVALID_TARGET'`: a stable value to branch on, unlike the message. */
  override code = 'ERR_INVALID_TARGET'

  constructor(body: OAuth2ErrorBody, response?: Response) {
    super(body, response, 'The server will not issue a token for that resource or audience: check resource and audience against what this client may ask for.')
  }
}

/** A provider's text for a one-line message: control characters as spaces, cut at `max`. */
function shortText(text: string, max: number): string {
  const line = Array.from(text.length > max ? text.slice(0, max) : text, (character) => (character < ' ' || character === '\u007f' ? ' ' : character)).join('')
  return text.length > max ? `${line}… (${text.length} characters)` : line
}

const OAUTH2_ERRORS: Readonly<Record<string, new (body: OAuth2ErrorBody, response?: Response) => TokenRequestError>> = {
  invalid_request: InvalidRequestError,
  invalid_client: InvalidClientError,
  invalid_grant: InvalidGrantError,
  unauthorized_client: UnauthorizedClientError,
  unsupported_grant_type: UnsupportedGrantTypeError,
  invalid_scope: InvalidScopeError,
  access_denied: AccessDeniedError,
  unsupported_response_type: UnsupportedResponseTypeError,
  server_error: ServerError,
  temporarily_unavailable: TemporarilyUnavailableError,
  invalid_token: InvalidTokenError,
  unsupported_token_type: RevocationUnsupportedTokenTypeError,
  authorization_pending: AuthorizationPendingError,
  slow_down: SlowDownError,
  expired_token: ExpiredTokenError,
  invalid_target: InvalidTargetError,
}

/**
 * The typed error for an RFC 6749 error body: the subclass for its code, or TokenRequestError.
 *
 * @internal
 */
export function oauth2Error(body: OAuth2ErrorBody, response?: Response): TokenRequestError {
  const ErrorClass = (Object.hasOwn(OAUTH2_ERRORS, body.error) ? OAUTH2_ERRORS[body.error] : undefined) ?? TokenRequestError
  return new ErrorClass(body, response)
}

/**
 * Thrown when a request needs a fresh token but the session's token has expired and no
 * `autoRefreshUrl` (or client-credentials grant) lets it get a new one.
 *
 * @example
 * ```ts
 * import { OAuth2Session, TokenExpiredError } from 'oauth-sessions'
 * declare const session: OAuth2Session
 * try { await session.get('https://api.example.com/me') }
 * catch (error) { if (error instanceof TokenExpiredError) console.error('authorize again') }
 * ```
 * @see oauthlib.oauth2.TokenExpiredError
 * @group Errors
 */
export class TokenExpiredError extends OAuthSessionsError {
  /** Always `'TokenExpiredError'`. */
  override name = 'TokenExpiredError'
  /** Always `'ERR_TOKEN_EXPIRED'`: a stable value to branch on, unlike the message. */
  override code = 'ERR_TOKEN_EXPIRED'

  constructor() {
    super('The access token has expired. Pass autoRefreshUrl (and a tokenUpdater) to refresh it automatically, or refresh it with refreshToken().')
  }
}

/**
 * Thrown after an automatic refresh when no `tokenUpdater` was given, as requests-oauthlib does:
 * it carries the new token, which you should save, then repeat the request.
 *
 * @example
 * ```ts
 * import { OAuth2Session, TokenUpdated } from 'oauth-sessions'
 * declare const session: OAuth2Session
 * declare function save(token: unknown): void
 * try { await session.get('https://api.example.com/me') }
 * catch (error) { if (error instanceof TokenUpdated) save(error.token); else throw error }
 * ```
 * @see requests_oauthlib.TokenUpdated
 * @group Errors
 */
export class TokenUpdated extends OAuthSessionsError {
  /** Always `'TokenUpdated'`. */
  override name = 'TokenUpdated'
  /** Always `'ERR_TOKEN_UPDATED'`: a stable value to branch on, unlike the message. */
  override code = 'ERR_TOKEN_UPDATED'
  /** The refreshed token. */
  declare readonly token: Record<string, unknown>

  constructor(token: Record<string, unknown>) {
    super('The token was refreshed and no tokenUpdater is set: save error.token and repeat the request, or pass tokenUpdater.')
    Object.defineProperty(this, 'token', { value: token, enumerable: false })
  }
}

/**
 * Thrown when the `state` in an authorization response differs from the one sent (a possible CSRF).
 *
 * @example
 * ```ts
 * import { MismatchingStateError, OAuth2Session } from 'oauth-sessions'
 * declare const session: OAuth2Session
 * try { await session.fetchToken('https://idp.example.com/token', { authorizationResponse: 'https://app.example/cb?code=x&state=evil' }) }
 * catch (error) { if (error instanceof MismatchingStateError) console.error('reject this callback') }
 * ```
 * @see oauthlib.oauth2.MismatchingStateError
 * @group Errors
 */
export class MismatchingStateError extends OAuthSessionsError {
  /** Always `'MismatchingStateError'`. */
  override name = 'MismatchingStateError'
  /** Always `'ERR_MISMATCHING_STATE'`: a stable value to branch on, unlike the message. */
  override code = 'ERR_MISMATCHING_STATE'

  /** @param message - what was wrong, when it is more than a different state */
  constructor(message = 'The state in the authorization response does not match the state sent. Reject this response: it may be a CSRF attempt.') {
    super(message)
  }
}

/**
 * Thrown when an authorization response names another issuer than the one the session expects
 * (RFC 9207 `iss`: a mix-up attack, or a misconfigured client), carries `iss` more than once, or
 * lacks it although the provider was said to send it (`issuerParameterRequired`). No token
 * request is sent. Issuers are public identifiers, so both are carried and shown.
 *
 * @example
 * ```ts
 * import { IssuerMismatchError, OAuth2Session } from 'oauth-sessions'
 * const session = new OAuth2Session('client-id', { issuer: 'https://idp.example.com', state: 'saved-state' })
 * try { await session.fetchToken('https://idp.example.com/token', { authorizationResponse: 'https://app.example/cb?code=x&state=saved-state&iss=https%3A%2F%2Fevil.example' }) }
 * catch (error) { if (error instanceof IssuerMismatchError) console.error(error.expected, error.received) }
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc9207#section-2.4
 * @group Errors
 */
export class IssuerMismatchError extends OAuthSessionsError {
  /** Always `'IssuerMismatchError'`. */
  override name = 'IssuerMismatchError'
  /** Always `'ERR_ISSUER_MISMATCH'`: a stable value to branch on, unlike the message. */
  override code = 'ERR_ISSUER_MISMATCH'
  /** The issuer the session expects (the `issuer` option). */
  readonly expected: string
  /** The `iss` the response carried (redacted as a URL); `undefined` when it had none; every value, comma-separated, when it had several. */
  readonly received: string | undefined

  constructor(expected: string, received: readonly string[]) {
    // A forged iss is the attacker's text: its user info and credential parameters are never shown.
    const shown = received.length === 0 ? undefined : received.map((value) => redactUrl(value)).join(', ')
    super(
      received.length === 0
        ? `The authorization response has no iss parameter, but ${expected} was said to send one (issuerParameterRequired). Reject this response and start the authorization again.`
        : received.length > 1
          ? `The authorization response carries iss more than once (${shown}); ${expected} was expected. Reject this response: it may be a mix-up attack.`
          : `The authorization response comes from issuer ${shown}, not from ${expected}. Reject this response: it may be a mix-up attack, or the issuer option is wrong.`,
    )
    this.expected = expected
    this.received = shown
  }
}

/**
 * Thrown when the provider grants another scope than the one asked for, as oauthlib raises its
 * scope-changed `Warning`; pass `relaxTokenScope: true` or set `OAUTHLIB_RELAX_TOKEN_SCOPE` to
 * accept the token anyway.
 *
 * @example
 * ```ts
 * import { OAuth2Session, ScopeChangedWarning } from 'oauth-sessions'
 * declare const session: OAuth2Session
 * try { await session.fetchToken('https://idp.example.com/token', { code: 'abc' }) }
 * catch (error) { if (error instanceof ScopeChangedWarning) console.warn(error.oldScope, error.newScope) }
 * ```
 * @see oauthlib.oauth2.rfc6749.parameters.validate_token_parameters
 * @group Errors
 */
export class ScopeChangedWarning extends OAuthSessionsError {
  /** Always `'ScopeChangedWarning'`. */
  override name = 'ScopeChangedWarning'
  /** Always `'ERR_SCOPE_CHANGED'`: a stable value to branch on, unlike the message. */
  override code = 'ERR_SCOPE_CHANGED'
  /** The scopes asked for. */
  readonly oldScope: readonly string[]
  /** The scopes granted. */
  readonly newScope: readonly string[]
  /** The token that came with the changed scope, as oauthlib's `Warning.token` (kept out of logs). */
  declare readonly token: Record<string, unknown> | undefined

  constructor(oldScope: readonly string[], newScope: readonly string[], token?: Record<string, unknown>) {
    super(
      `Scope has changed from "${oldScope.join(' ')}" to "${newScope.join(' ')}". ` +
        'Pass relaxTokenScope: true (or set OAUTHLIB_RELAX_TOKEN_SCOPE) to accept the token.',
    )
    this.oldScope = oldScope
    this.newScope = newScope
    Object.defineProperty(this, 'token', { value: token, enumerable: false })
  }
}

/**
 * Thrown when a token endpoint answers with a redirect that would carry the request's
 * credentials (client secret, code, code verifier, refresh token, password) elsewhere: to another
 * origin, from https to http, or as a GET. A 307 or 308 to the same origin is followed. The
 * token endpoint's case of {@link CredentialRedirectRefusedError}, which catches both.
 *
 * @example
 * ```ts
 * import { OAuth2Session, TokenRedirectRefusedError } from 'oauth-sessions'
 * declare const session: OAuth2Session
 * try { await session.fetchToken('https://idp.example.com/token', { code: 'abc' }) }
 * catch (error) { if (error instanceof TokenRedirectRefusedError) console.error(error.status, error.location) }
 * ```
 * @group Errors
 */
export class TokenRedirectRefusedError extends CredentialRedirectRefusedError {
  /** Always `'TokenRedirectRefusedError'`. */
  override name = 'TokenRedirectRefusedError'
  /** Always `'ERR_TOKEN_REDIRECT_REFUSED'`. */
  override code = 'ERR_TOKEN_REDIRECT_REFUSED'

  /**
   * @param location - where the redirect pointed, credentials in its query redacted
   * @param followed - set when the redirect is refused because this many same-origin 307/308 hops were already followed
   */
  constructor(status: number, location: string, followed?: number) {
    super(
      status,
      location,
      followed === undefined
        ? `The token endpoint redirected (HTTP ${status}) to ${location}; the request's credentials are not sent there. ` +
            'Use the final token URL of the provider (same origin, https), or check for a proxy or captive portal.'
        : `The token endpoint redirected (HTTP ${status}) to ${location} after ${followed} same-origin redirects: too many ` +
            `same-origin redirects (a token request follows at most ${followed}). The server may be redirecting in a loop; use the final token URL of the provider.`,
    )
  }
}

/**
 * Thrown when a token would be sent whose `token_type` this library cannot use (MAC, DPoP, or any
 * type but Bearer), before anything is sent: sending it as Bearer would hand a proof-bound or
 * signed token to the server as a plain bearer credential. A token without a `token_type` is
 * Bearer, as in requests-oauthlib; oauthlib raises `ValueError("Unsupported token type")` here.
 *
 * @example
 * ```ts
 * import { OAuth2Session, UnsupportedTokenTypeError } from 'oauth-sessions'
 * const session = new OAuth2Session('id', { token: { access_token: 'abc', token_type: 'MAC' } })
 * try { await session.get('https://api.example.com/me') }
 * catch (error) { if (error instanceof UnsupportedTokenTypeError) console.error(error.tokenType) }
 * ```
 * @see oauthlib.oauth2.rfc6749.clients.base.Client.add_token
 * @group Errors
 */
export class UnsupportedTokenTypeError extends OAuthSessionsError {
  /** Always `'UnsupportedTokenTypeError'`. */
  override name = 'UnsupportedTokenTypeError'
  /** Always `'ERR_UNSUPPORTED_TOKEN_TYPE'`: a stable value to branch on, unlike the message. */
  override code = 'ERR_UNSUPPORTED_TOKEN_TYPE'
  /** The token's `token_type` (at most 40 characters of it). */
  readonly tokenType: string

  constructor(tokenType: string) {
    const shown = JSON.stringify(tokenType.slice(0, 40))
    super(
      `The token's token_type is ${shown}, which this library cannot send; only Bearer tokens are supported. ` +
        "Ask the provider for a Bearer token, or, if it really is one, fix token_type with an 'access_token_response' compliance hook.",
    )
    this.tokenType = tokenType.slice(0, 40)
  }
}

/**
 * Throws {@link UnsupportedTokenTypeError} unless a token is sent as Bearer: a `token_type` of
 * Bearer in any case, or none at all (requests-oauthlib's default).
 *
 * @internal
 */
export function assertBearerTokenType(tokenType: unknown): void {
  if (tokenType === undefined || tokenType === null) return
  if (typeof tokenType === 'string' && tokenType.toLowerCase() === 'bearer') return
  throw new UnsupportedTokenTypeError(typeof tokenType === 'string' ? tokenType : `(a ${typeof tokenType})`)
}
