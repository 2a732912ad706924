import { createSecretKey, hash, sign as cryptoSign, type KeyObject } from 'node:crypto'
import { createRequire } from 'node:module'
import { ConfigurationError } from '../errors.js'

/**
 * The secrets a signature method may use. `key` is the RFC 5849 §3.4.2 key,
 * `percentEncode(consumerSecret) & percentEncode(tokenSecret)`, built once per secret pair.
 *
 * @group OAuth 1
 */
export interface SigningSecrets {
  /** The consumer (client) secret, or `''`. */
  readonly consumerSecret: string
  /** The token secret, or `''`. */
  readonly tokenSecret: string
  /** The HMAC / PLAINTEXT key built from both secrets. */
  readonly key: string
  /** `key` as a secret KeyObject, made once, for HMAC. */
  readonly hmacKey: KeyObject
  /** The parsed RSA private key, for the RSA methods. */
  readonly rsaKey: KeyObject | undefined
}

/**
 * How a request is signed: the `oauth_signature_method` name and a function from base string to
 * signature. Pass your own object for a method not built in (rauth's `signature_obj`).
 *
 * @example
 * ```ts
 * import { createHmac } from 'node:crypto'
 * import { OAuth1Session, type SignatureMethod } from 'oauth-sessions'
 * const hmacMd5: SignatureMethod = {
 *   name: 'HMAC-MD5',
 *   sign: (baseString, secrets) => createHmac('md5', secrets.key).update(baseString).digest('base64'),
 * }
 * const session = new OAuth1Session('key', 'secret', 'token', 'token-secret', { signatureMethod: hmacMd5 })
 * ```
 * @see rauth.oauth.SignatureMethod
 * @group OAuth 1
 */
export interface SignatureMethod {
  /** The value sent as `oauth_signature_method`. */
  readonly name: string
  /** Whether the method needs an RSA private key (`rsaKey`). */
  readonly needsRsaKey?: boolean
  /** Computes `oauth_signature` for a base string. */
  sign(baseString: string, secrets: SigningSecrets): string
}

/**
 * The names of the built-in signature methods.
 *
 * @group OAuth 1
 */
export type SignatureMethodName = 'HMAC-SHA1' | 'HMAC-SHA256' | 'HMAC-SHA512' | 'RSA-SHA1' | 'RSA-SHA256' | 'RSA-SHA512' | 'PLAINTEXT'

/** HMAC (RFC 2104) with one-shot hashes over pads prepared once per key: no Hmac stream object per request. */
function fastHmac(name: string, algorithm: 'sha1' | 'sha256' | 'sha512', blockSize: number, digestSize: number): SignatureMethod {
  const pads = new WeakMap<KeyObject, { inner: Buffer; outer: Buffer }>()
  const padsFor = (key: KeyObject): { inner: Buffer; outer: Buffer } => {
    let prepared = pads.get(key)
    if (prepared === undefined) {
      let bytes: Buffer = Buffer.from(key.export())
      if (bytes.length > blockSize) bytes = Buffer.from(hash(algorithm, bytes, 'buffer'))
      const inner = Buffer.alloc(blockSize, 0x36)
      const outer = Buffer.alloc(blockSize + digestSize, 0x5c)
      for (let i = 0; i < bytes.length; i++) {
        inner[i] = (inner[i] as number) ^ (bytes[i] as number)
        outer[i] = (outer[i] as number) ^ (bytes[i] as number)
      }
      prepared = { inner, outer }
      pads.set(key, prepared)
    }
    return prepared
  }
  // Signing is synchronous, so one scratch buffer per method can be reused: no allocation per request.
  let scratch = Buffer.allocUnsafe(1024)
  const outerScratch = Buffer.allocUnsafe(blockSize + digestSize)
  return {
    name,
    sign: (baseString, secrets) => {
      const { inner, outer } = padsFor(secrets.hmacKey)
      // Room for the worst case (3 UTF-8 bytes per UTF-16 unit) instead of measuring the text first:
      // a base string is ASCII, and write() says how many bytes it took.
      if (blockSize + 3 * baseString.length > scratch.length) scratch = Buffer.allocUnsafe(2 * (blockSize + 3 * baseString.length))
      inner.copy(scratch)
      const needed = blockSize + scratch.write(baseString, blockSize, 'utf8')
      const innerDigest = hash(algorithm, scratch.subarray(0, needed), 'buffer')
      outer.copy(outerScratch, 0, 0, blockSize)
      innerDigest.copy(outerScratch, blockSize)
      return hash(algorithm, outerScratch, 'base64')
    },
  }
}

function rsa(name: string, algorithm: string): SignatureMethod {
  return {
    name,
    needsRsaKey: true,
    sign: (baseString, secrets) => {
      if (secrets.rsaKey === undefined) throw new ConfigurationError('rsaKey', `${name} needs rsaKey: pass the RSA private key (PEM) with the rsaKey option.`)
      return cryptoSign(algorithm, Buffer.from(baseString, 'utf8'), secrets.rsaKey).toString('base64')
    },
  }
}

/**
 * The built-in signature methods (RFC 5849 §3.4 and the SHA-2 variants oauthlib supports).
 *
 * @internal
 */
export const SIGNATURE_METHODS: Readonly<Record<SignatureMethodName, SignatureMethod>> = Object.freeze({
  'HMAC-SHA1': fastHmac('HMAC-SHA1', 'sha1', 64, 20),
  'HMAC-SHA256': fastHmac('HMAC-SHA256', 'sha256', 64, 32),
  'HMAC-SHA512': fastHmac('HMAC-SHA512', 'sha512', 128, 64),
  'RSA-SHA1': rsa('RSA-SHA1', 'sha1'),
  'RSA-SHA256': rsa('RSA-SHA256', 'sha256'),
  'RSA-SHA512': rsa('RSA-SHA512', 'sha512'),
  PLAINTEXT: { name: 'PLAINTEXT', sign: (_baseString: string, secrets: SigningSecrets) => secrets.key },
})

/**
 * The RFC 5849 §3.4.2 key from a consumer secret and a token secret, built by oauth-sign's
 * PLAINTEXT signer (which is exactly that key).
 *
 * @internal
 */
export function signingKey(consumerSecret: string, tokenSecret: string): string {
  // oauth-sign (CommonJS) is required by the first OAuth 1 signer made, not at import.
  oauthSign ??= createRequire(import.meta.url)('oauth-sign') as OAuthSign
  return oauthSign.plaintext(consumerSecret, tokenSecret)
}

type OAuthSign = typeof import('oauth-sign')
let oauthSign: OAuthSign | undefined

/** The key as a KeyObject: HMAC with a prepared key skips a string-to-bytes conversion per request. @internal */
export function hmacKeyObject(key: string): KeyObject {
  return createSecretKey(Buffer.from(key, 'utf8'))
}
