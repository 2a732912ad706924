import { lazySchema } from '../../http/lazy-schema.js'
import { ConfigurationError } from '../../errors.js'
import type { StoreUnavailablePolicy } from '../../tokens/shared-renewal.js'
import { Session } from '../../http/session.js'
import type { AuthStrategy } from '../../auth/auth-strategy.js'
import { HTTPBasicAuth } from '../../auth/http-basic-auth.js'
import {
  OAuth2TokenStrategy,
  TOKEN_SETTING_NAMES,
  extraParameters,
  type TokenTarget,
  requireUrl,
  scopeText,
  grantState,
  type OAuth2TokenOptions,
} from './oauth2-token-strategy.js'
import type { StrategyClient } from './strategy-token-operations.js'
import type { NewToken } from './token-cache.js'
import { type ClientAuthOptions, type ConfiguredClientAuth, configureClientAuth } from '../client-authentication.js'

/**
 * The client authentication of a strategy with requests-auth's `sessionAuth` (password, JWT
 * bearer): the configured `clientAuth` (never with `sessionAuth`), else `sessionAuth` (a pair is
 * Basic, raw, as requests-auth sends it), else `fallback`, the strategy's own rule.
 *
 * @internal
 */
export function sessionClientAuth(
  configured: ConfiguredClientAuth | undefined,
  sessionAuth: readonly [string, string] | AuthStrategy | undefined,
  owner: string,
  fallback: AuthStrategy | undefined,
): AuthStrategy | undefined {
  if (configured !== undefined && sessionAuth !== undefined) {
    throw new ConfigurationError('sessionAuth', `${owner}: pass either sessionAuth or clientAuth (with clientId), not both.`)
  }
  if (configured !== undefined) return configured.strategy
  if (Array.isArray(sessionAuth)) return new HTTPBasicAuth(sessionAuth[0] as string, sessionAuth[1] as string)
  if (sessionAuth !== undefined) return sessionAuth as AuthStrategy
  return fallback
}

/**
 * Options of the token-endpoint strategies (client credentials, password), in camelCase. Any
 * other key is sent as a parameter of the token request. With `clientAuth`
 * ({@link ClientAuthOptions}) the client authenticates by that method at the token endpoint, on
 * refresh, and in `revoke()` and `introspect()`; without it, as requests-auth does (Basic, raw).
 *
 * @example
 * ```ts
 * import { OAuth2ClientCredentials } from 'oauth-sessions'
 * const auth = new OAuth2ClientCredentials('https://idp.example.com/token', 'id', 'secret', { scope: ['read'], audience: 'api://x' })
 * ```
 * @group Auth
 */
export interface OAuth2GrantOptions extends OAuth2TokenOptions, ClientAuthOptions {
  /** The scopes to request (a list is joined with spaces). */
  scope?: string | readonly string[]
  /** The Session token requests go through (proxies, agents ...). */
  session?: Session
  /** Extra token request parameters. */
  [param: string]: unknown
}

/** The settings, and `scope`, which is placed first. */
const KNOWN = lazySchema(() => new Set<string>([...TOKEN_SETTING_NAMES(), 'scope']))

/** The token-endpoint grants: one POST, refresh when the server issued a refresh token. */
abstract class OAuth2GrantStrategy extends OAuth2TokenStrategy {
  /** The token endpoint. */
  readonly tokenUrl: string
  readonly state: string
  readonly #target: TokenTarget
  readonly #data: [string, string][]
  /** Scope and extra parameters, also sent with a refresh. */
  readonly #extras: [string, string][]

