import { createHash, type KeyObject } from 'node:crypto'
import { debuglog } from 'node:util'
import type { AuthStrategy, RedirectContext } from '../auth/auth-strategy.js'
import { AuthBase } from '../auth/multi-auth.js'
import { ConfigurationError } from '../errors.js'
import { decodePairs, encodePairs, type ParamPairs } from '../http/form-encoding.js'
import { appendQuery } from '../http/append-query.js'
import { parseOptions } from '../http/parse-options.js'
import type { PreparedRequest } from '../http/prepared-request.js'
import { assertSecureTransport } from '../http/secure-transport.js'
import { isSecretParam, redactPairs } from '../security/redact-url.js'
import {
  clock,
  constant,
  oauth1AuthOptionsSchema,
  parseRsaKey,
  type OAuth1AuthOptions,
  type OAuth1Placement,
  type SignatureExplanation,
  type SignatureType,
} from './oauth1-auth-options.js'
import { assertBodyPlacement, isMovable, isSigned, resolveType, stripOAuth } from './oauth1-placement.js'
import { authorizationHeader, bodyText, extractParts, FORM_CONTENT_TYPE, generateNonce, looksLikeForm, queryOf, withQuery } from './oauth1-request-parts.js'
import {
  baseStringUri,
  encodedBaseUri,
  normalizeParameters,
  parametersAroundOAuth,
  normalizedOrder,
  preEncode,
  queryPairs,
  signatureBaseString,
  splitNormalizedUrl,
  type EncodedPair,
} from './signature-base.js'
import { percentEncode, percentEncodeTwice } from './percent-encode.js'
import { hmacKeyObject, SIGNATURE_METHODS, signingKey, type SignatureMethod, type SigningSecrets } from './signature-methods.js'

const debug = debuglog('oauth-sessions')

const STREAMED_FORM =
  'A streamed form body cannot be signed: OAuth 1 signs its parameters (RFC 5849 §3.4.1.3.1), so it must read them, and a stream would be spent. Pass the form as an object, pairs or a string.'
const STREAMED_HASHED =
  'A streamed body cannot be signed with bodyHash: oauth_body_hash is the hash of the whole body, read before it is sent. Pass the body as a string or bytes, or sign without bodyHash.'

/** A body that is read as it is sent (a Node stream), not text or bytes at hand. */
function isStreamed(body: unknown): boolean {
  return typeof (body as { pipe?: unknown } | undefined)?.pipe === 'function' || typeof (body as { getReader?: unknown } | undefined)?.getReader === 'function'
}

/** What the transport check names when it refuses a PLAINTEXT signature. */
const PLAINTEXT_TRANSPORT = 'An OAuth 1 PLAINTEXT signature (the consumer and token secrets as they are)'

/**
 * OAuth 1.0a request signing as an {@link AuthStrategy}: requests-oauthlib's `OAuth1`. Works
 * with a {@link Session} (`auth` option) and with plain got through {@link authHooks}. Each
 * redirect hop on the same origin is signed again for its own URL; a request that already
 * carries a signature is never signed twice.
 *
 * @example
 * ```ts
 * import { OAuth1Auth, Session } from 'oauth-sessions'
 * const auth = new OAuth1Auth(process.env.CONSUMER_KEY ?? '', {
 *   clientSecret: process.env.CONSUMER_SECRET,
 *   resourceOwnerKey: process.env.ACCESS_TOKEN,
 *   resourceOwnerSecret: process.env.ACCESS_TOKEN_SECRET,
 * })
 * const response = await new Session({ auth }).get('https://api.example.com/1.1/account/verify_credentials.json')
 * ```
 * @see requests_oauthlib.OAuth1
 * @see https://www.rfc-editor.org/rfc/rfc5849#section-3
 * @group OAuth 1
 */
export class OAuth1Auth extends AuthBase {
  /** The consumer (client) key. */
  readonly clientKey: string
  /** The signature method used. */
  readonly signatureMethod: SignatureMethod
  /** Where the OAuth parameters go. */
  readonly signatureType: SignatureType
  /** The realm of the Authorization header, if any. */
  realm: string | undefined
  /** Sent as `oauth_callback` while set. */
  callbackUri: string | undefined
  /** Sent as `oauth_verifier` while set. */
  verifier: string | undefined
  /** Whether non-form bodies are signed (with `oauth_body_hash`). */
  readonly forceIncludeBody: boolean
  readonly #bodyHash: boolean
  readonly #insecure: boolean
  readonly #consumerSecret: string
  readonly #rsaKey: KeyObject | undefined
  readonly #nonce: () => string
  readonly #timestamp: () => string
  #token: string | undefined
  #tokenSecret: string
  #secrets: SigningSecrets
  /** The OAuth parameters every request of this client and token shares, encoded once. */
  #constant: ConstantParams
  /** The base string parts of URLs signed lately (no body parameters), by URL. */
  #urlParts = new Map<string, UrlParts>()

