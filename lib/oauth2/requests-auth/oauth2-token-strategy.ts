import { createHash } from 'node:crypto'
import { lazySchema } from '../../http/lazy-schema.js'
import { ConfigurationError } from '../../errors.js'
import type { PreparedRequest } from '../../http/prepared-request.js'
import { parseUrlOption } from '../../http/parse-url.js'
import { Session } from '../../http/session.js'
import { MAX_TIMER_MS } from '../../http/session-options.js'
import { assertBearerTokenType } from '../oauth2-errors.js'
import { assertSecureTransport } from '../transport-security.js'
import { REQUESTS_FORM_HEADERS, requestToken, type TokenPolicy } from '../token-endpoint.js'
import { renewToken } from '../token-renewal.js'
import type { AuthStrategy } from '../../auth/auth-strategy.js'
import { AuthBase } from '../../auth/multi-auth.js'
import { pythonFormat } from './python-format.js'
import { addParameters, unicodeEscape } from '../../auth/python-url.js'
import { SECRET_PARAMS } from '../../security/secret-names.js'
import type { TokenIntrospection } from '../token-revocation.js'
import {
  introspectStrategyToken,
  type OperationHost,
  revokeStrategyToken,
  type StrategyClient,
  type StrategyTokenOperationOptions,
} from './strategy-token-operations.js'
import { cachedToken, tokenCache, type NewToken } from './token-cache.js'
import { openIdConnectOptionsShape } from '../openid-connect.js'
import type { StoreUnavailablePolicy } from '../../tokens/shared-renewal.js'
import { CLIENT_AUTH_OPTION_NAMES, clientAuthShape } from '../client-authentication.js'

/**
 * Options every requests-auth-style OAuth 2 strategy takes, in camelCase.
 *
 * @example
 * ```ts
 * import { OAuth2ClientCredentials } from 'oauth-sessions'
 * const auth = new OAuth2ClientCredentials('https://idp.example.com/token', 'id', 'secret', { headerName: 'X-Token', headerValue: '{token}' })
 * ```
 * @group Auth
 */
export interface OAuth2TokenOptions {
  /** The header the token is sent in. Default `Authorization`. */
  headerName?: string
  /** The header value; must contain `{token}`. Default `Bearer {token}`. */
  headerValue?: string
  /** The token's field in the answer. Default `access_token`. */
  tokenFieldName?: string
  /** Seconds before expiry a token counts as expired; 0 uses a token until it expires. Default 30. */
  earlyExpiry?: number
  /** Seconds to wait for the token endpoint, or for the browser to come back, at most 2 147 483. Default 60. */
  timeout?: number
  /**
   * Allows plain http to hosts other than loopback, for the token endpoint and for the requests the
   * token is added to (as `OAUTHLIB_INSECURE_TRANSPORT` does). Default false: such a request is an
   * InsecureTransportError before the token is fetched or sent.
   */
  insecureTransport?: boolean
  /** The revocation endpoint (RFC 7009) of the strategy's `revoke()`. Not sent. */
  revocationUrl?: string
  /** The introspection endpoint (RFC 7662) of the strategy's `introspect()`. Not sent. */
  introspectionUrl?: string
}

const text = lazySchema((z) => z.string().optional())

/** The settings every strategy takes ({@link OAuth2TokenOptions}): never sent to the server. */
const tokenSettings = lazySchema((z) => ({
  headerName: text(),
  headerValue: text(),
  tokenFieldName: text(),
  earlyExpiry: z.number().nonnegative().optional(),
  // Seconds, kept as milliseconds in one timer: at most Node's longest.
  timeout: z
    .number()
    .positive()
    .max(MAX_TIMER_MS / 1000)
    .optional(),
  session: z.instanceof(Session).optional(),
  insecureTransport: z.boolean().optional(),
  revocationUrl: text(),
  introspectionUrl: text(),
  ...clientAuthShape(),
}))

/** The settings of the browser flows: the redirect listener and the code exchange. */
const browserSettings = lazySchema((z) => ({
  redirectUriDomain: text(),
  redirectUriEndpoint: text(),
  redirectUriPort: z.number().int().min(1).max(65_535).optional(),
  codeFieldName: text(),
  username: text(),
  password: text(),
  // RFC 9207 compares the issuer as an exact string; it must be an absolute URL.
  issuer: z.url().optional(),
  issuerParameterRequired: z.boolean().optional(),
  // OpenID Connect ID tokens of OAuth2Implicit: where the issuer's keys are, and how they are checked.
  jwksUri: openIdConnectOptionsShape().jwksUri,
  clockSkew: openIdConnectOptionsShape().clockSkew,
  idTokenSigningAlgs: openIdConnectOptionsShape().idTokenSigningAlgs,
}))

