import { ConfigurationError } from '../errors.js'
import type { ParamPairs } from '../http/form-encoding.js'
import { isSecretParam } from '../security/redact-url.js'
import { scrubSecrets } from '../security/scrub-secrets.js'
import { timingSafeEqualText } from '../security/timing-safe-equal.js'
import { IssuerMismatchError, MismatchingStateError, oauth2Error, type TokenRequestError } from './oauth2-errors.js'

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

/**
 * What an authorization response must say about its issuer (RFC 9207): the issuer expected, and
 * whether the response must carry `iss` (the provider's metadata promises it:
 * `authorization_response_iss_parameter_supported`).
 *
 * @internal
 */
export interface IssuerExpectation {
  issuer: string | undefined
  required: boolean
}

/**
 * The RFC 9207 check of an authorization response, given every `iss` value it carried: without an
 * expected issuer `iss` is ignored; with one, a different `iss` (compared exactly, in constant
 * time), more than one `iss`, or none when one is required is an IssuerMismatchError. Run before
 * anything else in the response is acted on. Used by every flavour that reads a callback. `secrets`
 * are the response's credential values (its code, tokens), scrubbed from the `iss` the error shows.
 *
 * @internal
 */
export function issuerMismatch(received: readonly string[], expectation: IssuerExpectation, secrets: Iterable<string> = []): IssuerMismatchError | undefined {
  const { issuer } = expectation
  if (issuer === undefined) return undefined
  // A forged iss may quote the code or a token of the same response: the error shows it without them.
  const shown = (): string[] => received.map((value) => scrubSecrets(value, secrets))
  if (received.length === 0) return expectation.required ? new IssuerMismatchError(issuer, received) : undefined
  if (received.length > 1) return new IssuerMismatchError(issuer, shown())
  return timingSafeEqualText(received[0] as string, issuer) ? undefined : new IssuerMismatchError(issuer, shown())
}

/** The callback parameters that may come only once (a repeated iss is the issuer check's: IssuerMismatchError). */
const ONCE_ONLY = ['state', 'code', 'error', 'access_token'] as const

/**
 * Why an authorization redirect is refused before its state is looked at, if it is: a parameter
 * given twice, then the issuer (RFC 9207), then the provider's error.
 */
export function redirectRefusal(pairs: ParamPairs, params: Record<string, string>, expectation: IssuerExpectation): Error | undefined {
  // RFC 6749 §3.1: a parameter comes once. A second copy is where a forged value hides (the last one wins in Python).
  for (const name of ONCE_ONLY) {
    if (pairs.filter(([parameter]) => parameter === name).length < 2) continue
    const problem = `The authorization response carries ${name} more than once (RFC 6749 §3.1 allows each parameter once), so it was not used.`
    if (name === 'state') return new MismatchingStateError(`${problem} Reject it: it may be a CSRF attempt.`)
    return new ConfigurationError('authorizationResponse', problem)
  }
  const wrongIssuer = issuerMismatch(
    pairs.filter(([name]) => name === 'iss').map(([, value]) => value),
    expectation,
    pairs.filter(([name]) => isSecretParam(name)).map(([, value]) => value),
  )
  return wrongIssuer ?? authorizationError((name) => (Object.hasOwn(params, name) ? params[name] : undefined))
}
