import { underTokenCap } from '../http/token-response-cap.js'
import { lazySchema } from '../http/lazy-schema.js'
import { parseUrlOption } from '../http/parse-url.js'
import { parseOptions } from '../http/parse-options.js'
import { withCredentialBody } from '../http/redirects.js'
import { readServiceJSON, Service } from '../http/service.js'
import { ConfigurationError } from '../errors.js'
import { TokenRequestDeniedError } from './oauth1-errors.js'
import type { Response } from '../http/response.js'
import { OAuth1Session, type OAuth1RequestOptions, type OAuth1SessionOptions, oauth1SessionOptionsSchema } from './oauth1-session.js'
import type { SignatureMethod, SignatureMethodName } from './signature-methods.js'
import { decodeTokenResponse, pickTokenKeys, type TokenDecoder } from './token-decoders.js'

/**
 * Options of {@link OAuth1Service}: rauth's constructor arguments in camelCase.
 *
 * @example
 * ```ts
 * import { OAuth1Service } from 'oauth-sessions'
 * const twitter = new OAuth1Service({
 *   name: 'twitter',
 *   consumerKey: process.env.TWITTER_KEY ?? '',
 *   consumerSecret: process.env.TWITTER_SECRET ?? '',
 *   requestTokenUrl: 'https://api.twitter.com/oauth/request_token',
 *   accessTokenUrl: 'https://api.twitter.com/oauth/access_token',
 *   authorizeUrl: 'https://api.twitter.com/oauth/authorize',
 *   baseUrl: 'https://api.twitter.com/1.1/',
 * })
 * ```
 * @see rauth.OAuth1Service
 * @group OAuth 1
 */
export interface OAuth1ServiceOptions {
  /** The consumer key. */
  consumerKey: string
  /** The consumer secret. */
  consumerSecret: string
  /** A name for the service. */
  name?: string
  /** The request-token endpoint. */
  requestTokenUrl?: string
  /** The access-token endpoint. */
  accessTokenUrl?: string
  /** The page users authorize the application on. */
  authorizeUrl?: string
  /** The API's base URL; relative request URLs of sessions resolve against it. */
  baseUrl?: string
  /** A signature method name or object (rauth's `signature_obj`). Default `HMAC-SHA1`. */
  signature?: SignatureMethodName | SignatureMethod
  /** Options for every session the service makes (timeouts, proxies, RSA key ...). */
  sessionOptions?: OAuth1SessionOptions
  /** The class sessions are built with (rauth's `session_obj`): {@link OAuth1Session} (default) or a subclass. */
  sessionClass?: typeof OAuth1Session
}

/**
 * Options of the token methods of {@link OAuth1Service}: rauth's `decoder`, `key_token` and
 * `key_token_secret`, plus every request option.
 *
 * @example
 * ```ts
 * import { OAuth1Service, parseJsonToken } from 'oauth-sessions'
 * declare const service: OAuth1Service
 * const [token, secret] = await service.getRequestToken('POST', { decoder: parseJsonToken, params: { oauth_callback: 'oob' } })
 * ```
 * @group OAuth 1
 */
export interface TokenRequestOptions extends OAuth1RequestOptions {
  /** How to decode the answer. Default: by Content-Type (JSON or form). */
  decoder?: TokenDecoder
  /** The token's key in the answer. Default `oauth_token`. */
  keyToken?: string
  /** The token secret's key in the answer. Default `oauth_token_secret`. */
  keyTokenSecret?: string
}

const serviceSchema = lazySchema((z) =>
  z
    .object({
      consumerKey: z.string().min(1),
      consumerSecret: z.string(),
      name: z.string().optional(),
      requestTokenUrl: z.url().optional(),
      accessTokenUrl: z.url().optional(),
      authorizeUrl: z.url().optional(),
      baseUrl: z.url().optional(),
      signature: z.unknown().optional(),
      sessionOptions: oauth1SessionOptionsSchema().optional(),
      sessionClass: z.unknown().optional(),
    })
    .strict(),
)

