import { lazySchema } from '../http/lazy-schema.js'
import { untilAborted } from '../http/until-aborted.js'
import type { Service } from '../http/service.js'
import { parseUrlOption } from '../http/parse-url.js'
import { HTTPBasicAuth } from '../auth/http-basic-auth.js'
import type { AuthStrategy } from '../auth/auth-strategy.js'
import { randomAlphanumeric } from '../security/random-alphanumeric.js'
import { redactToken } from '../security/secret-names.js'
import { redactUrl } from '../security/redact-url.js'
import { scrubSecrets } from '../security/scrub-secrets.js'
import { timingSafeEqualText } from '../security/timing-safe-equal.js'
import { ConfigurationError, TokenMissingError, parseSerialized } from '../errors.js'
import { decodePairs, type ParamPairs } from '../http/form-encoding.js'
import type { Response } from '../http/response.js'
import { Session } from '../http/session.js'
import { checkOptionKeys, type OptionsSchema, parseOptions } from '../http/parse-options.js'
import { splitOptions } from '../http/split-options.js'
import { appendQuery } from '../http/append-query.js'
import { ComplianceHookRegistry, type ComplianceHooks, type ComplianceHookType } from './compliance-hooks.js'
import { type OAuth2Client, WebApplicationClient } from './grant-clients.js'
import { type BearerChoices, BearerTokenAuth, type BearerTokenSource } from './bearer-token-auth.js'
import { DPoPProver, type DPoPTokenRequest } from './dpop-prover.js'
import { readSerializedClientAuth } from './client-auth-serialization.js'
import { redirectRefusal, stateMismatch } from './authorization-response.js'
import { MismatchingStateError } from './oauth2-errors.js'
import { SharedSessionToken, type SharedTokenHost } from './session-token-sharing.js'
import { tokenKeyFor } from '../tokens/token-key.js'
import type { TokenStore } from '../tokens/token-store.js'
import type {
  FetchTokenOptions,
  OAuth2RequestOptions,
  OAuth2SessionOptions,
  RefreshTokenOptions,
  TokenOperationOptions,
  TokenUpdater,
} from './oauth2-session-options.js'
import { isExpired, normalizeToken, scopeToList, scopeToString, type OAuth2Token } from './oauth2-token.js'
import { codeChallenge, createCodeVerifier, type PkceMethod } from './pkce.js'
import { scopeChange } from './scope-check.js'
import {
  checkTokenKey,
  deviceAuthorizationSchema,
  deviceUrlSchema,
  fetchTokenSchema,
  oauth2RequestOptionsSchema,
  oauth2SessionOptionsSchema,
  parseClientId,
  parseToken,
  pollDeviceTokenSchema,
  refreshTokenSchema,
  splitTokenOptions,
  parseOperationToken,
  tokenOperationSchema,
} from './oauth2-session-schemas.js'
import { oauth2SessionOptionsFrom } from './oauth2-session-arguments.js'
import { introspectTokenAt, operationEndpoint, revokeAndForget, revokeTokenAt, type TokenIntrospection, tokenOperationBody } from './token-revocation.js'
import { requestToken, sendTokenRequest, type TokenRequest } from './token-endpoint.js'
import { type ClientAuthEndpoint, clientAuthentication, type ConfiguredClientAuth, configureClientAuth, serializeClientAuth } from './client-authentication.js'
import {
  checkDevice,
  deviceClientAuth,
  DEVICE_CODE_GRANT,
  type DeviceAuthorization,
  type DeviceAuthorizationOptions,
  type PollDeviceTokenOptions,
  pollForDeviceToken,
  readDeviceAuthorization,
} from './device-flow.js'
import { type RenewalPlan, renewToken, SingleFlight } from './token-renewal.js'
import { assertSecureTransport } from './transport-security.js'
import { type ExchangedToken, type ExchangeTokenOptions, exchangeTokenFor } from './token-exchange.js'
import { type AuthorizationServerMetadata, discoverMetadata, readSerializedMetadata } from './discovery.js'
import {
  checkPushExtras,
  pushArgumentsSchema,
  pushAuthorizationParams,
  pushAuthorizationRequestSchema,
  type PushAuthorizationRequestOptions,
  pushClientId,
  pushedAuthorizationEndpoint,
  pushedAuthorizationUrl,
  refuseUnpushed,
} from './pushed-authorization.js'
import { OpenIdConnect, type OpenIdConnectHost, type UserinfoOptions } from './openid-connect.js'
import type { IdTokenClaims } from './id-token.js'

/** The settings checked again when assigned after construction. */
const settableSchema = lazySchema(() => oauth2SessionOptionsSchema().pick({ autoRefreshUrl: true, tokenUpdater: true }))
/** Each session's write of its token to its store, for the service that made it. */
const publishers = new WeakMap<OAuth2Session, () => Promise<void>>()

/**
 * Writes a session's token to its `tokenStore`, when it has one: OAuth2Service's getAuthSession
 * shares the token it fetched for the session it makes.
 *
 * @internal
 */
export function publishSessionToken(session: OAuth2Session): Promise<void> {
  return publishers.get(session)?.() ?? Promise.resolve()
}

/** Set by the class's static block: the one way code outside the class gives a session its metadata. */
let setMetadata: (session: OAuth2Session, metadata: AuthorizationServerMetadata) => void

/**
 * Gives a session the (validated, frozen) metadata of an issuer, as {@link OAuth2Session.discover}
 * does: OAuth2Service's sessions get the service's, and fromJSON restores the serialized one.
 *
 * @internal
 */
export function attachMetadata(session: OAuth2Session, metadata: AuthorizationServerMetadata): void {
  setMetadata(session, metadata)
}

let makeServiceGrant: (session: OAuth2Session) => ServiceGrant

/**
 * What {@link OAuth2Service.getAuthSession} needs of the session it fills: the DPoP proof of its
 * token request (the session's key, so the token is bound to it), then the ID-token check
 * (OpenID Connect, as fetchToken's) and, with `keep`, the whole token put in place.
 *
 * @internal
 */
export interface ServiceGrant {
  readonly dpop: DPoPTokenRequest | undefined
  accept(token: OAuth2Token, scope: string | undefined, keep: boolean): Promise<void>
}

/** The {@link ServiceGrant} of a session. @internal */
export function serviceGrant(session: OAuth2Session): ServiceGrant {
  return makeServiceGrant(session)
}

/**
 * A {@link Session} that adds an OAuth 2 token to every request, with the flow helpers of
 * requests-oauthlib's `OAuth2Session` and the options of rauth's: authorization URL, token
 * fetch for every grant, refresh (automatic, single-flight), PKCE, state checks and compliance hooks.
 *
 * @example
 * ```ts
 * import { OAuth2Session } from 'oauth-sessions'
 * const github = new OAuth2Session('client-id', { redirectUri: 'https://app.example/callback' })
 * const [url, state] = github.authorizationUrl('https://github.com/login/oauth/authorize')
 * console.log('Authorize at', url)
 * // ... later, on the callback:
 * await github.fetchToken('https://github.com/login/oauth/access_token', {
 *   authorizationResponse: 'https://app.example/callback?code=abc&state=' + state,
 *   clientSecret: process.env.GITHUB_CLIENT_SECRET,
 * })
 * console.log((await github.get('https://api.github.com/user')).json())
 * ```
 * @see requests_oauthlib.OAuth2Session
 * @see rauth.OAuth2Session
 * @group OAuth 2
 */
export class OAuth2Session extends Session<OAuth2RequestOptions> {
  /** The client id. */
  readonly clientId: string | undefined
  /** The grant. */
  readonly client: OAuth2Client
  /**
   * The scope asked for, as given: text is sent as it is (`'a,b'` stays `a,b`), a list is joined
   * with spaces, as oauthlib's `list_to_scope` does.
   */
  scope: string | string[] | undefined
  /** The redirect URI. */
  redirectUri: string | undefined
  /** Extra parameters of automatic refreshes. */
  autoRefreshKwargs: Readonly<Record<string, string>>
  /** rauth's back reference to the service that made this session. */
  service: Service<OAuth2Session> | undefined
  /** The query parameter name of the token when `bearerAuth` is false (rauth). */
  accessTokenKey: string
  /** The PKCE method of the authorization code grant, or `undefined` when PKCE is off. */
  readonly pkce: PkceMethod | undefined
  /** The answer to the access-token request, when a service made this session (rauth). */
  accessTokenResponse: Response | undefined
  /**
   * The issuer an authorization response must name in its RFC 9207 `iss` (the `issuer` option);
   * `undefined` ignores `iss`.
   */
  issuer: string | undefined
  /** Whether an authorization response without `iss` is refused (the `issuerParameterRequired` option). */
  issuerParameterRequired: boolean
  /** The revocation endpoint (RFC 7009) of {@link OAuth2Session.revokeToken} (the `revocationUrl` option). */
  readonly revocationUrl: string | undefined
  /** The introspection endpoint (RFC 7662) of {@link OAuth2Session.introspectToken} (the `introspectionUrl` option). */
  readonly introspectionUrl: string | undefined
  /** The pushed authorization request endpoint (RFC 9126) of {@link OAuth2Session.pushAuthorizationRequest} (the `pushedAuthorizationRequestUrl` option). */
  readonly pushedAuthorizationRequestUrl: string | undefined
  /** Whether {@link OAuth2Session.authorizationUrl} refuses, for a client that must push (the `requirePushedAuthorizationRequests` option). */
  readonly requirePushedAuthorizationRequests: boolean
  readonly #hooks = new ComplianceHookRegistry()
  readonly #bearer: BearerTokenAuth
  readonly #stateOption: string | (() => string) | undefined
  readonly #insecure: boolean
  readonly #relaxScope: boolean
  #clientSecret: string | undefined
  #bearerAuth: boolean
  #autoRefreshUrl: string | undefined
  readonly #deviceAuthorizationUrl: string | undefined
  #tokenUpdater: TokenUpdater | undefined
  #token: OAuth2Token = {}
  #state: string | undefined
  #codeVerifier: string | undefined
  /** The state of the last accepted authorization response: single use, until the next authorization URL. */
  #stateSpent = false
  /** The extra parameters of the last client-credentials fetch, replayed when that token expires. */
  #grantExtras: { url: string; options: FetchTokenOptions } | undefined
  readonly #renewals = new SingleFlight<OAuth2Token>()
  /** The shared store of the token, and how this session uses it (DESIGN §10). */
  readonly #shared: SharedSessionToken | undefined
  /** The token endpoint of the last fetchToken: part of the default store key. */
  #fetchUrl: string | undefined
  /** The issuer's metadata, when the session came from {@link OAuth2Session.discover}. */
  #metadata: AuthorizationServerMetadata | undefined
  /** The DPoP key and nonces (RFC 9449), when the `dpop` option is on. */
  readonly #dpop: DPoPProver | undefined
  /** The `clientAuth` option, checked: every endpoint that authenticates the client applies it. */
  readonly #clientAuth: ConfiguredClientAuth | undefined
  /** OpenID Connect: the nonce, ID-token validation and its claims, UserInfo. */
  readonly #oidc: OpenIdConnect

