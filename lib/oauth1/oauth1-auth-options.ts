import { createPrivateKey, type KeyObject } from 'node:crypto'
import type { z } from 'zod'
import { lazySchema } from '../http/lazy-schema.js'
import { ConfigurationError } from '../errors.js'
import type { ParamPairs } from '../http/form-encoding.js'
import type { SignatureMethod, SignatureMethodName } from './signature-methods.js'

/**
 * Where the OAuth parameters travel: requests-oauthlib's `signature_type`.
 *
 * @group OAuth 1
 */
export type SignatureType = 'AUTH_HEADER' | 'QUERY' | 'BODY'

/**
 * Options of {@link OAuth1Auth}, requests-oauthlib's `OAuth1` keyword arguments in camelCase.
 *
 * @example
 * ```ts
 * import { OAuth1Auth } from 'oauth-sessions'
 * const auth = new OAuth1Auth('consumer-key', { clientSecret: 'consumer-secret', signatureType: 'QUERY' })
 * ```
 * @see requests_oauthlib.OAuth1
 * @group OAuth 1
 */
export interface OAuth1AuthOptions {
  /** The consumer (client) secret. */
  clientSecret?: string
  /** The token (`oauth_token`): a request token during the flow, the access token after it. */
  resourceOwnerKey?: string
  /** The token secret. */
  resourceOwnerSecret?: string
  /** Sent as `oauth_callback` (request-token step). */
  callbackUri?: string
  /** A built-in method name (default `HMAC-SHA1`) or your own {@link SignatureMethod}. */
  signatureMethod?: SignatureMethodName | SignatureMethod
  /** Where the OAuth parameters go. Default `AUTH_HEADER`. */
  signatureType?: SignatureType | 'auth_header' | 'query' | 'body'
  /** The RSA private key (PEM or KeyObject) for the RSA methods; parsed once. */
  rsaKey?: string | Buffer | KeyObject
  /** Sent as `oauth_verifier` (access-token step). */
  verifier?: string
  /** The `realm` of the Authorization header. */
  realm?: string
  /** Sign a body that is not form-encoded too (adds `oauth_body_hash`, as oauthlib does). */
  forceIncludeBody?: boolean
  /** Add `oauth_body_hash` for bodies that are not form-encoded (OAuth Request Body Hash draft). */
  bodyHash?: boolean
  /** A fixed nonce or a nonce generator, for tests. Default: 24 random alphanumerics. */
  nonce?: string | (() => string)
  /** A fixed timestamp or a clock, for tests. Default: the current Unix time. */
  timestamp?: string | number | (() => string | number)
  /**
   * Allow a PLAINTEXT signature (the secrets as they are) over plain http to hosts other than
   * loopback, for local testing only; `OAUTHLIB_INSECURE_TRANSPORT` does the same. Other
   * signature methods reveal no secret and are not checked.
   */
  insecureTransport?: boolean
}

/**
 * What {@link OAuth1Auth.explainSignature} reports: everything that went into a signature, so it
 * can be compared with what a provider says it expected. Credential parameters (`oauth_verifier`,
 * a token or key in the query or body) are shown as `[redacted]` in every field, as in the
 * `NODE_DEBUG=oauth-sessions` base-string line.
 *
 * @group OAuth 1
 */
export interface SignatureExplanation {
  /** The signature method name. */
  signatureMethod: string
  /** The base string URI (scheme and host lower case, default port dropped, no query). */
  baseStringUri: string
  /** Every signed parameter, decoded, in the order they are normalised. */
  parameters: ParamPairs
  /** The normalised parameter string (RFC 5849 §3.4.1.3.2). */
  normalizedParameters: string
  /** The signature base string (RFC 5849 §3.4.1.1). */
  baseString: string
  /** The shape of the signing key with the secrets replaced: `<consumer secret: 16 chars>&<token secret: none>`. */
  signingKey: string
  /** The `oauth_signature` computed; `[redacted]` for PLAINTEXT, whose signature is the secrets. */
  signature: string
  /** The Authorization header value (also when the parameters travel in the query or body); a PLAINTEXT signature in it is `[redacted]`. */
  authorizationHeader: string
}

