import { assertBearerTokenType } from './oauth2-errors.js'
import { underTokenCap } from '../http/token-response-cap.js'
import { lazySchema, zod } from '../http/lazy-schema.js'
import { httpUrlSchema, parseUrlOption } from '../http/parse-url.js'
import { parseOptions } from '../http/parse-options.js'
import { withCredentialBody } from '../http/redirects.js'
import { oauth2SessionOptionsSchema, pollDeviceTokenSchema } from './oauth2-session-schemas.js'
import { readServiceJSON, Service } from '../http/service.js'
import { ConfigurationError } from '../errors.js'
import type { Response } from '../http/response.js'
import type { RequestOptions } from '../http/session-options.js'
import { attachMetadata, OAuth2Session, publishSessionToken, serviceGrant } from './oauth2-session.js'
import { type DPoPTokenRequest, isDPoPTokenType } from './dpop-prover.js'
import { HeaderMap } from '../http/header-map.js'
import type { OAuth2Token } from './oauth2-token.js'
import type { OAuth2SessionOptions, TokenOperationOptions } from './oauth2-session-options.js'
import type { TokenIntrospection } from './token-revocation.js'
import type { ExchangedToken, ExchangeTokenOptions } from './token-exchange.js'
import { readTokenResponse } from './token-endpoint.js'
import { assertSecureTransport } from './transport-security.js'
import { type AuthorizationServerMetadata, readSerializedMetadata } from './discovery.js'
import type { DeviceAuthorization, DeviceAuthorizationOptions, PollDeviceTokenOptions } from './device-flow.js'
import {
  checkPushExtras,
  pushAuthorizationParams,
  pushAuthorizationRequestSchema,
  type PushAuthorizationRequestOptions,
  pushedAuthorizationEndpoint,
  pushedAuthorizationUrl,
  refuseUnpushed,
} from './pushed-authorization.js'
import {
  CLIENT_AUTH_OPTION_NAMES,
  type ClientAuthOptions,
  type ConfiguredClientAuth,
  clientAuthShape,
  configureClientAuth,
  serializeClientAuth,
} from './client-authentication.js'
import { readSerializedClientAuth } from './client-auth-serialization.js'

/**
 * Turns a token response body into key/value pairs (rauth's `decoder`).
 *
 * @example
 * ```ts
 * import type { OAuth2TokenDecoder } from 'oauth-sessions'
 * const decoder: OAuth2TokenDecoder = (text) => JSON.parse(text) as Record<string, unknown>
 * ```
 * @group OAuth 2
 */
export type OAuth2TokenDecoder = (text: string) => Record<string, unknown>

/**
 * Options of {@link OAuth2Service}: rauth's constructor arguments in camelCase, and client
 * authentication ({@link ClientAuthOptions}), which the service's token requests and every session
 * it makes use. Without `clientAuth` the token request carries `client_id` and `client_secret` in
 * its data, as rauth sends them.
 *
 * @example
 * ```ts
 * import { OAuth2Service } from 'oauth-sessions'
 * const service = new OAuth2Service({
 *   name: 'example', clientId: '123', clientSecret: '456',
 *   accessTokenUrl: 'https://example.com/token', authorizeUrl: 'https://example.com/authorize', baseUrl: 'https://example.com/api/',
 * })
 * ```
 * @see rauth.OAuth2Service
 * @group OAuth 2
 */
export interface OAuth2ServiceOptions extends ClientAuthOptions {
  /** The client id. */
  clientId: string
  /**
   * The client secret. Required without `clientAuth` (rauth sends it in the token request) and
   * for the secret methods (`client_secret_basic`, `client_secret_post`, `client_secret_jwt`); left
   * out with a `clientAuth` that needs none (`private_key_jwt`, the mTLS methods, `none`, a strategy).
   */
  clientSecret?: string
  /** A name for the service. */
  name?: string
  /** The token endpoint. */
  accessTokenUrl?: string
  /** The authorization page. */
  authorizeUrl?: string
  /** The API's base URL; relative request URLs of sessions resolve against it. */
  baseUrl?: string
  /** Options for every session the service makes (timeouts, proxies, tokenUpdater ...). */
  sessionOptions?: OAuth2SessionOptions
  /** The class sessions are built with (rauth's `session_obj`): {@link OAuth2Session} (default) or a subclass. */
  sessionClass?: typeof OAuth2Session
  /** The revocation endpoint (RFC 7009) of {@link OAuth2Service.revokeToken}. */
  revocationUrl?: string
  /** The introspection endpoint (RFC 7662) of {@link OAuth2Service.introspectToken}. */
  introspectionUrl?: string
  /** The device authorization endpoint (RFC 8628 §3.1) of {@link OAuth2Service.deviceAuthorization}. */
  deviceAuthorizationUrl?: string
  /** The pushed authorization request endpoint (RFC 9126) of {@link OAuth2Service.pushAuthorizationRequest}. */
  pushedAuthorizationRequestUrl?: string
}

