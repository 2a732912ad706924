import { createSecretKey, type KeyObject, randomUUID } from 'node:crypto'
import type { JWK } from 'jose'
import { lazySchema } from '../http/lazy-schema.js'
import { appendQuery } from '../http/append-query.js'
import type { AuthStrategy } from '../auth/auth-strategy.js'
import { HTTPBasicAuth } from '../auth/http-basic-auth.js'
import { ConfigurationError } from '../errors.js'
import { decodePairs, encodePairs, type ParamPairs, quotePlus } from '../http/form-encoding.js'
import type { PreparedRequest } from '../http/prepared-request.js'
import { algorithmsFor, type PrivateKeyProblem, readPrivateKey } from './private-key.js'

/**
 * How a client authenticates at the token endpoint and its siblings (the `clientAuth` option):
 * the registered names of RFC 7591 §2 / OpenID Connect Core §9 and RFC 8705.
 *
 * @example
 * ```ts
 * import type { ClientAuthMethod } from 'oauth-sessions'
 * const method: ClientAuthMethod = 'private_key_jwt'
 * ```
 * @see https://openid.net/specs/openid-connect-core-1_0.html#ClientAuthentication
 * @group OAuth 2
 */
export type ClientAuthMethod =
  | 'client_secret_basic'
  | 'client_secret_post'
  | 'client_secret_jwt'
  | 'private_key_jwt'
  | 'tls_client_auth'
  | 'self_signed_tls_client_auth'
  | 'none'

/**
 * The key of a `private_key_jwt` client assertion: a private `KeyObject`, a PEM (PKCS #8, PKCS #1
 * or SEC1) or a private JWK (its `kid` and `alg` are used when the options name none).
 *
 * @example
 * ```ts
 * import { generateKeyPairSync } from 'node:crypto'
 * import type { ClientAssertionKey } from 'oauth-sessions'
 * const key: ClientAssertionKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey
 * ```
 * @group OAuth 2
 */
export type ClientAssertionKey = KeyObject | string | JWK

/**
 * The client authentication options of {@link OAuth2Session}, {@link OAuth2Service} and the
 * requests-auth strategies that authenticate the client (DESIGN §9). Without `clientAuth` each
 * flavour keeps its Python original's exact rule (requests-oauthlib: Basic with the id and secret
 * as given, or `includeClientId` for the body; requests-auth: its own); with it, every endpoint
 * that authenticates the client (token, refresh, device authorization and polling, revocation,
 * introspection, token exchange, PAR) authenticates the same way.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs'
 * import { BackendApplicationClient, OAuth2Session } from 'oauth-sessions'
 * const session = new OAuth2Session('service-a', {
 *   client: new BackendApplicationClient('service-a'),
 *   clientAuth: 'private_key_jwt',
 *   clientAssertionKey: readFileSync('service-a.key.pem', 'utf8'),
 *   clientAssertionKid: 'key-2025',
 * })
 * await session.fetchToken('https://idp.example.com/token')
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.2
 * @group OAuth 2
 */
