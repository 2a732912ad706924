import { createHash } from 'node:crypto'
import { lazySchema, zod } from '../../http/lazy-schema.js'
import type { AuthResponse, AuthStrategy } from '../../auth/auth-strategy.js'
import { AuthBase } from '../../auth/multi-auth.js'
import { ConfigurationError } from '../../errors.js'
import { parseOptions } from '../../http/parse-options.js'
import { httpUrlSchema } from '../../http/parse-url.js'
import type { PreparedRequest } from '../../http/prepared-request.js'
import { Session } from '../../http/session.js'
import { MAX_TIMER_MS, requestOptionsSchema } from '../../http/session-options.js'
import { timingSafeEqualText } from '../../security/timing-safe-equal.js'
import { isExpired } from '../oauth2-token.js'
import {
  type ExchangedToken,
  type ExchangeTokenOptions,
  assertSendableAsBearer,
  exchangeTokenAt,
  parseExchangeOptions,
  type TokenTypeIdentifier,
} from '../token-exchange.js'
import { SingleFlight } from '../token-renewal.js'
import { assertSecureTransport } from '../transport-security.js'
import { type ClientAuthOptions, type ConfiguredClientAuth, clientAuthShape, configureClientAuth } from '../client-authentication.js'

/** A token, or a function that gives the current one (a user's token of the request being served). */
type TokenSource = string | (() => string | Promise<string>)
/** A target given as it is, or chosen per request from the URL the token is for. */
type TargetSource = string | readonly string[] | ((url: string) => string | readonly string[] | undefined)

/**
 * Options of {@link OAuth2TokenExchange}: the subject token, what to ask for, and how the client
 * authenticates at the token endpoint (as {@link OAuth2Session.exchangeToken}: Basic with
 * `clientId` and `clientSecret`, `includeClientId` for the body, or `auth`; or, with `clientAuth`
 * ({@link ClientAuthOptions}), by that method: `private_key_jwt`, `client_secret_post` ...).
 *
 * @example
 * ```ts
 * import { OAuth2TokenExchange } from 'oauth-sessions'
 * declare function currentUserToken(): Promise<string>
 * const auth = new OAuth2TokenExchange('https://idp.example.com/token', {
 *   clientId: 'gateway', clientSecret: process.env.GATEWAY_SECRET,
 *   subjectToken: currentUserToken, subjectTokenType: 'access_token',
 *   resource: (url) => new URL(url).origin + '/',
 * })
 * ```
 * @group Auth
 */
export interface OAuth2TokenExchangeOptions extends ClientAuthOptions {
  /** The subject token, or a function called for each request that returns the current one. */
  subjectToken: string | (() => string | Promise<string>)
  /** Its type: a short name of {@link TOKEN_TYPE_URIS} or an absolute URI. */
  subjectTokenType: TokenTypeIdentifier
  /** The audience(s), or a function of the request URL that picks them. */
  audience?: string | readonly string[] | ((url: string) => string | readonly string[] | undefined)
  /** The resource URI(s), or a function of the request URL that picks them (such as its origin). */
  resource?: string | readonly string[] | ((url: string) => string | readonly string[] | undefined)
  /** The scope of the exchanged token (a list is joined with spaces). */
  scope?: string | readonly string[]
  /** The type of token wanted; it must be usable as a Bearer token. Default: the server's choice (usually an access token). */
  requestedTokenType?: TokenTypeIdentifier
  /** The actor token (delegation), or a function that returns it; needs `actorTokenType`. */
  actorToken?: string | (() => string | Promise<string>)
  /** The type of `actorToken`. */
  actorTokenType?: TokenTypeIdentifier
  /** The client id. */
  clientId?: string
  /** The client secret (Basic, or in the body with `includeClientId`). */
  clientSecret?: string
  /** Send client_id and client_secret in the body (`client_secret_post`) instead of Basic. */
  includeClientId?: boolean
  /** Client authentication of another kind (any strategy), or `null` for none. */
  auth?: AuthStrategy | null
  /** Seconds before expiry a cached token counts as expired. Default 30. */
  earlyExpiry?: number
  /** The most exchanged tokens kept, least recently used dropped first. Default 64. */
  maxEntries?: number
  /** Milliseconds to wait for the token endpoint. Default: the Session's. */
  timeout?: number
  /** The Session the token requests go through (proxies, agents ...). */
  session?: Session
  /** Allows plain http to hosts other than loopback, for the token endpoint and the requests. */
  insecureTransport?: boolean
}

