import { OAuthSessionsError } from '../errors.js'

/**
 * Thrown when an OpenID Connect ID token fails validation (OpenID Connect Core §3.1.3.7): its
 * signature does not verify with the issuer's keys, its `alg` is not allowed (`none` never is),
 * or a claim is wrong (`iss`, `aud`, `azp`, `exp`, `iat`, `nonce`, or on a refresh `sub`). The
 * token response it came with is not kept. `claim` names what failed and `reason` says how; the
 * message never carries the token, nor the nonce.
 *
 * @example
 * ```ts
 * import { IdTokenValidationError, OAuth2Session } from 'oauth-sessions'
 * declare const session: OAuth2Session
 * try { await session.fetchToken({ authorizationResponse: 'https://app.example/cb?code=abc&state=xyz' }) }
 * catch (error) { if (error instanceof IdTokenValidationError) console.error('sign-in refused:', error.claim, error.reason) }
 * ```
 * @see https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation
 * @group Errors
 */
export class IdTokenValidationError extends OAuthSessionsError {
  /** Always `'IdTokenValidationError'`. */
  override name = 'IdTokenValidationError'
  /** Always `'ERR_ID_TOKEN_INVALID'`: a stable value to branch on, unlike the message. */
  override code = 'ERR_ID_TOKEN_INVALID'
  /**
   * What failed: a claim (`'iss'`, `'aud'`, `'azp'`, `'exp'`, `'iat'`, `'nonce'`, `'sub'` ...), or
   * `'alg'`, `'signature'`, `'jwks'` (the issuer's key set could not be used), `'id_token'` (not a JWT).
   */
  readonly claim: string
  /** How it failed, in words, such as `'is not the expected issuer'`. */
  readonly reason: string

  constructor(claim: string, reason: string) {
    const shown = /^[A-Za-z0-9_.-]{1,64}$/.test(claim) ? claim : '(a claim)'
    const what = shown === 'signature' || shown === 'alg' || shown === 'jwks' || shown === 'id_token' ? `its ${shown}` : `its '${shown}' claim`
    super(
      `The ID token was refused: ${what} ${reason}. The token response was not kept; sign in again, and check the issuer, ` +
        'the client id and the clock of this host if it happens every time.',
    )
    this.claim = shown
    this.reason = reason
  }
}

/**
 * Thrown when an OpenID Connect UserInfo answer cannot be trusted (OpenID Connect Core §5.3.2,
 * §5.3.4): it is not a JSON object, it has no `sub`, or its `sub` is not the one of the session's
 * validated ID token (a token substitution), or there is no validated ID token to compare with.
 * `reason` says which; the message never carries a token or a claim value.
 *
 * @example
 * ```ts
 * import { OAuth2Session, UserinfoError } from 'oauth-sessions'
 * declare const session: OAuth2Session
 * try { console.log(await session.userinfo()) }
 * catch (error) { if (error instanceof UserinfoError) console.error(error.reason) }
 * ```
 * @see https://openid.net/specs/openid-connect-core-1_0.html#UserInfoResponse
 * @group Errors
 */
export class UserinfoError extends OAuthSessionsError {
  /** Always `'UserinfoError'`. */
  override name = 'UserinfoError'
  /** Always `'ERR_USERINFO_INVALID'`: a stable value to branch on, unlike the message. */
  override code = 'ERR_USERINFO_INVALID'
  /** What was wrong, such as `'its sub differs from the ID token's'`. */
  readonly reason: string

  constructor(reason: string, hint = 'Sign in again; if it happens every time, the userinfo endpoint is not the issuer’s.') {
    super(`The UserInfo answer was refused: ${reason}. ${hint}`)
    this.reason = reason
  }
}