/**
 * The options of every requests-auth-style strategy, checked once in the constructor: the
 * settings, the parameters with a type of their own (`scope`, `responseType`, `nonce`); any other
 * key is a request parameter and must be text, a number, a boolean or a list of text.
 */
const strategyOptionsSchema = lazySchema((z) =>
  z
    .object({
      ...tokenSettings(),
      ...browserSettings(),
      scope: z.union([z.string(), z.array(z.string())]).optional(),
      responseType: text(),
      nonce: text(),
    })
    .catchall(z.union([z.string(), z.number(), z.boolean(), z.array(z.string()), z.undefined(), z.null()])),
)

/** The option names that are settings of every strategy, derived from the schema: never sent. @internal */
export const TOKEN_SETTING_NAMES: () => ReadonlySet<string> = lazySchema(() => new Set(Object.keys(tokenSettings())))

/** The option names that are settings of the browser flows, derived from the schema: never sent. @internal */
export const BROWSER_SETTING_NAMES: () => ReadonlySet<string> = lazySchema(() => new Set([...TOKEN_SETTING_NAMES(), ...Object.keys(browserSettings())]))

/**
 * Every setting of a strategy or preset (the password grant's `sessionAuth`, Okta's
 * `authorizationServer` included), by its name with case, `_` and `-` folded away: requests-auth's
 * `redirect_uri_port` is found as `redirectUriPort`. Parameters with a wire name of their own
 * (`client_id`, `response_type`) are not settings and keep going on the wire.
 */
const SETTINGS_BY_LOOSE_NAME: () => ReadonlyMap<string, string> = lazySchema(
  () => new Map([...BROWSER_SETTING_NAMES(), 'sessionAuth', 'authorizationServer'].map((name) => [looseName(name), name])),
)

function looseName(key: string): string {
  return key.replace(/[_-]/g, '').toLowerCase()
}

/**
 * Refuses a setting spelt another way (`early_expiry`, `header_name`): requests-auth would have
 * read it, while here it would go to the provider as a parameter and the setting keep its default.
 */
function refusePythonSpelledSettings(options: object, owner: string): void {
  for (const key of Object.keys(options)) {
    const setting = SETTINGS_BY_LOOSE_NAME().get(looseName(key))
    if (setting === undefined || setting === key) continue
    throw new ConfigurationError(
      key,
      `Invalid ${owner} options: unknown option '${key}': did you mean '${setting}'? Settings are camelCase and never sent; ` +
        'only parameters of the authorization and token requests keep their wire names (client_id, nonce ...). See docs/porting.md.',
    )
  }
}

/**
 * What the requests-auth-style OAuth 2 strategies share: the header, the token cache lookup under
 * requests-auth's key (`state`), refresh-then-new-grant when a cached token expired, and the
 * revocation and introspection of the cached token.
 *
 * @internal
 */
export abstract class OAuth2TokenStrategy extends AuthBase {
  /** The header the token is sent in. */
  readonly headerName: string
  /** The header value format, with `{token}`. */
  readonly headerValue: string
  /** The token's field in the answer. */
  readonly tokenFieldName: string
  /** Seconds before expiry a token counts as expired. */
  readonly earlyExpiry: number
  /** Milliseconds to wait for the token endpoint or the browser. */
  protected readonly timeoutMs: number
  /** Whether plain http to a host other than loopback is allowed. */
  readonly insecureTransport: boolean
  /** The revocation endpoint (RFC 7009), when given. */
  readonly revocationUrl: string | undefined
  /** The introspection endpoint (RFC 7662), when given. */
  readonly introspectionUrl: string | undefined
  /** `headerValue` formatted once around the token: the header is `parts.join(token)`. */
  readonly #headerParts: string[]
  /** Made once: the cache calls it when the token is missing or expired. */
  readonly #onMissing = (refreshToken: string | undefined): Promise<NewToken> => this.#obtain(refreshToken)
  /**
   * requests-auth's `state`: the token cache key, a SHA-512 (hex) of the URL that identifies the
   * grant (token URL or authorization URL with its parameters). The browser flows also send it as
   * the OAuth 2 `state`.
   */
  abstract readonly state: string

