import { assertBearerTokenType } from '../oauth2-errors.js'
import type { IssuerExpectation } from '../authorization-response.js'
import { randomBytes } from 'node:crypto'
import { ConfigurationError } from '../../errors.js'
import { Session } from '../../http/session.js'
import { codeChallenge } from '../pkce.js'
import { randomAlphanumeric } from '../../security/random-alphanumeric.js'
import { HTTPBasicAuth } from '../../auth/http-basic-auth.js'
import {
  OAuth2TokenStrategy,
  BROWSER_SETTING_NAMES,
  extraParameters,
  lifetime,
  type TokenTarget,
  requireUrl,
  stateOf,
  type OAuth2TokenOptions,
} from './oauth2-token-strategy.js'
import { addParameters, popParameter, queryParameter } from '../../auth/python-url.js'
import { requestGrant, type ReceivedGrant } from './redirect-listener.js'
import type { NewToken } from './token-cache.js'
import type { StrategyClient } from './strategy-token-operations.js'
import { checkImplicitIdToken, type IdTokenSettings } from './implicit-id-token.js'
import { type ClientAuthOptions, configureClientAuth } from '../client-authentication.js'

/**
 * Options of the browser flows (requests-auth's `BrowserAuth` keywords and the OAuth 2 options),
 * in camelCase. Any other key (`client_id`, `nonce`, `prompt`, `audience` ...) is sent as a query
 * parameter of the authorization URL and, for the code flows, as a body parameter of the token
 * request; `clientId` and `clientSecret` are accepted for `client_id` and `client_secret`.
 *
 * @example
 * ```ts
 * import { OAuth2Implicit } from 'oauth-sessions'
 * const auth = new OAuth2Implicit('https://idp.example.com/authorize', { clientId: 'my-app', redirectUriPort: 5001, prompt: 'none' })
 * ```
 * @group Auth
 */
export interface OAuth2BrowserOptions extends OAuth2TokenOptions {
  /** The host name in the redirect URI when localhost is not allowed; the listener binds to its addresses. Default `localhost`. */
  redirectUriDomain?: string
  /** The path of the redirect URI, without the leading slash: `http://<domain>:<port>/<endpoint>`. Default `''`. */
  redirectUriEndpoint?: string
  /** The port the redirect listener listens on. Default 5000. */
  redirectUriPort?: number
  /** `response_type`, unless the authorization URL already has one. */
  responseType?: string
  /** The scopes to request (a list is joined with spaces). */
  scope?: string | readonly string[]
  /** The OpenID Connect nonce; it is left out of the state, as requests-auth leaves it out. */
  nonce?: string
  /**
   * The provider's issuer identifier (RFC 9207), exactly as its metadata spells it. When set, a
   * callback whose `iss` differs ends the flow with {@link IssuerMismatchError}, before any token
   * request (a mix-up attack). Not sent.
   */
  issuer?: string
  /** With `issuer`: a callback without `iss` is refused too (the provider promises to send it). Default `false`. */
  issuerParameterRequired?: boolean
  /**
   * OAuth2Implicit with an ID token (`responseType: 'id_token'`): the issuer's JSON Web Key Set.
   * With `issuer` set and this left out, it is read from the issuer's discovered metadata
   * (`jwks_uri`). Not sent.
   */
  jwksUri?: string
  /** OAuth2Implicit with an ID token: seconds of clock difference tolerated on `exp` and `iat` (0 to 600). Default 60. Not sent. */
  clockSkew?: number
  /** OAuth2Implicit with an ID token: the `alg` values allowed. Default the metadata's, else RS256; never `none` or HS*. Not sent. */
  idTokenSigningAlgs?: readonly string[]
  /** Extra authorization (and token) request parameters. */
  [param: string]: unknown
}

/**
 * Options of {@link OAuth2AuthorizationCode} and {@link OAuth2AuthorizationCodePKCE}. With
 * `clientAuth` ({@link ClientAuthOptions}) the client authenticates by that method at the token
 * endpoint (code exchange, refresh, `revoke()`, `introspect()`), with `clientId` and, for the
 * secret methods, `clientSecret` (never sent through the browser); `username` and `password` are
 * then not taken. Without it, Basic with `username` and `password`, else `client_id` and
 * `client_secret` in the body, as requests-auth sends them.
 *
 * @example
 * ```ts
 * import { OAuth2AuthorizationCode } from 'oauth-sessions'
 * const auth = new OAuth2AuthorizationCode('https://idp.example.com/authorize', 'https://idp.example.com/token', { clientId: 'app', username: 'app', password: 'secret' })
 * ```
 * @group Auth
 */
