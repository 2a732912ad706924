import type { z } from 'zod'
import { lazySchema, zod } from '../http/lazy-schema.js'
import { clientRequestShape } from './client-request-shape.js'
import { ConfigurationError } from '../errors.js'
import { type OptionsSchema, optionKeys, parseOptions } from '../http/parse-options.js'
import { httpUrlSchema } from '../http/parse-url.js'
import { MAX_TIMER_MS, requestOptionsSchema, sessionOptionsSchema } from '../http/session-options.js'
import { OAuth2Client } from './grant-clients.js'
import { clientAuthShape } from './client-authentication.js'
import type { DeviceClock, PollDeviceTokenOptions } from './device-flow.js'
import type { FetchTokenOptions, OAuth2RequestOptions, OAuth2SessionOptions, RefreshTokenOptions, TokenOperationOptions } from './oauth2-session-options.js'
import { type OAuth2Token, scopeToList } from './oauth2-token.js'
import type { PkceMethod } from './pkce.js'
import { DPOP_ALGORITHMS, type DPoPKeyOptions } from './dpop-key.js'
import { openIdConnectOptionsShape } from './openid-connect.js'

const fn = <T>(what: string) => zod().custom<T>((value) => typeof value === 'function', what)
const scopeSchema = lazySchema((z) => z.union([z.string(), z.array(z.string()).readonly()]))
const authSchema = lazySchema(() => requestOptionsSchema().shape.auth)

/** Seconds as a number or as numeric text (requests-oauthlib's docs set `expires_in: '-30'`); null is none. */
const secondsSchema = lazySchema((z) =>
  z
    .union([z.number().finite(), z.string().regex(/^\s*[-+]?\d+(?:\.\d+)?\s*$/, 'a number of seconds')])
    .nullable()
    .transform((value) => (value === null ? undefined : Number(value))),
)

/**
 * A token given by the caller (the `token` option, the `token` setter): the fields OAuth 2 reads
 * must have their wire types; anything else a provider sent is kept as it is.
 *
 * @internal
 */
export const tokenSchema = lazySchema(
  (z) =>
    z.looseObject({
      access_token: z.string().optional(),
      token_type: z.string().optional(),
      refresh_token: z.string().optional(),
      id_token: z.string().optional(),
      expires_in: secondsSchema().optional(),
      expires_at: secondsSchema().optional(),
      scope: scopeSchema()
        .transform((scope) => scopeToList(scope) as string[])
        .optional(),
    }) satisfies z.ZodType<OAuth2Token>,
)

/** An absolute http or https URL, as every endpoint option is. */
const endpointSchema = lazySchema(() => httpUrlSchema())

/**
 * Checks a token the caller gave (the option or the setter), and the field that holds the access
 * token when `accessTokenKey` names another one. A ConfigurationError names the field, never its value.
 *
 * @internal
 */
export function parseToken(token: unknown, accessTokenKey: string, owner: string): OAuth2Token {
  const result = tokenSchema().safeParse(token)
  if (!result.success)
    throw ConfigurationError.fromZod(new (zod().ZodError)(result.error.issues.map((issue) => ({ ...issue, path: ['token', ...issue.path] }))), owner)
  return checkTokenKey(result.data, accessTokenKey, owner)
}

/**
 * The part of {@link parseToken} the options schema cannot do: the field `accessTokenKey` names
 * holds text. For a `token` option the schema has already checked.
 *
 * @internal
 */
export function checkTokenKey(token: OAuth2Token, accessTokenKey: string, owner: string): OAuth2Token {
  const value = token[accessTokenKey]
  if (value !== undefined && typeof value !== 'string') {
    throw new ConfigurationError(`token.${accessTokenKey}`, `Invalid ${owner} options: token.${accessTokenKey} (the accessTokenKey) must be text.`)
  }
  return token
}

/**
 * The client id an OAuth2Session was given: text, or none (`undefined`, or Python's `None` as
 * `null`). Anything else would go on the wire as `[object Object]` or `42`.
 *
 * @internal
 */
