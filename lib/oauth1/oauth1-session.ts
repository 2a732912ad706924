import { underTokenCap } from '../http/token-response-cap.js'
import type { Service } from '../http/service.js'
import { parseUrlOption } from '../http/parse-url.js'
import type { KeyObject } from 'node:crypto'
import type { z } from 'zod'
import { lazySchema } from '../http/lazy-schema.js'
import { ConfigurationError, TokenMissingError, parseSerialized } from '../errors.js'
import { TokenRequestDeniedError, VerifierMissingError } from './oauth1-errors.js'
import { decodePairs } from '../http/form-encoding.js'
import type { Response } from '../http/response.js'
import { Session } from '../http/session.js'
import { splitOptions } from '../http/split-options.js'
import { type RequestOptions, requestOptionsSchema, type SessionOptions, sessionOptionsSchema } from '../http/session-options.js'
import { checkOptionKeys, type OptionsSchema, optionKeys, parseOptions } from '../http/parse-options.js'
import { OAuth1Auth } from './oauth1-auth.js'
import { oauth1SessionOptionsFrom } from './oauth1-session-arguments.js'
import { oauth1AuthOptionsSchema, type OAuth1AuthOptions, type SignatureType } from './oauth1-auth-options.js'
import type { SignatureMethod, SignatureMethodName } from './signature-methods.js'
import { decodeTokenResponse, oauth1TokenText } from './token-decoders.js'

/**
 * An OAuth 1 token as the wire spells it: what `fetchRequestToken`, `parseAuthorizationResponse`
 * and `fetchAccessToken` return and what the `token` setter takes.
 *
 * @group OAuth 1
 */
export interface OAuth1Token {
  /** The request or access token. */
  oauth_token?: string
  /** Its secret. */
  oauth_token_secret?: string
  /** The verifier from the authorization redirect. */
  oauth_verifier?: string
  /** Anything else the provider returned (user_id, screen_name ...). */
  [key: string]: string | undefined
}

/**
 * Options of {@link OAuth1Session}: the signing options, requests-oauthlib's names for the
 * secrets as aliases of the positional arguments, and every {@link SessionOptions} entry.
 *
 * @example
 * ```ts
 * import { OAuth1Session } from 'oauth-sessions'
 * const session = new OAuth1Session('key', undefined, undefined, undefined, {
 *   clientSecret: 'secret', callbackUri: 'https://client.example/callback', baseUrl: 'https://api.example.com/1.1/',
 * })
 * ```
 * @group OAuth 1
 */
export interface OAuth1SessionOptions extends SessionOptions {
  /** requests-oauthlib's name for the consumer secret (second argument). */
  clientSecret?: string
  /** requests-oauthlib's name for the token (third argument). */
  resourceOwnerKey?: string
  /** requests-oauthlib's name for the token secret (fourth argument). */
  resourceOwnerSecret?: string
  /** Sent as `oauth_callback` with the request-token request. */
  callbackUri?: string
  /** A method name (default `HMAC-SHA1`) or your own {@link SignatureMethod}. */
  signatureMethod?: SignatureMethodName | SignatureMethod
  /** rauth's name for a custom signature object. */
  signature?: SignatureMethodName | SignatureMethod
  /** Where OAuth parameters go by default. Default `AUTH_HEADER`. */
  signatureType?: SignatureType | 'auth_header' | 'query' | 'body'
  /** The RSA private key for the RSA methods. */
  rsaKey?: string | Buffer | KeyObject
  /** The verifier, when already known. */
  verifier?: string
  /** The realm of the Authorization header. */
  realm?: string
  /** Sign non-form bodies too (with `oauth_body_hash`). */
  forceIncludeBody?: boolean
  /** Add `oauth_body_hash` for non-form bodies. */
  bodyHash?: boolean
  /** A fixed nonce or generator, for tests. */
  nonce?: OAuth1AuthOptions['nonce']
  /** A fixed timestamp or clock, for tests. */
  timestamp?: OAuth1AuthOptions['timestamp']
  /** Allow a PLAINTEXT signature over plain http outside loopback (local testing only; `OAUTHLIB_INSECURE_TRANSPORT` does the same). */
  insecureTransport?: boolean
  /**
   * rauth's back reference to the service that made the session (an {@link OAuth1Service}); typed
   * loosely here because a spec pins any object as accepted, the property is typed.
   */
  service?: unknown
}