/**
 * Options of {@link OAuth2Service.getAccessToken}: rauth's `decoder` and `key`, plus every request option.
 *
 * @example
 * ```ts
 * import { OAuth2Service } from 'oauth-sessions'
 * declare const service: OAuth2Service
 * const token = await service.getAccessToken('POST', { data: { code: 'abc', grant_type: 'authorization_code', redirect_uri: 'https://app.example/cb' } })
 * ```
 * @group OAuth 2
 */
export interface AccessTokenOptions extends RequestOptions {
  /** How to decode the answer. Default: by Content-Type (JSON or form). */
  decoder?: OAuth2TokenDecoder
  /** The access token's key in the answer. Default `access_token`. */
  key?: string
}

/** The options serialize() writes and fromJSON() reads back (sessionOptions hold functions and stores: pass them again). */
const SERIALIZED = [
  'name',
  'clientId',
  'clientSecret',
  'accessTokenUrl',
  'authorizeUrl',
  'baseUrl',
  'revocationUrl',
  'introspectionUrl',
  'deviceAuthorizationUrl',
  'pushedAuthorizationRequestUrl',
] as const

const schema = lazySchema((z) =>
  z
    .object({
      clientId: z.string().min(1),
      clientSecret: z.string().optional(),
      name: z.string().optional(),
      accessTokenUrl: z.url().optional(),
      authorizeUrl: z.url().optional(),
      baseUrl: z.url().optional(),
      sessionOptions: oauth2SessionOptionsSchema().optional(),
      sessionClass: z.unknown().optional(),
      revocationUrl: httpUrlSchema().optional(),
      introspectionUrl: httpUrlSchema().optional(),
      deviceAuthorizationUrl: httpUrlSchema().optional(),
      pushedAuthorizationRequestUrl: httpUrlSchema().optional(),
      ...clientAuthShape(),
    })
    .strict(),
)

/**
 * rauth's `OAuth2Service`: a provider's endpoints and client credentials, which gets access
 * tokens and hands out {@link OAuth2Session}s.
 *
 * @example
 * ```ts
 * import { OAuth2Service } from 'oauth-sessions'
 * declare const service: OAuth2Service
 * const url = service.getAuthorizeUrl({ redirect_uri: 'https://app.example/cb', response_type: 'code' })
 * const session = await service.getAuthSession('POST', { data: { code: 'foobar', grant_type: 'authorization_code', redirect_uri: 'https://app.example/cb' } })
 * console.log((await session.get('me')).json())
 * ```
 * @see rauth.OAuth2Service
 * @group OAuth 2
 */
export class OAuth2Service extends Service<OAuth2Session, typeof OAuth2Session> {
  /** The client id. */
  readonly clientId: string
  /** The token endpoint. */
  accessTokenUrl: string | undefined
  /** The authorization page. */
  authorizeUrl: string | undefined
  /** The API's base URL. */
  baseUrl: string | undefined
  /** The last answer to an access-token request. */
  accessTokenResponse: Response | undefined
  /** The revocation endpoint (RFC 7009). */
  revocationUrl: string | undefined
  /** The introspection endpoint (RFC 7662). */
  introspectionUrl: string | undefined
  /** The device authorization endpoint (RFC 8628). */
  deviceAuthorizationUrl: string | undefined
  /** The pushed authorization request endpoint (RFC 9126). */
  pushedAuthorizationRequestUrl: string | undefined
  readonly #clientSecret: string | undefined
  readonly #sessionOptions: OAuth2SessionOptions
  #metadata: AuthorizationServerMetadata | undefined
  /** The client authentication options, given to every session too. */
  readonly #clientAuthOptions: ClientAuthOptions
  readonly #clientAuth: ConfiguredClientAuth | undefined

