import { lazySchema } from '../../http/lazy-schema.js'
import type { StrategyClient } from './strategy-token-operations.js'
import type { AuthStrategy } from '../../auth/auth-strategy.js'
import { createHash, randomUUID } from 'node:crypto'
import { HTTPBasicAuth } from '../../auth/http-basic-auth.js'
import { ConfigurationError } from '../../errors.js'
import { Session } from '../../http/session.js'
import type { StoreUnavailablePolicy } from '../../tokens/shared-renewal.js'
import { type AssertionSource, resolveAssertion } from '../grant-clients.js'
import { type OAuth2GrantOptions, sessionClientAuth } from './oauth2-grant-strategies.js'
import { configureClientAuth } from '../client-authentication.js'
import { extraParameters, grantState, OAuth2TokenStrategy, scopeText, TOKEN_SETTING_NAMES, type TokenTarget, requireUrl } from './oauth2-token-strategy.js'
import type { NewToken } from './token-cache.js'

/** The `grant_type` of RFC 7523 §2.1. */
const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer'

/**
 * Options of {@link OAuth2JwtBearer}. Any other key is sent as a parameter of the token request.
 * With `clientAuth` ({@link ClientAuthOptions}, with `clientId`) the client authenticates by that
 * method (`private_key_jwt` adds a client assertion beside the grant's); without it, Basic with
 * `clientId` and `clientSecret`, or `sessionAuth`, as before.
 *
 * @example
 * ```ts
 * import { OAuth2JwtBearer } from 'oauth-sessions'
 * declare function makeJwt(): Promise<string>
 * const auth = new OAuth2JwtBearer('https://idp.example.com/token', makeJwt, { clientId: 'service-1', clientSecret: 'secret', subject: 'user-42', scope: ['reports'] })
 * ```
 * @group Auth
 */
export interface OAuth2JwtBearerOptions extends OAuth2GrantOptions {
  /** The client id, for Basic client authentication (with `clientSecret`); it joins the cache key. */
  clientId?: string
  /** The client secret, for Basic client authentication (with `clientId`). */
  clientSecret?: string
  /** Client authentication of another kind: a `[clientId, clientSecret]` pair for Basic, or any strategy. */
  sessionAuth?: readonly [string, string] | AuthStrategy
  /**
   * Who the token is for (the assertion's `sub`), for the cache key only, never sent: strategies
   * (and processes sharing a {@link JsonTokenFileCache}) with the same token URL, client, scope and
   * subject share one token. Without it, an assertion given as text keys by its hash, and an
   * assertion function keys by this strategy alone (no other instance shares its token).
   */
  subject?: string
}

/** The settings, and the parameters placed first. */
const KNOWN = lazySchema(() => new Set<string>([...TOKEN_SETTING_NAMES(), 'scope', 'clientId', 'clientSecret', 'sessionAuth', 'subject']))

/**
 * A requests-auth-style strategy for the JWT bearer grant (RFC 7523 §2.1), as
 * {@link OAuth2ClientCredentials} is for client credentials: the first request that needs a token
 * sends `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer` with the assertion (and the scope),
 * the token is cached (in the process cache of {@link setTokenCache}) and sent as
 * `Authorization: Bearer`, and an expired one is fetched again. An assertion function is called for
 * every token request, so each carries a fresh `jti`. The assertion is a credential: it never
 * appears in the cache key, toJSON, inspect or messages.
 *
 * @example
 * ```ts
 * import { SignJWT, importPKCS8 } from 'jose'
 * import { OAuth2JwtBearer, Session } from 'oauth-sessions'
 * const key = await importPKCS8(process.env.SERVICE_KEY ?? '', 'RS256')
 * const assertion = () =>
 *   new SignJWT({}).setProtectedHeader({ alg: 'RS256' }).setIssuer('service-1').setSubject('service-1')
 *     .setAudience('https://idp.example.com/token').setJti(crypto.randomUUID()).setIssuedAt().setExpirationTime('2m').sign(key)
 * const auth = new OAuth2JwtBearer('https://idp.example.com/token', assertion, { subject: 'service-1', scope: 'reports' })
 * await new Session({ auth }).get('https://api.example.com/reports')
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.1
 * @group Auth
 */