  constructor(clientKey: string, options: OAuth1AuthOptions = {}) {
    super()
    if (typeof clientKey !== 'string' || clientKey === '') {
      throw new ConfigurationError('clientKey', 'OAuth1Auth needs the consumer (client) key as its first argument.')
    }
    const opts = parseOptions(oauth1AuthOptionsSchema(), options, 'OAuth1Auth') as OAuth1AuthOptions
    this.clientKey = clientKey
    this.signatureMethod = typeof opts.signatureMethod === 'object' ? opts.signatureMethod : SIGNATURE_METHODS[opts.signatureMethod ?? 'HMAC-SHA1']
    this.signatureType = (opts.signatureType?.toUpperCase() as SignatureType | undefined) ?? 'AUTH_HEADER'
    this.realm = opts.realm
    this.callbackUri = opts.callbackUri
    this.verifier = opts.verifier
    this.forceIncludeBody = opts.forceIncludeBody ?? false
    this.#bodyHash = opts.bodyHash ?? false
    this.#insecure = opts.insecureTransport ?? false
    this.#consumerSecret = opts.clientSecret ?? ''
    this.#rsaKey = parseRsaKey(opts.rsaKey, this.signatureMethod)
    this.#nonce = typeof opts.nonce === 'function' ? (opts.nonce as () => string) : opts.nonce !== undefined ? constant(opts.nonce) : generateNonce
    this.#timestamp = clock(opts.timestamp)
    this.#token = opts.resourceOwnerKey
    this.#tokenSecret = opts.resourceOwnerSecret ?? ''
    this.#secrets = this.#buildSecrets()
    this.#constant = this.#buildConstant()
  }

  /** The token sent as `oauth_token`, if any. */
  get resourceOwnerKey(): string | undefined {
    return this.#token
  }

  /** Whether a token secret is set (the secret itself cannot be read back). */
  get hasResourceOwnerSecret(): boolean {
    return this.#tokenSecret !== ''
  }

  /** Replaces the token and its secret (after the request-token or access-token step). */
  setToken(token: string | undefined, tokenSecret: string | undefined): void {
    this.#token = token
    this.#tokenSecret = tokenSecret ?? ''
    this.#secrets = this.#buildSecrets()
    this.#constant = this.#buildConstant()
  }

