import type { z } from 'zod'
import { lazySchema } from '../http/lazy-schema.js'
import type { RedirectContext } from '../auth/auth-strategy.js'
import { AuthBase } from '../auth/multi-auth.js'
import { ConfigurationError } from '../errors.js'
import { decodePairs, encodePairs, type ParamPairs } from '../http/form-encoding.js'
import { CredentialRedirectRefusedError } from '../http/http-errors.js'
import { parseOptions } from '../http/parse-options.js'
import type { PreparedRequest } from '../http/prepared-request.js'
import { OAuth2Client } from './grant-clients.js'
import { assertBearerTokenType, TokenExpiredError } from './oauth2-errors.js'
import { isExpired, normalizeToken, type OAuth2Token } from './oauth2-token.js'
import { assertSecureTransport } from './transport-security.js'

/**
 * Where {@link OAuth2Auth} puts the access token, oauthlib's `token_placement` values: the
 * `Authorization: Bearer` header (the default), the `access_token` query parameter, or the
 * `access_token` field of a form body (RFC 6750 §2.1 to §2.3).
 *
 * @example
 * ```ts
 * import type { TokenPlacement } from 'oauth-sessions'
 * const placement: TokenPlacement = 'query'
 * ```
 * @see oauthlib.oauth2.rfc6749.clients.base AUTH_HEADER, URI_QUERY, BODY
 * @group OAuth 2
 */
export type TokenPlacement = 'auth_header' | 'query' | 'body'

/**
 * Options of {@link OAuth2Auth}: requests-oauthlib's three arguments, oauthlib's token
 * placement, and the transport switch.
 *
 * @example
 * ```ts
 * import { OAuth2Auth } from 'oauth-sessions'
 * const auth = new OAuth2Auth({ clientId: 'client-1', token: { access_token: 'abc', token_type: 'Bearer' }, tokenPlacement: 'query' })
 * ```
 * @group OAuth 2
 */
export interface OAuth2AuthOptions {
  /** The client id (requests-oauthlib's `client_id`); taken from `client` when not given. */
  clientId?: string | undefined
  /** The oauthlib client (requests-oauthlib's `client`; default a {@link WebApplicationClient}). */
  client?: OAuth2Client | undefined
  /** The token to send, with `access_token` and usually `token_type` (requests-oauthlib's `token`). */
  token?: OAuth2Token | undefined
  /**
   * Where the token goes: oauthlib's `default_token_placement` of the client
   * (`WebApplicationClient(id, default_token_placement='query')`). Default `auth_header`.
   */
  tokenPlacement?: TokenPlacement | undefined
  /** Allow plain http to hosts other than loopback (as `OAUTHLIB_INSECURE_TRANSPORT=1`). For local testing only. */
  insecureTransport?: boolean | undefined
}

const optionsSchema = lazySchema(
  (z) =>
    z.strictObject({
      clientId: z.string().optional(),
      client: z.instanceof(OAuth2Client, { message: 'an OAuth2Client (WebApplicationClient, BackendApplicationClient ...)' }).optional(),
      token: z.custom<OAuth2Token>((value) => typeof value === 'object' && value !== null && !Array.isArray(value), 'a token object').optional(),
      tokenPlacement: z.enum(['auth_header', 'query', 'body']).optional(),
      insecureTransport: z.boolean().optional(),
    }) satisfies z.ZodType<OAuth2AuthOptions>,
)