export interface ClientAuthOptions {
  /**
   * The method, or any {@link AuthStrategy} (used as it is):
   * - `'client_secret_basic'`: `Authorization: Basic`, with the id and secret form-encoded first
   *   (RFC 6749 §2.3.1), unless `clientAuthEncoding: 'raw'`;
   * - `'client_secret_post'`: `client_id` and `client_secret` in the body;
   * - `'client_secret_jwt'`: a JWT signed with the client secret (HS256 unless `clientAssertionAlg`);
   * - `'private_key_jwt'`: a JWT signed with `clientAssertionKey`;
   * - `'tls_client_auth'`, `'self_signed_tls_client_auth'` (RFC 8705): `client_id` in the body, the
   *   TLS client certificate from the Session's `cert` option, and the metadata's
   *   `mtls_endpoint_aliases` instead of the plain endpoints;
   * - `'none'`: a public client, `client_id` in the body.
   *
   * When discovered metadata lists the endpoint's `*_auth_methods_supported` and the method is not
   * among them, a warning is emitted once (lists are often incomplete: the provider's answer
   * decides, an `invalid_client` error).
   */
  clientAuth?: ClientAuthMethod | AuthStrategy
  /**
   * How `client_secret_basic` encodes the id and secret before base64: `'form'` (default with
   * `clientAuth`, RFC 6749 §2.3.1: `application/x-www-form-urlencoded`, so a `+` or `:` in a secret
   * survives) or `'raw'` (as they are: for providers that do not decode them). Without
   * `clientAuth`, the id and secret go raw, as requests-oauthlib and requests-auth send them.
   */
  clientAuthEncoding?: 'form' | 'raw'
  /** The signing key of `private_key_jwt`. Never shown. */
  clientAssertionKey?: ClientAssertionKey
  /**
   * The JWS algorithm of the client assertion. Default: the JWK's `alg`, else by key type (RS256
   * for RSA, PS256 for RSA-PSS, ES256/ES384/ES512 by curve, EdDSA for Ed25519); HS256 for
   * `client_secret_jwt`.
   */
  clientAssertionAlg?: string
  /** The `kid` header of the client assertion. Default: the JWK's `kid`, else none. */
  clientAssertionKid?: string
  /**
   * The assertion's `aud`: `'issuer'` (the issuer identifier), `'endpoint'` (the URL the request
   * goes to) or a value of your own. Default: the issuer when it is known (discovery or the `issuer`
   * option), as RFC 7523bis and FAPI 2.0 require and oidc-provider accepts; else the endpoint, as
   * OpenID Connect Core §9 says (Okta and Entra ID ask for the token endpoint: pass it).
   */
  clientAssertionAudience?: string
  /** Seconds a client assertion is valid (`exp` − `iat`), 1 to 600. Default 60. */
  clientAssertionLifetime?: number
}

const METHODS = [
  'client_secret_basic',
  'client_secret_post',
  'client_secret_jwt',
  'private_key_jwt',
  'tls_client_auth',
  'self_signed_tls_client_auth',
  'none',
] as const

const isStrategy = (value: unknown): value is AuthStrategy => typeof value === 'object' && value !== null && typeof (value as AuthStrategy).apply === 'function'

/**
 * The zod shape of {@link ClientAuthOptions}, for the option schemas of every owner.
 *
 * @internal
 */
export const clientAuthShape = lazySchema((z) => ({
  clientAuth: z
    .custom<ClientAuthMethod | AuthStrategy>(
      (value) => (typeof value === 'string' && (METHODS as readonly string[]).includes(value)) || isStrategy(value),
      `one of ${METHODS.map((method) => `'${method}'`).join(', ')}, or an AuthStrategy`,
    )
    .optional(),
  clientAuthEncoding: z.enum(['form', 'raw']).optional(),
  clientAssertionKey: z
    .custom<ClientAssertionKey>(
      (value) => typeof value === 'string' || (typeof value === 'object' && value !== null),
      'a private KeyObject, a PEM or a private JWK',
    )
    .optional(),
  clientAssertionAlg: z.string().min(1).max(32).optional(),
  clientAssertionKid: z.string().min(1).max(1024).optional(),
  clientAssertionAudience: z.string().min(1).max(2048).optional(),
  clientAssertionLifetime: z.number().int().min(1).max(600).optional(),
}))

/** The option names of {@link ClientAuthOptions}. @internal */
export const CLIENT_AUTH_OPTION_NAMES: () => readonly string[] = lazySchema(() => Object.keys(clientAuthShape()))

/** The assertion type of RFC 7523 §2.2. */
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'

/** What a client authentication strategy may learn of the server, when the request is sent. @internal */
export interface ClientAuthContext {
  /** The issuer identifier, when known (discovery, the `issuer` option). */
  readonly issuer?: string | undefined
  /** The discovered metadata, when there is some. */
  readonly metadata?: Readonly<Record<string, unknown>> | undefined
}

/** The endpoints that authenticate the client, by their metadata names. @internal */
export type ClientAuthEndpoint =
  | 'token_endpoint'
  | 'revocation_endpoint'
  | 'introspection_endpoint'
  | 'device_authorization_endpoint'
  | 'pushed_authorization_request_endpoint'

/**
 * A client's configured authentication (the `clientAuth` option, checked once): the strategy each
 * request applies, and the endpoint it goes to. Build it with {@link configureClientAuth}.
 *
 * @internal
 */