/**
 * rauth's `OAuth1Service`: a provider's endpoints and consumer credentials, which runs the
 * three-legged dance and hands out signed {@link OAuth1Session}s.
 *
 * @example
 * ```ts
 * import { OAuth1Service } from 'oauth-sessions'
 * declare const service: OAuth1Service
 * const [requestToken, requestTokenSecret] = await service.getRequestToken('GET', { params: { oauth_callback: 'oob' } })
 * console.log('Visit', service.getAuthorizeUrl(requestToken))
 * const session = await service.getAuthSession(requestToken, requestTokenSecret, 'GET', { data: { oauth_verifier: '123456' } })
 * console.log((await session.get('account/verify_credentials.json')).json())
 * ```
 * @see rauth.OAuth1Service
 * @group OAuth 1
 */
export class OAuth1Service extends Service<OAuth1Session, typeof OAuth1Session> {
  /** The consumer key. */
  readonly consumerKey: string
  /** The request-token endpoint. */
  requestTokenUrl: string | undefined
  /** The access-token endpoint. */
  accessTokenUrl: string | undefined
  /** The authorization page. */
  authorizeUrl: string | undefined
  /** The API's base URL. */
  baseUrl: string | undefined
  /** The signature method every session uses. */
  readonly signature: SignatureMethodName | SignatureMethod | undefined
  /** The last answer to a request-token request. */
  requestTokenResponse: Response | undefined
  /** The last answer to an access-token request. */
  accessTokenResponse: Response | undefined
  readonly #consumerSecret: string
  readonly #sessionOptions: OAuth1SessionOptions

  /**
   * @throws {@link ConfigurationError} naming the wrong option (`sessionClass` when it is not {@link OAuth1Session} or a subclass)
   */
  constructor(options: OAuth1ServiceOptions) {
    parseOptions(serviceSchema(), options, 'OAuth1Service')
    super({ type: 'OAuth1Service', baseSessionClass: OAuth1Session, secretKeys: ['consumerSecret'] }, options.name, options.sessionClass)
    this.consumerKey = options.consumerKey
    this.#consumerSecret = options.consumerSecret
    this.requestTokenUrl = options.requestTokenUrl
    this.accessTokenUrl = options.accessTokenUrl
    this.authorizeUrl = options.authorizeUrl
    this.baseUrl = options.baseUrl
    this.signature = options.signature
    this.#sessionOptions = options.sessionOptions ?? {}
    this.requestTokenResponse = undefined
    this.accessTokenResponse = undefined
  }

  /** The consumer secret. Never shown by inspect or logs. */
  get consumerSecret(): string {
    return this.#consumerSecret
  }

