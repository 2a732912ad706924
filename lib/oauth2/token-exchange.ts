import type { ClientRequestOptions } from './oauth2-session-options.js'
import type { z } from 'zod'
import { lazySchema, zod } from '../http/lazy-schema.js'
import { clientRequestShape } from './client-request-shape.js'
import { ConfigurationError, InvalidTokenResponseError } from '../errors.js'
import type { ParamPairs } from '../http/form-encoding.js'
import { parseOptions } from '../http/parse-options.js'
import { httpUrlSchema } from '../http/parse-url.js'
import type { Session } from '../http/session.js'
import type { ComplianceHookRegistry } from './compliance-hooks.js'
import { assertBearerTokenType, UnsupportedTokenTypeError } from './oauth2-errors.js'
import type { OAuth2Token } from './oauth2-token.js'
import { clientAuthentication, type ConfiguredClientAuth } from './client-authentication.js'
import type { DPoPTokenRequest } from './dpop-prover.js'
import { requestToken } from './token-endpoint.js'
import { assertSecureTransport } from './transport-security.js'

/** The `grant_type` of a token exchange (RFC 8693 §2.1). @internal */
export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange'

/**
 * The short names a token type may be given by, and the RFC 8693 §3 URI each stands for:
 * `'access_token'` is `urn:ietf:params:oauth:token-type:access_token`, and so on. Any other
 * token type is given as its absolute URI.
 *
 * @example
 * ```ts
 * import { TOKEN_TYPE_URIS } from 'oauth-sessions'
 * console.log(TOKEN_TYPE_URIS.id_token) // urn:ietf:params:oauth:token-type:id_token
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc8693#section-3
 * @group OAuth 2
 */
export const TOKEN_TYPE_URIS = Object.freeze({
  /** An OAuth 2 access token. */
  access_token: 'urn:ietf:params:oauth:token-type:access_token',
  /** An OAuth 2 refresh token. */
  refresh_token: 'urn:ietf:params:oauth:token-type:refresh_token',
  /** An OpenID Connect ID token. */
  id_token: 'urn:ietf:params:oauth:token-type:id_token',
  /** A base64url-encoded SAML 1.1 assertion. */
  saml1: 'urn:ietf:params:oauth:token-type:saml1',
  /** A base64url-encoded SAML 2.0 assertion. */
  saml2: 'urn:ietf:params:oauth:token-type:saml2',
  /** A JWT (RFC 7519). */
  jwt: 'urn:ietf:params:oauth:token-type:jwt',
} as const)

/**
 * A token type: one of the short names of {@link TOKEN_TYPE_URIS}, or an absolute URI
 * (`urn:ietf:params:oauth:token-type:jwt`, or a type of your server's own).
 *
 * @example
 * ```ts
 * import type { TokenTypeIdentifier } from 'oauth-sessions'
 * const type: TokenTypeIdentifier = 'access_token'
 * ```
 * @group OAuth 2
 */
export type TokenTypeIdentifier = keyof typeof TOKEN_TYPE_URIS | (string & {})

/**
 * Options of {@link OAuth2Session.exchangeToken} (RFC 8693 §2.1). The token types take a short
 * name of {@link TOKEN_TYPE_URIS} or an absolute URI; `resource` and `audience` may be lists, each
 * value sent as a parameter of its own.
 *
 * @example
 * ```ts
 * import { OAuth2Session, type ExchangeTokenOptions } from 'oauth-sessions'
 * declare const session: OAuth2Session
 * const options: ExchangeTokenOptions = {
 *   subjectToken: 'the-user-access-token',
 *   subjectTokenType: 'access_token',
 *   audience: 'orders-api',
 *   resource: ['https://orders.example.com/', 'https://billing.example.com/'],
 *   scope: ['orders:read'],
 * }
 * const issued = await session.exchangeToken(options)
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc8693#section-2.1
 * @group OAuth 2
 */