/**
 * requests-oauthlib's `OAuth2` auth class: an {@link AuthStrategy} that adds an OAuth 2 token to
 * every request as oauthlib's `Client.add_token` does. It refuses plain http to a host other than
 * loopback ({@link InsecureTransportError}, unless `insecureTransport` or
 * `OAUTHLIB_INSECURE_TRANSPORT`), a `token_type` other than Bearer
 * ({@link UnsupportedTokenTypeError}; oauthlib's experimental MAC tokens are not supported), a
 * token without `access_token` ({@link ConfigurationError}) and an expired one
 * ({@link TokenExpiredError}), all before the request is sent. The token goes in the
 * `Authorization: Bearer` header, or with `tokenPlacement` in the `access_token` query parameter
 * or form field, the query or form re-encoded as oauthlib does. It never refreshes: that is
 * {@link OAuth2Session}'s job. Works with a {@link Session}, with plain got through
 * {@link authHooks} and with {@link combine}.
 *
 * Takes requests-oauthlib's positionals `(clientId, client, token)`, then an options object, or
 * the options object alone.
 *
 * @example
 * ```ts
 * import got from 'got'
 * import { authHooks, OAuth2Auth, Session } from 'oauth-sessions'
 * const token = { access_token: process.env.ACCESS_TOKEN ?? '', token_type: 'Bearer' }
 * const auth = new OAuth2Auth('client-id', undefined, token) // requests_oauthlib.OAuth2(client_id, token=token)
 * const me = await new Session({ auth }).get('https://api.example.com/me')
 * const same = await got('https://api.example.com/me', authHooks(auth)).json()
 * ```
 * @see requests_oauthlib.OAuth2
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-2
 * @group OAuth 2
 */
export class OAuth2Auth extends AuthBase {
  /** The client id, the `client`'s when none was given. */
  readonly clientId: string | undefined
  /** The oauthlib client this strategy was built with, if any. */
  readonly client: OAuth2Client | undefined
  /** Where the token goes. */
  readonly tokenPlacement: TokenPlacement
  /** Whether plain http to hosts other than loopback is allowed. */
  readonly insecureTransport: boolean
  #token: OAuth2Token | undefined

  constructor(options?: OAuth2AuthOptions)
  constructor(
    clientId?: string | null,
    client?: OAuth2Client | null,
    token?: OAuth2Token | null,
    options?: Omit<OAuth2AuthOptions, 'clientId' | 'client' | 'token'>,
  )
  constructor(
    clientIdOrOptions?: string | OAuth2AuthOptions | null,
    client?: OAuth2Client | null,
    token?: OAuth2Token | null,
    options?: Omit<OAuth2AuthOptions, 'clientId' | 'client' | 'token'>,
  ) {
    super()
    const positional = typeof clientIdOrOptions !== 'object' || clientIdOrOptions === null
    if (!positional && (client != null || token != null || options !== undefined)) {
      throw new ConfigurationError('clientId', 'OAuth2Auth takes (clientId, client, token, options) or one options object, not both.')
    }
    const given = positional
      ? { ...options, ...(clientIdOrOptions != null && { clientId: clientIdOrOptions }), ...(client != null && { client }), ...(token != null && { token }) }
      : clientIdOrOptions
    const parsed = parseOptions(optionsSchema(), given, 'OAuth2Auth')
    this.client = parsed.client
    this.clientId = parsed.clientId ?? parsed.client?.clientId
    this.tokenPlacement = parsed.tokenPlacement ?? 'auth_header'
    this.insecureTransport = parsed.insecureTransport ?? false
    this.token = parsed.token
  }

  /** The token sent, `expires_in` turned into `expires_at` when it was given. */
  get token(): OAuth2Token | undefined {
    return this.#token
  }

  /** Replaces the token from the next request on (requests-oauthlib sets it on the client). */
  set token(token: OAuth2Token | undefined) {
    if (token === undefined || token === null) {
      this.#token = undefined
      return
    }
    if (typeof token !== 'object' || Array.isArray(token))
      throw new ConfigurationError('token', 'The OAuth2Auth token must be an object such as { access_token, token_type }.')
    if (token.access_token !== undefined && typeof token.access_token !== 'string') {
      throw new ConfigurationError('token.access_token', 'The OAuth2Auth token has an access_token that is not a string.')
    }
    this.#token = normalizeToken(token)
  }