  constructor(options: OAuth2TokenOptions, defaultTokenField = 'access_token') {
    super()
    refusePythonSpelledSettings(options, new.target.name)
    const parsed = strategyOptionsSchema().safeParse(options)
    if (!parsed.success) throw ConfigurationError.fromZod(parsed.error, new.target.name)
    const clientAuthOption = CLIENT_AUTH_OPTION_NAMES().find((name) => (options as Record<string, unknown>)[name] !== undefined)
    if (clientAuthOption !== undefined && !this.acceptsClientAuth) {
      throw new ConfigurationError(clientAuthOption, `${new.target.name} does not take ${clientAuthOption}: it sends no client credentials of its own.`)
    }
    this.headerName = options.headerName || 'Authorization'
    this.headerValue = options.headerValue || 'Bearer {token}'
    if (!this.headerValue.includes('{token}')) {
      // The value itself is not shown: a literal token pasted here by mistake would be a secret.
      throw new ConfigurationError('headerValue', "headerValue must contain {token}, which is replaced by the token; for example 'Bearer {token}'.")
    }
    // A NUL cannot occur in a header value, so it marks where the token goes.
    this.#headerParts = pythonFormat(this.headerValue, { token: '\u0000' }).split('\u0000')
    this.tokenFieldName = options.tokenFieldName || defaultTokenField
    this.earlyExpiry = options.earlyExpiry ?? 30
    this.timeoutMs = (options.timeout ?? 60) * 1000
    this.insecureTransport = options.insecureTransport ?? false
    this.revocationUrl = options.revocationUrl === undefined ? undefined : requireUrl('revocationUrl', options.revocationUrl, 'Revocation URL')
    this.introspectionUrl = options.introspectionUrl === undefined ? undefined : requireUrl('introspectionUrl', options.introspectionUrl, 'Introspection URL')
  }

