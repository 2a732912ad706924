import { lazySchema } from '../http/lazy-schema.js'
import { ConfigurationError, InvalidTokenResponseError } from '../errors.js'
import type { ParamPairs } from '../http/form-encoding.js'
import { MAX_ANSWER_DEPTH, nestedDeeperThan } from '../http/nesting.js'
import type { Response } from '../http/response.js'
import { parseRetryAfter } from '../http/retry-policy.js'
import type { Session } from '../http/session.js'
import type { AuthorizationServerMetadata } from './discovery.js'
import { EndpointUnavailableError, RevocationUnsupportedTokenTypeError } from './oauth2-errors.js'
import { decodeTokenBody, providerRefusal, sendTokenRequest, type TokenRequest } from './token-endpoint.js'

/**
 * What an introspection endpoint says of a token (RFC 7662 §2.2): `active`, and when it is active
 * whatever the server chose to tell (`scope`, `client_id`, `exp` ...), with their wire names. The
 * fields RFC 7662 defines are checked to have their wire types; any other field is kept as sent.
 *
 * @example
 * ```ts
 * import { OAuth2Session, type TokenIntrospection } from 'oauth-sessions'
 * declare const session: OAuth2Session
 * const info: TokenIntrospection = await session.introspectToken()
 * if (!info.active) console.log('the token is expired or revoked')
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc7662#section-2.2
 * @group OAuth 2
 */
export interface TokenIntrospection {
  /** Whether the token is active (issued, not expired, not revoked). The only field every answer has. */
  active: boolean
  /** The scopes of the token, space separated. */
  scope?: string
  /** The client the token was issued to. */
  client_id?: string
  /** The resource owner who authorized the token. */
  username?: string
  /** The type of the token (`Bearer` ...). */
  token_type?: string
  /** When the token expires, seconds since the epoch. */
  exp?: number
  /** When the token was issued, seconds since the epoch. */
  iat?: number
  /** Before when the token is not to be used, seconds since the epoch. */
  nbf?: number
  /** The subject of the token. */
  sub?: string
  /** The audience(s) of the token. */
  aud?: string | string[]
  /** The issuer of the token. */
  iss?: string
  /** The token's identifier. */
  jti?: string
  /** Any other field the server sent. */
  [field: string]: unknown
}

const seconds = lazySchema((z) => z.number().finite())
const text = lazySchema((z) => z.string().max(8192))

/** RFC 7662 §2.2 fields, checked when present; the rest pass as they are. */
const introspectionSchema = lazySchema((z) =>
  z.looseObject({
    active: z.boolean({ message: 'is not a boolean (RFC 7662 §2.2 requires true or false)' }),
    scope: text().optional(),
    client_id: text().optional(),
    username: text().optional(),
    token_type: text().optional(),
    exp: seconds().optional(),
    iat: seconds().optional(),
    nbf: seconds().optional(),
    sub: text().optional(),
    aud: z.union([text(), z.array(text()).max(100)]).optional(),
    iss: text().optional(),
    jti: text().optional(),
  }),
)

/**
 * The body of a revocation or introspection request: the token, its hint, then the client
 * credentials when they go in the body (`includeClientId`), as the token endpoint sends them.
 *
 * @internal
 */
export function tokenOperationBody(
  token: string,
  tokenTypeHint: string | undefined,
  client: { clientId?: string | undefined; clientSecret?: string | undefined; includeClientId: boolean },
): ParamPairs {
  const pairs: ParamPairs = [['token', token]]
  if (tokenTypeHint !== undefined) pairs.push(['token_type_hint', tokenTypeHint])
  if (client.includeClientId && client.clientId !== undefined) pairs.push(['client_id', client.clientId])
  if (client.includeClientId && client.clientSecret !== undefined) pairs.push(['client_secret', client.clientSecret])
  return pairs
}

/**
 * Revokes a token (RFC 7009 §2.1): one client-authenticated form POST through the token-endpoint
 * client. A 2xx is success, whatever its body (§2.2); a 503 is an {@link EndpointUnavailableError}
 * with its `Retry-After`; any other answer is the typed error of its body
 * (`unsupported_token_type` is {@link RevocationUnsupportedTokenTypeError}).
 *
 * @internal
 */
export async function revokeTokenAt(session: Session, request: TokenRequest): Promise<void> {
  const response = await sendTokenRequest(session, request)
  if (response.ok) return
  throw endpointError(response)
}

