import { ConfigurationError } from '../errors.js'
import type { ParamPairs } from '../http/form-encoding.js'

/**
 * What fetchToken hands a grant to build its token request; a grant of your own reads what it needs.
 *
 * @example
 * ```ts
 * import { OAuth2Client, type TokenRequestInput } from 'oauth-sessions'
 * class DeviceCodeClient extends OAuth2Client {
 *   readonly grantType = 'urn:ietf:params:oauth:grant-type:device_code'
 *   constructor(clientId: string, readonly deviceCode: string) { super(clientId) }
 *   protected override grantParameters(_input: TokenRequestInput): [string, string][] {
 *     return [['device_code', this.deviceCode]]
 *   }
 * }
 * ```
 * @group OAuth 2
 */
export interface TokenRequestInput {
  /** The authorization code (code grant). */
  code?: string | undefined
  /** The resource owner's name (password grant). */
  username?: string | undefined
  /** The resource owner's password (password grant). */
  password?: string | undefined
  /** The session's scope as the wire spells it. */
  scope?: string | undefined
  /** The session's redirect URI. */
  redirectUri?: string | undefined
  /** Extra parameters, in order (`client_id` and `client_secret` are never taken from here). */
  extras: Readonly<Record<string, string>>
  /** The client id. */
  clientId: string | undefined
  /** Whether `client_id` goes in the body (`includeClientId`). */
  includeClientId: boolean
  /** The client secret; it goes in the body only with `includeClientId`. */
  clientSecret: string | undefined
  /** The PKCE code verifier. */
  codeVerifier: string | undefined
  /** The assertion of an assertion grant (`assertion`, RFC 7521 §4.1), resolved by {@link OAuth2Client.assertionFor}. */
  assertion?: string | undefined
}

/**
 * An assertion for an assertion grant (JWT bearer, RFC 7523 §2.1): the JWT itself, or a function
 * that makes one. A function is called for every token request, so each carries a fresh assertion
 * (a new `jti`, `iat` and `exp`), as servers that refuse a replayed `jti` require.
 *
 * @example
 * ```ts
 * import type { AssertionSource } from 'oauth-sessions'
 * declare function signJwt(claims: Record<string, unknown>): Promise<string>
 * const assertion: AssertionSource = () => signJwt({ iss: 'client-id', sub: 'user-42', aud: 'https://idp.example.com/token', jti: crypto.randomUUID() })
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.1
 * @group OAuth 2
 */
export type AssertionSource = string | (() => string | Promise<string>)

/**
 * What a refresh request carries (see {@link OAuth2Client.prepareRefreshBody}).
 *
 * @example
 * ```ts
 * import { WebApplicationClient } from 'oauth-sessions'
 * const body = new WebApplicationClient('id').prepareRefreshBody({ refreshToken: 'rt', extras: {} })
 * ```
 * @group OAuth 2
 */
export interface RefreshRequestInput {
  /** The refresh token. */
  refreshToken: string
  /** The session's scope as the wire spells it. */
  scope?: string | undefined
  /** Extra parameters; `client_id` and `client_secret` among them go in their oauthlib places. */
  extras: Readonly<Record<string, string>>
}

/** The shared body builder: `grant_type`, `client_id` (when included), `code_verifier`, `client_secret`, then the rest, empty values skipped. */
function tokenBody(
  grantType: string,
  input: { clientId?: string | undefined; includeClientId: boolean; clientSecret?: string | undefined; codeVerifier?: string | undefined },
  params: ParamPairs,
): ParamPairs {
  const pairs: ParamPairs = [['grant_type', grantType]]
  if (input.includeClientId && input.clientId !== undefined) pairs.push(['client_id', input.clientId])
  if (input.codeVerifier !== undefined) pairs.push(['code_verifier', input.codeVerifier])
  if (input.clientSecret !== undefined) pairs.push(['client_secret', input.clientSecret])
  for (const [name, value] of params) if (value !== '') pairs.push([name, value])
  return pairs
}