export function parseClientId(clientId: unknown, owner: string): string | undefined {
  if (clientId === undefined || clientId === null) return undefined
  if (typeof clientId !== 'string')
    throw new ConfigurationError('clientId', `${owner}: clientId must be text (the client id the provider registered), or left out.`)
  return clientId
}

/**
 * OAuth2Session's options: the Session's, requests-oauthlib's and rauth's.
 *
 * @internal
 */
export const oauth2SessionOptionsSchema = lazySchema(
  (z) =>
    sessionOptionsSchema().extend({
      client: z.instanceof(OAuth2Client, { message: 'an OAuth2Client (WebApplicationClient, BackendApplicationClient ...)' }).optional(),
      autoRefreshUrl: endpointSchema().optional(),
      deviceAuthorizationUrl: endpointSchema().optional(),
      autoRefreshKwargs: z.record(z.string(), z.string()).optional(),
      scope: scopeSchema().optional(),
      redirectUri: z.string().optional(),
      token: tokenSchema().optional(),
      // requests-oauthlib replaces an empty state with a generated one; here a state given is the one checked, so it must be text.
      state: z.union([z.string().min(1), fn<() => string>('a string or a function returning one')]).optional(),
      tokenUpdater: fn<NonNullable<OAuth2SessionOptions['tokenUpdater']>>('a function').optional(),
      pkce: z.custom<PkceMethod | false>((value) => value === 'S256' || value === 'plain' || value === false, "'S256', 'plain' or false").optional(),
      codeVerifier: z
        .string()
        .regex(/^[A-Za-z0-9\-._~]{43,128}$/, 'a PKCE code verifier: 43 to 128 letters, digits or -._~ (RFC 7636 §4.1)')
        .optional(),
      clientSecret: z.string().optional(),
      accessToken: z.string().optional(),
      service: z.custom<NonNullable<OAuth2SessionOptions['service']>>((value) => typeof value === 'object' && value !== null, 'a Service').optional(),
      // rauth's access_token_key names a query parameter: an empty name would send `?=token`.
      accessTokenKey: z.string().min(1).optional(),
      bearerAuth: z.boolean().optional(),
      insecureTransport: z.boolean().optional(),
      relaxTokenScope: z.boolean().optional(),
      // RFC 9207 compares the issuer as an exact string; it must be an absolute URL.
      issuer: z.url().optional(),
      issuerParameterRequired: z.boolean().optional(),
      tokenStore: z
        .custom<NonNullable<OAuth2SessionOptions['tokenStore']>>(
          (value) =>
            typeof value === 'object' &&
            value !== null &&
            ['get', 'set', 'delete', 'lease'].every((method) => typeof (value as Record<string, unknown>)[method] === 'function'),
          'a TokenStore (get, set, delete and lease): MemoryTokenStore, FileTokenStore, RedisTokenStore ...',
        )
        .optional(),
      tokenKey: z.string().min(1).max(512).optional(),
      tokenSubject: z.string().min(1).max(512).optional(),
      onStoreUnavailable: z.enum(['fail', 'proceed']).optional(),
      refreshLeaseMs: z.number().int().min(1000).max(MAX_TIMER_MS).optional(),
      refreshWaitMs: z.number().int().min(0).max(MAX_TIMER_MS).optional(),
      revocationUrl: endpointSchema().optional(),
      introspectionUrl: endpointSchema().optional(),
      pushedAuthorizationRequestUrl: endpointSchema().optional(),
      requirePushedAuthorizationRequests: z.boolean().optional(),
      dpop: z
        .union([
          z.boolean(),
          z.strictObject({
            // The key itself is read (and named, never shown, when wrong) by the DPoP prover.
            privateKey: z
              .custom<NonNullable<DPoPKeyOptions['privateKey']>>(
                (value) => typeof value === 'string' || (typeof value === 'object' && value !== null),
                'a KeyObject, a CryptoKey, a private JWK or a PEM',
              )
              .optional(),
            alg: z.enum(DPOP_ALGORITHMS).optional(),
          }),
        ])
        .optional(),
      ...clientAuthShape(),
      ...openIdConnectOptionsShape(),
    }) satisfies z.ZodType<OAuth2SessionOptions>,
)