export class ConfiguredClientAuth {
  /** The method, or `'strategy'` for an AuthStrategy of the caller's. */
  readonly method: ClientAuthMethod | 'strategy'
  /** The strategy every request of this client applies. */
  readonly strategy: AuthStrategy
  readonly #context: () => ClientAuthContext
  readonly #make: (clientSecret: string | undefined) => AuthStrategy
  readonly #warned = new Set<string>()

  /** @internal */
  constructor(
    method: ClientAuthMethod | 'strategy',
    make: (clientSecret: string | undefined) => AuthStrategy,
    secret: string | undefined,
    context: () => ClientAuthContext,
  ) {
    this.method = method
    this.#make = make
    this.strategy = make(secret)
    this.#context = context
  }

  /** The strategy with another client secret (a per-call `clientSecret`). */
  withSecret(clientSecret: string | undefined): AuthStrategy {
    return clientSecret === undefined ? this.strategy : this.#make(clientSecret)
  }

  /**
   * Where a request to `url` goes: for the mTLS methods, the metadata's `mtls_endpoint_aliases`
   * entry of the endpoint that `url` is (RFC 8705 §5), else `url`. Also warns once when the
   * metadata's list of methods for that endpoint leaves this one out.
   */
  endpoint(url: string, endpoint: ClientAuthEndpoint): string {
    const metadata = this.#context().metadata
    if (metadata === undefined || this.method === 'strategy') return url
    this.#checkSupported(metadata, endpoint)
    if (this.method !== 'tls_client_auth' && this.method !== 'self_signed_tls_client_auth') return url
    const aliases = metadata.mtls_endpoint_aliases
    if (typeof aliases !== 'object' || aliases === null || metadata[endpoint] !== url) return url
    const alias = Object.hasOwn(aliases, endpoint) ? (aliases as Record<string, unknown>)[endpoint] : undefined
    if (alias === undefined) return url
    if (typeof alias !== 'string' || !URL.canParse(alias) || !/^https:$/i.test(new URL(alias).protocol)) {
      throw new ConfigurationError('mtls_endpoint_aliases', `The issuer's mtls_endpoint_aliases.${endpoint} is not an https URL; the mTLS request is not sent.`)
    }
    return alias
  }

  #checkSupported(metadata: Readonly<Record<string, unknown>>, endpoint: ClientAuthEndpoint): void {
    // RFC 8414 §2: revocation and introspection have lists of their own; device and PAR use the token endpoint's.
    const own = endpoint === 'revocation_endpoint' || endpoint === 'introspection_endpoint' ? endpoint : 'token_endpoint'
    const field = `${own}_auth_methods_supported`
    const listed = metadata[field]
    if (!Array.isArray(listed) || listed.includes(this.method) || this.#warned.has(field)) return
    this.#warned.add(field)
    process.emitWarning(
      `clientAuth '${this.method}' is not in the issuer's ${field} (${listed.filter((entry) => typeof entry === 'string').join(', ')}); sending it anyway, the provider decides.`,
      { type: 'OAuthSessionsWarning', code: 'OAUTH_SESSIONS_CLIENT_AUTH_UNLISTED' },
    )
  }
}

/**
 * Checks the client authentication options once, before any traffic, and returns what every
 * request of the client applies; `undefined` without `clientAuth` (the flavour's own rule then).
 *
 * @param clientId - the client id (`iss` and `sub` of assertions, `client_id` in bodies)
 * @param clientSecret - the client secret, for the `client_secret_*` methods
 * @param options - the {@link ClientAuthOptions}
 * @param owner - the class or method named in errors
 * @param context - the issuer and metadata, read when a request is sent
 * @param hasCertificate - whether the Session has a TLS client certificate (`undefined`: unknown)
 * @throws {@link ConfigurationError} naming the option: a method without what it needs, a key that is no private key
 * @internal
 */
export function configureClientAuth(
  clientId: string | undefined,
  clientSecret: string | undefined,
  options: ClientAuthOptions,
  owner: string,
  context: () => ClientAuthContext = () => ({}),
  hasCertificate?: boolean,
): ConfiguredClientAuth | undefined {
  const configured = configureMethod(clientId, clientSecret, options, owner, context, hasCertificate)
  if (configured !== undefined && configured.method !== 'strategy') {
    const own = Object.fromEntries(
      CLIENT_AUTH_OPTION_NAMES()
        .map((name) => [name, options[name as keyof ClientAuthOptions]])
        .filter(([, value]) => value !== undefined),
    )
    configuredOptions.set(configured, own as ClientAuthOptions)
  }
  return configured
}