  /**
   * Revokes a token at the revocation endpoint (RFC 7009), client-authenticated as this strategy's
   * token requests. With no token, it revokes the cached refresh token, then the cached access
   * token, and forgets them in the token cache, so the next request runs the grant again; the rules
   * are those of {@link OAuth2Session.revokeToken}. With a token given, it revokes that one and
   * forgets nothing.
   *
   * @example
   * ```ts
   * import { OAuth2ClientCredentials, Session } from 'oauth-sessions'
   * const auth = new OAuth2ClientCredentials('https://idp.example.com/token', 'id', 'secret', { revocationUrl: 'https://idp.example.com/revoke' })
   * await new Session({ auth }).get('https://api.example.com/')
   * await auth.revoke()
   * ```
   * @throws {@link ConfigurationError} naming `revocationUrl` without an endpoint, or `token` when nothing is cached
   * @throws {@link RevocationUnsupportedTokenTypeError}, {@link EndpointUnavailableError} or another {@link TokenRequestError} when the server refuses
   * @see https://www.rfc-editor.org/rfc/rfc7009
   */
  revoke(token?: string, options: StrategyTokenOperationOptions = {}): Promise<void> {
    return revokeStrategyToken(this.#operationHost(), token, options)
  }

  /**
   * Asks the introspection endpoint (RFC 7662) about a token (default: the cached access token),
   * client-authenticated as this strategy's token requests, and returns the checked answer.
   *
   * @example
   * ```ts
   * import { OAuth2ClientCredentials } from 'oauth-sessions'
   * const auth = new OAuth2ClientCredentials('https://idp.example.com/token', 'id', 'secret', { introspectionUrl: 'https://idp.example.com/introspect' })
   * const { active } = await auth.introspect('a-token-from-a-request', { tokenTypeHint: 'access_token' })
   * ```
   * @throws {@link ConfigurationError} naming `introspectionUrl` without an endpoint, or `token` when nothing is cached
   * @throws {@link TokenRequestError} (or a subclass) when the server refuses
   * @see https://www.rfc-editor.org/rfc/rfc7662
   */
  introspect(token?: string, options: StrategyTokenOperationOptions = {}): Promise<TokenIntrospection> {
    return introspectStrategyToken(this.#operationHost(), token, options)
  }

  /** How this strategy's client authenticates at the token endpoint and its siblings. @internal */
  protected abstract get tokenClient(): StrategyClient

  /** Whether this strategy takes the `clientAuth` options (the ones that authenticate a client). @internal */
  protected get acceptsClientAuth(): boolean {
    return false
  }

  /** The headers of this strategy's token requests: Python requests' form headers unless a provider needs more. @internal */
  protected get tokenRequestHeaders(): Readonly<Record<string, string>> {
    return REQUESTS_FORM_HEADERS
  }

  /** When a token answer is a refusal: requests-auth's rule (a non-2xx), unless a provider answers errors with 200. @internal */
  protected get tokenErrorPolicy(): TokenPolicy['errors'] {
    return 'status'
  }

  #operationHost(): OperationHost {
    return {
      owner: this.constructor.name,
      key: this.state,
      client: this.tokenClient,
      revocationUrl: this.revocationUrl,
      introspectionUrl: this.introspectionUrl,
      timeoutMs: this.timeoutMs,
      insecureTransport: this.insecureTransport,
    }
  }

  /**
   * Gets a token (cached, refreshed, or from a new grant) and sets the header.
   *
   * @throws {@link InsecureTransportError} for plain http to a host other than loopback, before a token is fetched
   */
  async apply(request: PreparedRequest): Promise<void> {
    // Checked first (issue #14, attack 13): no token is fetched for, nor sent to, a plain-http API.
    assertSecureTransport(request.url, this.insecureTransport)
    const token = await cachedToken(tokenCache(), this.state, this.earlyExpiry, this.#onMissing, this.storeUnavailable)
    request.headers.set(this.headerName, this.#headerParts.join(token), { secret: true })
  }

  /**
   * What a shared token cache that cannot be used does ({@link StoreUnavailablePolicy}): `'fail'`,
   * since a flow with a refresh token must not spend it twice; client credentials proceed.
   */
  protected get storeUnavailable(): StoreUnavailablePolicy {
    return 'fail'
  }

  /** POSTs a token request to `target` with this strategy's token field and timeout. @internal */
  protected postTokenTo(target: TokenTarget, data: readonly [string, string][]): Promise<NewToken> {
    // A header that says Bearer may carry only a Bearer token (issue #14, attack 11); a custom
    // scheme (`token {token}`) is the user's choice.
    return postForToken({
      ...target,
      data,
      tokenFieldName: this.tokenFieldName,
      timeoutMs: this.timeoutMs,
      bearerOnly: this.sendsBearer,
      insecureTransport: this.insecureTransport,
      headers: this.tokenRequestHeaders,
      errors: this.tokenErrorPolicy,
    })
  }

  /** Whether the header sends the token as Bearer, so that only a Bearer token (or one of no type) may go in it. @internal */
  protected get sendsBearer(): boolean {
    return /^bearer /i.test(this.headerValue)
  }

  /** Runs the grant: token endpoint, browser, or both. */
  protected abstract requestNewToken(): Promise<NewToken>

  /** Uses a refresh token; strategies without one run a new grant. */
  protected refreshToken(_refreshToken: string): Promise<NewToken> {
    return this.requestNewToken()
  }

  /** The strategy without secrets. */
  toJSON(): Record<string, unknown> {
    return { type: this.constructor.name, headerName: this.headerName }
  }

  /** @internal keeps secrets out of `console.log` and `util.inspect`. */
  [Symbol.for('nodejs.util.inspect.custom')](): Record<string, unknown> {
    return this.toJSON()
  }

  #obtain(refreshToken: string | undefined): Promise<NewToken> {
    // As requests-auth: a refused refresh (an OAuth error or an answer without a token) falls back
    // to a new grant; a network failure is reported as it is rather than opening a browser.
    return renewToken(refreshToken, { refresh: (token) => this.refreshToken(token), grant: () => this.requestNewToken(), grantWhenRefreshRefused: true })
  }
}

/** requests-auth's state: SHA-512 (hex) over the `unicode_escape` encoding of a URL. @internal */
export function stateOf(url: string): string {
  return createHash('sha512').update(unicodeEscape(url), 'latin1').digest('hex')
}

/**
 * requests-auth's state of a token-endpoint grant: the token URL with the grant's parameters,
 * without any secret (a password or client secret in the hashed URL could be guessed from the
 * cache file).
 *
 * @internal
 */
export function grantState(tokenUrl: string, parameters: readonly [string, string][]): string {
  return stateOf(
    addParameters(
      tokenUrl,
      parameters.filter(([name]) => !SECRET_PARAMS.has(name.toLowerCase())),
    ),
  )
}

/** Checks a URL option before any request: present, absolute (see parseUrlOption), http(s). @internal */
export function requireUrl(option: string, url: unknown, label: string): string {
  if (typeof url !== 'string' || url === '') throw new ConfigurationError(option, `${label} is mandatory.`)
  const parsed = parseUrlOption(url, option)
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw new ConfigurationError(option, `${label} must be an http(s) URL (got ${parsed.protocol}).`)
  return url
}

/** Joins a list of scopes with `separator`; a string is kept. @internal */
export function scopeText(scope: string | readonly string[] | undefined, separator = ' '): string | undefined {
  if (scope === undefined) return undefined
  return typeof scope === 'string' ? scope : scope.join(separator)
}

/** Options with an OAuth 2 name of their own. */
const WIRE_NAMES: Readonly<Record<string, string>> = { clientId: 'client_id', clientSecret: 'client_secret', responseType: 'response_type' }

/**
 * Extra parameters as text pairs, in the order given: every option but `known` ones, renamed to
 * its OAuth 2 name (`clientId` is `client_id`), a list joined with spaces, undefined skipped; a
 * name given twice keeps its first place and its last value, as a Python dict would.
 *
 * @internal
 */
export function extraParameters(options: object, known: ReadonlySet<string>): [string, string][] {
  const extras: [string, string][] = []
  for (const [name, value] of Object.entries(options)) {
    if (known.has(name) || value === undefined || value === null) continue
    const wire = WIRE_NAMES[name] ?? name
    const text = Array.isArray(value) ? value.join(' ') : String(value)
    const existing = extras.findIndex(([parameter]) => parameter === wire)
    if (existing >= 0) extras[existing] = [wire, text]
    else extras.push([wire, text])
  }
  return extras
}

/** Where a strategy's token requests go: the Session they go through, the URL, the client authentication. @internal */
export interface TokenTarget {
  session: Session
  url: string
  auth: AuthStrategy | undefined
  /** Ends each request at once when aborted. */
  signal?: AbortSignal | undefined
}

/** How a token request is sent. @internal */
export interface TokenPost extends TokenTarget {
  data: readonly [string, string][]
  tokenFieldName: string
  timeoutMs: number
  /** Refuse a token whose `token_type` is not Bearer (UnsupportedTokenTypeError). */
  bearerOnly?: boolean | undefined
  /** Allows a plain-http token endpoint outside loopback. */
  insecureTransport?: boolean | undefined
  /** The request headers; default Python requests' form headers. */
  headers?: Readonly<Record<string, string>> | undefined
  /** When an answer is a refusal; default requests-auth's `'status'`. */
  errors?: TokenPolicy['errors'] | undefined
}

/**
 * requests-auth's `request_new_grant_with_post`: POSTs the form, turns an error answer into the
 * typed RFC 6749 error, and reads the token, its lifetime and a refresh token from a JSON answer
 * (or a form-encoded one, which GitHub and WakaTime send unless asked for JSON).
 *
 * @internal
 */
export async function postForToken(post: TokenPost): Promise<NewToken> {
  const field = post.tokenFieldName
  const { token } = await requestToken(
    post.session,
    {
      url: post.url,
      body: [...post.data],
      clientAuth: post.auth ?? null,
      timeout: post.timeoutMs,
      headers: post.headers ?? REQUESTS_FORM_HEADERS,
      insecureTransport: post.insecureTransport,
      signal: post.signal,
    },
    { errors: post.errors ?? 'status', tokenField: field, jwtExpiry: true },
  )
  if (post.bearerOnly === true) assertBearerTokenType(token.token_type)
  const refreshToken = typeof token.refresh_token === 'string' && token.refresh_token !== '' ? token.refresh_token : undefined
  return { token: token[field] as string, expiresIn: token.expires_in, expiresAt: token.expires_at, refreshToken }
}

/** `expires_in` as seconds, or undefined when absent or not a number. @internal */
export function lifetime(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined
  const seconds = Number(value)
  return Number.isFinite(seconds) ? seconds : undefined
}
