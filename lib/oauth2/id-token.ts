import type { JWTPayload, JWTVerifyGetKey, JWTVerifyResult, KeyObject } from 'jose'
import type { Session } from '../http/session.js'
import { redactUrl } from '../security/redact-url.js'
import { timingSafeEqualText } from '../security/timing-safe-equal.js'
import { IdTokenValidationError } from './id-token-errors.js'
import { keySetAt } from './jwks-cache.js'

/**
 * The claims of a validated OpenID Connect ID token (OpenID Connect Core §2): the required ones
 * typed, every other one (`email`, `name`, `auth_time`, `acr` ...) kept as the issuer sent it.
 * Frozen.
 *
 * @example
 * ```ts
 * import { OAuth2Session, type IdTokenClaims } from 'oauth-sessions'
 * declare const session: OAuth2Session
 * const claims: IdTokenClaims | undefined = session.idTokenClaims
 * console.log(claims?.sub, claims?.email)
 * ```
 * @see https://openid.net/specs/openid-connect-core-1_0.html#IDToken
 * @group OAuth 2
 */
export interface IdTokenClaims {
  /** The issuer: equal to the expected one. */
  readonly iss: string
  /** The user, unique within the issuer. */
  readonly sub: string
  /** The audience: the client id, alone or among others. */
  readonly aud: string | readonly string[]
  /** When the token expires, seconds since the epoch. */
  readonly exp: number
  /** When it was issued, seconds since the epoch. */
  readonly iat: number
  /** The nonce of the authorization request, echoed. */
  readonly nonce?: string
  /** The authorized party: the client id, when present. */
  readonly azp?: string
  /** When the user authenticated, seconds since the epoch. */
  readonly auth_time?: number
  /** Any other claim. */
  readonly [claim: string]: unknown
}

/** What an ID token must match. @internal */
export interface IdTokenExpectation {
  /** The expected `iss`, exactly. */
  readonly issuer: string
  /** The client id: in `aud`, and `azp` when present. */
  readonly clientId: string
  /** Where the issuer's keys are. */
  readonly jwksUri: string
  /** The allowed `alg` values (never `none`, never HS*). */
  readonly algorithms: readonly string[]
  /** Seconds of clock difference tolerated on `exp` and `iat`. */
  readonly clockSkew: number
  /** The nonce sent: the token must carry it. `undefined`: no nonce is required (a refresh, a grant without one). */
  readonly nonce: string | undefined
  /** On a refresh, the claims of the ID token held: `iss`, `sub`, `aud`, `azp` (and `nonce` when both carry one) must be the same. */
  readonly previous: IdTokenClaims | undefined
  /** Plain http allowed beyond loopback for the JWKS (`insecureTransport`). */
  readonly insecure: boolean
}

/** The signing algorithms an ID token may use when the issuer's metadata names none (OpenID Connect Core §3.1.3.7, step 7). */
export const DEFAULT_ID_TOKEN_ALGS: readonly string[] = Object.freeze(['RS256'])

/**
 * The algorithms an ID token may be signed with: the given ones, else the metadata's
 * `id_token_signing_alg_values_supported`, else RS256; `none` and the HS* family (MACs keyed with
 * the client secret, not supported here) are always taken out.
 *
 * @internal
 */
export function allowedAlgorithms(given: readonly string[] | undefined, announced: unknown): readonly string[] {
  const list = given ?? (Array.isArray(announced) && announced.length > 0 ? (announced as string[]) : DEFAULT_ID_TOKEN_ALGS)
  return list.filter((alg) => typeof alg === 'string' && alg !== 'none' && !/^HS/i.test(alg))
}

/**
 * Validates an ID token as OpenID Connect Core §3.1.3.7 says (and §12.2 on a refresh): the
 * signature with a key of the issuer's JWKS (fetched through `session`, cached per process,
 * fetched once more on an unknown `kid`), `alg` among the allowed ones, `iss`, `aud`, `azp`, `exp`
 * and `iat` (within `clockSkew`), `nonce`. Returns the claims, frozen.
 *
 * @throws {@link IdTokenValidationError} naming the claim that failed
 * @internal
 */