/** The options each configured method came from, for {@link serializeClientAuth}. */
const configuredOptions = new WeakMap<ConfiguredClientAuth, ClientAuthOptions>()

/**
 * What `serialize()` carries of a configured `clientAuth`: the method and its options, the
 * `private_key_jwt` key as a private JWK with its `alg` (and `kid`), so a restored client signs
 * alike; `{}` without `clientAuth` or for a strategy (which cannot be serialized).
 *
 * @internal
 */
export function serializeClientAuth(configured: ConfiguredClientAuth | undefined): Record<string, unknown> {
  const options = configured === undefined ? undefined : configuredOptions.get(configured)
  if (options === undefined) return {}
  if (options.clientAssertionKey === undefined) return { ...options }
  const { key, alg, kid } = privateKey(options, 'serialize')
  let exported: Record<string, unknown>
  try {
    exported = key.export({ format: 'jwk' }) as Record<string, unknown>
  } catch {
    throw new ConfigurationError(
      'clientAssertionKey',
      `serialize(): a ${key.asymmetricKeyType ?? 'this'} key has no JWK form; give an RSA, EC or Ed25519 key, or leave serialize() out.`,
    )
  }
  const jwk: Record<string, unknown> = { ...exported, alg }
  if (kid !== undefined) jwk.kid = kid
  return { ...options, clientAssertionKey: jwk }
}

function configureMethod(
  clientId: string | undefined,
  clientSecret: string | undefined,
  options: ClientAuthOptions,
  owner: string,
  context: () => ClientAuthContext,
  hasCertificate: boolean | undefined,
): ConfiguredClientAuth | undefined {
  const { clientAuth } = options
  const assertionOptions = ['clientAssertionKey', 'clientAssertionAlg', 'clientAssertionKid', 'clientAssertionAudience', 'clientAssertionLifetime'] as const
  if (clientAuth === undefined) {
    const stray = (['clientAuthEncoding', ...assertionOptions] as const).find((name) => options[name] !== undefined)
    if (stray !== undefined) throw new ConfigurationError(stray, `${owner}: ${stray} needs clientAuth: set clientAuth (for example 'private_key_jwt').`)
    return undefined
  }
  if (isStrategy(clientAuth)) return new ConfiguredClientAuth('strategy', () => clientAuth, undefined, context)
  if (typeof clientAuth !== 'string' || !(METHODS as readonly string[]).includes(clientAuth)) {
    throw new ConfigurationError('clientAuth', `${owner}: clientAuth must be one of ${METHODS.join(', ')}, or an AuthStrategy.`)
  }
  if (clientId === undefined || clientId === '') {
    throw new ConfigurationError('clientId', `${owner}: clientAuth '${clientAuth}' needs the client id.`)
  }
  const jwt = clientAuth === 'client_secret_jwt' || clientAuth === 'private_key_jwt'
  if (!jwt) {
    const stray = assertionOptions.find((name) => options[name] !== undefined)
    if (stray !== undefined)
      throw new ConfigurationError(stray, `${owner}: ${stray} is for clientAuth 'private_key_jwt' or 'client_secret_jwt', not '${clientAuth}'.`)
  }
  if (options.clientAuthEncoding !== undefined && clientAuth !== 'client_secret_basic') {
    throw new ConfigurationError('clientAuthEncoding', `${owner}: clientAuthEncoding is for clientAuth 'client_secret_basic' only.`)
  }
  const needsSecret = (secret: string | undefined): string => {
    if (secret === undefined || secret === '') {
      throw new ConfigurationError('clientSecret', `${owner}: clientAuth '${clientAuth}' needs the client secret: pass clientSecret.`)
    }
    return secret
  }
  switch (clientAuth) {
    case 'client_secret_basic': {
      const raw = options.clientAuthEncoding === 'raw'
      const make = (secret: string | undefined): AuthStrategy => {
        const checked = needsSecret(secret)
        return raw ? new HTTPBasicAuth(clientId, checked) : new HTTPBasicAuth(quotePlus(clientId), quotePlus(checked))
      }
      return new ConfiguredClientAuth(clientAuth, make, needsSecret(clientSecret), context)
    }
    case 'client_secret_post': {
      const make = (secret: string | undefined): AuthStrategy =>
        new BodyClientAuth('client_secret_post', [
          ['client_id', clientId],
          ['client_secret', needsSecret(secret)],
        ])
      return new ConfiguredClientAuth(clientAuth, make, needsSecret(clientSecret), context)
    }
    case 'none':
    case 'tls_client_auth':
    case 'self_signed_tls_client_auth': {
      if (clientAuth !== 'none' && hasCertificate === false) {
        throw new ConfigurationError('cert', `${owner}: clientAuth '${clientAuth}' needs a TLS client certificate: set the Session's cert option.`)
      }
      const strategy = new BodyClientAuth(clientAuth, [['client_id', clientId]])
      return new ConfiguredClientAuth(clientAuth, () => strategy, undefined, context)
    }
    case 'client_secret_jwt': {
      const alg = options.clientAssertionAlg ?? 'HS256'
      if (!/^HS(256|384|512)$/.test(alg)) {
        throw new ConfigurationError('clientAssertionAlg', `${owner}: client_secret_jwt signs with HMAC: clientAssertionAlg must be HS256, HS384 or HS512.`)
      }
      if (options.clientAssertionKey !== undefined) {
        throw new ConfigurationError(
          'clientAssertionKey',
          `${owner}: client_secret_jwt signs with the client secret; clientAssertionKey is for 'private_key_jwt'.`,
        )
      }
      const make = (secret: string | undefined): AuthStrategy =>
        new JwtClientAuth(clientAuth, clientId, createSecretKey(Buffer.from(needsSecret(secret), 'utf8')), { ...assertionSettings(options), alg }, context)
      return new ConfiguredClientAuth(clientAuth, make, needsSecret(clientSecret), context)
    }
    case 'private_key_jwt': {
      const { key, alg, kid } = privateKey(options, owner)
      const strategy = new JwtClientAuth(clientAuth, clientId, key, { ...assertionSettings(options), alg, kid }, context)
      return new ConfiguredClientAuth(clientAuth, () => strategy, undefined, context)
    }
  }
}