/**
 * Per-request options of {@link OAuth1Session.request}: rauth's `header_auth` and `realm` on top
 * of every {@link RequestOptions} entry.
 *
 * @example
 * ```ts
 * import { OAuth1Session } from 'oauth-sessions'
 * const session = new OAuth1Session('key', 'secret', 'token', 'token-secret')
 * await session.post('https://api.example.com/statuses', { data: { status: 'hi' }, headerAuth: false })
 * ```
 * @group OAuth 1
 */
export interface OAuth1RequestOptions extends RequestOptions {
  /** `false` puts the OAuth parameters in the form body (POST/PUT/PATCH) or the query, as rauth. */
  headerAuth?: boolean
  /** The realm of the Authorization header for this request. */
  realm?: string
}

/** @internal OAuth1Session's options: the Session's, OAuth1Auth's, and rauth's `signature` and `service`. */
export const oauth1SessionOptionsSchema = lazySchema(
  (z) =>
    sessionOptionsSchema().extend(oauth1AuthOptionsSchema().shape).extend({
      signature: oauth1AuthOptionsSchema().shape.signatureMethod,
      service: z.unknown().optional(),
    }) satisfies z.ZodType<OAuth1SessionOptions>,
)

/** @internal OAuth1Session's per-request options: rauth's `header_auth` and `realm` on top of the Session's. */
export const oauth1RequestOptionsSchema = lazySchema(
  (z) =>
    requestOptionsSchema().extend({
      headerAuth: z.boolean().optional(),
      realm: z.string().optional(),
    }) satisfies z.ZodType<OAuth1RequestOptions>,
)

/** The OAuth1Auth options an OAuth1Session passes through as they are (the secrets and method are resolved first). */
const PASSED_THROUGH = lazySchema(
  () =>
    [...optionKeys(oauth1AuthOptionsSchema())].filter(
      (key) => !['clientSecret', 'resourceOwnerKey', 'resourceOwnerSecret', 'signatureMethod'].includes(key),
    ) as (keyof OAuth1AuthOptions)[],
)

/**
 * A {@link Session} that signs every request with OAuth 1.0a, with the flow helpers of
 * requests-oauthlib's `OAuth1Session` and the request signature of rauth's. One class serves
 * both Python APIs.
 *
 * @example
 * ```ts
 * import { OAuth1Session } from 'oauth-sessions'
 * const session = new OAuth1Session('key', 'secret', undefined, undefined, { callbackUri: 'oob' })
 * await session.fetchRequestToken('https://api.example.com/oauth/request_token')
 * console.log('Authorize at', session.authorizationUrl('https://api.example.com/oauth/authorize'))
 * await session.fetchAccessToken('https://api.example.com/oauth/access_token', '123456')
 * console.log((await session.get('https://api.example.com/1.1/account/verify_credentials.json')).json())
 * ```
 * @see requests_oauthlib.OAuth1Session
 * @see rauth.OAuth1Session
 * @group OAuth 1
 */
export class OAuth1Session extends Session<OAuth1RequestOptions> {
  /** The consumer key. */
  readonly consumerKey: string
  /** The signer every request goes through. */
  readonly oauth: OAuth1Auth
  /** rauth's back reference to the service that made this session, if any. */
  service: Service<OAuth1Session> | undefined
  /** The answer to the request-token request, when this session made it (rauth). */
  requestTokenResponse: Response | undefined
  /** The answer to the access-token request, when this session made it (rauth). */
  accessTokenResponse: Response | undefined
  readonly #consumerSecret: string
  #tokenSecret: string | undefined
  /** The callback sent with the request token, shown again on the authorization URL. */
  #authorizationCallback: string | undefined
  /** @internal */
  static override get requestOptionsSchema(): OptionsSchema {
    return oauth1RequestOptionsSchema()
  }

