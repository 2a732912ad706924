import { z } from 'zod'
import { ConfigurationError } from '../errors.js'
import { type OptionsSchema, optionKeys, parseOptions } from '../http/parse-options.js'
import { requestOptionsSchema, sessionOptionsSchema } from '../http/session-options.js'
import { OAuth2Client } from './grant-clients.js'
import type { FetchTokenOptions, OAuth2RequestOptions, OAuth2SessionOptions, RefreshTokenOptions } from './oauth2-session-options.js'

const fn = <T>(what: string) => z.custom<T>((value) => typeof value === 'function', what)
const scopeSchema = z.union([z.string(), z.array(z.string()).readonly()])
const authSchema = requestOptionsSchema.shape.auth

/**
 * OAuth2Session's options: the Session's, requests-oauthlib's and rauth's.
 *
 * @internal
 */
export const oauth2SessionOptionsSchema = sessionOptionsSchema.extend({
  client: z.instanceof(OAuth2Client, { message: 'an OAuth2Client (WebApplicationClient, BackendApplicationClient ...)' }).optional(),
  autoRefreshUrl: z.string().optional(),
  autoRefreshKwargs: z.record(z.string(), z.string()).optional(),
  scope: scopeSchema.optional(),
  redirectUri: z.string().optional(),
  token: z.record(z.string(), z.unknown()).optional(),
  state: z.union([z.string(), fn<() => string>('a string or a function returning one')]).optional(),
  tokenUpdater: fn<NonNullable<OAuth2SessionOptions['tokenUpdater']>>('a function').optional(),
  pkce: z.union([z.enum(['S256', 'plain']), z.literal(false)]).optional(),
  clientSecret: z.string().optional(),
  accessToken: z.string().optional(),
  service: z.custom<NonNullable<OAuth2SessionOptions['service']>>((value) => typeof value === 'object' && value !== null, 'a Service').optional(),
  accessTokenKey: z.string().optional(),
  bearerAuth: z.boolean().optional(),
  insecureTransport: z.boolean().optional(),
  relaxTokenScope: z.boolean().optional(),
  // RFC 9207 compares the issuer as an exact string; it must be an absolute URL.
  issuer: z.url().optional(),
  issuerParameterRequired: z.boolean().optional(),
}) satisfies z.ZodType<OAuth2SessionOptions>

/**
 * OAuth2Session's per-request options: rauth's `bearer_auth` and the rest on top of the Session's.
 *
 * @internal
 */
export const oauth2RequestOptionsSchema = requestOptionsSchema.extend({
  withholdToken: z.boolean().optional(),
  bearerAuth: z.boolean().optional(),
  clientId: z.string().optional(),
  clientSecret: z.string().optional(),
}) satisfies z.ZodType<OAuth2RequestOptions>

const tokenRequestShape = {
  body: z.string().optional(),
  auth: authSchema,
  headers: requestOptionsSchema.shape.headers,
  timeout: requestOptionsSchema.shape.timeout,
  signal: requestOptionsSchema.shape.signal,
}

/** @internal the settings of fetchToken; every other key is a token parameter. */
export const fetchTokenSchema = z
  .object({
    ...tokenRequestShape,
    code: z.string().optional(),
    authorizationResponse: z.string().optional(),
    username: z.string().optional(),
    password: z.string().optional(),
    method: z.string().optional(),
    forceQuerystring: z.boolean().optional(),
    includeClientId: z.boolean().optional(),
    clientSecret: z.string().optional(),
    codeVerifier: z.string().optional(),
  })
  .strict()

/** @internal the settings of refreshToken; every other key is a token parameter. */
export const refreshTokenSchema = z.object({ ...tokenRequestShape, refreshToken: z.string().optional() }).strict()

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

const wireValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.string()).readonly()])

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
    if (optionKeys(requestOptionsSchema).has(name)) {
      throw new ConfigurationError(
        name,
        `${owner}: '${name}' is a request setting that ${owner} does not take; it would be sent as a token parameter. Leave it out.`,
      )
    }
    if (!wireValue.safeParse(value).success) {
      throw new ConfigurationError(name, `${owner}: the token parameter '${name}' must be text, a number, a boolean or a list of text.`)
    }
    extras[name] = name === 'scope' && Array.isArray(value) ? value.join(' ') : String(value)
  }
  return { settings: parseOptions(schema, settings, owner) as T, extras }
}