  /**
   * @throws {@link ConfigurationError} naming the wrong option (`sessionClass` when it is not {@link OAuth2Session} or a subclass)
   */
  constructor(options: OAuth2ServiceOptions) {
    parseOptions(schema(), options, 'OAuth2Service')
    super({ type: 'OAuth2Service', baseSessionClass: OAuth2Session, secretKeys: ['clientSecret', 'clientAssertionKey'] }, options.name, options.sessionClass)
    this.clientId = options.clientId
    if (options.clientSecret === undefined && options.clientAuth === undefined) {
      throw new ConfigurationError(
        'clientSecret',
        "OAuth2Service: clientSecret is mandatory (rauth sends it with the token request); a client without one sets clientAuth ('private_key_jwt', 'tls_client_auth', 'none' ...).",
      )
    }
    this.#clientSecret = options.clientSecret
    this.accessTokenUrl = options.accessTokenUrl
    this.authorizeUrl = options.authorizeUrl
    this.baseUrl = options.baseUrl
    this.#sessionOptions = options.sessionOptions ?? {}
    this.accessTokenResponse = undefined
    this.revocationUrl = options.revocationUrl
    this.introspectionUrl = options.introspectionUrl
    this.deviceAuthorizationUrl = options.deviceAuthorizationUrl
    this.pushedAuthorizationRequestUrl = options.pushedAuthorizationRequestUrl
    this.#clientAuthOptions = Object.fromEntries(
      CLIENT_AUTH_OPTION_NAMES()
        .filter((name) => options[name as keyof ClientAuthOptions] !== undefined)
        .map((name) => [name, options[name as keyof ClientAuthOptions]]),
    )
    this.#clientAuth = configureClientAuth(
      this.clientId,
      this.#clientSecret,
      this.#clientAuthOptions,
      'OAuth2Service',
      () => ({ issuer: this.#metadata?.issuer ?? this.#sessionOptions.issuer, metadata: this.#metadata }),
      this.#sessionOptions.cert !== undefined,
    )
  }

  /**
   * A service for the authorization server `issuer`, configured from its metadata as
   * {@link OAuth2Session.discover} reads it (the same well-known URLs, order, checks and cache,
   * through a session built with `sessionOptions`): `accessTokenUrl` and `authorizeUrl` default
   * to `token_endpoint` and `authorization_endpoint`, and every session it makes gets `issuer`,
   * `autoRefreshUrl` and `issuerParameterRequired` from it, and the metadata itself (`session.metadata`),
   * so that its calls take their endpoints from it as a discovered session's do; the service's
   * {@link OAuth2Service.revokeToken} and {@link OAuth2Service.introspectToken} too. Options you pass win.
   *
   * @example
   * ```ts
   * import { OAuth2Service } from 'oauth-sessions'
   * const service = await OAuth2Service.discover('https://idp.example.com', { clientId: 'id', clientSecret: 'secret', name: 'idp' })
   * console.log(service.getAuthorizeUrl({ redirect_uri: 'https://app.example/cb', response_type: 'code' }))
   * const session = await service.getAuthSession({ data: { grant_type: 'client_credentials' } })
   * ```
   * @throws {@link ConfigurationError} naming the wrong option, before any traffic
   * @throws {@link DiscoveryError} when no well-known URL serves a JSON document
   * @throws {@link InvalidMetadataError} when the document's issuer differs or a field is hostile
   * @see https://www.rfc-editor.org/rfc/rfc8414#section-3
   */
  static async discover(issuer: string, options: OAuth2ServiceOptions): Promise<OAuth2Service> {
    parseOptions(schema(), options, 'OAuth2Service')
    const sessionOptions = options.sessionOptions ?? {}
    const probe = await OAuth2Session.discover(issuer, options.clientId, sessionOptions)
    const metadata = probe.metadata as AuthorizationServerMetadata
    await probe.close()
    const service = new this(OAuth2Service.#discoveredOptions(options, metadata))
    service.#metadata = metadata
    return service
  }

  /** The options of a service configured from an issuer's (checked) metadata, as discover() and fromJSON() make it: options given win. */
  static #discoveredOptions(options: OAuth2ServiceOptions, metadata: AuthorizationServerMetadata): OAuth2ServiceOptions {
    const sessionOptions = options.sessionOptions ?? {}
    return {
      ...options,
      accessTokenUrl: options.accessTokenUrl ?? metadata.token_endpoint,
      authorizeUrl: options.authorizeUrl ?? metadata.authorization_endpoint,
      sessionOptions: {
        ...sessionOptions,
        issuer: sessionOptions.issuer ?? metadata.issuer,
        issuerParameterRequired: sessionOptions.issuerParameterRequired ?? metadata.authorization_response_iss_parameter_supported === true,
        ...(sessionOptions.autoRefreshUrl === undefined && metadata.token_endpoint !== undefined ? { autoRefreshUrl: metadata.token_endpoint } : {}),
      },
    }
  }

  /** The issuer's metadata when the service came from {@link OAuth2Service.discover}, else `undefined`. */
  get metadata(): AuthorizationServerMetadata | undefined {
    return this.#metadata
  }

  /** The client secret (`undefined` for a client that has none). Never shown by inspect or logs. */
  get clientSecret(): string | undefined {
    return this.#clientSecret
  }

