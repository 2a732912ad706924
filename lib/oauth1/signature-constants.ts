import type { SignatureType } from './oauth1-auth-options.js'
import type { SignatureMethodName } from './signature-methods.js'

// oauthlib.oauth1's constants, so that `signature_method=SIGNATURE_RSA` ports as `signatureMethod: SIGNATURE_RSA`.

/**
 * oauthlib's `SIGNATURE_HMAC`: the `HMAC-SHA1` signature method (RFC 5849 §3.4.2), the default.
 *
 * @example
 * ```ts
 * import { OAuth1Auth, SIGNATURE_HMAC } from 'oauth-sessions'
 * const auth = new OAuth1Auth('consumer-key', { clientSecret: 'consumer-secret', signatureMethod: SIGNATURE_HMAC })
 * ```
 * @see oauthlib.oauth1.SIGNATURE_HMAC
 * @group OAuth 1
 */
export const SIGNATURE_HMAC = 'HMAC-SHA1' satisfies SignatureMethodName

/**
 * oauthlib's `SIGNATURE_HMAC_SHA1`: `HMAC-SHA1`, as {@link SIGNATURE_HMAC}.
 *
 * @example
 * ```ts
 * import { OAuth1Auth, SIGNATURE_HMAC_SHA1 } from 'oauth-sessions'
 * const auth = new OAuth1Auth('consumer-key', { clientSecret: 'consumer-secret', signatureMethod: SIGNATURE_HMAC_SHA1 })
 * ```
 * @see oauthlib.oauth1.SIGNATURE_HMAC_SHA1
 * @group OAuth 1
 */
export const SIGNATURE_HMAC_SHA1 = 'HMAC-SHA1' satisfies SignatureMethodName

/**
 * oauthlib's `SIGNATURE_HMAC_SHA256`: the `HMAC-SHA256` signature method.
 *
 * @example
 * ```ts
 * import { OAuth1Auth, SIGNATURE_HMAC_SHA256 } from 'oauth-sessions'
 * const auth = new OAuth1Auth('consumer-key', { clientSecret: 'consumer-secret', signatureMethod: SIGNATURE_HMAC_SHA256 })
 * ```
 * @see oauthlib.oauth1.SIGNATURE_HMAC_SHA256
 * @group OAuth 1
 */
export const SIGNATURE_HMAC_SHA256 = 'HMAC-SHA256' satisfies SignatureMethodName

/**
 * oauthlib's `SIGNATURE_HMAC_SHA512`: the `HMAC-SHA512` signature method.
 *
 * @example
 * ```ts
 * import { OAuth1Auth, SIGNATURE_HMAC_SHA512 } from 'oauth-sessions'
 * const auth = new OAuth1Auth('consumer-key', { clientSecret: 'consumer-secret', signatureMethod: SIGNATURE_HMAC_SHA512 })
 * ```
 * @see oauthlib.oauth1.SIGNATURE_HMAC_SHA512
 * @group OAuth 1
 */
export const SIGNATURE_HMAC_SHA512 = 'HMAC-SHA512' satisfies SignatureMethodName

/**
 * oauthlib's `SIGNATURE_RSA`: the `RSA-SHA1` signature method (RFC 5849 §3.4.3); it needs `rsaKey`.
 *
 * @example
 * ```ts
 * import { OAuth1Auth, SIGNATURE_RSA } from 'oauth-sessions'
 * const auth = new OAuth1Auth('consumer-key', { clientSecret: 'consumer-secret', signatureMethod: SIGNATURE_RSA, rsaKey: process.env.RSA_KEY })
 * ```
 * @see oauthlib.oauth1.SIGNATURE_RSA
 * @group OAuth 1
 */
export const SIGNATURE_RSA = 'RSA-SHA1' satisfies SignatureMethodName

/**
 * oauthlib's `SIGNATURE_RSA_SHA1`: `RSA-SHA1`, as {@link SIGNATURE_RSA}.
 *
 * @example
 * ```ts
 * import { OAuth1Auth, SIGNATURE_RSA_SHA1 } from 'oauth-sessions'
 * const auth = new OAuth1Auth('consumer-key', { clientSecret: 'consumer-secret', signatureMethod: SIGNATURE_RSA_SHA1, rsaKey: process.env.RSA_KEY })
 * ```
 * @see oauthlib.oauth1.SIGNATURE_RSA_SHA1
 * @group OAuth 1
 */
