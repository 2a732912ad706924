import { OAuthSessionsError } from '../errors.js'

/**
 * Thrown when the DPoP key that goes with a token (its `dpop_jwk`, from a {@link TokenStore}, a
 * serialized session or the `token` option) cannot be used: not a private JWK, no supported
 * `alg`, or an `alg` that does not fit the key. The token is bound to that key (RFC 9449), so
 * it cannot be sent without it: fetch a new token, or fix the stored record.
 *
 * @example
 * ```ts
 * import { DPoPKeyError, OAuth2Session } from 'oauth-sessions'
 * declare const session: OAuth2Session
 * try { await session.get('https://api.example.com/me') }
 * // the key of the token is unusable: drop the token and log in again
 * catch (error) { if (error instanceof DPoPKeyError) session.token = {} }
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4
 * @group Errors
 */
export class DPoPKeyError extends OAuthSessionsError {
  /** Always `'DPoPKeyError'`. */
  override name = 'DPoPKeyError'
  /** Always `'ERR_DPOP_KEY'`: a stable value to branch on, unlike the message. */
  override code = 'ERR_DPOP_KEY'

  /** @param problem - what is wrong with the key (never the key itself), such as `has no private part` */
  constructor(problem: string) {
    super(`The DPoP key stored with the token (dpop_jwk) ${problem}. The token is bound to that key: fetch a new token, or fix the stored record.`)
  }
}