  /**
   * Signs the request (unless it already carries an OAuth signature).
   *
   * @throws {@link InsecureTransportError} for a PLAINTEXT signature (the secrets themselves) over plain http outside loopback
   */
  apply(request: PreparedRequest, placement: OAuth1Placement = {}): void {
    if (isSigned(request)) return
    if (this.signatureMethod.name === 'PLAINTEXT') assertSecureTransport(request.url, this.#insecure, PLAINTEXT_TRANSPORT)
    this.#sign(request, placement)
    if (debug.enabled) debug('OAuth 1 base string for %s: %s', request.method, request.signatureBaseString)
  }

  /**
   * This strategy with another placement or realm for some requests (rauth's per-request
   * `header_auth` and `realm`); it shares the credentials, so later token changes apply to it.
   */
  withPlacement(placement: OAuth1Placement): AuthStrategy {
    return {
      apply: (request) => this.apply(request, placement),
      onRedirect: (request, context) => {
        stripOAuth(request)
        if (!context.crossOrigin) this.apply(request, placement)
      },
    }
  }

  /** Re-signs a same-origin redirect hop for its own URL; a cross-origin hop stays unsigned. */
  onRedirect(request: PreparedRequest, context: RedirectContext): void {
    stripOAuth(request)
    if (!context.crossOrigin) this.apply(request)
  }

  /**
   * Explains the signature of a request: the parameters, base string, key shape and header. For
   * a request this strategy signed, it explains that signature; otherwise it signs a copy.
   */
  explainSignature(request: PreparedRequest): SignatureExplanation {
    const copy = request.clone()
    const oauthParams = isSigned(copy) ? stripOAuth(copy) : undefined
    return this.#explain(this.#sign(copy, {}, oauthParams, true) as SignedParts)
  }

  /** The strategy with its secrets redacted. */
  toJSON(): Record<string, unknown> {
    return {
      type: 'OAuth1Auth',
      clientKey: this.clientKey,
      clientSecret: this.#consumerSecret === '' ? undefined : '[redacted]',
      resourceOwnerKey: this.#token,
      resourceOwnerSecret: this.#tokenSecret === '' ? undefined : '[redacted]',
      signatureMethod: this.signatureMethod.name,
      signatureType: this.signatureType,
      realm: this.realm,
    }
  }

  /** @internal */
  override toString(): string {
    return `OAuth1Auth(${this.clientKey}, ${this.signatureMethod.name}, [redacted])`
  }

  /** @internal keeps secrets out of `console.log` and `util.inspect`. */
  [Symbol.for('nodejs.util.inspect.custom')](): Record<string, unknown> {
    return this.toJSON()
  }

  #buildSecrets(): SigningSecrets {
    const key = signingKey(this.#consumerSecret, this.#tokenSecret)
    return { consumerSecret: this.#consumerSecret, tokenSecret: this.#tokenSecret, key, hmacKey: hmacKeyObject(key), rsaKey: this.#rsaKey }
  }

  #sign(request: PreparedRequest, placement: OAuth1Placement, previous?: ParamPairs, explain = false): SignedParts | undefined {
    const type = resolveType(placement.signatureType ?? this.signatureType, request)
    let contentType = request.headers.get('content-type') ?? ''
    if ((contentType === '' && looksLikeForm(request.body)) || type === 'BODY') {
      if (contentType === '') request.headers.set('Content-Type', FORM_CONTENT_TYPE)
      contentType = request.headers.get('content-type') ?? FORM_CONTENT_TYPE
    }
    const isForm = contentType.toLowerCase().includes(FORM_CONTENT_TYPE)
    if (type === 'BODY') assertBodyPlacement(request, isForm)

    // rauth moves oauth_callback / oauth_verifier / oauth_version from params or data to the OAuth parameters.
    let moved: Map<string, string> | undefined
    const query = queryOf(request.url)
    if (query.includes('oauth_')) {
      const fromQuery = extractParts(query, isMovable)
      if (fromQuery.removed.length > 0) {
        request.url = withQuery(request.url, fromQuery.kept)
        moved = new Map(fromQuery.removed)
      }
    }
    let body = bodyText(request.body)
    if (body === undefined && isStreamed(request.body)) {
      // Signing reads the body (its form parameters, or its hash): a stream would be spent here, and a signature without it is wrong.
      if (isForm) throw new ConfigurationError('data', STREAMED_FORM)
      if (this.#bodyHash || this.forceIncludeBody) throw new ConfigurationError('data', STREAMED_HASHED)
    }
    if (isForm && body !== undefined && body.includes('oauth_')) {
      const fromBody = extractParts(body, isMovable)
      if (fromBody.removed.length > 0) {
        body = fromBody.kept
        request.body = body
        moved ??= new Map()
        for (const [name, value] of fromBody.removed) moved.set(name, value)
      }
    }

    const hashed = !isForm && body !== undefined && body !== '' && (this.#bodyHash || this.forceIncludeBody) ? body : undefined
    const common =
      previous === undefined &&
      !explain &&
      type === 'AUTH_HEADER' &&
      moved === undefined &&
      hashed === undefined &&
      this.callbackUri === undefined &&
      this.verifier === undefined
    const formBody = isForm && body !== undefined && body !== ''
    if (common && !formBody) {
      // A URL this signer has signed before: its part of the base string is known.
      const known = this.#urlParts.get(request.url)
      if (known !== undefined) {
        this.#signCommon(request, known, placement.realm ?? this.realm)
        return undefined
      }
    }
    // Skip `new URL` for the normalised URLs the Session and got produce: signing runs per request.
    const split = splitNormalizedUrl(request.url)
    const url: URL | string = split?.baseUri ?? new URL(request.url)
    const pairs: ParamPairs = split === undefined ? queryPairs(url as URL) : split.query === '' ? [] : decodePairs(split.query)
    if (formBody) pairs.push(...decodePairs(body as string))
    if (common) {
      // Credential parameters (the debug base string redacts them) and oauth_ names take the longer way.
      const around = pairs.some(([name]) => isSecretParam(name)) ? undefined : parametersAroundOAuth(pairs)
      if (around !== undefined) {
        const parts = { uri: encodedBaseUri(url), before: around.before, after: around.after }
        // A query with a name a strategy marked secret is not kept either: the signer holds no credential it was not given.
        if (!formBody && request.secretParams === undefined) {
          if (this.#urlParts.size >= URL_PARTS_KEPT) this.#urlParts.clear()
          this.#urlParts.set(request.url, parts)
        }
        this.#signCommon(request, parts, placement.realm ?? this.realm)
        return undefined
      }
      this.#signHeader(request, url, pairs, placement.realm ?? this.realm)
      return undefined
    }
    const oauthParams = previous ?? this.#oauthParams(moved, hashed)
    for (const pair of oauthParams) pairs.push(pair)
    const baseString = signatureBaseString(request.method, url, pairs)
    const signature = this.signatureMethod.sign(baseString, this.#secrets)
    oauthParams.push(['oauth_signature', signature])
    const header = authorizationHeader(oauthParams, placement.realm ?? this.realm)

    if (type === 'AUTH_HEADER') request.headers.set('Authorization', header)
    else if (type === 'QUERY') request.url = appendQuery(request.url, oauthParams)
    else request.body = body === undefined || body === '' ? encodePairs(oauthParams) : `${body}&${encodePairs(oauthParams)}`
    if (pairs.some(([name]) => isSecretParam(name))) {
      const method = request.method
      request.deferSignatureBaseString(() => signatureBaseString(method, url, redactPairs(pairs)))
    } else {
      request.signatureBaseString = baseString
    }
    return explain ? { method: request.method, url, pairs, baseString, signature, header } : undefined
  }

  /**
   * The common case, signed with the constant parameters encoded once: an Authorization header,
   * no callback, verifier, moved parameter or body hash. Same base string and header as the
   * general path (the specs compare both against oauthlib and oauth-1.0a).
   */
  #signHeader(request: PreparedRequest, url: URL | string, pairs: ParamPairs, realm: string | undefined): void {
    const nonce = this.#nonce()
    const timestamp = this.#timestamp()
    pairs.push(['oauth_nonce', nonce], ['oauth_timestamp', timestamp])
    const constant = this.#constant
    const baseString = signatureBaseString(request.method, url, pairs, constant.encoded)
    const signature = this.signatureMethod.sign(baseString, this.#secrets)
    const prefix = realm === undefined || realm === '' ? 'OAuth ' : `OAuth realm="${realm}", `
    request.headers.set(
      'Authorization',
      `${prefix}oauth_nonce="${percentEncode(nonce)}", oauth_timestamp="${percentEncode(timestamp)}", ${constant.header}, oauth_signature="${percentEncode(signature)}"`,
    )
    if (pairs.some(([name]) => isSecretParam(name))) {
      const method = request.method
      request.deferSignatureBaseString(() => signatureBaseString(method, url, redactPairs(pairs), constant.encoded))
    } else {
      request.signatureBaseString = baseString
    }
  }

  /**
   * The common request in few steps: the base string from the URL's known part and the constant
   * OAuth parameters around the nonce and the timestamp, in the order {@link signatureBaseString}
   * sorts them (the specs compare it with the general path, oauthlib and oauth-1.0a).
   */
  #signCommon(request: PreparedRequest, parts: UrlParts, realm: string | undefined): void {
    const nonce = this.#nonce()
    const timestamp = this.#timestamp()
    const constant = this.#constant
    const baseString =
      `${percentEncode(request.method.toUpperCase())}&${parts.uri}&${parts.before}${constant.beforeNonce}${percentEncodeTwice(nonce)}` +
      `${constant.beforeTimestamp}${percentEncodeTwice(timestamp)}${constant.afterTimestamp}${parts.after}`
    const signature = this.signatureMethod.sign(baseString, this.#secrets)
    const prefix = realm === undefined || realm === '' ? 'OAuth ' : `OAuth realm="${realm}", `
    request.headers.set(
      'Authorization',
      `${prefix}oauth_nonce="${percentEncode(nonce)}", oauth_timestamp="${percentEncode(timestamp)}", ${constant.header}, oauth_signature="${percentEncode(signature)}"`,
    )
    request.signatureBaseString = baseString
  }

  #buildConstant(): ConstantParams {
    const pairs: ParamPairs = [
      ['oauth_version', '1.0'],
      ['oauth_signature_method', this.signatureMethod.name],
      ['oauth_consumer_key', this.clientKey],
    ]
    const hasToken = this.#token !== undefined && this.#token !== ''
    if (hasToken) pairs.push(['oauth_token', this.#token as string])
    // The sorted block: consumer_key, nonce, signature_method, timestamp, token, version.
    const twice = percentEncodeTwice
    const afterToken = hasToken ? `%26oauth_token%3D${twice(this.#token as string)}` : ''
    return {
      encoded: preEncode(pairs),
      header: authorizationHeader(pairs, undefined).slice('OAuth '.length),
      beforeNonce: `oauth_consumer_key%3D${twice(this.clientKey)}%26oauth_nonce%3D`,
      beforeTimestamp: `%26oauth_signature_method%3D${twice(this.signatureMethod.name)}%26oauth_timestamp%3D`,
      afterTimestamp: `${afterToken}%26oauth_version%3D1.0`,
    }
  }

  #explain(parts: SignedParts): SignatureExplanation {
    // A PLAINTEXT signature is the signing key, both secrets: it is shown as redacted.
    const reveals = this.signatureMethod.name === 'PLAINTEXT' || (parts.signature !== '' && parts.signature === this.#secrets.key)
    // Credential parameters (the verifier, a token in the query) are shown as the debug base string shows them.
    const pairs = redactPairs(parts.pairs)
    const header = reveals ? parts.header.replace(`oauth_signature="${percentEncode(parts.signature)}"`, 'oauth_signature="[redacted]"') : parts.header
    return {
      signatureMethod: this.signatureMethod.name,
      baseStringUri: typeof parts.url === 'string' ? parts.url : baseStringUri(parts.url),
      parameters: normalizedOrder(pairs),
      normalizedParameters: normalizeParameters(pairs),
      baseString: pairs === parts.pairs ? parts.baseString : signatureBaseString(parts.method, parts.url, pairs),
      signingKey: `${describeSecret('consumer secret', this.#consumerSecret)}&${describeSecret('token secret', this.#tokenSecret)}`,
      signature: reveals ? '[redacted]' : parts.signature,
      authorizationHeader: redactHeaderParams(header),
    }
  }

  #oauthParams(moved: Map<string, string> | undefined, hashedBody: string | undefined): ParamPairs {
    const params: ParamPairs = [
      ['oauth_nonce', this.#nonce()],
      ['oauth_timestamp', this.#timestamp()],
      ['oauth_version', moved?.get('oauth_version') ?? '1.0'],
      ['oauth_signature_method', this.signatureMethod.name],
      ['oauth_consumer_key', this.clientKey],
    ]
    if (this.#token !== undefined && this.#token !== '') params.push(['oauth_token', this.#token])
    const callback = moved?.get('oauth_callback') ?? this.callbackUri
    if (callback !== undefined) params.push(['oauth_callback', callback])
    const verifier = moved?.get('oauth_verifier') ?? this.verifier
    if (verifier !== undefined) params.push(['oauth_verifier', verifier])
    if (hashedBody !== undefined) params.push(['oauth_body_hash', createHash('sha1').update(hashedBody, 'utf8').digest('base64')])
    return params
  }
}

/** The OAuth parameters shared by every request of one client and token. */
interface ConstantParams {
  /** Double-encoded for the base string. */
  encoded: EncodedPair[]
  /** Their part of the Authorization header: `oauth_version="1.0", ..., oauth_token="..."`. */
  header: string
  /** The encoded parameter string's OAuth block up to the nonce's value: `oauth_consumer_key%3D...%26oauth_nonce%3D`. */
  beforeNonce: string
  /** From after the nonce to the timestamp's value. */
  beforeTimestamp: string
  /** From after the timestamp to the end of the block (token and version). */
  afterTimestamp: string
}

/** The parts of a base string that depend on the URL alone (its query holding no credential and no `oauth_` name). */
interface UrlParts {
  /** The percent-encoded base string URI. */
  uri: string
  /** The query parameters sorting before the OAuth ones, encoded, each followed by `%26`. */
  before: string
  /** Those sorting after them, each preceded by `%26`. */
  after: string
}

/** How many URLs one signer keeps the base string parts of: a client calls the same few URLs again and again. */
const URL_PARTS_KEPT = 64

/** What one signing produced, for explainSignature. */
interface SignedParts {
  method: string
  url: URL | string
  pairs: ParamPairs
  baseString: string
  signature: string
  header: string
}

/** An Authorization header with the values of credential parameters (`oauth_verifier`) as `[redacted]`. */
function redactHeaderParams(header: string): string {
  return header.replace(/([A-Za-z0-9_.~%-]+)="[^"]*"/g, (whole, name: string) => (isSecretParam(name) ? `${name}="[redacted]"` : whole))
}

function describeSecret(label: string, secret: string): string {
  return secret === '' ? `<${label}: none>` : `<${label}: ${secret.length} chars>`
}