/**
 * An OAuth 2 grant, as oauthlib's client classes: it knows its `grant_type` and
 * `response_type`, and the parameters its token request carries.
 *
 * @example
 * ```ts
 * import { BackendApplicationClient, OAuth2Session } from 'oauth-sessions'
 * const session = new OAuth2Session('client-id', { client: new BackendApplicationClient('client-id') })
 * await session.fetchToken('https://idp.example.com/token', { clientSecret: process.env.CLIENT_SECRET })
 * ```
 * @see oauthlib.oauth2.Client
 * @group OAuth 2
 */
export abstract class OAuth2Client {
  /** The client id. */
  readonly clientId: string
  /** The `grant_type` of token requests. */
  abstract readonly grantType: string
  /** The `response_type` of authorization requests, for grants that have one. */
  readonly responseType: string | undefined = undefined

  constructor(clientId: string) {
    this.clientId = clientId
  }

  /** Whether the authorization URL of this grant carries a PKCE challenge (the code grant). */
  get supportsPkce(): boolean {
    return false
  }

  /** Whether an expired token is renewed by running this grant again (client credentials). */
  get renewsByGrant(): boolean {
    return false
  }

  /**
   * Whether the token belongs to the client itself rather than to a user (client credentials), so
   * that a shared `tokenStore` needs no `tokenKey` or `tokenSubject` to keep users apart.
   */
  get clientOwnsToken(): boolean {
    return this.renewsByGrant
  }

  /**
   * The assertion of this token request: the one fetchToken was given (a function is called now),
   * else none; {@link JwtBearerClient} falls back to its own, needs one and checks it is a JWT.
   * Another grant's assertion (a SAML one, RFC 7522 ...) is sent as it is: non-empty visible
   * text, never shown.
   *
   * @throws {@link ConfigurationError} naming `assertion` when it (or what its function returned) is not such text
   */
  async assertionFor(given: AssertionSource | undefined): Promise<string | undefined> {
    return given === undefined ? undefined : resolveAssertion(given, false)
  }

  /**
   * The code to exchange: the one given, or for the code grant the one of the last parsed
   * authorization response. Throws before any traffic when this grant needs one and has none.
   *
   */
  codeFor(code: string | undefined): string | undefined {
    return code
  }

  /** Keeps the code of a parsed authorization response, as oauthlib's `populate_code_attributes`. */
  rememberCode(_code: string): void {}

  /** Checks what this grant needs from fetchToken, before any traffic; throws ConfigurationError. */
  checkTokenRequest(_input: TokenRequestInput): void {}

  /**
   * The token request body in oauthlib's order (`prepare_token_request`): `grant_type`,
   * `client_id` (when included), `code_verifier`, `client_secret`, the grant's own parameters,
   * then `code`, `redirect_uri` and the extras; empty values are skipped.
   *
   */
  prepareTokenRequest(input: TokenRequestInput): ParamPairs {
    this.checkTokenRequest(input)
    const params = this.grantParameters(input)
    if (input.assertion !== undefined && !params.some(([name]) => name === 'assertion')) params.push(['assertion', input.assertion])
    if (input.code) params.push(['code', input.code])
    if (input.redirectUri) params.push(['redirect_uri', input.redirectUri])
    const placed = this.placesScope()
    for (const [name, value] of Object.entries(input.extras)) {
      if (name !== 'client_id' && name !== 'client_secret' && !(placed && name === 'scope')) params.push([name, value])
    }
    return tokenBody(this.grantType, { ...input, clientSecret: input.includeClientId ? input.clientSecret : undefined }, params)
  }