export const SIGNATURE_RSA_SHA1 = 'RSA-SHA1' satisfies SignatureMethodName

/**
 * oauthlib's `SIGNATURE_RSA_SHA256`: the `RSA-SHA256` signature method; it needs `rsaKey`.
 *
 * @example
 * ```ts
 * import { OAuth1Auth, SIGNATURE_RSA_SHA256 } from 'oauth-sessions'
 * const auth = new OAuth1Auth('consumer-key', { clientSecret: 'consumer-secret', signatureMethod: SIGNATURE_RSA_SHA256, rsaKey: process.env.RSA_KEY })
 * ```
 * @see oauthlib.oauth1.SIGNATURE_RSA_SHA256
 * @group OAuth 1
 */
export const SIGNATURE_RSA_SHA256 = 'RSA-SHA256' satisfies SignatureMethodName

/**
 * oauthlib's `SIGNATURE_RSA_SHA512`: the `RSA-SHA512` signature method; it needs `rsaKey`.
 *
 * @example
 * ```ts
 * import { OAuth1Auth, SIGNATURE_RSA_SHA512 } from 'oauth-sessions'
 * const auth = new OAuth1Auth('consumer-key', { clientSecret: 'consumer-secret', signatureMethod: SIGNATURE_RSA_SHA512, rsaKey: process.env.RSA_KEY })
 * ```
 * @see oauthlib.oauth1.SIGNATURE_RSA_SHA512
 * @group OAuth 1
 */
export const SIGNATURE_RSA_SHA512 = 'RSA-SHA512' satisfies SignatureMethodName

/**
 * oauthlib's `SIGNATURE_PLAINTEXT`: the `PLAINTEXT` signature method (RFC 5849 §3.4.4), refused over plain http outside loopback.
 *
 * @example
 * ```ts
 * import { OAuth1Auth, SIGNATURE_PLAINTEXT } from 'oauth-sessions'
 * const auth = new OAuth1Auth('consumer-key', { clientSecret: 'consumer-secret', signatureMethod: SIGNATURE_PLAINTEXT })
 * ```
 * @see oauthlib.oauth1.SIGNATURE_PLAINTEXT
 * @group OAuth 1
 */
export const SIGNATURE_PLAINTEXT = 'PLAINTEXT' satisfies SignatureMethodName

/**
 * oauthlib's `SIGNATURE_TYPE_AUTH_HEADER`: the OAuth parameters go in the Authorization header (the default).
 *
 * @example
 * ```ts
 * import { OAuth1Auth, SIGNATURE_TYPE_AUTH_HEADER } from 'oauth-sessions'
 * const auth = new OAuth1Auth('consumer-key', { clientSecret: 'consumer-secret', signatureType: SIGNATURE_TYPE_AUTH_HEADER })
 * ```
 * @see oauthlib.oauth1.SIGNATURE_TYPE_AUTH_HEADER
 * @group OAuth 1
 */
export const SIGNATURE_TYPE_AUTH_HEADER = 'AUTH_HEADER' satisfies SignatureType

/**
 * oauthlib's `SIGNATURE_TYPE_QUERY`: the OAuth parameters go in the query string.
 *
 * @example
 * ```ts
 * import { OAuth1Auth, SIGNATURE_TYPE_QUERY } from 'oauth-sessions'
 * const auth = new OAuth1Auth('consumer-key', { clientSecret: 'consumer-secret', signatureType: SIGNATURE_TYPE_QUERY })
 * ```
 * @see oauthlib.oauth1.SIGNATURE_TYPE_QUERY
 * @group OAuth 1
 */
export const SIGNATURE_TYPE_QUERY = 'QUERY' satisfies SignatureType

/**
 * oauthlib's `SIGNATURE_TYPE_BODY`: the OAuth parameters go in the form-encoded body (POST, PUT, PATCH only).
 *
 * @example
 * ```ts
 * import { OAuth1Auth, SIGNATURE_TYPE_BODY } from 'oauth-sessions'
 * const auth = new OAuth1Auth('consumer-key', { clientSecret: 'consumer-secret', signatureType: SIGNATURE_TYPE_BODY })
 * ```
 * @see oauthlib.oauth1.SIGNATURE_TYPE_BODY
 * @group OAuth 1
 */
export const SIGNATURE_TYPE_BODY = 'BODY' satisfies SignatureType