const tokenSource = lazySchema((z) => z.union([z.string().min(1), z.custom<() => string>((value) => typeof value === 'function', 'a function')]))
const targetSource = lazySchema((z) =>
  z.union([z.string(), z.array(z.string()).readonly(), z.custom<(url: string) => string>((value) => typeof value === 'function', 'a function')]),
)

const strategySchema = lazySchema((z) =>
  z
    .object({
      subjectToken: tokenSource(),
      subjectTokenType: z.string(),
      audience: targetSource().optional(),
      resource: targetSource().optional(),
      scope: z.union([z.string(), z.array(z.string()).readonly()]).optional(),
      requestedTokenType: z.string().optional(),
      actorToken: tokenSource().optional(),
      actorTokenType: z.string().optional(),
      clientId: z.string().min(1).optional(),
      clientSecret: z.string().optional(),
      includeClientId: z.boolean().optional(),
      auth: requestOptionsSchema().shape.auth,
      earlyExpiry: z.number().nonnegative().optional(),
      maxEntries: z.number().int().min(1).max(100_000).optional(),
      timeout: z.number().positive().max(MAX_TIMER_MS).optional(),
      session: z.instanceof(Session).optional(),
      insecureTransport: z.boolean().optional(),
      ...clientAuthShape(),
    })
    .strict(),
)

/** The exchanged token a request was sent with, and its cache key: a 401 for it drops that entry. */
const sentWith = new WeakMap<PreparedRequest, { key: string; token: string; exchange: ExchangeTokenOptions }>()

/**
 * A strategy that exchanges a subject token for one meant for the API each request goes to (RFC
 * 8693 token exchange), on demand, and sends it as `Authorization: Bearer`. Exchanged tokens are
 * cached in memory per subject token, audience, resource, scope, requested type and actor (a
 * SHA-256 of them is the key: no token is kept in key text), at most `maxEntries` (64), least
 * recently used dropped first; a token is exchanged again when it expires (`earlyExpiry` seconds
 * early) or when the API answers 401 with `error="invalid_token"` (once per request, as
 * OAuth2Session does). Concurrent requests that need the same token share one exchange.
 *
 * The subject token may be a function, called for each request: a gateway passes the token of
 * the user whose request it serves, and each user gets tokens of their own. The cache lives in
 * this strategy only (never in a shared token store: exchanged tokens belong to a user and a
 * target, and are cheap to get again).
 *
 * @example
 * ```ts
 * import { OAuth2TokenExchange, Session } from 'oauth-sessions'
 * declare const userToken: string // the access token the user's request came with
 * const auth = new OAuth2TokenExchange('https://idp.example.com/token', {
 *   clientId: 'gateway', clientSecret: process.env.GATEWAY_SECRET,
 *   subjectToken: () => userToken, subjectTokenType: 'access_token', audience: 'orders-api',
 * })
 * const orders = await new Session({ auth }).get('https://orders.example.com/v1/orders')
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc8693#section-2
 * @group Auth
 */
export class OAuth2TokenExchange extends AuthBase {
  /** The token endpoint. */
  readonly tokenUrl: string
  readonly #options: OAuth2TokenExchangeOptions
  readonly #session: Session
  readonly #earlyExpiry: number
  readonly #maxEntries: number
  /** Exchanged tokens by key, in least-recently-used order (a Map keeps insertion order). */
  readonly #cache = new Map<string, ExchangedToken>()
  readonly #flights = new SingleFlight<ExchangedToken>()
  readonly #clientAuth: ConfiguredClientAuth | undefined