  /**
   * The refresh request body (oauthlib's `prepare_refresh_body`): `grant_type=refresh_token`,
   * `client_id`/`client_secret` when given as extras, the scope, the refresh token, the rest.
   *
   */
  prepareRefreshBody(input: RefreshRequestInput): ParamPairs {
    const params: ParamPairs = []
    if (input.scope !== undefined) params.push(['scope', input.scope])
    params.push(['refresh_token', input.refreshToken])
    for (const [name, value] of Object.entries(input.extras)) if (name !== 'client_id' && name !== 'client_secret') params.push([name, value])
    return tokenBody('refresh_token', { clientId: input.extras.client_id, includeClientId: true, clientSecret: input.extras.client_secret }, params)
  }

  /** The grant's own parameters, ahead of code, redirect_uri and the extras. */
  protected grantParameters(_input: TokenRequestInput): ParamPairs {
    return []
  }

  /** Whether the grant puts `scope` in its own parameters (then an extra `scope` is not repeated). */
  protected placesScope(): boolean {
    return false
  }
}

/**
 * The authorization code grant (RFC 6749 §4.1), the default.
 *
 * @example
 * ```ts
 * import { OAuth2Session, WebApplicationClient } from 'oauth-sessions'
 * const session = new OAuth2Session('client-id', { client: new WebApplicationClient('client-id') })
 * ```
 * @see oauthlib.oauth2.WebApplicationClient
 * @group OAuth 2
 */
export class WebApplicationClient extends OAuth2Client {
  /** `authorization_code`. */
  readonly grantType = 'authorization_code'
  /** `code`. */
  override readonly responseType = 'code'
  /** The code from the last parsed authorization response. */
  code: string | undefined

  constructor(clientId: string, options: { code?: string } = {}) {
    super(clientId)
    this.code = options.code
  }

  /** `true`: authorization URLs carry a PKCE challenge unless `pkce: false`. */
  override get supportsPkce(): boolean {
    return true
  }

  /** The code given, or the one of the last parsed authorization response; throws when there is none. */
  override codeFor(code: string | undefined): string {
    const chosen = code ?? this.code
    if (chosen === undefined) throw new ConfigurationError('code', 'Pass code or authorizationResponse to fetchToken().')
    return chosen
  }

  /** Keeps the code for the next fetchToken. */
  override rememberCode(code: string): void {
    this.code = code
  }
}

/**
 * The implicit grant (RFC 6749 §4.2): the token arrives in the redirect's fragment; read it with
 * `tokenFromFragment`.
 *
 * @example
 * ```ts
 * import { MobileApplicationClient, OAuth2Session } from 'oauth-sessions'
 * const session = new OAuth2Session('client-id', { client: new MobileApplicationClient('client-id') })
 * ```
 * @see oauthlib.oauth2.MobileApplicationClient
 * @group OAuth 2
 */
export class MobileApplicationClient extends OAuth2Client {
  /** Implicit tokens are not fetched from a token endpoint. */
  readonly grantType = 'implicit'
  /** `token`. */
  override readonly responseType = 'token'
}

/**
 * The resource owner password credentials grant (RFC 6749 §4.3).
 *
 * @example
 * ```ts
 * import { LegacyApplicationClient, OAuth2Session } from 'oauth-sessions'
 * const session = new OAuth2Session('client-id', { client: new LegacyApplicationClient('client-id') })
 * await session.fetchToken('https://idp.example.com/token', { username: 'alice', password: process.env.PASSWORD })
 * ```
 * @see oauthlib.oauth2.LegacyApplicationClient
 * @group OAuth 2
 */
export class LegacyApplicationClient extends OAuth2Client {
  /** `password`. */
  readonly grantType = 'password'

  /** Throws ConfigurationError unless both username and password are given. */
  override checkTokenRequest(input: TokenRequestInput): void {
    if (input.username === undefined || input.password === undefined) {
      throw new ConfigurationError(input.username === undefined ? 'username' : 'password', 'The password grant needs both username and password.')
    }
  }