  /**
   * requests-oauthlib's form: the four credentials and the options.
   *
   * @param consumerKey - the consumer (client) key
   * @param consumerSecret - the consumer secret
   * @param accessToken - the token (requests-oauthlib's `resource_owner_key`)
   * @param accessTokenSecret - the token secret (`resource_owner_secret`)
   * @param options - the signing options and the Session's
   */
  constructor(consumerKey: string, consumerSecret?: string, accessToken?: string, accessTokenSecret?: string, options?: OAuth1SessionOptions)
  /**
   * rauth's positional form, `OAuth1Session(consumer_key, consumer_secret, access_token,
   * access_token_secret, signature, service)`, told by its fifth argument: a method name, a
   * signature object, or `undefined` with more arguments after it. The options come last.
   *
   * @example
   * ```ts
   * import { OAuth1Session } from 'oauth-sessions'
   * const session = new OAuth1Session('key', 'secret', 'token', 'token-secret', 'PLAINTEXT', undefined, { baseUrl: 'https://api.example.com/' })
   * ```
   * @param consumerKey - the consumer (client) key
   * @param consumerSecret - the consumer secret
   * @param accessToken - the token
   * @param accessTokenSecret - the token secret
   * @param signature - a method name (`HMAC-SHA1` by default) or your own {@link SignatureMethod} (rauth's signature object)
   * @param service - the service that made the session
   * @param options - the other options
   * @see rauth.OAuth1Session
   */
  constructor(
    consumerKey: string,
    consumerSecret: string | undefined,
    accessToken: string | undefined,
    accessTokenSecret: string | undefined,
    signature: SignatureMethodName | SignatureMethod | null | undefined,
    service?: Service<OAuth1Session> | null,
    options?: OAuth1SessionOptions,
  )
  constructor(consumerKey: string, consumerSecret?: string, accessToken?: string, accessTokenSecret?: string, ...rest: unknown[]) {
    const options = oauth1SessionOptionsFrom(rest, new.target.name)
    const parsed = parseOptions(oauth1SessionOptionsSchema(), options, new.target.name) as OAuth1SessionOptions
    const { sessionOptions, own: oauthOptions } = splitOptions(parsed, oauth1SessionOptionsSchema())
    super(sessionOptions)
    const secret = alias(consumerSecret, oauthOptions.clientSecret, 'clientSecret', 'consumerSecret')
    const token = alias(accessToken, oauthOptions.resourceOwnerKey, 'resourceOwnerKey', 'accessToken')
    const tokenSecret = alias(accessTokenSecret, oauthOptions.resourceOwnerSecret, 'resourceOwnerSecret', 'accessTokenSecret')
    if (oauthOptions.signature !== undefined && oauthOptions.signatureMethod !== undefined) {
      throw new ConfigurationError('signature', 'Pass either signature (rauth) or signatureMethod (requests-oauthlib), not both.')
    }
    const authOptions: OAuth1AuthOptions = {}
    for (const key of PASSED_THROUGH()) if (oauthOptions[key] !== undefined) Object.assign(authOptions, { [key]: oauthOptions[key] })
    const method = oauthOptions.signatureMethod ?? oauthOptions.signature
    if (method !== undefined) authOptions.signatureMethod = method
    if (secret !== undefined) authOptions.clientSecret = secret
    if (token !== undefined) authOptions.resourceOwnerKey = token
    if (tokenSecret !== undefined) authOptions.resourceOwnerSecret = tokenSecret
    this.oauth = new OAuth1Auth(consumerKey, authOptions)
    this.auth = this.oauth
    this.consumerKey = consumerKey
    this.#consumerSecret = secret ?? ''
    this.#tokenSecret = tokenSecret
    this.service = oauthOptions.service as Service<OAuth1Session> | undefined
    this.requestTokenResponse = undefined
    this.accessTokenResponse = undefined
  }

  /** The consumer secret (rauth's `consumer_secret`). Never shown by inspect or logs. */
  get consumerSecret(): string {
    return this.#consumerSecret
  }

  /** The current token (rauth's `access_token`; a request token during the flow). */
  get accessToken(): string | undefined {
    return this.oauth.resourceOwnerKey
  }

  /** The current token secret (rauth's `access_token_secret`). Never shown by inspect or logs. */
  get accessTokenSecret(): string | undefined {
    return this.#tokenSecret
  }

  /** The signature method name (rauth's `signature.NAME`). */
  get signatureMethod(): string {
    return this.oauth.signatureMethod.name
  }

  /** The signature method object (rauth's `signature`). */
  get signature(): SignatureMethod {
    return this.oauth.signatureMethod
  }