function assertionSettings(options: ClientAuthOptions): AssertionSettings {
  return { alg: '', kid: options.clientAssertionKid, audience: options.clientAssertionAudience, lifetime: options.clientAssertionLifetime ?? 60 }
}

/** What is wrong with a `clientAssertionKey`, as its ConfigurationError says it. */
const KEY_PROBLEMS: Record<Exclude<PrivateKeyProblem, 'not-private' | 'unreadable-cryptokey'>, string> = {
  'unreadable-pem': 'is not a private key PEM',
  'public-jwk': 'is a public JWK (it has no "d")',
  'secret-jwk': 'is not an asymmetric JWK',
  'unreadable-jwk': 'is not a usable private JWK',
  'not-a-key': 'is not an asymmetric JWK',
}

/** The private key of `private_key_jwt`, its algorithm and kid, checked (node:crypto parses; jose signs). */
function privateKey(options: ClientAuthOptions, owner: string): { key: KeyObject; alg: string; kid: string | undefined } {
  const given = options.clientAssertionKey
  if (given === undefined) {
    throw new ConfigurationError(
      'clientAssertionKey',
      `${owner}: clientAuth 'private_key_jwt' needs clientAssertionKey: a private KeyObject, a PEM or a private JWK.`,
    )
  }
  const refuse = (why: string): never => {
    throw new ConfigurationError('clientAssertionKey', `${owner}: clientAssertionKey ${why}; pass a private KeyObject, a PEM or a private JWK.`)
  }
  // This option's type takes no CryptoKey: one is refused as not a key.
  const { key, jwk } = readPrivateKey(
    given,
    (problem, read) => refuse(problem === 'not-private' ? `is a ${read?.type} key, not a private one` : KEY_PROBLEMS[problem]),
    { cryptoKey: false },
  )
  const alg = options.clientAssertionAlg ?? (typeof jwk?.alg === 'string' ? jwk.alg : algorithmsFor(key)[0])
  if (alg === undefined) return refuse(`is a ${key.asymmetricKeyType ?? 'unknown'} key with no default algorithm: pass clientAssertionAlg`)
  if (/^(HS|none)/i.test(alg)) throw new ConfigurationError('clientAssertionAlg', `${owner}: private_key_jwt signs with an asymmetric algorithm, not ${alg}.`)
  // What jose would refuse at the first request (RFC 7518 §3.3: RSA keys of 2048 bits or more), refused now.
  if ((key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss') && (key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) {
    return refuse('is an RSA key under 2048 bits')
  }
  const fitting = algorithmsFor(key)
  if (!fitting.includes(alg)) {
    const shown = /^[A-Za-z0-9+-]{1,16}$/.test(alg) ? alg : '(unreadable)'
    throw new ConfigurationError(
      'clientAssertionAlg',
      `${owner}: clientAssertionAlg ${shown} does not fit the key: it signs with ${fitting.join(', ') || 'none of the JWS algorithms'}.`,
    )
  }
  return { key, alg, kid: options.clientAssertionKid ?? (typeof jwk?.kid === 'string' ? jwk.kid : undefined) }
}

/** Adds pairs to a request's form body (or after its query as given, for GET), skipping a `client_id` it already has. */
function addPairs(request: PreparedRequest, pairs: ParamPairs): void {
  if (request.method.toUpperCase() === 'GET') {
    const present = new URL(request.url).searchParams.has('client_id')
    request.url = appendQuery(request.url, present ? pairs.filter(([name]) => name !== 'client_id') : pairs)
    return
  }
  const body = typeof request.body === 'string' ? request.body : request.body instanceof Uint8Array ? Buffer.from(request.body).toString('utf8') : ''
  const present = new Set(decodePairs(body).map(([name]) => name))
  const added = encodePairs(pairs.filter(([name]) => !(name === 'client_id' && present.has(name))))
  request.body = body === '' ? added : added === '' ? body : `${body}&${added}`
}

/** `client_secret_post`, `none` and the mTLS methods: credentials in the form body. */
class BodyClientAuth implements AuthStrategy {
  readonly #method: ClientAuthMethod
  readonly #pairs: ParamPairs

  constructor(method: ClientAuthMethod, pairs: ParamPairs) {
    this.#method = method
    this.#pairs = pairs
  }

  apply(request: PreparedRequest): void {
    addPairs(request, this.#pairs)
  }

  toJSON(): Record<string, string> {
    return { type: 'ClientAuth', method: this.#method, clientId: this.#pairs[0]?.[1] ?? '' }
  }

  toString(): string {
    return `ClientAuth(${this.#method})`
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString()
  }
}

interface AssertionSettings {
  alg: string
  kid: string | undefined
  audience: string | undefined
  lifetime: number
}

/**
 * `client_secret_jwt` and `private_key_jwt` (RFC 7523 §2.2, OpenID Connect Core §9): a fresh JWT per
 * request (so a retry or a 307 hop never replays a `jti`), its `aud` taken when it is sent.
 */
class JwtClientAuth implements AuthStrategy {
  readonly #method: ClientAuthMethod
  readonly #clientId: string
  readonly #key: KeyObject
  readonly #settings: AssertionSettings
  readonly #context: () => ClientAuthContext

  constructor(method: ClientAuthMethod, clientId: string, key: KeyObject, settings: AssertionSettings, context: () => ClientAuthContext) {
    this.#method = method
    this.#clientId = clientId
    this.#key = key
    this.#settings = settings
    this.#context = context
  }

  async apply(request: PreparedRequest): Promise<void> {
    const assertion = await this.#sign(request.url)
    addPairs(request, [
      ['client_assertion_type', ASSERTION_TYPE],
      ['client_assertion', assertion],
    ])
  }

  /** The `aud`: the option, else the issuer when known, else the endpoint without query or fragment. */
  #audience(url: string): string {
    const endpoint = (): string => {
      const parsed = new URL(url)
      return `${parsed.origin}${parsed.pathname}`
    }
    const issuer = (): string | undefined => {
      const context = this.#context()
      return context.issuer ?? (typeof context.metadata?.issuer === 'string' ? context.metadata.issuer : undefined)
    }
    const { audience } = this.#settings
    if (audience === 'endpoint') return endpoint()
    if (audience === 'issuer') {
      const known = issuer()
      if (known === undefined)
        throw new ConfigurationError('clientAssertionAudience', "clientAssertionAudience 'issuer' needs the issuer: pass the issuer option, or discover().")
      return known
    }
    return audience ?? issuer() ?? endpoint()
  }

  async #sign(url: string): Promise<string> {
    // Loaded on first use: cold start pays for jose only when a client signs (issue #20).
    const { SignJWT } = await import('jose')
    const now = Math.floor(Date.now() / 1000)
    const { alg, kid, lifetime } = this.#settings
    return new SignJWT({})
      .setProtectedHeader(kid === undefined ? { alg } : { alg, kid })
      .setIssuer(this.#clientId)
      .setSubject(this.#clientId)
      .setAudience(this.#audience(url))
      .setJti(randomUUID())
      .setIssuedAt(now)
      .setExpirationTime(now + lifetime)
      .sign(this.#key)
  }

  toJSON(): Record<string, string> {
    return { type: 'ClientAuth', method: this.#method, clientId: this.#clientId, key: '[redacted]' }
  }

  toString(): string {
    return `ClientAuth(${this.#method}, ${this.#clientId}, [redacted])`
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString()
  }
}

/**
 * The one decision of how a request authenticates the client, for every endpoint and flavour:
 * - an `auth` given for the call wins (requests-oauthlib's `auth`), with `client_id` in the body
 *   only when `includeClientId` asks;
 * - else the configured `clientAuth` ({@link configureClientAuth}): its strategy, nothing in the
 *   body from the grant (a per-call `clientSecret` replaces the configured one);
 * - else the flavour's Python rule, by `rule`:
 *   - `'token'` (token endpoint, revocation, introspection, token exchange: requests-oauthlib's
 *     fetch_token): Basic with the id and secret as they are, unless `includeClientId` sends them in the body;
 *   - `'device'` (RFC 8628 requests): Basic with a secret; else `client_id` (and the secret) in the body;
 *   - `'refresh'` (requests-oauthlib's refresh_token): no client authentication.
 *
 * `includeClientId` and `clientSecret` tell the grant's body builder what to put in the body;
 * `pairs` are added to it by the caller.
 *
 * @internal
 */
export function clientAuthentication(
  clientId: string | undefined,
  clientSecret: string | undefined,
  options: { auth?: AuthStrategy | null | undefined; includeClientId?: boolean | undefined; clientSecret?: string | undefined },
  configured?: ConfiguredClientAuth,
  rule: 'token' | 'device' | 'refresh' = 'token',
): { clientAuth: AuthStrategy | null; includeClientId: boolean; clientSecret: string | undefined; pairs: ParamPairs } {
  const secret = options.clientSecret ?? clientSecret
  const includeClientId = options.includeClientId === true
  if (options.auth !== undefined) {
    const pairs: ParamPairs = rule === 'device' && includeClientId && clientId !== undefined ? [['client_id', clientId]] : []
    return { clientAuth: options.auth, includeClientId, clientSecret: secret, pairs }
  }
  if (configured !== undefined) {
    return { clientAuth: configured.withSecret(options.clientSecret), includeClientId: false, clientSecret: undefined, pairs: [] }
  }
  if (rule === 'refresh') return { clientAuth: null, includeClientId: false, clientSecret: undefined, pairs: [] }
  if (rule === 'device') {
    if (clientId === undefined) return { clientAuth: null, includeClientId: false, clientSecret: undefined, pairs: [] }
    if (secret !== undefined && !includeClientId)
      return { clientAuth: new HTTPBasicAuth(clientId, secret), includeClientId: false, clientSecret: secret, pairs: [] }
    const pairs: ParamPairs = [['client_id', clientId]]
    if (secret !== undefined) pairs.push(['client_secret', secret])
    return { clientAuth: null, includeClientId: true, clientSecret: secret, pairs }
  }
  if (!includeClientId && clientId) return { clientAuth: new HTTPBasicAuth(clientId, secret ?? ''), includeClientId: false, clientSecret: secret, pairs: [] }
  return { clientAuth: null, includeClientId, clientSecret: secret, pairs: [] }
}