/**
 * OAuth2Session's per-request options: rauth's `bearer_auth` and the rest on top of the Session's.
 *
 * @internal
 */
export const oauth2RequestOptionsSchema = lazySchema(
  (z) =>
    requestOptionsSchema().extend({
      withholdToken: z.boolean().optional(),
      bearerAuth: z.boolean().optional(),
      clientId: z.string().optional(),
      clientSecret: z.string().optional(),
    }) satisfies z.ZodType<OAuth2RequestOptions>,
)

const tokenRequestShape = lazySchema((z) => ({
  body: z.string().optional(),
  auth: authSchema(),
  headers: requestOptionsSchema().shape.headers,
  timeout: requestOptionsSchema().shape.timeout,
  signal: requestOptionsSchema().shape.signal,
}))

/** @internal the settings of fetchToken; every other key is a token parameter. */
export const fetchTokenSchema = lazySchema((z) =>
  z
    .object({
      ...tokenRequestShape(),
      code: z.string().optional(),
      authorizationResponse: z.string().optional(),
      username: z.string().optional(),
      password: z.string().optional(),
      method: z.string().optional(),
      forceQuerystring: z.boolean().optional(),
      includeClientId: z.boolean().optional(),
      clientSecret: z.string().optional(),
      codeVerifier: z.string().optional(),
      // The JWT bearer grant's (RFC 7523 §2.1): the JWT, or a function called for each token request.
      assertion: z.union([z.string(), fn<() => string | Promise<string>>('the JWT as text, or a function returning one')]).optional(),
    })
    .strict(),
)

/** @internal the options of revokeToken and introspectToken. */
export const tokenOperationSchema = lazySchema(
  (z) =>
    z
      .object({
        ...clientRequestShape(),
        tokenTypeHint: z.string().min(1).max(256).optional(),
        url: endpointSchema().optional(),
      })
      .strict() satisfies z.ZodType<Omit<TokenOperationOptions, 'headers'> & { headers?: TokenOperationOptions['headers'] | null }>,
)

/**
 * A token to revoke or introspect, checked: non-empty text (never shown: it is a credential).
 *
 * @internal
 */
export function parseOperationToken(token: unknown, method: string): string {
  if (typeof token !== 'string' || token === '')
    throw new ConfigurationError('token', `${method}: the token must be non-empty text, or left out for the session's own.`)
  return token
}

/** @internal the settings of refreshToken; every other key is a token parameter. */
export const refreshTokenSchema = lazySchema((z) => z.object({ ...tokenRequestShape(), refreshToken: z.string().optional() }).strict())

/** requests-oauthlib keywords that are settings here, not parameters: a port that keeps them is told the new name. */
const PYTHON_KEYWORDS: Readonly<Record<string, string>> = {
  authorization_response: 'authorizationResponse',
  include_client_id: 'includeClientId',
  force_querystring: 'forceQuerystring',
  refresh_token: 'refreshToken',
  code_verifier: 'codeVerifier',
  token_url: 'the tokenUrl argument',
}

/** fetchToken settings that refreshToken does not take (username and password may be a refresh's wire parameters, as Python's kwargs). */
const FETCH_ONLY: ReadonlySet<string> = new Set([
  'code',
  'authorizationResponse',
  'method',
  'forceQuerystring',
  'includeClientId',
  'clientSecret',
  'codeVerifier',
])

const wireValue = lazySchema((z) => z.union([z.string(), z.number(), z.boolean(), z.array(z.string()).readonly()]))