  /**
   * Adds the token, after the transport, token type, presence and expiry checks of
   * requests-oauthlib's `OAuth2.__call__` and oauthlib's `add_token`, in their order.
   *
   * @throws {@link InsecureTransportError} for plain http to a host other than loopback
   * @throws {@link UnsupportedTokenTypeError} for a `token_type` other than Bearer
   * @throws {@link ConfigurationError} without an access token, or with the body placement and a body that is not a form
   * @throws {@link TokenExpiredError} when `expires_at` has passed
   */
  apply(request: PreparedRequest): void {
    assertSecureTransport(request.url, this.insecureTransport)
    const token = this.#token
    assertBearerTokenType(token?.token_type)
    const accessToken = token?.access_token
    if (accessToken === undefined || accessToken === '') {
      throw new ConfigurationError(
        'token',
        'OAuth2Auth has no access token to send: give it a token with access_token (new OAuth2Auth(clientId, client, token)), or set auth.token.',
      )
    }
    if (isExpired(token)) throw new TokenExpiredError()
    if (this.tokenPlacement === 'auth_header') request.headers.set('Authorization', `Bearer ${accessToken}`)
    else if (this.tokenPlacement === 'query') request.url = withQueryToken(request.url, accessToken)
    else placeInBody(request, accessToken)
  }

  /** A cross-origin redirect that keeps the body (307, 308) may not carry a token placed in it. */
  onRedirect(request: PreparedRequest, context: RedirectContext): void {
    if (this.tokenPlacement !== 'body' || !context.crossOrigin || (context.status !== 307 && context.status !== 308)) return
    if (request.formFields()?.some(([name]) => name === 'access_token')) throw new CredentialRedirectRefusedError(context.status, request.redactedUrl)
  }

  /** The strategy with its token redacted. */
  toJSON(): Record<string, unknown> {
    return {
      type: 'OAuth2Auth',
      clientId: this.clientId,
      tokenPlacement: this.tokenPlacement,
      token: this.#token === undefined ? undefined : '[redacted]',
      ...(this.insecureTransport && { insecureTransport: true }),
    }
  }

  /** @internal */
  override toString(): string {
    return `OAuth2Auth(${this.clientId ?? ''})`
  }

  /** @internal keeps the token out of `console.log` and `util.inspect`. */
  [Symbol.for('nodejs.util.inspect.custom')](): Record<string, unknown> {
    return this.toJSON()
  }
}

/**
 * oauthlib's `add_params_to_qs`: the pairs already there (blank values kept) with `access_token`
 * appended, all encoded again with `quote_plus`, so `a%20b` becomes `a+b` and `/` becomes `%2F`.
 */
function addToken(query: string, accessToken: string): string {
  const pairs: ParamPairs = decodePairs(query)
  pairs.push(['access_token', accessToken])
  return encodePairs(pairs)
}

/** oauthlib's `prepare_bearer_uri`: the token in the query, the fragment kept. */
function withQueryToken(url: string, accessToken: string): string {
  const hashAt = url.indexOf('#')
  const beforeHash = hashAt === -1 ? url : url.slice(0, hashAt)
  const hash = hashAt === -1 ? '' : url.slice(hashAt)
  const queryAt = beforeHash.indexOf('?')
  const query = queryAt === -1 ? '' : beforeHash.slice(queryAt + 1)
  return `${queryAt === -1 ? beforeHash : beforeHash.slice(0, queryAt)}?${addToken(query, accessToken)}${hash}`
}

/**
 * oauthlib's `prepare_bearer_body`: the token as a form field. A body that is not a form (JSON,
 * bytes of another type, a stream) is refused: oauthlib would mangle it into a form.
 */
function placeInBody(request: PreparedRequest, accessToken: string): void {
  const type = request.headers.get('content-type')
  if (request.body === undefined || request.body === '') {
    request.body = addToken('', accessToken)
    // RFC 6750 §2.2 requires the form type; requests-oauthlib leaves a body it adds to a bare request untyped.
    if (type === undefined) request.headers.set('Content-Type', 'application/x-www-form-urlencoded')
    return
  }
  const body = request.body
  if (request.formFields() === undefined || !(typeof body === 'string' || body instanceof Uint8Array)) {
    throw new ConfigurationError(
      'tokenPlacement',
      "OAuth2Auth's tokenPlacement 'body' needs a form body (data: { ... }) or none; this request's body is not a form. Use 'auth_header' or 'query'.",
    )
  }
  request.body = addToken(typeof body === 'string' ? body : Buffer.from(body).toString('utf8'), accessToken)
}