  constructor(
    tokenUrl: string,
    data: [string, string][],
    options: OAuth2GrantOptions,
    clientAuth: AuthStrategy | undefined,
    keyExtras: [string, string][] = [],
  ) {
    super(options)
    this.tokenUrl = requireUrl('tokenUrl', tokenUrl, 'Token URL')
    this.#target = { session: options.session ?? new Session(), url: this.tokenUrl, auth: clientAuth }
    const scope = scopeText(options.scope)
    this.#extras = [...(scope ? [['scope', scope] as [string, string]] : []), ...extraParameters(options, KNOWN())]
    this.#data = [...data, ...this.#extras]
    // The cache key names the grant, never a secret in it.
    this.state = grantState(tokenUrl, [...this.#data, ...keyExtras])
  }

  /** @internal */
  protected get tokenClient(): StrategyClient {
    return { session: this.#target.session, auth: this.#target.auth }
  }

  /** @internal */
  protected override get acceptsClientAuth(): boolean {
    return true
  }

  protected requestNewToken(): Promise<NewToken> {
    return this.postTokenTo(this.#target, this.#data)
  }

  protected override refreshToken(refreshToken: string): Promise<NewToken> {
    return this.postTokenTo(this.#target, [['grant_type', 'refresh_token'], ...this.#extras, ['refresh_token', refreshToken]])
  }

  /** The strategy without secrets. */
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), tokenUrl: this.tokenUrl }
  }
}

/**
 * requests-auth's `OAuth2ClientCredentials`: gets a token with the client credentials grant
 * (RFC 6749 §4.4) the first time a request needs one, caches it, and renews it when it expires.
 *
 * @example
 * ```ts
 * import { OAuth2ClientCredentials, Session } from 'oauth-sessions'
 * const auth = new OAuth2ClientCredentials('https://idp.example.com/token', 'client-id', process.env.CLIENT_SECRET ?? '')
 * const response = await new Session({ auth }).get('https://api.example.com/data')
 * ```
 * @see requests_auth.OAuth2ClientCredentials
 * @group Auth
 */
export class OAuth2ClientCredentials extends OAuth2GrantStrategy {
  /** The client id. */
  readonly clientId: string

  /** A shared cache that cannot be used is worked around: a second client-credentials token is harmless. */
  protected override get storeUnavailable(): StoreUnavailablePolicy {
    return 'proceed'
  }

  /**
   * @param clientSecret - the client secret; `''` with a `clientAuth` that needs none (`private_key_jwt`, the mTLS methods)
   * @throws {@link ConfigurationError} naming `clientId`, `clientSecret` or a `clientAuth` option that is missing or wrong
   */
  constructor(tokenUrl: string, clientId: string, clientSecret: string, options: OAuth2GrantOptions = {}) {
    if (!clientId) throw new ConfigurationError('clientId', 'client_id is mandatory.')
    if (!clientSecret && options.clientAuth === undefined) throw new ConfigurationError('clientSecret', 'client_secret is mandatory.')
    const configured = configureClientAuth(clientId, clientSecret || undefined, options, 'OAuth2ClientCredentials')
    // The client id joins requests-auth's cache key, so two clients never share a token.
    super(tokenUrl, [['grant_type', 'client_credentials']], options, configured?.strategy ?? new HTTPBasicAuth(clientId, clientSecret), [
      ['client_id', clientId],
    ])
    this.clientId = clientId
  }
}

/**
 * Options of {@link OAuth2ResourceOwnerPasswordCredentials}.
 *
 * @example
 * ```ts
 * import { OAuth2ResourceOwnerPasswordCredentials } from 'oauth-sessions'
 * const auth = new OAuth2ResourceOwnerPasswordCredentials('https://idp.example.com/token', 'alice', 'pw', { sessionAuth: ['client-id', 'client-secret'] })
 * ```
 * @group Auth
 */
export interface OAuth2PasswordOptions extends OAuth2GrantOptions {
  /**
   * Client authentication for the token request (requests-auth's `session_auth`): a
   * `[clientId, clientSecret]` pair for Basic, or any strategy.
   */
  sessionAuth?: readonly [string, string] | AuthStrategy
  /** The client id, for Basic client authentication (with `clientSecret`). */
  clientId?: string
  /** The client secret, for Basic client authentication (with `clientId`). */
  clientSecret?: string
}

/**
 * requests-auth's `OAuth2ResourceOwnerPasswordCredentials`: gets a token with the password grant
 * (RFC 6749 §4.3), with client authentication from `sessionAuth` (or `clientId`/`clientSecret`),
 * caches it and refreshes it when the server issued a refresh token.
 *
 * @example
 * ```ts
 * import { OAuth2ResourceOwnerPasswordCredentials, Session } from 'oauth-sessions'
 * const auth = new OAuth2ResourceOwnerPasswordCredentials('https://idp.example.com/token', 'alice', process.env.PASSWORD ?? '')
 * await new Session({ auth }).get('https://api.example.com/me')
 * ```
 * @see requests_auth.OAuth2ResourceOwnerPasswordCredentials
 * @group Auth
 */
export class OAuth2ResourceOwnerPasswordCredentials extends OAuth2GrantStrategy {
  /** The resource owner's user name. */
  readonly username: string

  constructor(tokenUrl: string, username: string, password: string, options: OAuth2PasswordOptions = {}) {
    if (!username) throw new ConfigurationError('username', 'User name is mandatory.')
    if (!password) throw new ConfigurationError('password', 'Password is mandatory.')
    const { clientId, clientSecret, sessionAuth, ...rest } = options
    const clientAuth = sessionClientAuth(
      configureClientAuth(clientId, clientSecret, options, 'OAuth2ResourceOwnerPasswordCredentials'),
      sessionAuth,
      'OAuth2ResourceOwnerPasswordCredentials',
      clientId === undefined ? undefined : new HTTPBasicAuth(clientId, clientSecret ?? ''),
    )
    // The client joins the cache key (as for client credentials), so two clients of one user never share a token.
    const client = Array.isArray(sessionAuth) ? (sessionAuth[0] as string) : clientId
    super(
      tokenUrl,
      [
        ['grant_type', 'password'],
        ['username', username],
        ['password', password],
      ],
      rest,
      clientAuth,
      client === undefined ? [] : [['client_id', client]],
    )
    this.username = username
  }
}