export interface ExchangeTokenOptions extends ClientRequestOptions {
  /** The token the new one is for (`subject_token`): a user's access token, an ID token, a SAML assertion ... */
  subjectToken: string
  /** Its type (`subject_token_type`), such as `'access_token'` or `'urn:ietf:params:oauth:token-type:id_token'`. */
  subjectTokenType: TokenTypeIdentifier
  /** The logical name(s) of the service(s) the token is for (`audience`, repeated for a list). */
  audience?: string | readonly string[]
  /** The absolute URI(s) of the resource(s) the token is for (`resource`, repeated; no fragment). */
  resource?: string | readonly string[]
  /** The scope of the new token (a list is joined with spaces). */
  scope?: string | readonly string[]
  /** The type of token wanted (`requested_token_type`). */
  requestedTokenType?: TokenTypeIdentifier
  /** The token of the party acting for the subject (`actor_token`, delegation); needs `actorTokenType`. */
  actorToken?: string
  /** The type of `actorToken` (`actor_token_type`); only with `actorToken`. */
  actorTokenType?: TokenTypeIdentifier
  /** The token endpoint of this call; default the discovered `token_endpoint`, else the session's `autoRefreshUrl`. */
  url?: string
  /**
   * Whether the issued token becomes the session's own token (and is written to its
   * `tokenStore`). Default `false`: the session keeps the token it had. See
   * {@link OAuth2Session.exchangeToken} for why.
   */
  adopt?: boolean
}

/**
 * The answer to a token exchange (RFC 8693 §2.2.1), with its wire names: the issued token is in
 * `access_token` (whatever its type, as the RFC has it), `issued_token_type` says what it is, and
 * `token_type` is `Bearer` for an access token or `N_A` for a token that is not one. `expires_in`
 * becomes `expires_at`, as for every token.
 *
 * @example
 * ```ts
 * import { OAuth2Session, type ExchangedToken } from 'oauth-sessions'
 * declare const session: OAuth2Session
 * const issued: ExchangedToken = await session.exchangeToken({ subjectToken: 't', subjectTokenType: 'access_token', requestedTokenType: 'id_token' })
 * if (issued.issued_token_type.endsWith(':id_token')) console.log('an ID token, token_type', issued.token_type) // N_A
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc8693#section-2.2.1
 * @group OAuth 2
 */
export interface ExchangedToken extends OAuth2Token {
  /** The issued token. */
  access_token: string
  /** The absolute URI of the issued token's type (REQUIRED by RFC 8693 §2.2.1). */
  issued_token_type: string
}

/** The longest token, URI or name sent; a provider has no use for more. */
const MAX_TEXT = 65_536

/**
 * RFC 3986 §4.3 absolute-URI: a scheme, `:`, then visible ASCII without a fragment (`#`).
 *
 * @internal
 */