export interface OAuth2AuthorizationCodeOptions extends OAuth2BrowserOptions, ClientAuthOptions {
  /** The redirect parameter carrying the code. Default `code`. */
  codeFieldName?: string
  /** Client id for Basic authentication of the token request (with `password`). */
  username?: string
  /** Client secret for Basic authentication of the token request (with `username`). */
  password?: string
  /** The Session token requests go through (proxies, agents ...). */
  session?: Session
}

/** Parameters that belong to the token request only: a client secret never goes through the browser. */
const TOKEN_ONLY = new Set(['client_secret'])

/** requests-auth's `BrowserAuth`: the redirect URI and where the listener runs. */
interface RedirectTarget {
  domain: string
  port: number
  redirectUri: string
}

function redirectTarget(options: OAuth2BrowserOptions): RedirectTarget {
  const domain = options.redirectUriDomain || 'localhost'
  const endpoint = options.redirectUriEndpoint || ''
  const port = options.redirectUriPort || 5000
  if (/[/?#:@\s]/.test(domain))
    throw new ConfigurationError('redirectUriDomain', `redirectUriDomain must be a bare host name such as localhost (got "${domain}").`)
  return { domain, port, redirectUri: `http://${domain}:${port}/${endpoint.replace(/^\/+/, '')}` }
}

function remove(parameters: [string, string][], name: string): void {
  const index = parameters.findIndex(([parameter]) => parameter === name)
  if (index >= 0) parameters.splice(index, 1)
}

function parameterValue(parameters: readonly [string, string][], name: string): string | undefined {
  return parameters.find(([parameter]) => parameter === name)?.[1]
}

/**
 * The authorization URL as requests-auth builds it: parameters added, nonce taken out for the
 * cache key (SHA-512 of that URL, requests-auth's state), then state, redirect_uri and nonce
 * appended when a flow starts.
 */
function grantUrlOf(authorizationUrl: string, parameters: readonly [string, string][]): { state: string; withoutNonce: string; nonce: string | undefined } {
  const browserParameters = parameters.filter(([name]) => !TOKEN_ONLY.has(name))
  const [withoutNonce, nonce] = popParameter(addParameters(authorizationUrl, browserParameters), 'nonce')
  return { state: stateOf(withoutNonce), withoutNonce, nonce }
}

/** Characters of a flow's state: 43 of A-Z, a-z, 0-9 are about 256 bits. */
const FLOW_STATE_LENGTH = 43

/**
 * What the three browser flows share: the redirect target, the authorization URL, the cache key,
 * the random state of each flow, and waiting for the browser.
 */
abstract class OAuth2BrowserStrategy extends OAuth2TokenStrategy {
  /** The authorization endpoint, as given. */
  readonly authorizationUrl: string
  /** The redirect URI sent to the provider: `http://<redirectUriDomain>:<redirectUriPort>/<redirectUriEndpoint>`. */
  readonly redirectUri: string
  /**
   * requests-auth's `state`, here the token cache key only: SHA-512 of the authorization URL with
   * its parameters, without the nonce, so tokens cached by requests-auth's rules are found. It is
   * not sent: anyone can compute it from the public URL. The OAuth 2 state is {@link flowState}.
   */
  readonly state: string
  readonly #target: RedirectTarget
  readonly #issuer: IssuerExpectation
  #flowState: string | undefined
  readonly #withoutNonce: string
  readonly #nonce: string | undefined

  constructor(authorizationUrl: string, parameters: [string, string][], options: OAuth2BrowserOptions, defaultTokenField: string) {
    super(options, defaultTokenField)
    this.authorizationUrl = requireUrl('authorizationUrl', authorizationUrl, 'Authorization URL')
    this.#target = redirectTarget(options)
    this.#issuer = { issuer: options.issuer, required: options.issuerParameterRequired ?? false }
    this.redirectUri = this.#target.redirectUri
    const built = grantUrlOf(authorizationUrl, parameters)
    this.state = built.state
    this.#withoutNonce = built.withoutNonce
    this.#nonce = built.nonce
  }

  /**
   * The OAuth 2 `state` of the next flow (or of the one running): random, drawn when first read,
   * used by one flow only and replaced when that flow ends. The redirect listener takes only a
   * callback carrying it (compared in constant time) and ignores any other request.
   * requests-auth sent {@link state}, the hash of the public URL, which any web page could forge.
   *
   * @example
   * ```ts
   * import { OAuth2Implicit } from 'oauth-sessions'
   * import { BrowserMock } from 'oauth-sessions/testing'
   * const auth = new OAuth2Implicit('https://idp.example/authorize', { clientId: 'app' })
   * new BrowserMock().install().addResponse({ openedUrl: auth.grantUrl, replyUrl: `http://localhost:5000#access_token=abc&state=${auth.flowState}` })
   * ```
   */
  get flowState(): string {
    this.#flowState ??= randomAlphanumeric(FLOW_STATE_LENGTH)
    return this.#flowState
  }

  /** The URL the browser is sent to by the next (or running) flow, with its {@link flowState}; for the PKCE flow, without the per-flow code challenge. */
  get grantUrl(): string {
    return this.grantUrlWith([])
  }

  /** The nonce sent (the `nonce` option, or the one in the authorization URL). @internal */
  protected get nonce(): string | undefined {
    return this.#nonce
  }

  /** The issuer callbacks must come from (the `issuer` option). @internal */
  protected get expectedIssuer(): string | undefined {
    return this.#issuer.issuer
  }

  /** The grant URL with extra parameters appended after state, redirect_uri and nonce. @internal */
  protected grantUrlWith(extra: readonly [string, string][]): string {
    const custom: [string, string][] = [
      ['state', this.flowState],
      ['redirect_uri', this.redirectUri],
    ]
    if (this.#nonce !== undefined) custom.push(['nonce', this.#nonce])
    return addParameters(this.#withoutNonce, [...custom, ...extra])
  }

  /**
   * Opens the browser at `url` (built with {@link flowState}) and waits for `fieldName` on the
   * redirect listener; the state is spent when the flow ends, whatever the outcome. @internal
   */
  protected async waitForGrant(url: string, fieldName: string): Promise<ReceivedGrant> {
    const state = this.flowState
    try {
      return await requestGrant({
        url,
        redirectUri: this.redirectUri,
        domain: this.#target.domain,
        port: this.#target.port,
        fieldName,
        state,
        issuer: this.#issuer,
        timeoutMs: this.timeoutMs,
      })
    } finally {
      if (this.#flowState === state) this.#flowState = undefined
    }
  }

  /** The strategy without secrets. */
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), authorizationUrl: this.authorizationUrl, redirectUri: this.redirectUri }
  }
}

/** The code flows' token side: Basic client authentication, token and refresh bodies. */
abstract class OAuth2CodeStrategy extends OAuth2BrowserStrategy {
  /** The token endpoint. */
  readonly tokenUrl: string
  /** The redirect parameter carrying the code. */
  readonly codeFieldName: string
  readonly #target: TokenTarget
  /** The parameters sent with every token request (response_type, client_id, scope and extras). @internal */
  protected readonly parameters: readonly [string, string][]

  constructor(authorizationUrl: string, tokenUrl: string, parameters: [string, string][], options: OAuth2AuthorizationCodeOptions) {
    super(authorizationUrl, parameters, options, 'access_token')
    this.tokenUrl = requireUrl('tokenUrl', tokenUrl, 'Token URL')
    this.codeFieldName = options.codeFieldName || 'code'
    const secret = parameterValue(parameters, 'client_secret')
    const configured = configureClientAuth(parameterValue(parameters, 'client_id'), secret || undefined, options, new.target.name)
    if (configured !== undefined && (options.username !== undefined || options.password !== undefined)) {
      const option = options.username !== undefined ? 'username' : 'password'
      throw new ConfigurationError(
        option,
        `${new.target.name}: pass either ${option} (Basic) or clientAuth, not both; clientAuth takes clientId and clientSecret.`,
      )
    }
    this.#target = {
      session: options.session ?? new Session(),
      url: this.tokenUrl,
      auth: configured?.strategy ?? (options.username && options.password ? new HTTPBasicAuth(options.username, options.password) : undefined),
    }
    // With clientAuth the secret goes only the way its method sends it, never as a plain parameter.
    this.parameters = configured === undefined ? parameters : parameters.filter(([name]) => name !== 'client_secret')
  }

  /** @internal */
  protected override get acceptsClientAuth(): boolean {
    return true
  }

  /** Exchanges a code (RFC 6749 §4.1.3): `first` goes ahead of requests-auth's body, as its PKCE flow puts the verifier. */
  protected exchangeCode(code: string, first: [string, string][] = []): Promise<NewToken> {
    return this.postToken([...first, ['grant_type', 'authorization_code'], ['redirect_uri', this.redirectUri], ...this.parameters, ['code', code]])
  }

  protected override refreshToken(refreshToken: string): Promise<NewToken> {
    return this.postToken([['grant_type', 'refresh_token'], ...this.parameters, ['refresh_token', refreshToken]])
  }

  /** @internal the Basic pair (`username`, `password`), else `client_id` and `client_secret` of the parameters in the body. */
  protected get tokenClient(): StrategyClient {
    const { session, auth } = this.#target
    if (auth !== undefined) return { session, auth }
    return { session, auth, clientId: parameterValue(this.parameters, 'client_id'), clientSecret: parameterValue(this.parameters, 'client_secret') }
  }

  /** POSTs a token request with the client authentication and session of this strategy. @internal */
  protected postToken(data: [string, string][]): Promise<NewToken> {
    return this.postTokenTo(this.#target, data)
  }

  /** The strategy without secrets. */
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), tokenUrl: this.tokenUrl }
  }
}