  /** `username`, `password`, then the scope. */
  protected override grantParameters(input: TokenRequestInput): ParamPairs {
    const params: ParamPairs = [
      ['username', String(input.username)],
      ['password', String(input.password)],
    ]
    const scope = input.extras.scope ?? input.scope
    if (scope !== undefined) params.push(['scope', scope])
    return params
  }

  /** `true`: the scope is one of the grant's own parameters. */
  protected override placesScope(): boolean {
    return true
  }
}

/**
 * The client credentials grant (RFC 6749 §4.4).
 *
 * @example
 * ```ts
 * import { BackendApplicationClient, OAuth2Session } from 'oauth-sessions'
 * const session = new OAuth2Session('client-id', { client: new BackendApplicationClient('client-id') })
 * ```
 * @see oauthlib.oauth2.BackendApplicationClient
 * @group OAuth 2
 */
export class BackendApplicationClient extends OAuth2Client {
  /** `client_credentials`. */
  readonly grantType = 'client_credentials'

  /** `true`: an expired token is fetched again with the same parameters. */
  override get renewsByGrant(): boolean {
    return true
  }

  /** The scope. */
  protected override grantParameters(input: TokenRequestInput): ParamPairs {
    const scope = input.extras.scope ?? input.scope
    return scope === undefined ? [] : [['scope', scope]]
  }

  /** `true`: the scope is one of the grant's own parameters. */
  protected override placesScope(): boolean {
    return true
  }
}

/** A JWT in compact form: a JWS (three parts) or a JWE (five), base64url each. */
const COMPACT_JWT = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]*){2}(?:(?:\.[A-Za-z0-9_-]*){2})?$/
/** The longest assertion sent; a JWT of more is a mistake (a whole certificate chain in a header ...). */
const MAX_ASSERTION_LENGTH = 65_536

/** An assertion of any grant: visible ASCII (a base64url SAML assertion, a JWT ...). */
const VISIBLE_TEXT = /^[\x21-\x7E]+$/

/**
 * The assertion of a source: the text, or what its function returns, checked to be non-empty
 * visible text, and with `jwt` a JWT in compact form. The message never quotes it: an assertion
 * is a credential.
 *
 * @internal
 */
export async function resolveAssertion(source: AssertionSource, jwt = true): Promise<string> {
  const assertion = typeof source === 'function' ? await source() : source
  if (typeof assertion === 'string' && assertion.length <= MAX_ASSERTION_LENGTH && (jwt ? COMPACT_JWT : VISIBLE_TEXT).test(assertion)) return assertion
  const what = typeof source === 'function' ? 'The assertion function returned' : 'The assertion is'
  let got = jwt ? 'text that is no JWT' : 'text with characters an assertion cannot have (a space, a line break ...)'
  if (typeof assertion !== 'string') got = `a ${assertion === null ? 'null' : typeof assertion}`
  else if (assertion === '') got = 'empty text'
  const needs = jwt
    ? 'the JWT bearer grant (RFC 7523 §2.1) needs one signed JWT in compact form (header.payload.signature)'
    : 'pass the assertion as it goes on the wire (base64url)'
  throw new ConfigurationError('assertion', `${what} ${got}: ${needs}.`)
}