  /**
   * A session with the access token when given (the same instance for the same token), or an
   * unauthenticated one.
   *
   * @see rauth.OAuth2Service.get_session
   */
  getSession(token?: string): OAuth2Session {
    return this.memoSession(token ?? '', () => this.#newSession(token === undefined ? {} : { accessToken: token }))
  }

  /** A session of this service (not memoised): its sessionOptions, client secret and base URL, `extra`, and the discovered metadata. */
  #newSession(extra: OAuth2SessionOptions): OAuth2Session {
    const options: OAuth2SessionOptions = { ...extra, ...this.#sessionOptions, ...this.#clientAuthOptions, clientSecret: this.#clientSecret, service: this }
    if (extra.accessToken !== undefined) options.accessToken = extra.accessToken
    if (this.baseUrl !== undefined && options.baseUrl === undefined) options.baseUrl = this.baseUrl
    const session = new this.sessionClass(this.clientId, options)
    // A discovered service's sessions take their endpoints from its metadata (deep-frozen: shared safely).
    if (this.#metadata !== undefined) attachMetadata(session, this.#metadata)
    return session
  }

  /**
   * The authorization URL with `client_id` and your parameters.
   *
   * @throws {@link ConfigurationError} when the discovered metadata says `require_pushed_authorization_requests`: call {@link OAuth2Service.pushAuthorizationRequest} instead
   * @see rauth.OAuth2Service.get_authorize_url
   */
  getAuthorizeUrl(params: Readonly<Record<string, string>> = {}): string {
    refuseUnpushed(this.#sessionOptions.requirePushedAuthorizationRequests ?? false, this.#metadata, 'getAuthorizeUrl')
    const url = parseUrlOption(this.#require(this.authorizeUrl, 'authorizeUrl'), 'authorizeUrl')
    for (const [name, value] of Object.entries(params)) url.searchParams.append(name, value)
    url.searchParams.append('client_id', this.clientId)
    return url.href
  }

  /**
   * {@link OAuth2Service.getAuthorizeUrl} through a pushed authorization request (RFC 9126): your
   * parameters and `client_id` are POSTed to the PAR endpoint (`url`, else
   * `pushedAuthorizationRequestUrl`, else the discovered `pushed_authorization_request_endpoint`),
   * authenticated with the client id and secret (Basic, or `includeClientId` for the body), and the
   * returned URL, at `authorizeUrl`, carries only `client_id` and the `request_uri` the server answered.
   * As with getAuthorizeUrl, the parameters are yours to choose (`redirect_uri`, `response_type`,
   * `state` ...).
   *
   * @example
   * ```ts
   * import { OAuth2Service } from 'oauth-sessions'
   * const service = await OAuth2Service.discover('https://idp.example.com', { clientId: 'id', clientSecret: 'secret' })
   * const url = await service.pushAuthorizationRequest({ redirect_uri: 'https://app.example/cb', response_type: 'code', state: 'xyz' })
   * // send the user to url; the callback's code goes to getAuthSession as usual
   * ```
   * @param params - the authorization request parameters
   * @param options - `url` (the PAR endpoint), the authorization endpoint, and client authentication as for fetchToken
   * @throws {@link ConfigurationError} naming `pushedAuthorizationRequestUrl` or `authorizeUrl` when there is none, before any traffic
   * @throws {@link TokenRequestError} (or a subclass) when the server refuses; {@link InvalidTokenResponseError} for a wrong answer
   * @see https://www.rfc-editor.org/rfc/rfc9126
   */
  async pushAuthorizationRequest(
    params: Readonly<Record<string, string>> = {},
    options: PushAuthorizationRequestOptions & { url?: string } = {},
  ): Promise<string> {
    const { url, ...rest } = options
    const settings = parseOptions(pushAuthorizationRequestSchema(), rest, 'pushAuthorizationRequest') as PushAuthorizationRequestOptions
    const z = zod()
    parseOptions(z.object({ url: httpUrlSchema().optional(), params: z.record(z.string(), z.string()) }), { url, params }, 'pushAuthorizationRequest')
    checkPushExtras(params)
    const endpoint = pushedAuthorizationEndpoint(url, this.pushedAuthorizationRequestUrl ?? this.#sessionOptions.pushedAuthorizationRequestUrl, this.#metadata)
    const authorizeUrl = parseUrlOption(settings.authorizationEndpoint ?? this.#require(this.authorizeUrl, 'authorizeUrl'), 'authorizeUrl').href
    const insecureTransport = this.#sessionOptions.insecureTransport ?? false
    assertSecureTransport(authorizeUrl, insecureTransport)
    const pairs: [string, string][] = [...Object.entries(params), ['client_id', this.clientId]]
    const push = {
      url: this.#clientAuth?.endpoint(endpoint, 'pushed_authorization_request_endpoint') ?? endpoint,
      params: pairs,
      clientId: this.clientId,
      clientSecret: this.#clientSecret,
      options: settings,
      insecureTransport,
      clientAuth: this.#clientAuth,
    }
    const pushed = await pushAuthorizationParams(this.getSession(), push)
    return pushedAuthorizationUrl(authorizeUrl, this.clientId, pushed)
  }

  /**
   * Requests an access token and returns the raw answer: the client credentials go in the body
   * for POST/PUT/PATCH and in the query otherwise, as rauth does.
   *
   * The options may come first (`getRawAccessToken({ data })`), as rauth's `method` has a default.
   *
   * @throws {@link InsecureTransportError} for a plain-http token URL outside loopback, before any traffic
   * @see rauth.OAuth2Service.get_raw_access_token
   */
  async getRawAccessToken(methodOrOptions: string | RequestOptions = 'POST', requestOptions: RequestOptions = {}): Promise<Response> {
    const [method, options] = typeof methodOrOptions === 'string' ? [methodOrOptions, requestOptions] : ['POST', methodOrOptions]
    return this.#requestAccessToken(method, options, this.getSession(), undefined)
  }

  /** The token request of getRawAccessToken, through `session`, proved with `dpop` when given. */
  async #requestAccessToken(method: string, options: RequestOptions, session: OAuth2Session, dpop: DPoPTokenRequest | undefined): Promise<Response> {
    const plain = this.#require(this.accessTokenUrl, 'accessTokenUrl')
    const url = this.#clientAuth?.endpoint(plain, 'token_endpoint') ?? plain
    // The client secret goes in this request: the same transport rule as every token request.
    assertSecureTransport(url, this.#sessionOptions.insecureTransport ?? false)
    // rauth sends the id and secret in the data; with clientAuth, its strategy authenticates instead.
    const credentials = this.#clientAuth === undefined ? { client_id: this.clientId, client_secret: this.#clientSecret } : {}
    const clientAuth = this.#clientAuth === undefined ? {} : { auth: this.#clientAuth.strategy }
    const entity = ['POST', 'PUT', 'PATCH'].includes(method.toUpperCase())
    const key = entity ? 'data' : 'params'
    const given = options[key]
    if (given !== undefined && given !== null && (typeof given !== 'object' || given instanceof Uint8Array || 'pipe' in given)) {
      throw new ConfigurationError(key, `Pass ${key} as an object so that the client credentials can be added to it.`)
    }
    const merged = {
      ...(given === undefined || given === null ? {} : Object.fromEntries(given instanceof URLSearchParams ? given : Object.entries(given as object))),
      ...credentials,
    }
    // The client secret may be in the body: no redirect re-sends it to another origin.
    const send = (headers?: HeaderMap): Promise<Response> =>
      underTokenCap(session, (cap) =>
        session.request(
          method,
          url,
          withCredentialBody({ ...cap, ...options, ...(headers ? { headers } : {}), ...clientAuth, [key]: merged, withholdToken: true }),
        ),
      )
    // DPoP: a proof from the key of the session that will hold the token (and one more send on use_dpop_nonce).
    this.accessTokenResponse = dpop === undefined ? await send() : await dpop.send(method, url, new HeaderMap(options.headers ?? {}), send)
    return this.accessTokenResponse
  }

  /**
   * Requests an access token and returns it.
   *
   * @throws {@link TokenMissingError} naming the keys the answer had
   * @see rauth.OAuth2Service.get_access_token
   */
  async getAccessToken(methodOrOptions: string | AccessTokenOptions = 'POST', accessOptions: AccessTokenOptions = {}): Promise<string> {
    const [method, options] = typeof methodOrOptions === 'string' ? [methodOrOptions, accessOptions] : ['POST', methodOrOptions]
    const { decoder, key = 'access_token', ...requestOptions } = options
    return (await this.#fetchAccessToken(method, requestOptions, key, decoder, this.getSession(), undefined))[key] as string
  }

  /**
   * Gets an access token and returns a session that sends it; the options may come first
   * (`getAuthSession({ data })`). With `sessionOptions.dpop`, the session is made first and its
   * key proves the token request (RFC 9449), so the token is bound to it; with scope `openid` and
   * the issuer known (discovery, or `issuer` and `jwksUri` in `sessionOptions`), the ID token is
   * validated as {@link OAuth2Session.fetchToken} validates it and the session has `idTokenClaims`.
   *
   * @example
   * ```ts
   * import { OAuth2Service } from 'oauth-sessions'
   * const service = await OAuth2Service.discover('https://idp.example.com', { clientId: 'id', clientSecret: 'secret', sessionOptions: { dpop: true } })
   * const session = await service.getAuthSession({ data: { grant_type: 'authorization_code', code: 'abc', redirect_uri: 'https://app.example/cb', scope: 'openid' } })
   * console.log(session.idTokenClaims?.sub, session.token.token_type) // 'user-7' 'DPoP'
   * ```
   * @throws {@link IdTokenValidationError} when the ID token fails: no session is handed out for it
   *
   * @see rauth.OAuth2Service.get_auth_session
   */
  async getAuthSession(methodOrOptions: string | AccessTokenOptions = 'POST', options: AccessTokenOptions = {}): Promise<OAuth2Session> {
    const [method, accessOptions] = typeof methodOrOptions === 'string' ? [methodOrOptions, options] : ['POST', methodOrOptions]
    const { decoder, key = 'access_token', ...requestOptions } = accessOptions
    const dpopOn = this.#sessionOptions.dpop !== undefined && this.#sessionOptions.dpop !== false
    // With DPoP the session comes first: its key proves the token request, so the token is bound to it.
    let session = dpopOn ? this.#newSession({}) : undefined
    try {
      const grant = session === undefined ? undefined : serviceGrant(session)
      const token = await this.#fetchAccessToken(method, requestOptions, key, decoder, session ?? this.getSession(), grant?.dpop)
      // rauth sends any token it gets; a MAC token (or a DPoP one without a key) is not a bearer credential: refused before any API request.
      if (!(dpopOn && isDPoPTokenType(token.token_type))) assertBearerTokenType(token.token_type)
      session ??= this.#newSession({ accessToken: token[key] as string })
      // OpenID Connect: the ID token is validated as fetchToken validates it; with DPoP, the session keeps the whole bound token.
      await (grant ?? serviceGrant(session)).accept(token as OAuth2Token, requestedScope(requestOptions), dpopOn)
    } catch (error) {
      await session?.close()
      throw error
    }
    const memo = this.memoSession(session.accessToken as string, () => session as OAuth2Session)
    if (memo !== session) {
      // A session for this access token existed already: it takes the token (and its claims are those of its own sign-in).
      if (dpopOn) memo.token = session.token
      await session.close()
      session = memo
    }
    session.accessTokenResponse = this.accessTokenResponse
    // With a tokenStore in sessionOptions, the token is shared: other processes' getSession() start from it.
    await publishSessionToken(session)
    return session
  }

  /** Requests the token and reads the answer by rauth's rule: an error body counts only when the token is missing. */
  async #fetchAccessToken(
    method: string,
    options: AccessTokenOptions,
    key: string,
    decoder: OAuth2TokenDecoder | undefined,
    session: OAuth2Session,
    dpop: DPoPTokenRequest | undefined,
  ): Promise<Record<string, unknown>> {
    const response = await this.#requestAccessToken(method, options, session, dpop)
    return readTokenResponse(response, { errors: 'missing-token', tokenField: key, decoder })
  }

  /**
   * Revokes a token at the revocation endpoint (RFC 7009), authenticated with the client id and
   * secret (Basic), as {@link OAuth2Session.revokeToken} with a token given.
   *
   * @example
   * ```ts
   * import { OAuth2Service } from 'oauth-sessions'
   * const service = new OAuth2Service({ clientId: 'id', clientSecret: 'secret', revocationUrl: 'https://idp.example.com/revoke' })
   * await service.revokeToken('a-refresh-token', { tokenTypeHint: 'refresh_token' })
   * ```
   * @throws {@link ConfigurationError} naming `revocationUrl` when there is none (nor a discovered `revocation_endpoint`) and no `url` is given
   * @see https://www.rfc-editor.org/rfc/rfc7009
   */
  async revokeToken(token: string, options: TokenOperationOptions = {}): Promise<void> {
    const url = options.url ?? this.#require(this.revocationUrl ?? this.#metadata?.revocation_endpoint, 'revocationUrl')
    await this.getSession().revokeToken(token, { ...options, url })
  }

  /**
   * Asks the introspection endpoint (RFC 7662) about a token, authenticated with the client id and
   * secret (Basic), as {@link OAuth2Session.introspectToken}.
   *
   * @example
   * ```ts
   * import { OAuth2Service } from 'oauth-sessions'
   * const service = new OAuth2Service({ clientId: 'id', clientSecret: 'secret', introspectionUrl: 'https://idp.example.com/introspect' })
   * const { active } = await service.introspectToken('a-token')
   * ```
   * @throws {@link ConfigurationError} naming `introspectionUrl` when there is none (nor a discovered `introspection_endpoint`) and no `url` is given
   * @see https://www.rfc-editor.org/rfc/rfc7662
   */
  async introspectToken(token: string, options: TokenOperationOptions = {}): Promise<TokenIntrospection> {
    const url = options.url ?? this.#require(this.introspectionUrl ?? this.#metadata?.introspection_endpoint, 'introspectionUrl')
    return this.getSession().introspectToken(token, { ...options, url })
  }

  /**
   * Starts the device authorization grant (RFC 8628 §3.1) as {@link OAuth2Session.deviceAuthorization}
   * does, with the same options, authenticated with the client id and secret (Basic): at `url`,
   * else `deviceAuthorizationUrl`, else the discovered `device_authorization_endpoint`. Show the
   * user `userCode` and `verificationUri`, then call {@link OAuth2Service.pollDeviceToken}.
   *
   * @example
   * ```ts
   * import { OAuth2Service } from 'oauth-sessions'
   * const service = new OAuth2Service({
   *   clientId: 'tv-app', clientSecret: 'secret',
   *   accessTokenUrl: 'https://idp.example.com/token', deviceAuthorizationUrl: 'https://idp.example.com/device/code',
   * })
   * const device = await service.deviceAuthorization({ scope: 'openid' })
   * console.error(`Open ${device.verificationUri} and enter ${device.userCode}`)
   * const session = await service.pollDeviceToken(device)
   * ```
   * @throws {@link ConfigurationError} naming `deviceAuthorizationUrl` when no endpoint is known, or an option that is wrong, before any traffic
   * @throws {@link TokenRequestError} (or a subclass) when the provider refuses; {@link InvalidTokenResponseError} for a wrong answer
   * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.1
   */
  async deviceAuthorization(url?: string | DeviceAuthorizationOptions, options: DeviceAuthorizationOptions = {}): Promise<DeviceAuthorization> {
    if (typeof url === 'object' && url !== null) return this.deviceAuthorization(undefined, url)
    const known = this.deviceAuthorizationUrl ?? this.#metadata?.device_authorization_endpoint ?? this.#sessionOptions.deviceAuthorizationUrl
    return this.getSession().deviceAuthorization(url ?? this.#require(known, 'deviceAuthorizationUrl'), options)
  }

  /**
   * Polls the token endpoint (`tokenUrl`, else `accessTokenUrl`) with the device code as
   * {@link OAuth2Session.pollDeviceToken} does, with the same options and timing (RFC 8628 §3.5),
   * and returns the session that holds the token once the user has approved, as
   * {@link OAuth2Service.getAuthSession} does: the whole token (its refresh token too), refreshed
   * at the token endpoint it polled unless `sessionOptions` name another `autoRefreshUrl`, written
   * to the `tokenStore` of `sessionOptions`, and memoised (`getSession(accessToken)` finds it).
   *
   * @example
   * ```ts
   * import { OAuth2Service } from 'oauth-sessions'
   * const service = await OAuth2Service.discover('https://idp.example.com', { clientId: 'tv-app', clientSecret: 'secret' })
   * const device = await service.deviceAuthorization()
   * console.error(`Open ${device.verificationUriComplete ?? device.verificationUri}`)
   * const session = await service.pollDeviceToken(device, { signal: AbortSignal.timeout(600_000) })
   * console.log((await session.get('https://api.example.com/me')).json())
   * ```
   * @throws {@link ConfigurationError} naming `accessTokenUrl` when there is no token endpoint, or an option that is wrong, before any traffic
   * @throws {@link AccessDeniedError}, {@link ExpiredTokenError}, {@link DeviceAuthorizationExpiredError} or {@link AbortError}, as the session's
   * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.4
   */
  async pollDeviceToken(device: DeviceAuthorization, options: PollDeviceTokenOptions = {}): Promise<OAuth2Session> {
    parseOptions(pollDeviceTokenSchema(), options, 'pollDeviceToken')
    const tokenUrl = options.tokenUrl ?? this.#require(this.accessTokenUrl, 'accessTokenUrl')
    // A session of its own: the memoised unauthenticated one (getSession()) never gets the user's token.
    const session = this.#newSession({ autoRefreshUrl: tokenUrl })
    try {
      await session.pollDeviceToken(device, { ...options, tokenUrl })
    } catch (error) {
      await session.close()
      throw error
    }
    const memo = this.memoSession(session.accessToken as string, () => session)
    if (memo === session) return session
    // A session for this access token existed already: it takes the whole token, refresh token included.
    memo.token = session.token
    await session.close()
    return memo
  }

  /**
   * Exchanges a token for another (RFC 8693) at the token endpoint (`url`, else `accessTokenUrl`),
   * authenticated with the client id and secret (Basic), as {@link OAuth2Session.exchangeToken};
   * the issued token is returned, never kept.
   *
   * @example
   * ```ts
   * import { OAuth2Service } from 'oauth-sessions'
   * const service = new OAuth2Service({ clientId: 'gateway', clientSecret: 'secret', accessTokenUrl: 'https://idp.example.com/token' })
   * const issued = await service.exchangeToken({ subjectToken: 'user-token', subjectTokenType: 'access_token', audience: 'orders-api' })
   * ```
   * @throws {@link ConfigurationError} naming `accessTokenUrl` when there is none and no `url` is given
   * @see https://www.rfc-editor.org/rfc/rfc8693#section-2
   */
  async exchangeToken(options: Omit<ExchangeTokenOptions, 'adopt'>): Promise<ExchangedToken> {
    const url = options.url ?? this.#require(this.accessTokenUrl, 'accessTokenUrl')
    return this.getSession().exchangeToken({ ...options, url, adopt: false })
  }

  /**
   * Everything {@link OAuth2Service.fromJSON} needs, the client secret included: calling it is your
   * explicit act (toJSON() redacts). The `clientAuth` method and its options go too, the
   * `private_key_jwt` key as a private JWK; a `clientAuth` strategy (an object) does not: pass it
   * to fromJSON again, in `overrides`.
   */
  override serialize(): Record<string, unknown> {
    return {
      type: 'OAuth2Service',
      name: this.name,
      clientId: this.clientId,
      clientSecret: this.#clientSecret,
      accessTokenUrl: this.accessTokenUrl,
      authorizeUrl: this.authorizeUrl,
      baseUrl: this.baseUrl,
      revocationUrl: this.revocationUrl,
      introspectionUrl: this.introspectionUrl,
      deviceAuthorizationUrl: this.deviceAuthorizationUrl,
      // Checked again by fromJSON, as a fetched document is.
      metadata: this.#metadata,
      pushedAuthorizationRequestUrl: this.pushedAuthorizationRequestUrl,
      // The clientAuth method and options, its key as a JWK (a strategy is not: pass it again).
      ...serializeClientAuth(this.#clientAuth),
    }
  }

  /** Rebuilds a service from {@link OAuth2Service.serialize} output (the name of DESIGN's porting rules; `fromJSON` does the same). */
  static deserialize(json: Record<string, unknown> | string, overrides: Partial<OAuth2ServiceOptions> = {}): OAuth2Service {
    return OAuth2Service.fromJSON(json, overrides)
  }

  /**
   * Rebuilds a service from {@link OAuth2Service.serialize} output. The JSON is read as untrusted:
   * the options are checked as the constructor checks them, and a discovered service's metadata
   * field by field as {@link OAuth2Service.discover} checks a document; its sessions then take
   * their endpoints, issuer and refresh URL from it again.
   *
   * @throws {@link ConfigurationError} naming an option that is wrong
   * @throws {@link InvalidMetadataError} naming the metadata field that is wrong
   */
  static fromJSON(json: Record<string, unknown> | string, overrides: Partial<OAuth2ServiceOptions> = {}): OAuth2Service {
    const options = readServiceJSON(json, 'OAuth2Service', [...SERIALIZED, ...CLIENT_AUTH_OPTION_NAMES(), 'metadata'])
    const { metadata: serialized, ...rest } = options
    const plain = Object.fromEntries(Object.entries(rest).filter(([name]) => !CLIENT_AUTH_OPTION_NAMES().includes(name)))
    const given = { ...(plain as unknown as OAuth2ServiceOptions), ...overrides }
    Object.assign(given, readSerializedClientAuth(rest, given, 'OAuth2Service.fromJSON'))
    parseOptions(schema(), given, 'OAuth2Service')
    const metadata = readSerializedMetadata(serialized, given.sessionOptions?.insecureTransport ?? false, 'the serialized service (OAuth2Service.fromJSON)')
    if (metadata === undefined) return new OAuth2Service(given)
    const service = new OAuth2Service(OAuth2Service.#discoveredOptions(given, metadata))
    service.#metadata = metadata
    return service
  }

  /** @internal the client id, which `String()` shows when the service has no name. */
  protected override get identifier(): string {
    return this.clientId
  }

  #require(url: string | undefined, option: string): string {
    if (url === undefined) throw new ConfigurationError(option, `This OAuth2Service has no ${option}: pass it to the constructor.`)
    return url
  }
}

/** The scope a token request asks for (its `scope` parameter), for the OpenID Connect check when sessionOptions name none. */
function requestedScope(options: RequestOptions): string | undefined {
  for (const given of [options.data, options.params]) {
    const scope =
      given instanceof URLSearchParams
        ? given.get('scope')
        : typeof given === 'object' && given !== null && !(given instanceof Uint8Array)
          ? (given as Record<string, unknown>).scope
          : undefined
    if (typeof scope === 'string') return scope
  }
  return undefined
}