/**
 * requests-auth's `OAuth2AuthorizationCode`: the first request that needs a token opens the
 * browser at the authorization URL, receives the code on a local listener
 * (`http://localhost:5000/` by default), exchanges it at the token URL (RFC 6749 §4.1), caches the
 * token and refreshes it when the server issued a refresh token.
 *
 * @example
 * ```ts
 * import { OAuth2AuthorizationCode, Session } from 'oauth-sessions'
 * const auth = new OAuth2AuthorizationCode('https://idp.example.com/authorize', 'https://idp.example.com/token', { clientId: 'my-app' })
 * const me = await new Session({ auth }).get('https://api.example.com/me')
 * ```
 * @see requests_auth.OAuth2AuthorizationCode
 * @group Auth
 */
export class OAuth2AuthorizationCode extends OAuth2CodeStrategy {
  constructor(authorizationUrl: string, tokenUrl: string, options: OAuth2AuthorizationCodeOptions = {}) {
    const parameters = extraParameters(options, BROWSER_SETTING_NAMES())
    if (typeof authorizationUrl === 'string' && queryParameter(authorizationUrl, 'response_type') !== undefined) remove(parameters, 'response_type')
    else if (parameterValue(parameters, 'response_type') === undefined) parameters.push(['response_type', 'code'])
    super(authorizationUrl, tokenUrl, parameters, options)
  }