  /**
   * A session signed with the consumer credentials and, when given, a token: the same instance
   * for the same token (rauth memoises sessions per token).
   *
   * @see rauth.OAuth1Service.get_session
   */
  getSession(token?: readonly [token: string, tokenSecret: string], signature?: SignatureMethodName | SignatureMethod): OAuth1Session {
    const make = (): OAuth1Session => {
      const options: OAuth1SessionOptions = { ...this.#sessionOptions, service: this }
      const method = signature ?? this.signature
      if (method !== undefined) options.signature = method
      if (this.baseUrl !== undefined && options.baseUrl === undefined) options.baseUrl = this.baseUrl
      return new this.sessionClass(this.consumerKey, this.#consumerSecret, token?.[0], token?.[1], options)
    }
    // A session with another signature method than the service's is not memoised.
    if (signature !== undefined) return make()
    return this.memoSession(token === undefined ? '' : `${token[0]}\u0000${token[1]}`, make)
  }

  /**
   * Requests a request token and returns the raw answer. The options may come first
   * (`getRawRequestToken({ params })`), as rauth's `method` has a default (`GET`).
   *
   * @see rauth.OAuth1Service.get_raw_request_token
   */
  async getRawRequestToken(methodOrOptions: string | OAuth1RequestOptions = 'GET', requestOptions: OAuth1RequestOptions = {}): Promise<Response> {
    const [method, options] = methodAndOptions(methodOrOptions, requestOptions)
    const url = this.#require(this.requestTokenUrl, 'requestTokenUrl')
    const session = this.getSession()
    this.requestTokenResponse = await underTokenCap(session, (cap) => session.request(method, url, withCredentialBody({ ...cap, ...options })))
    return this.requestTokenResponse
  }

  /**
   * Requests a request token and returns `[token, secret]`. The options may come first
   * (`getRequestToken({ params })`); the method defaults to `GET`, as in rauth.
   *
   * @throws {@link TokenMissingError} naming the keys the answer had
   * @throws {@link TokenRequestDeniedError} for a non-2xx answer
   * @see rauth.OAuth1Service.get_request_token
   */
  async getRequestToken(
    methodOrOptions: string | TokenRequestOptions = 'GET',
    tokenOptions: TokenRequestOptions = {},
  ): Promise<[token: string, tokenSecret: string]> {
    const [method, options] = methodAndOptions(methodOrOptions, tokenOptions)
    const { decoder, keyToken, keyTokenSecret, ...requestOptions } = options
    const response = await this.getRawRequestToken(method, requestOptions)
    return processTokenResponse(response, decoder, keyToken, keyTokenSecret, 'The request-token response')
  }

  /**
   * The authorization page URL for a request token, with any extra parameters.
   *
   * @see rauth.OAuth1Service.get_authorize_url
   */
  getAuthorizeUrl(requestToken: string, params: Readonly<Record<string, string>> = {}): string {
    const url = parseUrlOption(this.#require(this.authorizeUrl, 'authorizeUrl'), 'authorizeUrl')
    for (const [name, value] of Object.entries(params)) url.searchParams.append(name, value)
    url.searchParams.append('oauth_token', requestToken)
    return url.href
  }

  /**
   * Exchanges a request token for an access token and returns the raw answer. Pass the verifier
   * as `data: { oauth_verifier }` (or `params`), as with rauth. The options may come right after
   * the token (`getRawAccessToken(token, secret, { params })`); the method defaults to `GET`.
   *
   * @see rauth.OAuth1Service.get_raw_access_token
   */
  async getRawAccessToken(
    requestToken: string,
    requestTokenSecret: string,
    methodOrOptions: string | OAuth1RequestOptions = 'GET',
    requestOptions: OAuth1RequestOptions = {},
  ): Promise<Response> {
    const [method, options] = methodAndOptions(methodOrOptions, requestOptions)
    const url = this.#require(this.accessTokenUrl, 'accessTokenUrl')
    // The verifier (and a body-placed signature) may be in the body: no redirect re-sends it to another origin.
    const session = this.getSession([requestToken, requestTokenSecret])
    this.accessTokenResponse = await underTokenCap(session, (cap) => session.request(method, url, withCredentialBody({ ...cap, ...options })))
    return this.accessTokenResponse
  }

  /**
   * Exchanges a request token for `[accessToken, accessTokenSecret]`. The options may come right
   * after the token (`getAccessToken(token, secret, { data })`); the method defaults to `GET`.
   *
   * @see rauth.OAuth1Service.get_access_token
   */
  async getAccessToken(
    requestToken: string,
    requestTokenSecret: string,
    methodOrOptions: string | TokenRequestOptions = 'GET',
    tokenOptions: TokenRequestOptions = {},
  ): Promise<[token: string, tokenSecret: string]> {
    const [method, options] = methodAndOptions(methodOrOptions, tokenOptions)
    const { decoder, keyToken, keyTokenSecret, ...requestOptions } = options
    const response = await this.getRawAccessToken(requestToken, requestTokenSecret, method, requestOptions)
    return processTokenResponse(response, decoder, keyToken, keyTokenSecret, 'The access-token response')
  }

  /**
   * Exchanges a request token for an access token and returns a session signed with it. The
   * options may come right after the token (`getAuthSession(token, secret, { data })`); the
   * method defaults to `GET`, as in rauth.
   *
   * @see rauth.OAuth1Service.get_auth_session
   */
  async getAuthSession(
    requestToken: string,
    requestTokenSecret: string,
    methodOrOptions: string | TokenRequestOptions = 'GET',
    tokenOptions: TokenRequestOptions = {},
  ): Promise<OAuth1Session> {
    const [method, options] = methodAndOptions(methodOrOptions, tokenOptions)
    const token = await this.getAccessToken(requestToken, requestTokenSecret, method, options)
    const session = this.getSession(token)
    session.requestTokenResponse = this.requestTokenResponse
    session.accessTokenResponse = this.accessTokenResponse
    return session
  }

  /** Everything {@link OAuth1Service.fromJSON} needs, the consumer secret included: calling it is your explicit act (toJSON() redacts). */
  override serialize(): Record<string, unknown> {
    return {
      type: 'OAuth1Service',
      name: this.name,
      consumerKey: this.consumerKey,
      consumerSecret: this.#consumerSecret,
      requestTokenUrl: this.requestTokenUrl,
      accessTokenUrl: this.accessTokenUrl,
      authorizeUrl: this.authorizeUrl,
      baseUrl: this.baseUrl,
      signature: typeof this.signature === 'string' ? this.signature : this.signature?.name,
    }
  }

  /** Rebuilds a service from {@link OAuth1Service.serialize} output (the name of DESIGN's porting rules; `fromJSON` does the same). */
  static deserialize(json: Record<string, unknown> | string, overrides: Partial<OAuth1ServiceOptions> = {}): OAuth1Service {
    return OAuth1Service.fromJSON(json, overrides)
  }

  /** Rebuilds a service from {@link OAuth1Service.serialize} output. A custom signature object must be passed again. */
  static fromJSON(json: Record<string, unknown> | string, overrides: Partial<OAuth1ServiceOptions> = {}): OAuth1Service {
    const options = readServiceJSON(json, 'OAuth1Service', [
      'name',
      'consumerKey',
      'consumerSecret',
      'requestTokenUrl',
      'accessTokenUrl',
      'authorizeUrl',
      'baseUrl',
      'signature',
    ])
    return new OAuth1Service({ ...(options as unknown as OAuth1ServiceOptions), ...overrides })
  }

  /** @internal the consumer key, which `String()` shows when the service has no name. */
  protected override get identifier(): string {
    return this.consumerKey
  }

  #require(url: string | undefined, option: string): string {
    if (url === undefined) throw new ConfigurationError(option, `This OAuth1Service has no ${option}: pass it to the constructor.`)
    return url
  }
}

/**
 * rauth's `method='GET'` followed by keyword arguments: the options object may take the method's
 * place (DESIGN §3). Both given with the options first is a mistake worth naming.
 */
function methodAndOptions<T extends object>(methodOrOptions: string | T | undefined, options: T): [string, T] {
  if (typeof methodOrOptions === 'string') return [methodOrOptions, options]
  if (methodOrOptions !== undefined && methodOrOptions !== null && Object.keys(options).length > 0) {
    throw new ConfigurationError('method', 'Pass the options once: either (method, options) or (options) with the method left out.')
  }
  return ['GET', methodOrOptions ?? options]
}

function processTokenResponse(
  response: Response,
  decoder: TokenDecoder | undefined,
  keyToken = 'oauth_token',
  keyTokenSecret = 'oauth_token_secret',
  where: string,
): [string, string] {
  if (response.status >= 400) throw new TokenRequestDeniedError(response)
  const [token, secret] = pickTokenKeys(decodeTokenResponse(response, decoder), [keyToken, keyTokenSecret], where)
  return [token as string, secret as string]
}