export class OAuth2JwtBearer extends OAuth2TokenStrategy {
  /** The token endpoint. */
  readonly tokenUrl: string
  /** The cache key: a SHA-512 of the token URL with the parameters that identify the grant (never the assertion). */
  readonly state: string
  readonly #assertion: AssertionSource
  readonly #target: TokenTarget
  readonly #extras: [string, string][]

  /** A shared cache that cannot be used is worked around: a second token for the same assertion subject is harmless. */
  protected override get storeUnavailable(): StoreUnavailablePolicy {
    return 'proceed'
  }

  /**
   * @param tokenUrl - the token endpoint
   * @param assertion - the JWT, or a function that makes a fresh one for each token request
   * @param options - client authentication, `subject`, `scope`, the settings of every strategy, and extra parameters
   * @throws {@link ConfigurationError} naming the option that is wrong, before any traffic
   */
  constructor(tokenUrl: string, assertion: AssertionSource, options: OAuth2JwtBearerOptions = {}) {
    const { clientId, clientSecret, sessionAuth, subject, ...rest } = options
    super(rest)
    if (typeof assertion !== 'string' && typeof assertion !== 'function') {
      throw new ConfigurationError('assertion', 'OAuth2JwtBearer: the assertion must be the JWT as text, or a function that returns one.')
    }
    if (assertion === '') throw new ConfigurationError('assertion', 'OAuth2JwtBearer: the assertion is mandatory.')
    if (subject !== undefined && (typeof subject !== 'string' || subject === '')) {
      throw new ConfigurationError('subject', 'OAuth2JwtBearer: subject must be non-empty text (the assertion subject, for the cache key).')
    }
    this.tokenUrl = requireUrl('tokenUrl', tokenUrl, 'Token URL')
    const configured = configureClientAuth(clientId, clientSecret, rest, 'OAuth2JwtBearer')
    const clientAuth = sessionClientAuth(
      configured,
      sessionAuth,
      'OAuth2JwtBearer',
      clientId !== undefined && clientSecret !== undefined ? new HTTPBasicAuth(clientId, clientSecret) : undefined,
    )
    this.#assertion = assertion
    this.#target = { session: options.session ?? new Session(), url: this.tokenUrl, auth: clientAuth }
    const scope = scopeText(options.scope)
    this.#extras = [...(scope ? [['scope', scope] as [string, string]] : []), ...extraParameters(rest, KNOWN())]
    if (clientId !== undefined && clientSecret === undefined && sessionAuth === undefined && configured === undefined)
      this.#extras.push(['client_id', clientId])
    const client = Array.isArray(sessionAuth) ? (sessionAuth[0] as string) : clientId
    // Who the token is for: the subject given; else the text assertion's hash; else this instance only.
    const whose = subject ?? (typeof assertion === 'string' ? createHash('sha256').update(assertion).digest('hex') : randomUUID())
    const identifying: [string, string][] = [
      ['grant_type', JWT_BEARER_GRANT],
      ...(client === undefined ? [] : [['client_id', client] as [string, string]]),
      ...this.#extras.filter(([name]) => name !== 'client_id'),
      ['subject', whose],
    ]
    this.state = grantState(this.tokenUrl, identifying)
  }

  /** @internal */
  protected get tokenClient(): StrategyClient {
    const { session, auth } = this.#target
    if (auth !== undefined) return { session, auth }
    return { session, auth: undefined, clientId: this.#extras.find(([name]) => name === 'client_id')?.[1] }
  }

  /** @internal */
  protected override get acceptsClientAuth(): boolean {
    return true
  }

  /** Makes (or takes) the assertion, then runs the grant. */
  protected async requestNewToken(): Promise<NewToken> {
    const assertion = await resolveAssertion(this.#assertion)
    return this.postTokenTo(this.#target, [['grant_type', JWT_BEARER_GRANT], ['assertion', assertion], ...this.#extras])
  }

  /** The strategy without its assertion or secrets. */
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), tokenUrl: this.tokenUrl }
  }
}