  protected async requestNewToken(): Promise<NewToken> {
    const { grant } = await this.waitForGrant(this.grantUrl, this.codeFieldName)
    return this.exchangeCode(grant)
  }
}

/**
 * requests-auth's `OAuth2AuthorizationCodePKCE`: the code flow with a Proof Key for Code Exchange
 * (RFC 7636, S256). A new 86-character verifier is drawn for every flow (requests-auth drew one per
 * strategy object).
 *
 * @example
 * ```ts
 * import { OAuth2AuthorizationCodePKCE, Session } from 'oauth-sessions'
 * const auth = new OAuth2AuthorizationCodePKCE('https://idp.example.com/authorize', 'https://idp.example.com/token', { clientId: 'my-app' })
 * await new Session({ auth }).get('https://api.example.com/me')
 * ```
 * @see requests_auth.OAuth2AuthorizationCodePKCE
 * @group Auth
 */
export class OAuth2AuthorizationCodePKCE extends OAuth2CodeStrategy {
  constructor(authorizationUrl: string, tokenUrl: string, options: OAuth2AuthorizationCodeOptions = {}) {
    const parameters = extraParameters(options, BROWSER_SETTING_NAMES())
    let url = authorizationUrl
    if (typeof authorizationUrl === 'string' && authorizationUrl !== '') {
      const [withoutType, type] = popParameter(authorizationUrl, 'response_type')
      if (type !== undefined) {
        url = withoutType
        remove(parameters, 'response_type')
        parameters.push(['response_type', type])
      }
    }
    if (parameterValue(parameters, 'response_type') === undefined) parameters.push(['response_type', 'code'])
    super(url, tokenUrl, parameters, options)
  }