export async function validateIdToken(session: Session, idToken: string, expected: IdTokenExpectation): Promise<IdTokenClaims> {
  const jose = await import('jose')
  let alg: unknown
  try {
    alg = jose.decodeProtectedHeader(idToken).alg
  } catch {
    throw new IdTokenValidationError('id_token', 'is not a signed JWT (three base64url parts, a JSON header)')
  }
  if (typeof idToken !== 'string' || idToken.split('.').length !== 3) throw new IdTokenValidationError('id_token', 'is not a signed JWT (JWS compact form)')
  if (alg === 'none' || typeof alg !== 'string') throw new IdTokenValidationError('alg', 'is none: an unsigned ID token is never accepted')
  if (!expected.algorithms.includes(alg)) {
    const shown = /^[A-Za-z0-9+-]{1,16}$/.test(alg) ? alg : '(unreadable)'
    throw new IdTokenValidationError('alg', `is ${shown}, not one allowed (${expected.algorithms.join(', ') || 'none'}; HS* and none are never)`)
  }
  const options = {
    algorithms: [...expected.algorithms],
    issuer: expected.issuer,
    audience: expected.clientId,
    clockTolerance: expected.clockSkew,
    requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat'],
  }
  const verify = async (keys: JWTVerifyGetKey): Promise<JWTVerifyResult> => {
    try {
      return await jose.jwtVerify(idToken, keys, { ...options, currentDate: new Date() })
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'ERR_JWKS_MULTIPLE_MATCHING_KEYS') throw error
      // No kid and several keys fit the alg: the one that verifies is the issuer's key.
      for await (const key of error as AsyncIterable<KeyObject | CryptoKey>) {
        try {
          return await jose.jwtVerify(idToken, key, { ...options, currentDate: new Date() })
        } catch (inner) {
          if ((inner as { code?: unknown }).code !== 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') throw inner
        }
      }
      throw Object.assign(new Error('no key verified'), { code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' })
    }
  }
  let payload: JWTPayload
  const first = await keySetAt(session, expected.jwksUri, expected.insecure, false)
  try {
    payload = (await verify(first.set.keys)).payload
  } catch (error) {
    const unknownKey = (error as { code?: unknown }).code === 'ERR_JWKS_NO_MATCHING_KEY'
    if (!unknownKey || first.fetched) throw refusal(error, expected)
    // An unknown kid: the issuer may have rotated its keys. One more fetch, at most once per cooldown.
    const again = await keySetAt(session, expected.jwksUri, expected.insecure, true)
    if (!again.fetched) throw refusal(error, expected)
    try {
      payload = (await verify(again.set.keys)).payload
    } catch (retried) {
      throw refusal(retried, expected)
    }
  }
  return checkClaims(payload, expected)
}

/** The checks jose leaves to the relying party: types, `iat` not in the future, `azp`, `nonce`, and a refresh's sameness. */
function checkClaims(payload: JWTPayload, expected: IdTokenExpectation): IdTokenClaims {
  const fail = (claim: string, reason: string): never => {
    throw new IdTokenValidationError(claim, reason)
  }
  if (typeof payload.sub !== 'string' || payload.sub === '' || payload.sub.length > 255) fail('sub', 'is not text of 1 to 255 characters')
  const now = Math.floor(Date.now() / 1000)
  if (!Number.isFinite(payload.iat)) fail('iat', 'is not a number of seconds')
  if ((payload.iat as number) > now + expected.clockSkew) fail('iat', `is in the future (more than ${expected.clockSkew} s of clock skew)`)
  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud]
  if (payload.azp !== undefined && payload.azp !== expected.clientId) fail('azp', 'is not this client id')
  if (audiences.length > 1 && payload.azp === undefined) fail('azp', 'is missing, and the token has several audiences (OpenID Connect Core §3.1.3.7, step 4)')
  const nonce = payload.nonce
  if (nonce !== undefined && typeof nonce !== 'string') fail('nonce', 'is not text')
  if (expected.nonce !== undefined) {
    if (nonce === undefined) fail('nonce', 'is missing, though the authorization request sent one')
    if (!timingSafeEqualText(nonce as string, expected.nonce)) fail('nonce', 'is not the one the authorization request sent (a replayed or injected token)')
  }
  const previous = expected.previous
  if (previous !== undefined) {
    // OpenID Connect Core §12.2: a refreshed ID token is about the same sign-in.
    if (payload.sub !== previous.sub) fail('sub', 'differs from the ID token being refreshed')
    if (payload.iss !== previous.iss) fail('iss', 'differs from the ID token being refreshed')
    const before = Array.isArray(previous.aud) ? previous.aud : [previous.aud]
    if (before.length !== audiences.length || before.some((aud, index) => aud !== audiences[index])) fail('aud', 'differs from the ID token being refreshed')
    if (payload.azp !== previous.azp) fail('azp', 'differs from the ID token being refreshed')
    if (nonce !== undefined && previous.nonce !== undefined && !timingSafeEqualText(nonce as string, previous.nonce)) {
      fail('nonce', 'differs from the ID token being refreshed')
    }
  }
  return deepFreeze(structuredClone(payload)) as IdTokenClaims
}

/** A failure of jose's verification as the typed error, naming the claim (an unknown one: 'could not be validated'). */
function refusal(error: unknown, expected: IdTokenExpectation): Error {
  const { code, claim, reason } = error as { code?: unknown; claim?: unknown; reason?: unknown }
  switch (code) {
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return new IdTokenValidationError('signature', 'does not verify with the issuer’s keys (the token was altered, or someone else signed it)')
    case 'ERR_JWKS_NO_MATCHING_KEY':
      return new IdTokenValidationError('signature', `names a key the issuer's JWKS (${redactUrl(expected.jwksUri)}) does not have`)
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
    case 'ERR_JOSE_NOT_SUPPORTED':
      return new IdTokenValidationError('alg', 'is not one allowed, or not supported by the key')
    case 'ERR_JWT_EXPIRED':
      return new IdTokenValidationError(typeof claim === 'string' ? claim : 'exp', `has passed (more than ${expected.clockSkew} s ago): the ID token expired`)
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED': {
      const name = typeof claim === 'string' ? claim : 'id_token'
      if (reason === 'missing') return new IdTokenValidationError(name, 'is missing')
      if (name === 'iss') return new IdTokenValidationError('iss', `is not the expected issuer, ${JSON.stringify(redactUrl(expected.issuer))}`)
      if (name === 'aud') return new IdTokenValidationError('aud', 'does not contain this client id')
      if (name === 'nbf') return new IdTokenValidationError('nbf', `is in the future (more than ${expected.clockSkew} s of clock skew)`)
      return new IdTokenValidationError(name, 'is not valid')
    }
    case 'ERR_JWS_INVALID':
    case 'ERR_JWT_INVALID':
      return new IdTokenValidationError('id_token', 'is not a well-formed signed JWT')
    case 'ERR_JWKS_INVALID':
    case 'ERR_JWK_INVALID':
      return new IdTokenValidationError('jwks', 'has a key that cannot be used')
    default:
      return new IdTokenValidationError('id_token', 'could not be validated')
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) for (const inner of Object.values(value)) deepFreeze(inner)
  return Object.freeze(value)
}
