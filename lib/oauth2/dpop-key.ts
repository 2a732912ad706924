import { createPrivateKey, createPublicKey, KeyObject, type JsonWebKey } from 'node:crypto'
import { ConfigurationError } from '../errors.js'
import { DPoPKeyError } from './dpop-errors.js'
import { algorithmsFor, type PrivateKeyProblem, readPrivateKey } from './private-key.js'

/**
 * A JWS algorithm a DPoP proof can be signed with (RFC 9449 §4.2: asymmetric only).
 * `ES256` is the default and what most servers accept (oidc-provider's default list is
 * `ES256`, `Ed25519`, `EdDSA`); `Ed25519` is the fully-specified name of `EdDSA` with an Ed25519 key.
 *
 * @example
 * ```ts
 * import { OAuth2Session, type DPoPAlgorithm } from 'oauth-sessions'
 * const alg: DPoPAlgorithm = 'EdDSA'
 * const session = new OAuth2Session('client-id', { dpop: { alg } })
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4.2
 * @group OAuth 2
 */
export type DPoPAlgorithm = 'ES256' | 'ES384' | 'ES512' | 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'EdDSA' | 'Ed25519'

/** Every {@link DPoPAlgorithm}, for the option schema. @internal */
export const DPOP_ALGORITHMS: readonly DPoPAlgorithm[] = ['ES256', 'ES384', 'ES512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'EdDSA', 'Ed25519']

/**
 * The `dpop` option of {@link OAuth2Session} as an object: the key pair's private key (the public
 * key is derived from it and sent in each proof's `jwk` header), and the algorithm. Leave
 * `privateKey` out to have a key pair of `alg` made for the session.
 *
 * The key travels with every DPoP-bound token (as the `dpop_jwk` field of the token, a private
 * JWK) into the token's {@link TokenStore}, into `tokenUpdater` and into `serialize()`: a bound
 * token is useless without it. Use an {@link EncryptedTokenStore} to keep it encrypted at rest.
 *
 * @example
 * ```ts
 * import { generateKeyPairSync } from 'node:crypto'
 * import { OAuth2Session } from 'oauth-sessions'
 * const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
 * const session = new OAuth2Session('client-id', { dpop: { privateKey, alg: 'ES256' } })
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc9449
 * @group OAuth 2
 */
export interface DPoPKeyOptions {
  /**
   * The private key: a Node `KeyObject`, a WebCrypto `CryptoKey` (extractable), a private JWK
   * (with `d`), or a PKCS#8 / SEC1 / PKCS#1 PEM. Default: a new key pair of `alg`, made (with
   * `jose`) when the session first needs it.
   */
  privateKey?: KeyObject | CryptoKey | JsonWebKey | string
  /**
   * The signing algorithm; it must fit the key (`ES256` needs a P-256 key, `RS256`/`PS256` an
   * RSA key, `EdDSA` an Ed25519 key). Default: the JWK's `alg`, else the one the key implies
   * (P-256 → ES256, P-384 → ES384, P-521 → ES512, RSA → PS256, Ed25519 → EdDSA), else `ES256`
   * for a generated key.
   */
  alg?: DPoPAlgorithm
}

/**
 * A DPoP key ready to sign with: the private key, its algorithm, the public JWK of the proofs'
 * `jwk` header and the private JWK that is stored with a bound token.
 *
 * @internal
 */
export interface DPoPKey {
  readonly privateKey: KeyObject
  readonly alg: DPoPAlgorithm
  readonly publicJwk: Readonly<Record<string, string>>
  /** The private JWK with its `alg`: what goes into the token record as `dpop_jwk`. */
  readonly privateJwk: Readonly<Record<string, string>>
}

/** The members of a private JWK that a public one must not carry. */
const PRIVATE_MEMBERS = new Set(['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'])

const UNREADABLE = 'could not be read as a private key (a KeyObject, an extractable CryptoKey, a private JWK or a PEM)'
/** What is wrong with a `dpop.privateKey`, as its ConfigurationError says it. */
const KEY_PROBLEMS: Record<PrivateKeyProblem, string> = {
  'unreadable-pem': UNREADABLE,
  'unreadable-cryptokey': UNREADABLE,
  'unreadable-jwk': UNREADABLE,
  'not-private': 'is not a private key: pass the private key of the pair',
  'public-jwk': 'is a public JWK: pass the private one (with "d")',
  'secret-jwk': 'is a symmetric (oct) JWK: DPoP signs with the private key of an asymmetric pair',
  'not-a-key': 'must be a KeyObject, a CryptoKey, a private JWK or a PEM',
}

/**
 * Reads a key the caller gave (the option, checked before any traffic): a ConfigurationError
 * naming `dpop.privateKey` or `dpop.alg` says what is wrong, never the key.
 *
 * @internal
 */
export function keyFromOption(given: KeyObject | CryptoKey | JsonWebKey | string, alg: DPoPAlgorithm | undefined): DPoPKey {
  const fail = (why: string) => new ConfigurationError('dpop.privateKey', `The dpop privateKey ${why}.`)
  const { key: keyObject, jwk } = readPrivateKey(given, (problem) => {
    throw fail(KEY_PROBLEMS[problem])
  })
  const jwkAlg = jwk?.alg
  const chosen = alg ?? (typeof jwkAlg === 'string' && (DPOP_ALGORITHMS as readonly string[]).includes(jwkAlg) ? (jwkAlg as DPoPAlgorithm) : undefined)
  const fitting = dpopAlgorithmsFor(keyObject)
  if (fitting.length === 0) throw fail('is of a kind DPoP cannot sign with: use an EC (P-256, P-384, P-521), RSA (2048 bits or more) or Ed25519 key')
  if (chosen !== undefined && !fitting.includes(chosen)) {
    throw new ConfigurationError('dpop.alg', `The dpop alg ${chosen} does not fit the key: this key signs with ${fitting.join(', ')}.`)
  }
  return dpopKey(keyObject, chosen ?? (fitting[0] as DPoPAlgorithm))
}

/**
 * Reads the `dpop_jwk` of a token (from a store, a serialized session or the `token` option: all
 * untrusted): a {@link DPoPKeyError} when it is not a usable private key.
 *
 * @internal
 */
export function keyFromStoredJwk(stored: unknown): DPoPKey {
  if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) throw new DPoPKeyError('is not a JWK object')
  const jwk = stored as Record<string, unknown>
  if (typeof jwk.d !== 'string') throw new DPoPKeyError('has no private part ("d")')
  const alg = jwk.alg
  if (typeof alg !== 'string' || !(DPOP_ALGORITHMS as readonly string[]).includes(alg)) throw new DPoPKeyError('has no supported "alg"')
  let keyObject: KeyObject
  try {
    keyObject = createPrivateKey({ key: jwk as JsonWebKey, format: 'jwk' })
  } catch {
    throw new DPoPKeyError('could not be read as a private JWK')
  }
  if (!dpopAlgorithmsFor(keyObject).includes(alg as DPoPAlgorithm)) throw new DPoPKeyError(`does not fit its "alg"`)
  return dpopKey(keyObject, alg as DPoPAlgorithm)
}