/**
 * The JWT bearer grant (RFC 7523 §2.1): a JWT, signed by the client or by an identity provider
 * the authorization server trusts, is exchanged for an access token (`grant_type` =
 * `urn:ietf:params:oauth:grant-type:jwt-bearer`, `assertion`, `scope`). The assertion is given
 * here or to each fetchToken (`{ assertion }`), as the JWT or as a function that makes one; a
 * function is called for every token request, the renewal of an expired token included, so each
 * carries a fresh `jti`. An expired token is renewed by running the grant again, as for client
 * credentials; the token is the assertion's subject's, so a shared `tokenStore` needs a
 * `tokenKey` or `tokenSubject`. The assertion is a credential: it is never shown by toJSON,
 * inspect, logs or error messages.
 *
 * Client authentication is the token endpoint's (Basic when the session has a client secret);
 * pass `auth: null` to fetchToken for a server that takes the JWT alone.
 *
 * @example
 * ```ts
 * import { SignJWT, importPKCS8 } from 'jose'
 * import { JwtBearerClient, OAuth2Session } from 'oauth-sessions'
 * const key = await importPKCS8(process.env.SERVICE_KEY ?? '', 'RS256')
 * const client = new JwtBearerClient('service-1', {
 *   assertion: () =>
 *     new SignJWT({ scope: 'reports' })
 *       .setProtectedHeader({ alg: 'RS256' })
 *       .setIssuer('service-1').setSubject('user-42').setAudience('https://idp.example.com/token')
 *       .setJti(crypto.randomUUID()).setIssuedAt().setExpirationTime('2m')
 *       .sign(key),
 * })
 * const session = new OAuth2Session('service-1', { client })
 * await session.fetchToken('https://idp.example.com/token', { auth: null })
 * await session.get('https://api.example.com/reports')
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.1
 * @group OAuth 2
 */
export class JwtBearerClient extends OAuth2Client {
  /** `urn:ietf:params:oauth:grant-type:jwt-bearer`. */
  readonly grantType = 'urn:ietf:params:oauth:grant-type:jwt-bearer'
  readonly #assertion: AssertionSource | undefined

  /**
   * @param clientId - the client id
   * @param options - `assertion`: the JWT, or a function that makes one for each token request
   * @throws {@link ConfigurationError} naming `assertion` when it is neither text nor a function
   */
  constructor(clientId: string, options: { assertion?: AssertionSource } = {}) {
    super(clientId)
    const assertion = options.assertion
    if (assertion !== undefined && typeof assertion !== 'string' && typeof assertion !== 'function') {
      throw new ConfigurationError('assertion', 'JwtBearerClient: assertion must be the JWT as text, or a function that returns one.')
    }
    this.#assertion = assertion
  }

  /** `true`: an expired token is fetched again with a new assertion. */
  override get renewsByGrant(): boolean {
    return true
  }

  /** `false`: the token is the assertion's subject's, not the client's. */
  override get clientOwnsToken(): boolean {
    return false
  }

  /**
   * The assertion given to fetchToken, else this client's; a function is called now.
   *
   * @throws {@link ConfigurationError} naming `assertion` when there is none, or it is not a JWT
   */
  override async assertionFor(given: AssertionSource | undefined): Promise<string> {
    const source = given ?? this.#assertion
    if (source === undefined) {
      throw new ConfigurationError('assertion', 'The JWT bearer grant needs an assertion: pass { assertion } to JwtBearerClient or to fetchToken.')
    }
    return resolveAssertion(source)
  }

  /** Throws ConfigurationError unless the assertion was resolved. */
  override checkTokenRequest(input: TokenRequestInput): void {
    if (input.assertion === undefined) throw new ConfigurationError('assertion', 'The JWT bearer grant needs an assertion: pass { assertion } to fetchToken.')
  }

  /** `assertion`, then the scope. */
  protected override grantParameters(input: TokenRequestInput): ParamPairs {
    const params: ParamPairs = [['assertion', String(input.assertion)]]
    const scope = input.extras.scope ?? input.scope
    if (scope !== undefined) params.push(['scope', scope])
    return params
  }

  /** `true`: the scope is one of the grant's own parameters. */
  protected override placesScope(): boolean {
    return true
  }

  /** The client without its assertion. */
  toJSON(): Record<string, unknown> {
    return { type: 'JwtBearerClient', clientId: this.clientId, grantType: this.grantType }
  }

  /** @internal keeps the assertion out of `console.log` and `util.inspect`. */
  [Symbol.for('nodejs.util.inspect.custom')](): Record<string, unknown> {
    return this.toJSON()
  }
}