  /** @internal */
  static override get requestOptionsSchema(): OptionsSchema {
    return oauth2RequestOptionsSchema()
  }

  static {
    setMetadata = (session, metadata) => {
      session.#metadata = metadata
    }
    makeServiceGrant = (session) => {
      const dpop = session.#dpop?.forTokenRequest(session.#token)
      return {
        dpop,
        accept: async (answer, scope, keep) => {
          const token = dpop === undefined ? answer : dpop.bind(answer)
          const host = session.#oidcHost()
          await session.#oidc.check(session, host.scope === undefined ? { ...host, scope } : host, token, 'access_token')
          if (keep) session.#token = normalizeToken(parseToken(token, session.accessTokenKey, 'getAuthSession'))
        },
      }
    }
  }

  /**
   * requests-oauthlib's form: the client id and the options.
   *
   * @param clientId - the client id
   * @param options - requests-oauthlib's keyword arguments in camelCase, rauth's, and the Session's
   */
  constructor(clientId?: string, options?: OAuth2SessionOptions)
  /**
   * rauth's positional form, `OAuth2Session(client_id, client_secret, access_token, service,
   * access_token_key)`, told by its second argument: text, or `undefined` with more arguments
   * after it. Each may also come as an option, not both.
   *
   * @example
   * ```ts
   * import { OAuth2Session } from 'oauth-sessions'
   * const session = new OAuth2Session('client-id', 'client-secret', 'access-token', undefined, 'oauth_token', { baseUrl: 'https://api.example.com/' })
   * ```
   * @param clientId - the client id
   * @param clientSecret - the client secret
   * @param accessToken - an access token you already have
   * @param service - the service that made the session
   * @param accessTokenKey - the query parameter of the token when `bearerAuth` is false (default `access_token`)
   * @param options - the other options
   * @see rauth.OAuth2Session
   */
  constructor(
    clientId: string | undefined,
    clientSecret: string | undefined,
    accessToken?: string,
    service?: Service<OAuth2Session>,
    accessTokenKey?: string,
    options?: OAuth2SessionOptions,
  )
  constructor(clientId?: string, ...rest: unknown[]) {
    const options = oauth2SessionOptionsFrom(rest, new.target.name)
    const parsed = parseOptions(oauth2SessionOptionsSchema(), options, new.target.name) as OAuth2SessionOptions
    const { sessionOptions, own: oauthOptions } = splitOptions(parsed, oauth2SessionOptionsSchema())
    super(sessionOptions)
    this.clientId = parseClientId(clientId, new.target.name) ?? oauthOptions.client?.clientId
    this.client = oauthOptions.client ?? new WebApplicationClient(this.clientId ?? '')
    this.scope = typeof oauthOptions.scope === 'string' ? oauthOptions.scope : scopeToList(oauthOptions.scope)
    this.redirectUri = oauthOptions.redirectUri
    this.#autoRefreshUrl = oauthOptions.autoRefreshUrl
    this.#deviceAuthorizationUrl = oauthOptions.deviceAuthorizationUrl
    this.autoRefreshKwargs = oauthOptions.autoRefreshKwargs ?? {}
    this.#tokenUpdater = oauthOptions.tokenUpdater
    this.service = oauthOptions.service
    this.accessTokenKey = oauthOptions.accessTokenKey ?? 'access_token'
    this.pkce = oauthOptions.pkce === false || !this.client.supportsPkce ? undefined : (oauthOptions.pkce ?? 'S256')
    if (oauthOptions.codeVerifier !== undefined && this.pkce === undefined) {
      throw new ConfigurationError('codeVerifier', 'codeVerifier needs PKCE: leave out pkce: false (and use a grant with PKCE, such as WebApplicationClient).')
    }
    this.#codeVerifier = oauthOptions.codeVerifier
    this.#stateOption = oauthOptions.state
    // A state given as text is the one the callback must carry (the second request of a web app
    // builds a new session with the state it saved): it is checked from the start.
    if (typeof oauthOptions.state === 'string') this.#state = oauthOptions.state
    this.#insecure = oauthOptions.insecureTransport ?? false
    this.#relaxScope = oauthOptions.relaxTokenScope ?? false
    this.#clientSecret = oauthOptions.clientSecret
    this.#clientAuth = configureClientAuth(
      this.clientId,
      this.#clientSecret,
      oauthOptions,
      new.target.name,
      () => ({ issuer: this.issuer, metadata: this.#metadata }),
      sessionOptions.cert !== undefined,
    )
    if (oauthOptions.token !== undefined && oauthOptions.accessToken !== undefined) {
      throw new ConfigurationError('accessToken', 'Pass either token (requests-oauthlib) or accessToken (rauth), not both.')
    }
    // parseOptions ran tokenSchema on the token option already: only the accessTokenKey field is left to check.
    if (oauthOptions.token !== undefined) this.#token = normalizeToken(checkTokenKey(oauthOptions.token, this.accessTokenKey, new.target.name))
    if (oauthOptions.accessToken !== undefined) this.#token = { access_token: oauthOptions.accessToken }
    this.accessTokenResponse = undefined
    if (oauthOptions.issuerParameterRequired === true && oauthOptions.issuer === undefined) {
      throw new ConfigurationError('issuerParameterRequired', 'issuerParameterRequired needs issuer: pass the issuer the authorization responses must name.')
    }
    this.issuer = oauthOptions.issuer
    this.issuerParameterRequired = oauthOptions.issuerParameterRequired ?? false
    this.#bearerAuth = oauthOptions.bearerAuth ?? true
    this.revocationUrl = oauthOptions.revocationUrl
    this.introspectionUrl = oauthOptions.introspectionUrl
    this.pushedAuthorizationRequestUrl = oauthOptions.pushedAuthorizationRequestUrl
    this.requirePushedAuthorizationRequests = oauthOptions.requirePushedAuthorizationRequests ?? false
    this.#dpop = DPoPProver.from(oauthOptions.dpop)
    this.#oidc = new OpenIdConnect(oauthOptions)
    this.#shared = SharedSessionToken.from(oauthOptions, this.client, this.#sharedHost())
    if (this.#shared !== undefined) publishers.set(this, () => (this.#shared as SharedSessionToken).publish(this.#token))
    this.#bearer = new BearerTokenAuth(this.#tokenSource())
    this.auth = this.#bearer
  }

  /**
   * A session for the authorization server `issuer`, configured from its metadata (RFC 8414,
   * OpenID Connect Discovery 1.0), fetched through the new session itself: its proxies, timeouts,
   * `deadline` and `maxTokenResponseSize` apply, and no redirect to another origin is followed.
   *
   * The well-known URLs are tried in this order: RFC 8414's
   * `/.well-known/oauth-authorization-server` inserted before the issuer's path
   * (`https://as.example/tenant` → `https://as.example/.well-known/oauth-authorization-server/tenant`),
   * then OpenID Connect's `/.well-known/openid-configuration` appended to it
   * (`https://as.example/tenant/.well-known/openid-configuration`). RFC 8414 goes first because it
   * is the OAuth 2 document; an OIDC-only provider costs one 404, once per cache lifetime. An HTTP
   * error or a body that is not JSON moves on to the next URL; a document found but wrong is raised.
   * Both URLs and their redirects share one time budget (the `deadline` option, else `timeout`, else
   * 30 s: past it a {@link TimeoutError} with `phase: 'deadline'`), and discoveries of one issuer
   * running at the same time share their requests; a failure is never cached.
   *
   * The document's `issuer` must equal `issuer` exactly (a string compare: mind the trailing
   * slash). Documents are cached per process by issuer, as long as their `Cache-Control: max-age`
   * or `Expires` allow (10 minutes without either, 24 hours at most; `no-store` / `no-cache`:
   * not cached).
   *
   * The session then takes its endpoints from the metadata when a call gives none:
   * `authorizationUrl()`, `fetchToken({ ... })`, `refreshToken()`; `autoRefreshUrl` defaults to
   * `token_endpoint`, `issuer` to the issuer (so RFC 9207 `iss` is checked), and
   * `issuerParameterRequired` to `true` when the metadata says
   * `authorization_response_iss_parameter_supported`. Options you pass win.
   *
   * @example
   * ```ts
   * import { OAuth2Session } from 'oauth-sessions'
   * const session = await OAuth2Session.discover('https://accounts.google.com', 'client-id', {
   *   redirectUri: 'https://app.example/callback',
   *   scope: ['openid', 'email'],
   *   clientSecret: process.env.GOOGLE_CLIENT_SECRET,
   * })
   * const [url, state] = session.authorizationUrl()
   * // ... later, on the callback:
   * await session.fetchToken({ authorizationResponse: 'https://app.example/callback?code=abc&state=' + state })
   * ```
   * @param issuer - the issuer identifier, exactly as the provider spells it
   * @param clientId - the client id
   * @param options - the options of {@link OAuth2Session}
   * @throws {@link ConfigurationError} naming `issuer` when it is no https URL (http on loopback), before any traffic
   * @throws {@link DiscoveryError} when no well-known URL serves a JSON document
   * @throws {@link InvalidMetadataError} when the document's issuer differs, or a field is of the wrong type or an insecure URL
   * @see https://www.rfc-editor.org/rfc/rfc8414#section-3
   * @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfig
   */
  static async discover(issuer: string, clientId?: string, options: OAuth2SessionOptions = {}): Promise<OAuth2Session> {
    const session = new this(clientId, { ...options, issuer: options.issuer ?? issuer })
    let metadata: AuthorizationServerMetadata
    try {
      metadata = await discoverMetadata(session, issuer, session.#insecure)
    } catch (error) {
      await session.close()
      throw error
    }
    session.#metadata = metadata
    if (options.autoRefreshUrl === undefined && metadata.token_endpoint !== undefined) session.#autoRefreshUrl = metadata.token_endpoint
    if (options.issuerParameterRequired === undefined && metadata.authorization_response_iss_parameter_supported === true) {
      session.issuerParameterRequired = true
    }
    return session
  }

  /**
   * The issuer's metadata when the session came from {@link OAuth2Session.discover} (validated and
   * frozen), else `undefined`. Endpoints a call leaves out are read from it.
   */
  get metadata(): AuthorizationServerMetadata | undefined {
    return this.#metadata
  }

  /** The store the token is shared through (the `tokenStore` option), if any. */
  get tokenStore(): TokenStore | undefined {
    return this.#shared?.store
  }

  /**
   * The token's key in `tokenStore`: the `tokenKey` option, else {@link tokenKeyFor} of the token
   * endpoint (`autoRefreshUrl`, else the URL of the last fetchToken), client id, grant and scope;
   * `undefined` without a store or while no endpoint is known.
   */
  get tokenKey(): string | undefined {
    const shared = this.#shared
    if (shared === undefined) return undefined
    if (shared.key !== undefined) return shared.key
    const tokenUrl = this.autoRefreshUrl ?? this.#fetchUrl
    if (tokenUrl === undefined) return undefined
    return tokenKeyFor({ tokenUrl, clientId: this.clientId, grantType: this.client.grantType, subject: shared.subject, scope: this.scope })
  }

  /** The current token (`{}` before one is fetched). */
  get token(): OAuth2Token {
    return this.#token
  }

  /** Where an expired token is refreshed automatically: an absolute http(s) URL, checked when set. */
  get autoRefreshUrl(): string | undefined {
    return this.#autoRefreshUrl
  }

  /** @throws {@link ConfigurationError} naming `autoRefreshUrl` when the value is not an absolute http(s) URL */
  set autoRefreshUrl(value: string | undefined) {
    this.#autoRefreshUrl = parseOptions(settableSchema(), { autoRefreshUrl: value }, this.constructor.name).autoRefreshUrl
  }

  /** Called with each automatically refreshed token; checked to be a function when set. */
  get tokenUpdater(): TokenUpdater | undefined {
    return this.#tokenUpdater
  }

  /** @throws {@link ConfigurationError} naming `tokenUpdater` when the value is not a function */
  set tokenUpdater(value: TokenUpdater | undefined) {
    this.#tokenUpdater = parseOptions(settableSchema(), { tokenUpdater: value }, this.constructor.name).tokenUpdater
  }

  /**
   * Replaces the token; `expires_in` becomes `expires_at`.
   *
   * @throws {@link ConfigurationError} naming the field when one OAuth 2 reads has the wrong type
   */
  set token(value: OAuth2Token) {
    this.#token = normalizeToken(parseToken(value, this.accessTokenKey, `${this.constructor.name}.token`))
    // The claims were those of the token replaced.
    this.#oidc.forget()
  }

  /** The access token, if any (rauth's `access_token`, requests-oauthlib's `access_token`). */
  get accessToken(): string | undefined {
    return this.#token.access_token
  }

  /**
   * Replaces the access token of the token, keeping its other fields, as assigning rauth's
   * `access_token` does. To drop the token, set `token = {}`.
   *
   * @throws {@link ConfigurationError} naming `accessToken` when the value is not non-empty text (the old token is kept)
   */
  set accessToken(value: string) {
    if (typeof value !== 'string' || value === '') {
      throw new ConfigurationError('accessToken', `${this.constructor.name}.accessToken must be non-empty text; to drop the token, set token = {}.`)
    }
    this.#token = { ...this.#token, access_token: value }
  }

  /** Whether the session holds an access token. */
  get authorized(): boolean {
    return Boolean(this.#token.access_token)
  }

  /**
   * The claims of the last ID token this session validated (OpenID Connect Core §3.1.3.7),
   * frozen; `undefined` before one, or when the issuer or its JWKS is not known (the ID token
   * then stays in `token.id_token`, unchecked). Not serialized.
   */
  get idTokenClaims(): IdTokenClaims | undefined {
    return this.#oidc.claims
  }

  /**
   * The OpenID Connect nonce of the last authorization URL (sent when the scope has `openid`), or
   * the `nonce` option, until an ID token carrying it is accepted. A web app saves it with the
   * state; `serialize()` carries it.
   */
  get nonce(): string | undefined {
    return this.#oidc.nonce
  }

  /**
   * Asks the OpenID Connect UserInfo endpoint (the `url` option, else `userinfoUrl`, else the
   * discovered `userinfo_endpoint`) about the signed-in user, with the session's token (renewed
   * as for any request), and checks the answer: HTTP 200, a JSON object whose `sub` is the one of
   * the validated ID token (OpenID Connect Core §5.3.4).
   *
   * @example
   * ```ts
   * import { OAuth2Session } from 'oauth-sessions'
   * const session = await OAuth2Session.discover('https://accounts.google.com', 'client-id', { scope: ['openid', 'email'] })
   * // ... authorizationUrl(), then on the callback:
   * await session.fetchToken({ authorizationResponse: 'http://localhost:8080/callback?code=abc&state=xyz' })
   * const { email } = await session.userinfo()
   * ```
   * @param options - `url`, `headers`, `timeout`, `signal`
   * @throws {@link ConfigurationError} naming `userinfoUrl` when no endpoint is known
   * @throws {@link UserinfoError} when the answer is not a JSON object, has no `sub`, or another `sub` than the ID token's, or there is no validated ID token
   * @throws {@link HTTPError} when the endpoint answers an HTTP error
   * @see https://openid.net/specs/openid-connect-core-1_0.html#UserInfo
   */
  async userinfo(options: UserinfoOptions = {}): Promise<Record<string, unknown>> {
    return this.#oidc.userinfo(this, this.#oidcHost(), options)
  }

  /** What the OpenID Connect part reads of this session. */
  #oidcHost(): OpenIdConnectHost {
    return { scope: this.scope, clientId: this.clientId, issuer: this.issuer, metadata: this.#metadata, insecureTransport: this.#insecure }
  }

  /** The state of the last authorization URL. */
  get state(): string | undefined {
    return this.#state
  }

  /**
   * Where the token goes: `true` (default) the Authorization header, `false` the `accessTokenKey`
   * query parameter (rauth's `bearer_auth=False`, oauthlib's `default_token_placement = 'query'`,
   * which the LinkedIn compliance fix sets). A request's own `bearerAuth` wins.
   */
  get bearerAuth(): boolean {
    return this.#bearerAuth
  }

  /** @throws {@link ConfigurationError} naming `bearerAuth` when the value is not a boolean */
  set bearerAuth(value: boolean) {
    if (typeof value !== 'boolean') throw new ConfigurationError('bearerAuth', `${this.constructor.name}.bearerAuth must be true or false.`)
    this.#bearerAuth = value
  }

  /**
   * The PKCE code verifier of the last authorization URL (or the `codeVerifier` option), until a
   * code exchange spends it. A web app saves it with the state and gives both to the session of
   * its callback. Never shown by toJSON, inspect or logs; `serialize()` carries it.
   */
  get codeVerifier(): string | undefined {
    return this.#codeVerifier
  }

  /** The client secret (rauth's `client_secret`). Never shown by inspect or logs. */
  get clientSecret(): string | undefined {
    return this.#clientSecret
  }

  /** A new state: from the `state` option (string or generator) or 30 random characters. */
  newState(): string {
    const option = this.#stateOption
    this.#state = typeof option === 'function' ? option() : (option ?? randomAlphanumeric(30))
    this.#stateSpent = false
    return this.#state
  }

  /**
   * Registers a compliance hook that fixes a provider's deviation from the RFC.
   *
   * @see requests_oauthlib.OAuth2Session.register_compliance_hook
   */
  registerComplianceHook<K extends ComplianceHookType>(type: K, hook: ComplianceHooks[K]): void {
    this.#hooks.register(type, hook)
  }

  /**
   * The authorization URL to send the user to, and the state it carries. With `openid` in the
   * scope it also carries a fresh OpenID Connect `nonce` (or `extra.nonce`), kept as
   * {@link OAuth2Session.nonce} until the ID token that must echo it is accepted.
   *
   * @throws {@link ConfigurationError} when requests must be pushed (the issuer's `require_pushed_authorization_requests`, or the `requirePushedAuthorizationRequests` option): call {@link OAuth2Session.pushAuthorizationRequest} instead
   * @see requests_oauthlib.OAuth2Session.authorization_url
   */
  authorizationUrl(authorizationEndpoint?: string, state?: string, extra: Readonly<Record<string, string>> = {}): [url: string, state: string] {
    refuseUnpushed(this.requirePushedAuthorizationRequests, this.#metadata, 'authorizationUrl')
    const url = this.#endpoint(authorizationEndpoint, 'authorization_endpoint', 'url')
    assertSecureTransport(url, this.#insecure)
    const [params, chosen] = this.#authorizationParams(state, extra)
    return [appendQuery(url, params), chosen]
  }

  /**
   * Pushes the authorization request (RFC 9126, PAR) and returns the URL to send the user to, with
   * the state it stands for. The parameters {@link OAuth2Session.authorizationUrl} would put in the
   * URL (response_type, client_id, redirect_uri, scope, state, the PKCE challenge, `extra`) are
   * POSTed to the PAR endpoint instead, client-authenticated as at the token endpoint (Basic with
   * the client secret; a public client sends `client_id` alone); the returned URL carries only
   * `client_id` and the `request_uri` the server answered. The session keeps the state and the PKCE
   * verifier as authorizationUrl() does, so `fetchToken({ authorizationResponse })` follows as
   * usual. The PAR endpoint is `url`, else the `pushedAuthorizationRequestUrl` option, else the
   * discovered `pushed_authorization_request_endpoint`; the authorization endpoint is
   * `options.authorizationEndpoint`, else the discovered `authorization_endpoint`.
   *
   * @example
   * ```ts
   * import { OAuth2Session } from 'oauth-sessions'
   * const session = await OAuth2Session.discover('https://idp.example.com', 'client-id', {
   *   clientSecret: process.env.CLIENT_SECRET,
   *   redirectUri: 'https://app.example/callback',
   *   scope: ['openid', 'profile'],
   * })
   * const [url, state] = await session.pushAuthorizationRequest()
   * console.log('Authorize at', url) // https://idp.example.com/authorize?client_id=client-id&request_uri=urn%3A...
   * // ... later, on the callback:
   * await session.fetchToken({ authorizationResponse: 'https://app.example/callback?code=abc&state=' + state })
   * ```
   * @param url - the PAR endpoint
   * @param state - the state; default a new one, as authorizationUrl()
   * @param extra - more authorization request parameters (`prompt`, `nonce`, `resource` ...)
   * @param options - the authorization endpoint, and client authentication as for fetchToken
   * @throws {@link ConfigurationError} naming `pushedAuthorizationRequestUrl` or `authorizationEndpoint` when no endpoint is known, or an argument that is wrong, before any traffic
   * @throws {@link TokenRequestError} (or a subclass, {@link InvalidClientError} ...) when the server refuses (RFC 9126 §2.3)
   * @throws {@link InvalidTokenResponseError} when the answer lacks a valid `request_uri` or `expires_in`
   * @see https://www.rfc-editor.org/rfc/rfc9126
   */
  async pushAuthorizationRequest(
    url?: string,
    state?: string,
    extra: Readonly<Record<string, string>> = {},
    options: PushAuthorizationRequestOptions = {},
  ): Promise<[url: string, state: string]> {
    parseOptions(pushArgumentsSchema(), { url, state, extra }, 'pushAuthorizationRequest')
    const settings = parseOptions(pushAuthorizationRequestSchema(), options, 'pushAuthorizationRequest') as PushAuthorizationRequestOptions
    checkPushExtras(extra)
    const clientId = pushClientId(this.clientId, 'pushAuthorizationRequest')
    const endpoint = pushedAuthorizationEndpoint(url, this.pushedAuthorizationRequestUrl, this.#metadata)
    const authorizationEndpoint = this.#endpoint(settings.authorizationEndpoint, 'authorization_endpoint', 'authorizationEndpoint')
    assertSecureTransport(endpoint, this.#insecure)
    assertSecureTransport(authorizationEndpoint, this.#insecure)
    const [params, chosen] = this.#authorizationParams(state, extra)
    const push = {
      url: this.#clientUrl(endpoint, 'pushed_authorization_request_endpoint'),
      params,
      clientId,
      clientSecret: this.#clientSecret,
      options: settings,
      insecureTransport: this.#insecure,
      hooks: this.#hooks,
      clientAuth: this.#clientAuth,
    }
    const pushed = await pushAuthorizationParams(this, push)
    return [pushedAuthorizationUrl(authorizationEndpoint, clientId, pushed), chosen]
  }

  /** The parameters of an authorization request, with the state and PKCE verifier it makes kept by the session. */
  #authorizationParams(state: string | undefined, extra: Readonly<Record<string, string>>): [ParamPairs, string] {
    const chosen = state ?? this.newState()
    this.#state = chosen
    this.#stateSpent = false
    const params: ParamPairs = []
    if (this.client.responseType !== undefined) params.push(['response_type', this.client.responseType])
    if (this.clientId !== undefined) params.push(['client_id', this.clientId])
    if (this.redirectUri !== undefined) params.push(['redirect_uri', this.redirectUri])
    const scope = scopeToString(this.scope)
    if (scope !== undefined) params.push(['scope', scope])
    params.push(['state', chosen])
    const nonce = this.#oidc.nonceParameter(scope, extra)
    if (nonce !== undefined) params.push(nonce)
    if (this.pkce !== undefined) {
      this.#codeVerifier = createCodeVerifier()
      params.push(['code_challenge', codeChallenge(this.#codeVerifier, this.pkce)], ['code_challenge_method', this.pkce])
    }
    for (const [name, value] of Object.entries(extra)) params.push([name, value])
    return [params, chosen]
  }

  /**
   * Fetches a token from the token endpoint with the session's grant.
   *
   * @throws {@link MismatchingStateError} when the authorization response carries another state
   * @throws {@link IssuerMismatchError} when the authorization response names another issuer than the `issuer` option (RFC 9207)
   * @throws {@link TokenRequestError} (or an RFC 6749 subclass) when the provider refuses
   * @throws {@link TokenMissingError} when the answer has no access_token
   * @throws {@link IdTokenValidationError} when the scope has `openid`, the issuer is known, and the answer's ID token fails validation (the token is not kept)
   * @see requests_oauthlib.OAuth2Session.fetch_token
   */
  async fetchToken(tokenUrl: string, fetchOptions?: FetchTokenOptions): Promise<OAuth2Token>
  /**
   * Fetches a token from the discovered `token_endpoint` ({@link OAuth2Session.discover}).
   *
   * @example
   * ```ts
   * import { OAuth2Session } from 'oauth-sessions'
   * const session = await OAuth2Session.discover('https://idp.example.com', 'client-id', { redirectUri: 'https://app.example/cb' })
   * const [, state] = session.authorizationUrl()
   * await session.fetchToken({ authorizationResponse: `https://app.example/cb?code=abc&state=${state}` })
   * ```
   * @throws {@link ConfigurationError} naming `tokenUrl` when the session has no discovered token endpoint
   */
  async fetchToken(fetchOptions?: FetchTokenOptions): Promise<OAuth2Token>
  async fetchToken(urlOrOptions?: string | FetchTokenOptions, givenOptions: FetchTokenOptions = {}): Promise<OAuth2Token> {
    const [tokenUrl, fetchOptions] = this.#urlAndOptions(urlOrOptions, givenOptions, 'fetchToken')
    const shared = this.#shared
    if (shared === undefined) return this.#fetchToken(tokenUrl, fetchOptions)
    splitTokenOptions(fetchTokenSchema(), fetchOptions, 'fetchToken')
    assertSecureTransport(tokenUrl, this.#insecure)
    this.#fetchUrl = tokenUrl
    if (this.client.renewsByGrant) {
      // Client credentials: a valid token in the store is taken; else one process fetches it for all.
      this.#grantExtras = { url: tokenUrl, options: fetchOptions }
      return this.#renewals.run('token', () => shared.renew(false, (_current, deadline) => this.#fetchToken(tokenUrl, fetchOptions, deadline)))
    }
    const token = await this.#fetchToken(tokenUrl, fetchOptions)
    await shared.publish(token)
    return token
  }

  /** fetchToken without the store. */
  async #fetchToken(tokenUrl: string, fetchOptions: FetchTokenOptions, deadline?: number): Promise<OAuth2Token> {
    const { settings: options, extras } = splitTokenOptions(fetchTokenSchema(), fetchOptions, 'fetchToken')
    assertSecureTransport(tokenUrl, this.#insecure)
    const given = options.code ?? (options.authorizationResponse !== undefined ? this.#codeFromResponse(options.authorizationResponse) : undefined)
    const code = this.client.codeFor(given)
    const codeVerifier = options.codeVerifier ?? (this.client.supportsPkce ? this.#codeVerifier : undefined)
    if (this.pkce !== undefined && this.client.supportsPkce && codeVerifier === undefined) {
      throw new ConfigurationError(
        'codeVerifier',
        `fetchToken: PKCE is on (${this.pkce}) and no code verifier is known for this code: pass codeVerifier (to the constructor or fetchToken) with the session.codeVerifier saved when the authorization URL was made, or build the session with pkce: false for a provider without PKCE.`,
      )
    }
    const assertion = await this.client.assertionFor(options.assertion)
    const clientSecret = options.clientSecret ?? extras.client_secret ?? this.#clientSecret
    const { clientAuth, includeClientId } = clientAuthentication(this.clientId, clientSecret, options, this.#clientAuth)
    const body = this.client.prepareTokenRequest({
      code,
      username: options.username,
      password: options.password,
      scope: scopeToString(this.scope),
      redirectUri: this.redirectUri,
      extras,
      clientId: this.clientId,
      includeClientId,
      clientSecret,
      codeVerifier,
      assertion,
    })
    // The PKCE verifier goes with one exchange only (RFC 9700 §2.1.1).
    if (options.codeVerifier === undefined && this.client.supportsPkce) this.#codeVerifier = undefined
    const token = await this.#tokenRequest({ ...this.#requestShape(this.#clientUrl(tokenUrl), options, deadline), body, clientAuth }, 'access_token')
    if (this.client.renewsByGrant) this.#grantExtras = { url: tokenUrl, options: fetchOptions }
    return token
  }

  /**
   * Reads the token from the fragment of an implicit-grant redirect and keeps it.
   *
   * @see requests_oauthlib.OAuth2Session.token_from_fragment
   */
  tokenFromFragment(authorizationResponse: string): OAuth2Token {
    const params = this.#redirectParams(authorizationResponse, 'hash', 'access_token')
    this.#token = normalizeToken(params, { fromProvider: true })
    return this.#token
  }

  /**
   * Gets a new token with the refresh token and keeps it (the old refresh token is kept when the
   * provider does not send a new one). Without `refreshToken` it spends the session's own, once:
   * a call made while an automatic refresh runs gets that refresh's token instead of sending a
   * second request.
   *
   * @throws {@link InvalidGrantError} when the refresh token is refused: authorize again
   * @throws {@link ScopeChangedWarning} when the scope changed; the new token is kept and carried as `error.token`
   * @see requests_oauthlib.OAuth2Session.refresh_token
   */
  async refreshToken(tokenUrl: string, refreshOptions?: RefreshTokenOptions): Promise<OAuth2Token>
  /**
   * Refreshes the token at the discovered `token_endpoint` ({@link OAuth2Session.discover}).
   *
   * @example
   * ```ts
   * import { OAuth2Session } from 'oauth-sessions'
   * declare const session: OAuth2Session // from OAuth2Session.discover, with a refresh token
   * await session.refreshToken()
   * ```
   * @throws {@link ConfigurationError} naming `tokenUrl` when the session has no discovered token endpoint
   */
  async refreshToken(refreshOptions?: RefreshTokenOptions): Promise<OAuth2Token>
  async refreshToken(urlOrOptions?: string | RefreshTokenOptions, givenOptions: RefreshTokenOptions = {}): Promise<OAuth2Token> {
    const [tokenUrl, refreshOptions] = this.#urlAndOptions(urlOrOptions, givenOptions, 'refreshToken')
    const { settings: options, extras: given } = splitTokenOptions(refreshTokenSchema(), refreshOptions, 'refreshToken')
    assertSecureTransport(tokenUrl, this.#insecure)
    const explicit = options.refreshToken
    if (explicit === undefined && this.#token.refresh_token === undefined && this.#shared === undefined) {
      throw new ConfigurationError('refreshToken', 'There is no refresh token: pass refreshToken, or fetch a token that has one.')
    }
    const refresh = (refreshToken: string, deadline?: number, held?: OAuth2Token): Promise<OAuth2Token> => {
      const extras = { ...given, ...this.autoRefreshKwargs }
      const body = this.client.prepareRefreshBody({ refreshToken, scope: scopeToString(this.scope), extras })
      const { clientAuth } = clientAuthentication(this.clientId, this.#clientSecret, options, this.#clientAuth, 'refresh')
      return this.#tokenRequest({ ...this.#requestShape(this.#clientUrl(tokenUrl), options, deadline), body, clientAuth }, 'refresh_token', refreshToken, held)
    }
    if (explicit !== undefined && this.#shared !== undefined) {
      const token = await refresh(explicit)
      await this.#shared?.publish(token)
      return token
    }
    if (explicit !== undefined) return refresh(explicit)
    const store = this.#shared
    if (store !== undefined) {
      // A shared token: one process refreshes it for all, and a peer's newer token is taken instead.
      const shared = this.#renewals.run('token', () =>
        store.renew(true, (current, deadline) => {
          if (typeof current.refresh_token !== 'string') throw new ConfigurationError('refreshToken', 'There is no refresh token in the token store.')
          return refresh(current.refresh_token, deadline, current)
        }),
      )
      return untilAborted(shared, options.signal, 'POST', () => redactUrl(tokenUrl))
    }
    // The session's own refresh token is spent once: an explicit refresh and an automatic one
    // running together share one request (and a refresh token read after the other one rotated it).
    // The caller's signal ends its wait, never the shared refresh (its refresh token is spent either way).
    const shared = this.#renewals.run('token', () => refresh(this.#token.refresh_token as string))
    return untilAborted(shared, options.signal, 'POST', () => redactUrl(tokenUrl))
  }

  /**
   * Revokes a token at the revocation endpoint (RFC 7009), client-authenticated as at the token
   * endpoint. With no token, it revokes the session's refresh token, then its access token, and
   * forgets them: the session's token becomes `{}`, and with a `tokenStore` its key is deleted
   * there. A server that revokes refresh tokens only (`unsupported_token_type` for the access
   * token) still counts as logged out. When the refresh token's revocation fails, nothing is
   * forgotten; when only the access token's fails, the token is forgotten, then the error is raised.
   * With a token given, it revokes that one and forgets nothing.
   *
   * @example
   * ```ts
   * import { OAuth2Session } from 'oauth-sessions'
   * const session = new OAuth2Session('client-id', { clientSecret: 'secret', revocationUrl: 'https://idp.example.com/revoke' })
   * // logout: revoke, then forget
   * await session.revokeToken()
   * console.log(session.authorized) // false
   * ```
   * @param token - the token to revoke; default the session's refresh and access tokens
   * @param options - `tokenTypeHint`, `url`, and client authentication as for fetchToken
   * @throws {@link ConfigurationError} naming `revocationUrl` when the session has none and no `url` is given, or `token` when there is none to revoke
   * @throws {@link RevocationUnsupportedTokenTypeError} for `unsupported_token_type`, {@link EndpointUnavailableError} for a 503 (with its `retryAfter`), or another {@link TokenRequestError}
   * @see https://www.rfc-editor.org/rfc/rfc7009
   */
  async revokeToken(token?: string, options: TokenOperationOptions = {}): Promise<void> {
    const settings = parseOptions(tokenOperationSchema(), options, 'revokeToken') as TokenOperationOptions
    const url = operationEndpoint('revocation', settings.url, this.revocationUrl, this.#metadata)
    if (token !== undefined) {
      await revokeTokenAt(this, this.#operationRequest(url, parseOperationToken(token, 'revokeToken'), settings.tokenTypeHint, settings, 'revocation'))
      return
    }
    if (this.#shared !== undefined && this.#token.access_token === undefined) await this.#shared.load()
    await revokeAndForget(
      this.#token,
      (held, hint) => revokeTokenAt(this, this.#operationRequest(url, held, settings.tokenTypeHint ?? hint, settings, 'revocation')),
      () => this.#forget(),
      'revokeToken: the session holds no token to revoke; pass the token to revoke.',
    )
  }

  /**
   * Asks the introspection endpoint (RFC 7662) about a token, client-authenticated as at the token
   * endpoint, and returns its answer with the wire names (`active`, `scope`, `exp` ...), checked:
   * `active` must be a boolean and the RFC's fields have their types, or it is an
   * {@link InvalidTokenResponseError}. Default token: the session's access token.
   *
   * @example
   * ```ts
   * import { OAuth2Session } from 'oauth-sessions'
   * const api = new OAuth2Session('resource-server', { clientSecret: 'secret', introspectionUrl: 'https://idp.example.com/introspect' })
   * const info = await api.introspectToken('token-from-a-request', { tokenTypeHint: 'access_token' })
   * if (!info.active) throw new Error('401')
   * ```
   * @param token - the token to ask about; default the session's access token
   * @param options - `tokenTypeHint`, `url`, and client authentication as for fetchToken
   * @throws {@link ConfigurationError} naming `introspectionUrl` when the session has none and no `url` is given
   * @throws {@link TokenRequestError} (or a subclass) when the endpoint refuses; {@link EndpointUnavailableError} for a 503
   * @see https://www.rfc-editor.org/rfc/rfc7662
   */
  async introspectToken(token?: string, options: TokenOperationOptions = {}): Promise<TokenIntrospection> {
    const settings = parseOptions(tokenOperationSchema(), options, 'introspectToken') as TokenOperationOptions
    const url = operationEndpoint('introspection', settings.url, this.introspectionUrl, this.#metadata)
    let asked = token === undefined ? undefined : parseOperationToken(token, 'introspectToken')
    let hint = settings.tokenTypeHint
    if (asked === undefined) {
      if (this.#shared !== undefined && this.#token.access_token === undefined) await this.#shared.load()
      asked = this.#token.access_token
      hint ??= 'access_token'
    }
    if (asked === undefined) throw new ConfigurationError('token', 'introspectToken: the session holds no access token; pass the token to introspect.')
    return introspectTokenAt(this, this.#operationRequest(url, asked, hint, settings, 'introspection'))
  }

  /** A revocation or introspection request, authenticated as fetchToken's. */
  #operationRequest(url: string, token: string, hint: string | undefined, options: TokenOperationOptions, kind: 'revocation' | 'introspection'): TokenRequest {
    const client = clientAuthentication(this.clientId, this.#clientSecret, options, this.#clientAuth)
    return {
      url: this.#clientUrl(url, `${kind}_endpoint`),
      body: tokenOperationBody(token, hint, { clientId: this.clientId, clientSecret: client.clientSecret, includeClientId: client.includeClientId }),
      clientAuth: client.clientAuth,
      headers: options.headers,
      timeout: options.timeout,
      signal: options.signal,
      insecureTransport: this.#insecure,
      hooks: { registry: this.#hooks, kind },
    }
  }

  /** Drops the token here and, with a store, its key there. */
  async #forget(): Promise<void> {
    this.#oidc.forget()
    if (this.#shared !== undefined) return this.#shared.forget()
    this.#token = {}
  }

  /**
   * Starts the device authorization grant (RFC 8628 §3.1): asks the device authorization endpoint
   * (the `url` argument, else the `deviceAuthorizationUrl` option) for a device code and a user
   * code. Show the user `userCode` and `verificationUri` (or `verificationUriComplete`), then call
   * {@link OAuth2Session.pollDeviceToken}. The client authenticates as at the token endpoint:
   * Basic with a client secret, else (a public client) `client_id` in the body.
   *
   * @example
   * ```ts
   * import { OAuth2Session } from 'oauth-sessions'
   * const session = new OAuth2Session('tv-app', { scope: 'openid', autoRefreshUrl: 'https://idp.example.com/token' })
   * const device = await session.deviceAuthorization('https://idp.example.com/device/code')
   * console.error(`Open ${device.verificationUri} and enter ${device.userCode}`)
   * const token = await session.pollDeviceToken(device)
   * ```
   * @throws {@link ConfigurationError} naming `deviceAuthorizationUrl` when no URL is known, or an option that is wrong
   * @throws {@link TokenRequestError} (or a subclass) when the provider refuses
   * @throws {@link InvalidTokenResponseError} when the answer lacks a field or has a wrong one
   * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.1
   */
  async deviceAuthorization(url?: string | DeviceAuthorizationOptions, options: DeviceAuthorizationOptions = {}): Promise<DeviceAuthorization> {
    if (typeof url === 'object' && url !== null) return this.deviceAuthorization(undefined, url)
    const { settings, extras } = splitTokenOptions(deviceAuthorizationSchema(), options as FetchTokenOptions, 'deviceAuthorization')
    const endpoint = url === undefined ? this.#deviceEndpoint('device') : parseOptions(deviceUrlSchema(), { url }, 'deviceAuthorization').url
    assertSecureTransport(endpoint, this.#insecure)
    const { auth, pairs } = deviceClientAuth(this.clientId, this.#clientSecret, settings as DeviceAuthorizationOptions, 'deviceAuthorization', this.#clientAuth)
    const scope = scopeToString((settings.scope as string | readonly string[] | undefined) ?? this.scope)
    const body: ParamPairs = [...pairs, ...(scope === undefined ? [] : [['scope', scope] as [string, string]]), ...Object.entries(extras)]
    const response = await sendTokenRequest(this, {
      url: this.#clientUrl(endpoint, 'device_authorization_endpoint'),
      body,
      clientAuth: auth,
      headers: settings.headers,
      timeout: settings.timeout,
      signal: settings.signal,
      insecureTransport: this.#insecure,
    })
    return readDeviceAuthorization(response, this.#insecure)
  }

  /**
   * Polls the token endpoint (`tokenUrl`, else `autoRefreshUrl`) with the device code until the
   * user has authorized the device, as RFC 8628 §3.5 says: every `interval` seconds (5 when the
   * provider named none), 5 seconds more for good after each `slow_down`, never after the codes
   * expired. The token is kept by the session, and written to its `tokenStore`, like any fetched
   * token. An AbortSignal ends the wait at once.
   *
   * @example
   * ```ts
   * import { OAuth2Session } from 'oauth-sessions'
   * declare const session: OAuth2Session
   * const device = await session.deviceAuthorization('https://idp.example.com/device/code')
   * console.error(`Open ${device.verificationUriComplete ?? device.verificationUri} (code ${device.userCode})`)
   * const token = await session.pollDeviceToken(device, { tokenUrl: 'https://idp.example.com/token', signal: AbortSignal.timeout(600_000) })
   * ```
   * @throws {@link AccessDeniedError} when the user said no
   * @throws {@link ExpiredTokenError} when the provider says the device code expired
   * @throws {@link DeviceAuthorizationExpiredError} when `expires_in` passed with the user still away (no request is sent then)
   * @throws {@link AbortError} when the signal aborts
   * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.4
   */
  async pollDeviceToken(device: DeviceAuthorization, options: PollDeviceTokenOptions = {}): Promise<OAuth2Token> {
    const settings = parseOptions(pollDeviceTokenSchema(), options, 'pollDeviceToken') as PollDeviceTokenOptions
    const checked = checkDevice(device)
    const tokenUrl = settings.tokenUrl ?? this.#deviceEndpoint('token')
    assertSecureTransport(tokenUrl, this.#insecure)
    const { auth, pairs } = deviceClientAuth(this.clientId, this.#clientSecret, settings, 'pollDeviceToken', this.#clientAuth)
    const body: ParamPairs = [['grant_type', DEVICE_CODE_GRANT], ['device_code', checked.deviceCode], ...pairs]
    const request: TokenRequest = {
      url: this.#clientUrl(tokenUrl),
      body,
      clientAuth: auth,
      headers: settings.headers,
      timeout: settings.timeout,
      signal: settings.signal,
      insecureTransport: this.#insecure,
    }
    // Shown once everything was checked: a user is never sent to enter a code that cannot be polled for.
    await settings.onVerification?.(device)
    const token = await pollForDeviceToken({
      device,
      checked,
      url: tokenUrl,
      poll: () => this.#tokenRequest(request, 'access_token'),
      signal: settings.signal,
      onPending: settings.onPending,
      clock: settings.clock,
    })
    if (this.#shared !== undefined) {
      this.#fetchUrl = tokenUrl
      await this.#shared?.publish(token)
    }
    return token
  }

  /**
   * Exchanges a token for another at the token endpoint (RFC 8693 token exchange): a user's access
   * token for one meant for a downstream API (`audience`, `resource`), an ID token for an access
   * token, with an `actorToken` for delegation. The client authenticates as at the token endpoint
   * (Basic with the client secret, or `includeClientId`, or `auth`); the compliance hooks of the
   * token endpoint run. Token types take a short name (`'access_token'`, `'refresh_token'`,
   * `'id_token'`, `'saml1'`, `'saml2'`, `'jwt'`: see {@link TOKEN_TYPE_URIS}) or an absolute URI.
   * The endpoint is the `url` option, else the discovered `token_endpoint`, else `autoRefreshUrl`.
   *
   * The issued token is returned and, by default, NOT kept: it is usually meant for another
   * service (its audience), possibly of another type (`token_type` `N_A`), and it cannot be
   * refreshed the way the session's own token is; putting it in place of the session's token
   * would send it to the session's own APIs and lose the refresh token. Pass `adopt: true` when
   * the session should use it from now on (it is then also written to the `tokenStore`).
   *
   * @example
   * ```ts
   * import { OAuth2Session, Session } from 'oauth-sessions'
   * const gateway = new OAuth2Session('gateway', { clientSecret: process.env.GATEWAY_SECRET, autoRefreshUrl: 'https://idp.example.com/token' })
   * declare const userToken: string // the access token the user's request came with
   * const issued = await gateway.exchangeToken({ subjectToken: userToken, subjectTokenType: 'access_token', audience: 'orders-api' })
   * await new Session().get('https://orders.example.com/v1/orders', { headers: { Authorization: `Bearer ${issued.access_token}` } })
   * ```
   * @param options - the subject token and its type, what is asked for, and client authentication as for fetchToken
   * @throws {@link ConfigurationError} naming the option that is wrong (a token type that is no URI, a resource with a fragment, an actorToken without actorTokenType ...) or `url` when no endpoint is known, before any traffic
   * @throws {@link InvalidTargetError} for `invalid_target`, {@link InvalidRequestError} for `invalid_request`, or another {@link TokenRequestError}
   * @throws {@link InvalidTokenResponseError} when the answer lacks `issued_token_type` (or a field is malformed)
   * @throws {@link UnsupportedTokenTypeError} with `adopt: true` when the issued token is no Bearer token (`N_A` ...): the session keeps its own
   * @see https://www.rfc-editor.org/rfc/rfc8693#section-2
   */
  async exchangeToken(options: ExchangeTokenOptions): Promise<ExchangedToken> {
    return exchangeTokenFor(this, options, {
      tokenEndpoint: this.#metadata?.token_endpoint ?? this.autoRefreshUrl,
      client: {
        clientId: this.clientId,
        clientSecret: this.#clientSecret,
        insecureTransport: this.#insecure,
        hooks: this.#hooks,
        dpop: this.#dpop?.forTokenRequest(this.#token),
        clientAuth: this.#clientAuth,
      },
      adopt: async (token) => {
        if (this.#shared === undefined) {
          this.#token = token
          return
        }
        this.#shared.adopt(token, undefined)
        await this.#shared.publish(token)
      },
    })
  }

  /**
   * Sends a request with the token; `withholdToken`, `bearerAuth`, `clientId`, `clientSecret` per request.
   *
   * @throws {@link InsecureTransportError} first of all for plain http outside loopback, with a token or
   * without one (`withholdToken`, `auth` of your own), as requests-oauthlib checks every request;
   * `insecureTransport` or `OAUTHLIB_INSECURE_TRANSPORT` lift it
   */
  override async request(method: string, url: string | URL, options?: OAuth2RequestOptions): Promise<Response> {
    // The common request, with no options: nothing to check twice (Session.request checks the options it is given).
    if (options === undefined) {
      this.#checkTransport(url)
      return super.request(method, url)
    }
    // Before the destructuring: a string there would be reported character by character.
    checkOptionKeys(oauth2RequestOptionsSchema(), options, this.constructor.name, 'request')
    this.#checkTransport(url)
    const { withholdToken, bearerAuth, clientId, clientSecret, ...rest } = options ?? {}
    if (withholdToken) return super.request(method, url, { ...rest, auth: rest.auth ?? null })
    if (rest.auth !== undefined || (bearerAuth === undefined && clientId === undefined && clientSecret === undefined)) {
      return super.request(method, url, rest)
    }
    return super.request(method, url, { ...rest, auth: this.#bearer.forRequest({ bearerAuth, clientId, clientSecret }) })
  }

  /** {@link OAuth2Session.serialize} with the client secret and the token's credentials shown as `[redacted]`: JSON loggers call this. */
  override toJSON(): Record<string, unknown> {
    const shown = this.serialize()
    if (shown.clientSecret !== undefined) shown.clientSecret = '[redacted]'
    if (shown.codeVerifier !== undefined) shown.codeVerifier = '[redacted]'
    if (this.#dpop !== undefined) shown.dpop = { alg: this.#dpop.alg }
    if (shown.nonce !== undefined) shown.nonce = '[redacted]'
    // The private key is not shown at all, not even redacted.
    delete shown.clientAssertionKey
    shown.token = redactToken(this.#token)
    // URLs may carry credentials (user info, a client_secret in the query, the token under any name).
    for (const key of [
      'autoRefreshUrl',
      'baseUrl',
      'revocationUrl',
      'introspectionUrl',
      'deviceAuthorizationUrl',
      'pushedAuthorizationRequestUrl',
      'jwksUri',
      'userinfoUrl',
    ] as const) {
      if (typeof shown[key] === 'string') shown[key] = this.#shownUrl(shown[key])
    }
    return shown
  }

  /**
   * Everything `fromJSON` (alias `deserialize`) needs, the client secret and token included: calling it is your explicit act.
   * It carries the DPoP key and the `clientAuth` method with its options, the `private_key_jwt` key
   * as a private JWK; a `clientAuth` strategy (an object) is left out: pass it to fromJSON again.
   */
  serialize(): Record<string, unknown> {
    return {
      type: 'OAuth2Session',
      clientId: this.clientId,
      clientSecret: this.#clientSecret,
      token: this.#token,
      scope: this.scope,
      redirectUri: this.redirectUri,
      autoRefreshUrl: this.autoRefreshUrl,
      accessTokenKey: this.accessTokenKey,
      baseUrl: this.baseUrl,
      issuer: this.issuer,
      issuerParameterRequired: this.issuerParameterRequired,
      revocationUrl: this.revocationUrl,
      introspectionUrl: this.introspectionUrl,
      deviceAuthorizationUrl: this.#deviceAuthorizationUrl,
      pushedAuthorizationRequestUrl: this.pushedAuthorizationRequestUrl,
      requirePushedAuthorizationRequests: this.requirePushedAuthorizationRequests || undefined,
      // Checked again by fromJSON, as a fetched document is.
      metadata: this.#metadata,
      bearerAuth: this.#bearerAuth,
      // The two-request web-app pattern: the callback's session needs the state and verifier.
      state: this.#stateSpent ? undefined : this.#state,
      codeVerifier: this.#codeVerifier,
      // The DPoP key (a private JWK once the session has one): a bound token is useless without it.
      dpop: this.#dpop?.serialized(),
      ...this.#oidc.serialize(),
      // The clientAuth method and options, its key as a JWK (a strategy is not: pass it again).
      ...serializeClientAuth(this.#clientAuth),
    }
  }

  /** Rebuilds a session from {@link OAuth2Session.serialize} output (`fromJSON` does the same). */
  static deserialize(json: Record<string, unknown> | string, options: OAuth2SessionOptions = {}): OAuth2Session {
    return OAuth2Session.fromJSON(json, options)
  }

  /**
   * Rebuilds a session from {@link OAuth2Session.serialize} output; pass the grant client, updater and hooks again.
   * The JSON is read as untrusted: every option is checked as the constructor checks it, and the
   * discovered metadata field by field as {@link OAuth2Session.discover} checks a document.
   *
   * @throws {@link ConfigurationError} naming an option that is wrong
   * @throws {@link InvalidMetadataError} naming the metadata field that is wrong (an endpoint that is not https, a flag or list of the wrong type)
   */
  static fromJSON(json: Record<string, unknown> | string, options: OAuth2SessionOptions = {}): OAuth2Session {
    const data = parseSerialized(json, 'OAuth2Session') as Record<string, unknown>
    if (data.type !== 'OAuth2Session') throw new ConfigurationError('json', 'This is not the output of OAuth2Session.serialize().')
    const restored: OAuth2SessionOptions = { ...options }
    const keys = [
      'clientSecret',
      'scope',
      'redirectUri',
      'autoRefreshUrl',
      'accessTokenKey',
      'baseUrl',
      'token',
      'issuer',
      'issuerParameterRequired',
      'revocationUrl',
      'introspectionUrl',
      'deviceAuthorizationUrl',
      'pushedAuthorizationRequestUrl',
      'requirePushedAuthorizationRequests',
      'bearerAuth',
      'state',
      'codeVerifier',
      'dpop',
      'nonce',
      'jwksUri',
      'userinfoUrl',
      'clockSkew',
      'idTokenSigningAlgs',
    ] as const
    for (const key of keys) {
      if (key === 'codeVerifier' && restored.pkce === false) continue
      if (data[key] !== undefined && data[key] !== null && restored[key] === undefined) Object.assign(restored, { [key]: data[key] })
    }
    Object.assign(restored, readSerializedClientAuth(data, restored, 'OAuth2Session.fromJSON'))
    const metadata = readSerializedMetadata(data.metadata, restored.insecureTransport ?? false)
    const session = new OAuth2Session(typeof data.clientId === 'string' ? data.clientId : undefined, restored)
    if (metadata !== undefined) session.#metadata = metadata
    return session
  }

  /** @internal keeps the secret and tokens out of `console.log` and `util.inspect`. */
  [Symbol.for('nodejs.util.inspect.custom')](): object {
    return {
      OAuth2Session: {
        ...this.toJSON(),
      },
    }
  }

  /** @internal */
  override toString(): string {
    return `<OAuth2Session ${this.clientId ?? ''}>`
  }

  /**
   * The transport check of a request, on the absolute URL it goes to. The hot path parses nothing:
   * an https URL, or a relative one (no scheme of its own) against an https `baseUrl`, passes on a
   * prefix test; a malformed URL is left to the Session, which says why.
   */
  #checkTransport(url: string | URL): void {
    const text = String(url)
    if (/^https:/i.test(text)) return
    const relative = !/^[a-z][a-z\d+.-]*:/i.test(text)
    if (relative && this.baseUrl !== undefined && /^https:/i.test(this.baseUrl)) return
    const base = relative ? this.baseUrl : undefined
    if (URL.canParse(text, base)) assertSecureTransport(relative ? new URL(text, base).href : text, this.#insecure)
  }

  /** A URL as toJSON shows it: redacted, and without this session's secrets under any name. */
  #shownUrl(url: string): string {
    const token = this.#token as Record<string, unknown>
    const secrets = [this.#clientSecret, token[this.accessTokenKey], token.access_token, token.refresh_token, token.id_token]
    return scrubSecrets(
      redactUrl(url, new Set([this.accessTokenKey.toLowerCase()])),
      secrets.filter((value) => typeof value === 'string'),
    )
  }

  /** What the bearer strategy sees of this session: the token and how to renew it, nothing more. */
  #tokenSource(): BearerTokenSource {
    const session = this
    return {
      get token() {
        return session.#token
      },
      // A 401 for a token replaced since it was sent (by another request's renewal or a peer's) is answered with the current one.
      freshToken: (choices, force, refused) => this.#freshToken(choices, force && !this.#replacedSince(refused)),
      get canRenew() {
        return (session.autoRefreshUrl !== undefined && session.#token.refresh_token !== undefined) || session.#grantExtras !== undefined
      },
      get shared() {
        return session.#shared !== undefined
      },
      hooks: this.#hooks,
      insecureTransport: this.#insecure,
      get accessTokenKey() {
        return session.accessTokenKey
      },
      get bearerAuth() {
        return session.#bearerAuth
      },
      dpop: this.#dpop,
    }
  }

  /** What the shared part of this session sees of it. */
  #sharedHost(): SharedTokenHost {
    const session = this
    return {
      get token() {
        return session.#token
      },
      setToken: (token) => {
        this.#token = token
      },
      get tokenKey() {
        return session.tokenKey
      },
      get deadline() {
        return session.deadline ?? undefined
      },
      get tokenUpdater() {
        return session.tokenUpdater
      },
    }
  }

  /** The endpoint a call gave, else the discovered one; neither is a ConfigurationError naming `option`. */
  #endpoint(given: string | undefined, field: 'authorization_endpoint' | 'token_endpoint', option: string): string {
    if (given !== undefined) return given
    const found = this.#metadata?.[field]
    if (found !== undefined) return found
    const why = this.#metadata === undefined ? 'this session was not made by OAuth2Session.discover' : `the issuer's metadata has no ${field}`
    throw new ConfigurationError(option, `Pass the ${field.replace('_', ' ')} URL: ${why}.`)
  }

  /** fetchToken's and refreshToken's two forms: (url, options), or (options) with the discovered token endpoint. */
  #urlAndOptions<O extends object>(urlOrOptions: string | O | undefined, options: O, method: string): [string, O] {
    if (typeof urlOrOptions === 'object' && urlOrOptions !== null) return [this.#endpoint(undefined, 'token_endpoint', 'tokenUrl'), urlOrOptions]
    if (urlOrOptions === undefined) return [this.#endpoint(undefined, 'token_endpoint', 'tokenUrl'), options]
    if (typeof urlOrOptions !== 'string') throw new ConfigurationError('tokenUrl', `${method}: the token URL must be text, or left out after discover().`)
    return [urlOrOptions, options]
  }

  /** Whether the session holds a valid token other than `refused` (the access token a 401 refused). */
  #replacedSince(refused: string | undefined): boolean {
    const held = this.#token.access_token
    return refused !== undefined && held !== undefined && !timingSafeEqualText(held, refused) && !isExpired(this.#token)
  }

  /** A usable token, renewed once for all concurrent callers. */
  #freshToken(choices: BearerChoices, force: boolean): Promise<OAuth2Token> {
    if (this.#shared !== undefined) return this.#freshSharedToken(this.#shared, choices, force)
    if (!force && !isExpired(this.#token)) return Promise.resolve(this.#token)
    return this.#renewals.run('token', () =>
      renewToken(this.#token.refresh_token, { ...this.#renewalPlan(choices), tokenUpdater: this.tokenUpdater, throwTokenUpdated: true }),
    )
  }

  /** How this session renews a token: the refresh at autoRefreshUrl, or the client-credentials grant again. */
  #renewalPlan(choices: BearerChoices, deadline?: number, held?: OAuth2Token): RenewalPlan<OAuth2Token> {
    const refreshUrl = this.autoRefreshUrl
    const grant = this.#grantExtras
    const { clientId, clientSecret } = choices
    // requests-oauthlib's rule (Basic with a request's client id and secret), unless clientAuth is configured.
    const auth =
      this.#clientAuth !== undefined
        ? this.#clientAuth.withSecret(clientSecret)
        : clientId !== undefined && clientSecret !== undefined
          ? new HTTPBasicAuth(clientId, clientSecret)
          : null
    return {
      refresh: refreshUrl === undefined ? undefined : (refreshToken) => this.#refreshAt(refreshUrl, refreshToken, auth, deadline, held),
      grant: grant === undefined ? undefined : () => this.#fetchToken(grant.url, grant.options, deadline),
    }
  }

  /** One refresh with a given refresh token (an automatic one: autoRefreshKwargs, no store). */
  #refreshAt(tokenUrl: string, refreshToken: string, auth: AuthStrategy | null, deadline: number | undefined, held?: OAuth2Token): Promise<OAuth2Token> {
    assertSecureTransport(tokenUrl, this.#insecure)
    const body = this.client.prepareRefreshBody({ refreshToken, scope: scopeToString(this.scope), extras: { ...this.autoRefreshKwargs } })
    return this.#tokenRequest({ ...this.#requestShape(this.#clientUrl(tokenUrl), {}, deadline), body, clientAuth: auth }, 'refresh_token', refreshToken, held)
  }

  /**
   * Where a client-authenticated request to `url` goes: with `clientAuth` an mTLS method, the
   * discovered `mtls_endpoint_aliases` entry (RFC 8705 §5) of the endpoint `url` is; else `url`.
   */
  #clientUrl(url: string, endpoint: ClientAuthEndpoint = 'token_endpoint'): string {
    return this.#clientAuth?.endpoint(url, endpoint) ?? url
  }

  /**
   * The token of a session with a store: the one held while it is valid (with a look at the store
   * at most once a second, for a peer's newer one), the stored one when the session has none yet,
   * else one renewal for every process that shares it.
   */
  async #freshSharedToken(shared: SharedSessionToken, choices: BearerChoices, force: boolean): Promise<OAuth2Token> {
    if (!force && this.#token.access_token !== undefined && !isExpired(this.#token)) {
      if (shared.recentlyChecked) return this.#token
      return this.#renewals.run('check', () => shared.recheck())
    }
    return this.#renewals.run('token', async () => {
      if (!force && this.#token.access_token === undefined && !(await shared.load())) return this.#token
      if (!force && this.#token.access_token !== undefined && !isExpired(this.#token)) return this.#token
      return shared.renew(force, (current, deadline) => renewToken(current.refresh_token, this.#renewalPlan(choices, deadline, current)), true)
    })
  }

  /**
   * The URL of a device-flow endpoint the caller left out: the session option that names it, else
   * the discovered one (autoRefreshUrl defaults to the discovered token endpoint), else a
   * ConfigurationError naming that option.
   */
  #deviceEndpoint(which: 'device' | 'token'): string {
    if (which === 'device') {
      const url = this.#deviceAuthorizationUrl ?? this.#metadata?.device_authorization_endpoint
      if (url !== undefined) return url
      throw new ConfigurationError(
        'deviceAuthorizationUrl',
        'deviceAuthorization needs the device authorization endpoint: pass it as the url argument or set the deviceAuthorizationUrl option.',
      )
    }
    if (this.autoRefreshUrl !== undefined) return this.autoRefreshUrl
    throw new ConfigurationError('tokenUrl', 'pollDeviceToken needs the token endpoint: pass tokenUrl or set the autoRefreshUrl option.')
  }

  /** The request settings of fetchToken and refreshToken. */
  #requestShape(url: string, options: FetchTokenOptions | RefreshTokenOptions, deadline?: number): Omit<TokenRequest, 'body' | 'clientAuth'> {
    return {
      deadline,
      url,
      method: typeof options.method === 'string' ? options.method : undefined,
      forceQuerystring: options.forceQuerystring === true,
      headers: options.headers,
      rawBody: options.body,
      timeout: options.timeout,
      signal: options.signal,
      insecureTransport: this.#insecure,
    }
  }

  #codeFromResponse(authorizationResponse: string): string {
    const { code } = this.#redirectParams(authorizationResponse, 'search', 'code')
    this.client.rememberCode(code)
    return code
  }

  /**
   * The parameters of an authorization redirect (its query, or its fragment for the implicit
   * grant), once {@link OAuth2Session.#checkRedirect} accepted them and `wanted` is among them.
   */
  #redirectParams<K extends string>(authorizationResponse: string, part: 'search' | 'hash', wanted: K): Record<string, string> & Record<K, string> {
    const pairs = decodePairs(parseUrlOption(authorizationResponse, 'authorizationResponse')[part].slice(1))
    const params = Object.fromEntries(pairs) as Record<string, string>
    this.#checkRedirect(params, pairs)
    if (params[wanted] === undefined) {
      throw new TokenMissingError(wanted, Object.keys(params), part === 'hash' ? 'The authorization response fragment' : 'The authorization response')
    }
    return params as Record<string, string> & Record<K, string>
  }

  /** Checks an authorization redirect: issuer first (RFC 9207), then the provider error, then state (in constant time). */
  #checkRedirect(params: Record<string, string>, pairs: ParamPairs): void {
    const refused = redirectRefusal(pairs, params, { issuer: this.issuer, required: this.issuerParameterRequired })
    if (refused !== undefined) throw refused
    if (this.#state === undefined) {
      // A state generator no authorization URL has called: requests-oauthlib compares the callable itself, which no callback matches.
      if (typeof this.#stateOption === 'function') throw new MismatchingStateError()
      return
    }
    // A state is single use: the same callback (or another with the same state) is refused once one was accepted.
    const mismatch = this.#stateSpent ? new MismatchingStateError() : stateMismatch(params.state, this.#state)
    if (mismatch !== undefined) throw mismatch
    this.#stateSpent = true
  }

  /**
   * One token request of this session. A refresh answer without a refresh token keeps the one
   * spent; a refreshed token is kept even when its scope changed (the rotated refresh token must
   * not be lost), and ScopeChangedWarning carries it.
   */
  async #tokenRequest(request: TokenRequest, kind: 'access_token' | 'refresh_token', spentRefreshToken?: string, held = this.#token): Promise<OAuth2Token> {
    const dpop = this.#dpop?.forTokenRequest(held)
    const { token } = await requestToken(this, { ...request, hooks: { registry: this.#hooks, kind }, dpop }, { errors: 'error-key' })
    if (spentRefreshToken !== undefined && token.refresh_token === undefined) token.refresh_token = spentRefreshToken
    // OpenID Connect: a token whose ID token fails validation is not kept.
    await this.#oidc.check(this, this.#oidcHost(), token, kind, held)
    const changed = scopeChange(scopeToList(this.scope), token.scope, this.#relaxScope, token)
    if (changed === undefined || kind === 'refresh_token') this.#token = token
    if (changed !== undefined) throw changed
    return token
  }
}