/**
 * Splits fetchToken / refreshToken options into checked settings and token parameters (the
 * wire values of every other key, `undefined` and `null` skipped, a scope list joined with
 * spaces). A request setting or a requests-oauthlib keyword among the parameters, or a value that
 * cannot go on the wire (an object, a function), is a ConfigurationError naming the key: a
 * setting never lands on the wire.
 *
 * @internal
 */
export function splitTokenOptions<T extends FetchTokenOptions | RefreshTokenOptions>(
  schema: OptionsSchema,
  options: T,
  owner: string,
): { settings: T; extras: Record<string, string> } {
  const known = optionKeys(schema)
  const settings: Record<string, unknown> = {}
  const extras: Record<string, string> = {}
  for (const [name, value] of Object.entries(options)) {
    if (known.has(name)) {
      settings[name] = value
      continue
    }
    if (value === undefined || value === null) continue
    const renamed = PYTHON_KEYWORDS[name]
    if (renamed !== undefined && !(name === 'refresh_token' && known.has('code'))) {
      throw new ConfigurationError(
        name,
        `${owner}: '${name}' is a requests-oauthlib keyword here, not a token parameter: pass ${renamed.startsWith('the ') ? renamed : `'${renamed}'`}.`,
      )
    }
    if (FETCH_ONLY.has(name) && !known.has(name)) {
      throw new ConfigurationError(
        name,
        `${owner}: '${name}' is a setting of fetchToken that ${owner} does not take; it would be sent as a token parameter. Leave it out.`,
      )
    }
    if (optionKeys(sessionOptionsSchema()).has(name) && !optionKeys(requestOptionsSchema()).has(name)) {
      throw new ConfigurationError(
        name,
        `${owner}: '${name}' is a Session setting, not a token parameter: set it on the session (new OAuth2Session(clientId, { ${name} })); it is never sent.`,
      )
    }
    if (optionKeys(requestOptionsSchema()).has(name)) {
      throw new ConfigurationError(
        name,
        `${owner}: '${name}' is a request setting that ${owner} does not take; it would be sent as a token parameter. Leave it out.`,
      )
    }
    if (!wireValue().safeParse(value).success) {
      throw new ConfigurationError(name, `${owner}: the token parameter '${name}' must be text, a number, a boolean or a list of text.`)
    }
    extras[name] = name === 'scope' && Array.isArray(value) ? value.join(' ') : String(value)
  }
  return { settings: parseOptions(schema, settings, owner) as T, extras }
}

const deviceRequestShape = lazySchema((z) => ({
  clientSecret: z.string().optional(),
  includeClientId: z.boolean().optional(),
  auth: authSchema(),
  headers: requestOptionsSchema().shape.headers,
  timeout: requestOptionsSchema().shape.timeout,
  signal: requestOptionsSchema().shape.signal,
}))

/** @internal the settings of deviceAuthorization; every other key is a request parameter. */
export const deviceAuthorizationSchema = lazySchema((z) => z.object({ ...deviceRequestShape(), scope: scopeSchema().optional() }).strict())

/** @internal the options of pollDeviceToken (no parameters of its own). */
export const pollDeviceTokenSchema = lazySchema((z) =>
  z
    .object({
      ...deviceRequestShape(),
      tokenUrl: endpointSchema().optional(),
      onPending: fn<NonNullable<PollDeviceTokenOptions['onPending']>>('a function').optional(),
      onVerification: fn<NonNullable<PollDeviceTokenOptions['onVerification']>>('a function').optional(),
      clock: z
        .custom<DeviceClock>(
          (value) =>
            typeof value === 'object' &&
            value !== null &&
            typeof (value as DeviceClock).now === 'function' &&
            typeof (value as DeviceClock).sleep === 'function',
          'an object with now() and sleep(ms, signal)',
        )
        .optional(),
    })
    .strict(),
)

/** @internal the url argument of deviceAuthorization. */
export const deviceUrlSchema = lazySchema((z) => z.object({ url: endpointSchema() }).strict())