  /**
   * @param tokenUrl - the token endpoint
   * @param options - the subject token, what to ask for, and client authentication
   * @throws {@link ConfigurationError} naming the option that is wrong, before any traffic
   */
  constructor(tokenUrl: string, options: OAuth2TokenExchangeOptions) {
    super()
    this.tokenUrl = parseOptions(zod().object({ tokenUrl: httpUrlSchema() }), { tokenUrl }, 'OAuth2TokenExchange').tokenUrl
    const parsed = parseOptions(strategySchema(), options, 'OAuth2TokenExchange') as OAuth2TokenExchangeOptions
    // The token types and the actor rule, checked now with a placeholder token: the real ones come per request.
    parseExchangeOptions(this.#exchangeOptions(parsed, 'x', parsed.actorToken === undefined ? undefined : 'x', [], []), 'OAuth2TokenExchange')
    this.#clientAuth = configureClientAuth(parsed.clientId, parsed.clientSecret, parsed, 'OAuth2TokenExchange')
    if (this.#clientAuth !== undefined && (parsed.auth !== undefined || parsed.includeClientId !== undefined)) {
      const option = parsed.auth !== undefined ? 'auth' : 'includeClientId'
      throw new ConfigurationError(option, `OAuth2TokenExchange: pass either ${option} or clientAuth, not both.`)
    }
    this.#options = parsed
    this.#session = parsed.session ?? new Session()
    this.#earlyExpiry = parsed.earlyExpiry ?? 30
    this.#maxEntries = parsed.maxEntries ?? 64
  }

  /** How many exchanged tokens are cached. */
  get size(): number {
    return this.#cache.size
  }

  /**
   * Exchanges (or takes from the cache) the token for this request and sets the header.
   *
   * @throws {@link InsecureTransportError} for plain http to a host other than loopback, before anything is exchanged
   * @throws {@link UnsupportedTokenTypeError} when the issued token is no Bearer token (`token_type` `N_A` ...)
   */
  async apply(request: PreparedRequest): Promise<void> {
    assertSecureTransport(request.url, this.#options.insecureTransport ?? false)
    const exchange = await this.#exchangeFor(request.url)
    const key = cacheKey(this.tokenUrl, this.#options.clientId, exchange)
    const token = await this.#token(key, exchange, undefined)
    this.#place(request, token)
    sentWith.set(request, { key, token: token.access_token, exchange })
  }

  /** A 401 `invalid_token` for an exchanged token: that token is dropped, exchanged again, and the request sent once more. */
  async onResponse(response: AuthResponse, request: PreparedRequest): Promise<PreparedRequest | undefined> {
    if (response.status !== 401 || !/error="?invalid_token/i.test(response.headers.get('www-authenticate') ?? '')) return undefined
    const sent = sentWith.get(request)
    if (sent === undefined) return undefined
    const token = await this.#token(sent.key, sent.exchange, sent.token)
    const retry = request.clone()
    this.#place(retry, token)
    return retry
  }

  /** Forgets every exchanged token. */
  clear(): void {
    this.#cache.clear()
  }

  /** The strategy without its tokens or secrets. */
  toJSON(): Record<string, unknown> {
    return { type: 'OAuth2TokenExchange', tokenUrl: this.tokenUrl, cached: this.#cache.size }
  }

  /** @internal keeps tokens and secrets out of `console.log` and `util.inspect`. */
  [Symbol.for('nodejs.util.inspect.custom')](): Record<string, unknown> {
    return this.toJSON()
  }

  /**
   * The cached token under `key` while it is valid, else one exchange for every caller. With
   * `refused` (the token a 401 answered), a cached token other than that one is taken (another
   * request exchanged it already); that one is dropped and exchanged again.
   */
  async #token(key: string, exchange: ExchangeTokenOptions, refused: string | undefined): Promise<ExchangedToken> {
    const cached = this.#cache.get(key)
    if (cached !== undefined && refused !== undefined && timingSafeEqualText(cached.access_token, refused)) this.#cache.delete(key)
    else if (cached !== undefined && !isExpired(cached, this.#earlyExpiry)) {
      // Least recently used last out: a hit moves to the end.
      this.#cache.delete(key)
      this.#cache.set(key, cached)
      return cached
    }
    return this.#flights.run(key, async () => {
      const { clientId, clientSecret } = this.#options
      const token = await exchangeTokenAt(this.#session, this.tokenUrl, parseExchangeOptions(exchange, 'OAuth2TokenExchange'), {
        clientId,
        clientSecret,
        insecureTransport: this.#options.insecureTransport ?? false,
        clientAuth: this.#clientAuth,
      })
      assertSendableAsBearer(token)
      this.#cache.delete(key)
      this.#cache.set(key, token)
      while (this.#cache.size > this.#maxEntries) this.#cache.delete(this.#cache.keys().next().value as string)
      return token
    })
  }

  #place(request: PreparedRequest, token: ExchangedToken): void {
    request.headers.set('Authorization', `Bearer ${token.access_token}`, { secret: true })
  }

  /**
   * The exchange of one request: the current subject (and actor) token and the targets for its URL.
   * It is checked (parseExchangeOptions) only when it is sent: a cached token's key was made from
   * an exchange that was checked and sent, so a request served from the cache parses nothing.
   */
  async #exchangeFor(url: string): Promise<ExchangeTokenOptions> {
    const options = this.#options
    const subject = await current(options.subjectToken, 'subjectToken')
    const actor = options.actorToken === undefined ? undefined : await current(options.actorToken, 'actorToken')
    return this.#exchangeOptions(options, subject, actor, target(options.audience, url), target(options.resource, url))
  }

  #exchangeOptions(
    options: OAuth2TokenExchangeOptions,
    subjectToken: string,
    actorToken: string | undefined,
    audience: readonly string[],
    resource: readonly string[],
  ): ExchangeTokenOptions {
    const exchange: ExchangeTokenOptions = { subjectToken, subjectTokenType: options.subjectTokenType }
    if (audience.length > 0) exchange.audience = audience
    if (resource.length > 0) exchange.resource = resource
    if (options.scope !== undefined) exchange.scope = options.scope
    if (options.requestedTokenType !== undefined) exchange.requestedTokenType = options.requestedTokenType
    if (actorToken !== undefined) exchange.actorToken = actorToken
    if (options.actorTokenType !== undefined) exchange.actorTokenType = options.actorTokenType
    if (options.auth !== undefined) exchange.auth = options.auth
    if (options.includeClientId !== undefined) exchange.includeClientId = options.includeClientId
    if (options.timeout !== undefined) exchange.timeout = options.timeout
    return exchange
  }
}

/** A token source's current token, checked to be non-empty text; the message never quotes it. */
async function current(source: TokenSource, option: string): Promise<string> {
  const token = typeof source === 'function' ? await source() : source
  if (typeof token !== 'string' || token === '') {
    throw new ConfigurationError(option, `OAuth2TokenExchange: ${option} must give the token as non-empty text.`)
  }
  return token
}

/** The targets of a request: as given, or as the function picks them for its URL. */
function target(source: TargetSource | undefined, url: string): readonly string[] {
  const value = typeof source === 'function' ? source(url) : source
  if (value === undefined) return []
  return typeof value === 'string' ? [value] : value
}

/** A SHA-256 of what makes an exchanged token differ (tokens included): the key holds no token in its text. */
function cacheKey(tokenUrl: string, clientId: string | undefined, exchange: ExchangeTokenOptions): string {
  const parts = [
    tokenUrl,
    clientId ?? '',
    exchange.subjectToken,
    exchange.subjectTokenType,
    exchange.audience ?? [],
    exchange.resource ?? [],
    exchange.scope ?? '',
    exchange.requestedTokenType ?? '',
    exchange.actorToken ?? '',
    exchange.actorTokenType ?? '',
  ]
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex')
}