/**
 * Logout (RFC 7009 §2.1): revokes the held refresh token, then the access token, then forgets
 * them. When the refresh token's revocation fails nothing is forgotten; once it is revoked the
 * token cannot be renewed, so it is forgotten whatever the access token's revocation says (a
 * server that revokes refresh tokens only answers `unsupported_token_type`, which counts as done;
 * any other failure is raised after forgetting). Neither token held: a ConfigurationError naming
 * `token`, with `nothingHeld` as its message.
 *
 * @internal
 */
export async function revokeAndForget(
  held: { access_token?: unknown; refresh_token?: unknown },
  revoke: (token: string, hint: 'refresh_token' | 'access_token') => Promise<void>,
  forget: () => Promise<void>,
  nothingHeld: string,
): Promise<void> {
  const { refresh_token: refreshToken, access_token: accessToken } = held
  if (typeof refreshToken !== 'string' && typeof accessToken !== 'string') throw new ConfigurationError('token', nothingHeld)
  if (typeof refreshToken === 'string') await revoke(refreshToken, 'refresh_token')
  let failed: unknown
  if (typeof accessToken === 'string') {
    try {
      await revoke(accessToken, 'access_token')
    } catch (error) {
      if (typeof refreshToken !== 'string') throw error
      if (!(error instanceof RevocationUnsupportedTokenTypeError)) failed = error
    }
  }
  await forget()
  if (failed !== undefined) throw failed
}

/**
 * Asks an introspection endpoint about a token (RFC 7662 §2.1) and returns its checked answer.
 *
 * @internal
 */
export async function introspectTokenAt(session: Session, request: TokenRequest): Promise<TokenIntrospection> {
  const response = await sendTokenRequest(session, request)
  if (response.status !== 200) throw endpointError(response)
  const raw = decodeTokenBody(response)
  const deep = Object.keys(raw).find((name) => nestedDeeperThan(raw[name], MAX_ANSWER_DEPTH))
  if (deep !== undefined) throw new InvalidTokenResponseError(deep, `is nested more than ${MAX_ANSWER_DEPTH} levels deep`, 'The introspection response')
  const parsed = introspectionSchema().safeParse(raw)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const field = String(issue?.path[0] ?? 'active')
    throw new InvalidTokenResponseError(
      field,
      field === 'active' ? 'is not a boolean (RFC 7662 §2.2 requires true or false)' : 'has the wrong type',
      'The introspection response',
    )
  }
  return parsed.data as TokenIntrospection
}

/** The typed error of a refused revocation or introspection: the body's RFC 6749 error, a 503 with its Retry-After. */
function endpointError(response: Response): Error {
  if (response.ok) return new InvalidTokenResponseError('status', `is HTTP ${response.status}, not 200 (RFC 7662 §2.2)`, 'The introspection response')
  // The one provider-error mapping, scrubbed of the request's credentials.
  const raw = decodeTokenBody(response)
  const refused = providerRefusal(response, raw)
  if (response.status !== 503) return refused
  const sentCode = typeof raw.error === 'string'
  const body = { error: sentCode ? refused.error : 'temporarily_unavailable', error_description: refused.errorDescription, error_uri: refused.errorUri }
  return new EndpointUnavailableError(body, response, retryAfterSeconds(response.headers.get('retry-after')))
}

/** `Retry-After` in whole seconds (rounded up), as the retry policy reads it. */
function retryAfterSeconds(value: string | undefined): number | undefined {
  const ms = parseRetryAfter(value)
  return ms === undefined ? undefined : Math.ceil(ms / 1000)
}

/**
 * The endpoint of a revocation or introspection: the call's `url`, else the session's option,
 * else the discovered one.
 *
 * @throws {@link ConfigurationError} naming the option (`revocationUrl`, `introspectionUrl`) when none is known
 */
export function operationEndpoint(
  kind: 'revocation' | 'introspection',
  given: string | undefined,
  option: string | undefined,
  metadata: AuthorizationServerMetadata | undefined,
): string {
  const url = given ?? option ?? (kind === 'revocation' ? metadata?.revocation_endpoint : metadata?.introspection_endpoint)
  if (url !== undefined) return url
  const name = `${kind}Url`
  const method = kind === 'revocation' ? 'revokeToken' : 'introspectToken'
  throw new ConfigurationError(name, `${method} needs the ${kind} endpoint: pass ${name} to the constructor, or { url } to ${method}.`)
}
