import { createPrivateKey, type JsonWebKey, KeyObject } from 'node:crypto'

/**
 * Why a value given as a private key is none, for each caller to word in its own error (the key
 * itself never goes into a message).
 *
 * @internal
 */
export type PrivateKeyProblem =
  /** A string node:crypto does not read as a private key PEM. */
  | 'unreadable-pem'
  /** A CryptoKey node:crypto cannot take (not extractable). */
  | 'unreadable-cryptokey'
  /** A KeyObject or CryptoKey of a public or secret key. */
  | 'not-private'
  /** A JWK without `d`. */
  | 'public-jwk'
  /** A JWK of a symmetric key (`kty` "oct"): no private key at all. */
  | 'secret-jwk'
  /** A JWK with `d` that node:crypto does not read. */
  | 'unreadable-jwk'
  /** Neither a PEM, a KeyObject, a CryptoKey nor a JWK (an object with a string `kty`). */
  | 'not-a-key'

/**
 * Reads a private key given as a PEM, a KeyObject, a CryptoKey or a private JWK (node:crypto
 * parses): the KeyObject and, for a JWK, the JWK (its `alg` and `kid` may choose defaults).
 * `refuse` throws the caller's error for what is wrong; `key` is the KeyObject of a `not-private` one.
 * With `{ cryptoKey: false }` a CryptoKey is `not-a-key`, for an option whose type does not take one.
 *
 * @internal
 */
export function readPrivateKey(given: unknown, refuse: (problem: PrivateKeyProblem, key?: KeyObject) => never): { key: KeyObject; jwk: JsonWebKey | undefined }
export function readPrivateKey(
  given: unknown,
  refuse: (problem: Exclude<PrivateKeyProblem, 'unreadable-cryptokey'>, key?: KeyObject) => never,
  accept: { cryptoKey: false },
): { key: KeyObject; jwk: JsonWebKey | undefined }
export function readPrivateKey(
  given: unknown,
  refuse: ((problem: PrivateKeyProblem, key?: KeyObject) => never) | ((problem: Exclude<PrivateKeyProblem, 'unreadable-cryptokey'>, key?: KeyObject) => never),
  accept: { cryptoKey: boolean } = { cryptoKey: true },
): { key: KeyObject; jwk: JsonWebKey | undefined } {
  let key: KeyObject
  if (typeof given === 'string') {
    try {
      return { key: createPrivateKey(given), jwk: undefined }
    } catch {
      return refuse('unreadable-pem')
    }
  } else if (given instanceof KeyObject || isKeyObject(given)) key = given
  else if (accept.cryptoKey && typeof CryptoKey !== 'undefined' && given instanceof CryptoKey) {
    try {
      key = KeyObject.from(given)
    } catch {
      // Reached only when CryptoKeys are accepted, so `refuse` is the one that takes every problem.
      return (refuse as (problem: PrivateKeyProblem) => never)('unreadable-cryptokey')
    }
  } else if (isJwk(given)) {
    if (given.kty === 'oct') return refuse('secret-jwk')
    if (typeof given.d !== 'string') return refuse('public-jwk')
    try {
      return { key: createPrivateKey({ key: given, format: 'jwk' }), jwk: given }
    } catch {
      return refuse('unreadable-jwk')
    }
  } else return refuse('not-a-key')
  if (key.type !== 'private') return refuse('not-private', key)
  return { key, jwk: undefined }
}

/**
 * Whether `value` is an asymmetric node:crypto KeyObject, by shape (a KeyObject of another copy
 * of Node's crypto module counts too; a secret KeyObject does not).
 *
 * @internal
 */
export function isKeyObject(value: unknown): value is KeyObject {
  return typeof value === 'object' && value !== null && typeof (value as KeyObject).export === 'function' && 'asymmetricKeyType' in value
}

function isJwk(value: unknown): value is JsonWebKey & { kty: string } {
  return typeof value === 'object' && value !== null && typeof (value as JsonWebKey).kty === 'string'
}

/**
 * The JWS algorithms a private key signs with (RFC 7518, RFC 8037), its default first: RS256 for
 * RSA, PS256 for RSA-PSS, ES256/ES384/ES512 by curve, EdDSA for Ed25519; none for another kind.
 * The RSA key size is the caller's to check.
 *
 * @internal
 */
export function algorithmsFor(key: KeyObject): string[] {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512']
    case 'rsa-pss':
      return ['PS256', 'PS384', 'PS512']
    case 'ed25519':
      return ['EdDSA', 'Ed25519']
    case 'ec': {
      const curve = key.asymmetricKeyDetails?.namedCurve
      return curve === 'prime256v1' ? ['ES256'] : curve === 'secp384r1' ? ['ES384'] : curve === 'secp521r1' ? ['ES512'] : []
    }
    default:
      return []
  }
}