  protected async requestNewToken(): Promise<NewToken> {
    // requests-auth's secrets.token_urlsafe(64): 86 characters (oauthlib's verifiers have 64).
    const verifier = randomBytes(64).toString('base64url')
    const url = this.grantUrlWith([
      ['code_challenge', codeChallenge(verifier, 'S256')],
      ['code_challenge_method', 'S256'],
    ])
    const { grant } = await this.waitForGrant(url, this.codeFieldName)
    return this.exchangeCode(grant, [['code_verifier', verifier]])
  }
}

/**
 * requests-auth's `OAuth2Implicit`: the first request that needs a token opens the browser, and
 * the token comes back in the redirect's fragment (RFC 6749 §4.2), which a page served by the
 * local listener sends back to it. With `responseType: 'id_token'` it gets an OpenID Connect ID
 * token (`tokenFieldName` then defaults to `id_token`). The token is kept until `expires_in`, or
 * the `exp` claim of a JWT. An ID token in the redirect is validated (OpenID Connect Core
 * §3.2.2.11: signature, `iss`, `aud`, `azp`, `exp`, `iat`, and the nonce sent) when the `issuer`
 * option is set, with the keys at `jwksUri` or at the issuer's discovered `jwks_uri`; a failure is
 * an {@link IdTokenValidationError} and nothing is cached. Without `issuer` it is kept unchecked,
 * as requests-auth keeps it.
 *
 * @example
 * ```ts
 * import { OAuth2Implicit, Session } from 'oauth-sessions'
 * const auth = new OAuth2Implicit('https://idp.example.com/authorize', { clientId: 'my-app', nonce: crypto.randomUUID() })
 * await new Session({ auth }).get('https://api.example.com/me')
 * ```
 * @see requests_auth.OAuth2Implicit
 * @group Auth
 */
export class OAuth2Implicit extends OAuth2BrowserStrategy {
  constructor(authorizationUrl: string, options: OAuth2BrowserOptions = {}) {
    const parameters = extraParameters(options, BROWSER_SETTING_NAMES())
    let responseType = typeof authorizationUrl === 'string' && authorizationUrl !== '' ? queryParameter(authorizationUrl, 'response_type') : undefined
    if (responseType !== undefined) remove(parameters, 'response_type')
    else {
      responseType = parameterValue(parameters, 'response_type')
      if (responseType === undefined) {
        responseType = 'token'
        parameters.push(['response_type', responseType])
      }
    }
    super(authorizationUrl, parameters, options, responseType === 'id_token' ? 'id_token' : 'access_token')
    this.#clientId =
      parameterValue(parameters, 'client_id') ?? (typeof authorizationUrl === 'string' ? queryParameter(authorizationUrl, 'client_id') : undefined)
    this.#idToken = { jwksUri: options.jwksUri, clockSkew: options.clockSkew, idTokenSigningAlgs: options.idTokenSigningAlgs }
  }

  /** @internal a public client: its `client_id` in the body, through a Session made when first needed. */
  protected get tokenClient(): StrategyClient {
    this.#session ??= new Session()
    return { session: this.#session, auth: undefined, clientId: this.#clientId }
  }

  readonly #clientId: string | undefined
  readonly #idToken: IdTokenSettings
  #session: Session | undefined

  protected async requestNewToken(): Promise<NewToken> {
    const { grant, fields } = await this.waitForGrant(this.grantUrl, this.tokenFieldName)
    if (this.sendsBearer) assertBearerTokenType(fields.token_type)
    const idToken = fields.id_token
    const issuer = this.expectedIssuer
    // An ID token is validated once the issuer is known; without it, kept as requests-auth keeps it (unchecked).
    if (typeof idToken === 'string' && issuer !== undefined) {
      await checkImplicitIdToken(this.tokenClient.session, idToken, {
        ...this.#idToken,
        issuer,
        clientId: this.#clientId,
        nonce: this.nonce,
        insecure: this.insecureTransport,
      })
    }
    return { token: grant, expiresIn: lifetime(fields.expires_in) }
  }
}