export function isAbsoluteUri(value: string): boolean {
  return value.length <= 2048 && /^[A-Za-z][A-Za-z0-9+.-]*:[!"$-~]+$/.test(value)
}

const tokenTypeSchema = lazySchema((z) =>
  z.string().refine((value) => Object.hasOwn(TOKEN_TYPE_URIS, value) || isAbsoluteUri(value), {
    message: `a token type: ${Object.keys(TOKEN_TYPE_URIS).join(', ')}, or an absolute URI (RFC 8693 §3)`,
  }),
)
const secretText = lazySchema((z) => z.string().min(1).max(MAX_TEXT))
const oneOrMore = (item: z.ZodString) => zod().union([item, zod().array(item).min(1).max(64).readonly()])
const resourceSchema = lazySchema((z) => z.string().refine(isAbsoluteUri, { message: 'an absolute URI without a fragment (RFC 8693 §2.1)' }))
const audienceSchema = lazySchema((z) => z.string().min(1).max(2048))

/** @internal the options of exchangeToken, checked once. */
export const exchangeTokenSchema = lazySchema((z) =>
  z
    .object({
      subjectToken: secretText(),
      subjectTokenType: tokenTypeSchema(),
      audience: oneOrMore(audienceSchema()).optional(),
      resource: oneOrMore(resourceSchema()).optional(),
      scope: z.union([z.string(), z.array(z.string()).readonly()]).optional(),
      requestedTokenType: tokenTypeSchema().optional(),
      actorToken: secretText().optional(),
      actorTokenType: tokenTypeSchema().optional(),
      url: httpUrlSchema().optional(),
      adopt: z.boolean().optional(),
      ...clientRequestShape(),
    })
    .strict(),
)

/** A token type as its URI: a short name mapped, a URI as given. @internal */
export function tokenTypeUri(type: string): string {
  return Object.hasOwn(TOKEN_TYPE_URIS, type) ? TOKEN_TYPE_URIS[type as keyof typeof TOKEN_TYPE_URIS] : type
}

/**
 * Checks the options of a token exchange before any traffic: the schema, then the actor rule of
 * RFC 8693 §2.1 (`actor_token_type` is REQUIRED with `actor_token` and MUST NOT come without it).
 * A ConfigurationError names the option, never its value.
 *
 * @internal
 */
export function parseExchangeOptions(options: unknown, owner: string): ExchangeTokenOptions {
  const parsed = parseOptions(exchangeTokenSchema(), options, owner) as ExchangeTokenOptions
  if (parsed.actorToken !== undefined && parsed.actorTokenType === undefined) {
    throw new ConfigurationError('actorTokenType', `${owner}: actorToken needs actorTokenType (RFC 8693 §2.1), such as 'access_token'.`)
  }
  if (parsed.actorToken === undefined && parsed.actorTokenType !== undefined) {
    throw new ConfigurationError('actorTokenType', `${owner}: actorTokenType goes only with actorToken (RFC 8693 §2.1): pass actorToken, or leave both out.`)
  }
  return parsed
}

/**
 * The parameters of a token exchange in RFC 8693 §2.1's order, after `grant_type` and the client
 * credentials when they go in the body: `resource` and `audience` once per value, `scope`,
 * `requested_token_type`, `subject_token`, `subject_token_type`, `actor_token`, `actor_token_type`.
 *
 * @internal
 */
export function exchangeParameters(options: ExchangeTokenOptions): ParamPairs {
  const pairs: ParamPairs = []
  for (const resource of listOf(options.resource)) pairs.push(['resource', resource])
  for (const audience of listOf(options.audience)) pairs.push(['audience', audience])
  const scope = typeof options.scope === 'string' ? options.scope : options.scope?.join(' ')
  if (scope !== undefined && scope !== '') pairs.push(['scope', scope])
  if (options.requestedTokenType !== undefined) pairs.push(['requested_token_type', tokenTypeUri(options.requestedTokenType)])
  pairs.push(['subject_token', options.subjectToken], ['subject_token_type', tokenTypeUri(options.subjectTokenType)])
  if (options.actorToken !== undefined && options.actorTokenType !== undefined) {
    pairs.push(['actor_token', options.actorToken], ['actor_token_type', tokenTypeUri(options.actorTokenType)])
  }
  return pairs
}

function listOf(value: string | readonly string[] | undefined): readonly string[] {
  if (value === undefined) return []
  return typeof value === 'string' ? [value] : value
}

/** Where a token exchange goes, and who sends it. @internal */
export interface ExchangeClient {
  /** The client id (Basic, or `client_id` in the body with `includeClientId`). */
  clientId: string | undefined
  /** The client secret, unless the call gives one. */
  clientSecret: string | undefined
  /** Allows a plain-http token endpoint outside loopback. */
  insecureTransport: boolean
  /** The compliance hooks of the session, run as for any token request (`access_token_request` / `_response`). */
  hooks?: ComplianceHookRegistry | undefined
  /** The session's DPoP proof of the request (RFC 9449), when it uses DPoP. */
  dpop?: DPoPTokenRequest | undefined
  /** The configured `clientAuth`, if any. */
  clientAuth?: ConfiguredClientAuth | undefined
}

/**
 * Sends one token exchange (RFC 8693 §2.1) through the token-endpoint client, client-authenticated
 * as fetchToken is, and reads the answer: a provider error is the typed RFC 6749 / RFC 8693 error
 * (`invalid_target` is {@link InvalidTargetError}); a success must carry `issued_token_type` as an
 * absolute URI, or it is an {@link InvalidTokenResponseError}.
 *
 * @internal
 */
export async function exchangeTokenAt(session: Session, url: string, options: ExchangeTokenOptions, client: ExchangeClient): Promise<ExchangedToken> {
  assertSecureTransport(url, client.insecureTransport)
  const authentication = clientAuthentication(client.clientId, client.clientSecret, options, client.clientAuth)
  const clientSecret = authentication.clientSecret
  const body: ParamPairs = [['grant_type', TOKEN_EXCHANGE_GRANT]]
  if (authentication.includeClientId && client.clientId !== undefined) body.push(['client_id', client.clientId])
  if (authentication.includeClientId && clientSecret !== undefined) body.push(['client_secret', clientSecret])
  body.push(...exchangeParameters(options))
  const { token } = await requestToken(
    session,
    {
      url: client.clientAuth?.endpoint(url, 'token_endpoint') ?? url,
      body,
      clientAuth: authentication.clientAuth,
      headers: options.headers,
      timeout: options.timeout,
      signal: options.signal,
      insecureTransport: client.insecureTransport,
      hooks: client.hooks === undefined ? undefined : { registry: client.hooks, kind: 'access_token' },
      dpop: client.dpop,
    },
    { errors: 'error-key' },
  )
  return checkExchangedToken(token)
}

/**
 * What {@link OAuth2Session.exchangeToken} hands over: the session's endpoint and client, and how
 * it takes the issued token as its own (`adopt: true`).
 *
 * @internal
 */
export interface ExchangeContext {
  /** The token endpoint when the call gives no `url`: the discovered one, else `autoRefreshUrl`. */
  tokenEndpoint: string | undefined
  /** The client and its settings. */
  client: ExchangeClient
  /** Makes the issued token the session's own. */
  adopt: (token: ExchangedToken) => Promise<void>
}

/**
 * OAuth2Session's exchangeToken: checks the options (before any traffic), picks the endpoint,
 * exchanges, and adopts the token only when asked.
 *
 * @internal
 */
export async function exchangeTokenFor(session: Session, options: ExchangeTokenOptions, context: ExchangeContext): Promise<ExchangedToken> {
  const settings = parseExchangeOptions(options, 'exchangeToken')
  const url = settings.url ?? context.tokenEndpoint
  if (url === undefined) {
    throw new ConfigurationError(
      'url',
      'exchangeToken needs the token endpoint: pass { url }, set autoRefreshUrl, or build the session with OAuth2Session.discover().',
    )
  }
  const token = await exchangeTokenAt(session, url, settings, context.client)
  if (settings.adopt === true) {
    // The session sends its token as Bearer: one it cannot send (an N_A ID token ...) would replace a working token, refresh token and all.
    assertSendableAsBearer(token)
    await context.adopt(token)
  }
  return token
}

/** The issued token types that are access tokens, and so may be sent as Bearer when the answer leaves `token_type` out. */
const ACCESS_TOKEN_TYPES: ReadonlySet<string> = new Set([TOKEN_TYPE_URIS.access_token, TOKEN_TYPE_URIS.jwt])

/**
 * Refuses an exchanged token that cannot be sent as `Authorization: Bearer`: a `token_type` other
 * than Bearer (`N_A` ...), or, with `token_type` left out (RFC 8693 §2.2.1 makes it REQUIRED), an
 * `issued_token_type` other than an access token or a JWT (an ID token, a refresh token, SAML).
 *
 * @throws {@link UnsupportedTokenTypeError} naming the type
 * @internal
 */
export function assertSendableAsBearer(token: ExchangedToken): void {
  assertBearerTokenType(token.token_type)
  if (token.token_type === undefined && !ACCESS_TOKEN_TYPES.has(token.issued_token_type)) throw new UnsupportedTokenTypeError(token.issued_token_type)
}

/**
 * RFC 8693 §2.2.1: `issued_token_type` is REQUIRED, an absolute URI. Without it the caller cannot
 * know what it was given (an ID token sent on as an access token), so the answer is refused.
 *
 * @internal
 */
export function checkExchangedToken(token: OAuth2Token): ExchangedToken {
  const issued = Object.hasOwn(token, 'issued_token_type') ? token.issued_token_type : undefined
  if (issued === undefined) {
    throw new InvalidTokenResponseError('issued_token_type', 'is missing; RFC 8693 §2.2.1 requires it', 'The token exchange response')
  }
  if (typeof issued !== 'string' || !isAbsoluteUri(issued)) {
    throw new InvalidTokenResponseError('issued_token_type', 'is not an absolute URI (RFC 8693 §2.2.1)', 'The token exchange response')
  }
  return token as ExchangedToken
}