/**
 * A new key pair of `alg`, made with jose (loaded now, not at import: cold start matters).
 *
 * @internal
 */
export async function generateDPoPKey(alg: DPoPAlgorithm): Promise<DPoPKey> {
  const { generateKeyPair } = await import('jose')
  const pair = await generateKeyPair(alg, { extractable: true, ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}) })
  return dpopKey(KeyObject.from(pair.privateKey), alg)
}

/** The algorithms of an RSA key DPoP signs with, PS256 (its default) first. */
const DPOP_RSA: DPoPAlgorithm[] = ['PS256', 'PS384', 'PS512', 'RS256', 'RS384', 'RS512']

/**
 * The algorithms a private key can sign DPoP proofs with, the default first: an RSA key of 2048
 * bits or more (RFC 7518 §3.3), no RSA-PSS one (Node has no JWK form of it for the proofs' `jwk`).
 */
function dpopAlgorithmsFor(key: KeyObject): DPoPAlgorithm[] {
  if (key.asymmetricKeyType === 'rsa') return (key.asymmetricKeyDetails?.modulusLength ?? 0) >= 2048 ? DPOP_RSA : []
  if (key.asymmetricKeyType === 'rsa-pss') return []
  return algorithmsFor(key) as DPoPAlgorithm[]
}

/** The signing key with its JWKs, exported once (Node's KeyObject export: a format change, no cryptography). */
function dpopKey(privateKey: KeyObject, alg: DPoPAlgorithm): DPoPKey {
  const exported = privateKey.export({ format: 'jwk' }) as Record<string, string>
  const publicJwk = createPublicKey(privateKey).export({ format: 'jwk' }) as Record<string, string>
  for (const member of Object.keys(publicJwk)) if (PRIVATE_MEMBERS.has(member)) delete publicJwk[member]
  return Object.freeze({ privateKey, alg, publicJwk: Object.freeze(publicJwk), privateJwk: Object.freeze({ ...exported, alg }) })
}
