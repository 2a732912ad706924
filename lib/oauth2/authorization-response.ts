import { timingSafeEqualText } from '../security/timing-safe-equal.js'
import { MismatchingStateError, oauth2Error, type TokenRequestError } from './oauth2-errors.js'

/**
 * The provider's refusal carried by an authorization redirect (RFC 6749 §4.1.2.1: `error`,
 * `error_description`, `error_uri`) as its typed error, or undefined when there is none. Used by
 * OAuth2Session and the requests-auth redirect listener alike.
 *
 * @internal
 */
export function authorizationError(get: (name: string) => string | undefined): TokenRequestError | undefined {
  const error = get('error')
  if (error === undefined) return undefined
  return oauth2Error({ error, error_description: get('error_description'), error_uri: get('error_uri') })
}

/**
 * The state check of an authorization redirect: the received state must equal the one sent,
 * compared in constant time; a missing one does not match.
 *
 * @internal
 */
export function stateMismatch(received: string | undefined, expected: string): MismatchingStateError | undefined {
  return received !== undefined && timingSafeEqualText(received, expected) ? undefined : new MismatchingStateError()
}