const signatureMethodSchema = lazySchema((z) =>
  z.union([
    z.enum(['HMAC-SHA1', 'HMAC-SHA256', 'HMAC-SHA512', 'RSA-SHA1', 'RSA-SHA256', 'RSA-SHA512', 'PLAINTEXT']),
    z.custom<SignatureMethod>(
      (value) =>
        typeof value === 'object' &&
        value !== null &&
        typeof (value as SignatureMethod).sign === 'function' &&
        typeof (value as SignatureMethod).name === 'string',
      'a signature method name or an object with name and sign(baseString, secrets)',
    ),
  ]),
)

/** @internal the schema OAuth1Auth parses its options with; OAuth1Session's extends it. */
export const oauth1AuthOptionsSchema = lazySchema(
  (z) =>
    z
      .object({
        clientSecret: z.string().optional(),
        resourceOwnerKey: z.string().optional(),
        resourceOwnerSecret: z.string().optional(),
        callbackUri: z.string().optional(),
        signatureMethod: signatureMethodSchema().optional(),
        signatureType: z.enum(['AUTH_HEADER', 'QUERY', 'BODY', 'auth_header', 'query', 'body']).optional(),
        rsaKey: z
          .union([
            z.string(),
            z.instanceof(Buffer),
            z.custom<KeyObject>((value) => typeof value === 'object' && value !== null && 'asymmetricKeyType' in value),
          ])
          .optional(),
        verifier: z.string().optional(),
        realm: z.string().optional(),
        forceIncludeBody: z.boolean().optional(),
        bodyHash: z.boolean().optional(),
        nonce: z.union([z.string().min(1), z.custom<() => string>((value) => typeof value === 'function', 'a function')]).optional(),
        timestamp: z.union([z.string().min(1), z.number(), z.custom<() => string | number>((value) => typeof value === 'function', 'a function')]).optional(),
        insecureTransport: z.boolean().optional(),
      })
      .strict() satisfies z.ZodType<OAuth1AuthOptions>,
)

/**
 * A placement for some requests, overriding the strategy's own: what `OAuth1Session.request`
 * passes for rauth's `header_auth` and `realm`.
 *
 * @example
 * ```ts
 * import { OAuth1Auth, Session } from 'oauth-sessions'
 * const auth = new OAuth1Auth('key', { clientSecret: 'secret' })
 * const session = new Session({ auth: auth.withPlacement({ signatureType: 'QUERY', realm: 'Photos' }) })
 * ```
 * @group OAuth 1
 */
export interface OAuth1Placement {
  /** Where the parameters go; `RAUTH_BODY_OR_QUERY` is rauth's `header_auth=False`: the form body for POST/PUT/PATCH, the query otherwise. */
  signatureType?: SignatureType | 'RAUTH_BODY_OR_QUERY'
  /** The realm of the Authorization header. */
  realm?: string
}

/** Parses the RSA key once, or says which option is missing. @internal */
export function parseRsaKey(key: OAuth1AuthOptions['rsaKey'], method: SignatureMethod): KeyObject | undefined {
  if (key === undefined) {
    if (method.needsRsaKey) throw new ConfigurationError('rsaKey', `${method.name} needs rsaKey: pass the RSA private key (PEM).`)
    return undefined
  }
  if (typeof key === 'object' && !Buffer.isBuffer(key)) return key
  try {
    return createPrivateKey(key)
  } catch {
    throw new ConfigurationError('rsaKey', 'rsaKey is not a readable private key: pass a PEM-encoded RSA private key.')
  }
}

/** @internal */
export function constant(value: string): () => string {
  return () => value
}

/** A clock from the `timestamp` option. @internal */
export function clock(timestamp: OAuth1AuthOptions['timestamp']): () => string {
  if (typeof timestamp === 'function') return () => String(timestamp())
  if (timestamp !== undefined) return constant(String(timestamp))
  return () => String(Math.floor(Date.now() / 1000))
}