  /**
   * The token, verifier included while one is set, as requests-oauthlib's `token` property.
   * Setting it needs `oauth_token`; `oauth_token_secret` and `oauth_verifier` are taken when present.
   */
  get token(): OAuth1Token {
    const token: OAuth1Token = {}
    if (this.oauth.resourceOwnerKey) token.oauth_token = this.oauth.resourceOwnerKey
    if (this.#tokenSecret) token.oauth_token_secret = this.#tokenSecret
    if (this.oauth.verifier) token.oauth_verifier = this.oauth.verifier
    return token
  }

  /** Replaces the token; `oauth_token` is required (`TokenMissingError` otherwise). */
  set token(value: OAuth1Token) {
    this.#populate(value, 'The token')
  }

  /**
   * Whether the session holds a complete set of credentials: for RSA methods a token, for the
   * others the consumer secret, a token and its secret.
   */
  get authorized(): boolean {
    if (this.oauth.signatureMethod.needsRsaKey) return Boolean(this.oauth.resourceOwnerKey)
    return Boolean(this.#consumerSecret) && Boolean(this.oauth.resourceOwnerKey) && Boolean(this.#tokenSecret)
  }

  /**
   * Sends a signed request. `headerAuth: false` sends the OAuth parameters in the form body
   * (POST, PUT, PATCH) or the query, as rauth does; `realm` sets the header's realm.
   *
   * @see rauth.OAuth1Session.request
   */
  override request(method: string, url: string | URL, options?: OAuth1RequestOptions | null): Promise<Response> {
    // The common request (no options, or none of rauth's two) goes straight to the Session,
    // which checks the options against the same schema: no copy of them, no second key walk.
    if (options === undefined || options === null || (typeof options === 'object' && !('headerAuth' in options) && !('realm' in options))) {
      return super.request(method, url, options as OAuth1RequestOptions)
    }
    return this.#requestPlaced(method, url, options)
  }

  /** A request with rauth's `headerAuth` or `realm`. */
  async #requestPlaced(method: string, url: string | URL, options: OAuth1RequestOptions): Promise<Response> {
    // Before the destructuring: a string there would be reported character by character.
    checkOptionKeys(oauth1RequestOptionsSchema(), options, this.constructor.name, 'request')
    const { headerAuth, realm, ...rest } = options
    if ((headerAuth === undefined || headerAuth) && realm === undefined) return super.request(method, url, rest)
    if (rest.auth !== undefined) return super.request(method, url, rest)
    const placement = headerAuth === false ? { signatureType: 'RAUTH_BODY_OR_QUERY' as const } : { signatureType: 'AUTH_HEADER' as const }
    return super.request(method, url, { ...rest, auth: this.oauth.withPlacement(realm === undefined ? placement : { ...placement, realm }) })
  }

  /**
   * Fetches a request token with a signed POST (first step of the dance) and keeps it.
   *
   * @param realm - realms to request access to, joined with spaces (requests-oauthlib)
   * @throws {@link TokenRequestDeniedError} for a non-2xx answer
   * @throws {@link TokenMissingError} when the answer has no `oauth_token`
   * @see requests_oauthlib.OAuth1Session.fetch_request_token
   */
  async fetchRequestToken(url: string, realm?: string | readonly string[], options: OAuth1RequestOptions = {}): Promise<OAuth1Token> {
    const joined = realm === undefined ? undefined : typeof realm === 'string' ? realm : realm.join(' ')
    const token = await this.#fetchToken(url, joined === undefined || joined === '' ? options : { ...options, realm: joined })
    this.#authorizationCallback = this.oauth.callbackUri
    this.oauth.callbackUri = undefined
    return token
  }

  /**
   * The URL to send the user to (second step): `oauth_token` and any extra parameters appended,
   * plus `oauth_callback` when the session has a callback URI.
   *
   * @see requests_oauthlib.OAuth1Session.authorization_url
   */
  authorizationUrl(url: string, requestToken?: string, extra: Readonly<Record<string, string>> = {}): string {
    const target = parseUrlOption(url, 'url')
    const token = requestToken ?? this.oauth.resourceOwnerKey
    if (token !== undefined) target.searchParams.append('oauth_token', token)
    const callback = this.oauth.callbackUri ?? this.#authorizationCallback
    if (callback !== undefined) target.searchParams.append('oauth_callback', callback)
    for (const [name, value] of Object.entries(extra)) target.searchParams.append(name, value)
    return target.href
  }

  /**
   * Reads `oauth_token`, `oauth_token_secret` and `oauth_verifier` from the URL the provider
   * redirected the user to, and keeps them.
   *
   * @throws {@link TokenMissingError} when the URL has no `oauth_token` (the user denied access)
   * @see requests_oauthlib.OAuth1Session.parse_authorization_response
   */
  parseAuthorizationResponse(url: string): OAuth1Token {
    const query = parseUrlOption(url, 'url').search.slice(1)
    const token: OAuth1Token = Object.fromEntries(decodePairs(query))
    this.#populate(token, 'The authorization response')
    return token
  }

  /**
   * Exchanges the request token and verifier for an access token (third step) and keeps it.
   *
   * @throws {@link VerifierMissingError} when no verifier was given or parsed
   * @see requests_oauthlib.OAuth1Session.fetch_access_token
   */
  async fetchAccessToken(url: string, verifier?: string, options: OAuth1RequestOptions = {}): Promise<OAuth1Token> {
    if (verifier) this.oauth.verifier = verifier
    if (!this.oauth.verifier) throw new VerifierMissingError()
    const token = await this.#fetchToken(url, options)
    this.oauth.verifier = undefined
    return token
  }

  /** {@link OAuth1Session.serialize} with the consumer secret and the token secret shown as `[redacted]`: JSON loggers call this. */
  override toJSON(): Record<string, unknown> {
    const shown = this.serialize()
    for (const key of ['consumerSecret', 'accessTokenSecret']) if (shown[key] !== undefined) shown[key] = '[redacted]'
    return shown
  }

  /** Everything {@link OAuth1Session.fromJSON} (alias `deserialize`) needs, secrets included: calling it is your explicit act. */
  serialize(): Record<string, unknown> {
    return {
      type: 'OAuth1Session',
      consumerKey: this.consumerKey,
      consumerSecret: this.#consumerSecret,
      accessToken: this.oauth.resourceOwnerKey,
      accessTokenSecret: this.#tokenSecret,
      signatureMethod: this.oauth.signatureMethod.name,
      signatureType: this.oauth.signatureType,
      baseUrl: this.baseUrl,
    }
  }

  /** Rebuilds a session from {@link OAuth1Session.serialize} output (`fromJSON` does the same). */
  static deserialize(json: Record<string, unknown> | string, options: OAuth1SessionOptions = {}): OAuth1Session {
    return OAuth1Session.fromJSON(json, options)
  }

  /**
   * Rebuilds a session from {@link OAuth1Session.serialize} output (rauth sessions could be pickled).
   * A custom signature method or an RSA key must be passed again in `options`.
   */
  static fromJSON(json: Record<string, unknown> | string, options: OAuth1SessionOptions = {}): OAuth1Session {
    const data = parseSerialized(json, 'OAuth1Session') as Record<string, string | undefined>
    if (data.type !== 'OAuth1Session' || typeof data.consumerKey !== 'string') {
      throw new ConfigurationError('json', 'This is not the output of OAuth1Session.serialize().')
    }
    const restored: OAuth1SessionOptions = { ...options }
    if (data.baseUrl !== undefined && restored.baseUrl === undefined) restored.baseUrl = data.baseUrl
    if (restored.signatureMethod === undefined && restored.signature === undefined && data.signatureMethod !== undefined) {
      restored.signatureMethod = data.signatureMethod as SignatureMethodName
    }
    if (restored.signatureType === undefined && data.signatureType !== undefined) restored.signatureType = data.signatureType as SignatureType
    return new OAuth1Session(data.consumerKey, data.consumerSecret, data.accessToken, data.accessTokenSecret, restored)
  }

  /** @internal keeps secrets out of `console.log` and `util.inspect`. */
  [Symbol.for('nodejs.util.inspect.custom')](): object {
    return { OAuth1Session: { ...super.toJSON(), auth: this.oauth.toJSON() } }
  }

  /** @internal */
  override toString(): string {
    return `<OAuth1Session ${this.consumerKey}>`
  }

  async #fetchToken(url: string, options: OAuth1RequestOptions): Promise<OAuth1Token> {
    const response = await underTokenCap(this, (cap) => this.post(url, { ...cap, ...options }))
    if (response.status >= 400) throw new TokenRequestDeniedError(response)
    const token: OAuth1Token = oauth1TokenText(decodeTokenResponse(response, undefined), 'The token response')
    this.#populate(token, 'The token response')
    return token
  }

  #populate(token: OAuth1Token, where: string): void {
    if (token.oauth_token === undefined) throw new TokenMissingError('oauth_token', Object.keys(token), where)
    const secret = token.oauth_token_secret ?? this.#tokenSecret
    this.oauth.setToken(token.oauth_token, secret)
    this.#tokenSecret = secret
    if (token.oauth_verifier !== undefined) this.oauth.verifier = token.oauth_verifier
  }
}

function alias(positional: string | undefined, option: string | undefined, optionName: string, positionalName: string): string | undefined {
  if (positional !== undefined && option !== undefined) {
    throw new ConfigurationError(optionName, `Pass ${positionalName} either as an argument or as the ${optionName} option, not both.`)
  }
  return positional ?? option
}
