import type { ClientRequestOptions } from './oauth2-session-options.js'
import { lazySchema } from '../http/lazy-schema.js'
import { clientRequestShape } from './client-request-shape.js'
import { ConfigurationError, InvalidTokenResponseError, kindOf } from '../errors.js'
import { appendQuery } from '../http/append-query.js'
import type { ParamPairs } from '../http/form-encoding.js'
import { httpUrlSchema } from '../http/parse-url.js'
import type { Response } from '../http/response.js'
import type { Session } from '../http/session.js'
import type { ComplianceHookRegistry } from './compliance-hooks.js'
import type { AuthorizationServerMetadata } from './discovery.js'
import { clientAuthentication, type ConfiguredClientAuth } from './client-authentication.js'
import { decodeTokenBody, providerRefusal, sendTokenRequest } from './token-endpoint.js'
import { assertSecureTransport, isSecureEnough } from './transport-security.js'

/**
 * Options of {@link OAuth2Session.pushAuthorizationRequest} (its fourth argument) and of
 * {@link OAuth2Service.pushAuthorizationRequest}: where the user goes afterwards, and the client
 * authentication of the push, as for fetchToken.
 *
 * @example
 * ```ts
 * import { OAuth2Session } from 'oauth-sessions'
 * const session = new OAuth2Session('client-id', { clientSecret: 'secret', redirectUri: 'https://app.example/cb' })
 * const [url] = await session.pushAuthorizationRequest('https://idp.example.com/par', undefined, {}, {
 *   authorizationEndpoint: 'https://idp.example.com/authorize',
 *   timeout: 5000,
 * })
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc9126#section-2.1
 * @group OAuth 2
 */
export interface PushAuthorizationRequestOptions extends ClientRequestOptions {
  /**
   * The authorization endpoint the returned URL points at; default the discovered
   * `authorization_endpoint` (the service's `authorizeUrl` for {@link OAuth2Service}).
   */
  authorizationEndpoint?: string
}

/** @internal the options of pushAuthorizationRequest. */
export const pushAuthorizationRequestSchema = lazySchema((z) =>
  z
    .object({
      authorizationEndpoint: httpUrlSchema().optional(),
      ...clientRequestShape(),
    })
    .strict(),
)

/** @internal the url, state and extra arguments of pushAuthorizationRequest. */
export const pushArgumentsSchema = lazySchema((z) =>
  z
    .object({
      url: httpUrlSchema().optional(),
      state: z.string().min(1).max(2048).optional(),
      extra: z.record(z.string(), z.string()),
    })
    .strict(),
)

/** The longest `request_uri` taken (RFC 9101 §5.2 says it SHOULD NOT exceed 512 ASCII characters). */
const MAX_REQUEST_URI = 2048
/** The longest lifetime taken, seconds: a request URI is meant to live seconds or minutes (RFC 9126 §2.2). */
const MAX_EXPIRES_IN = 86_400
const WHERE = 'The pushed authorization response'

/**
 * What a PAR endpoint answered, checked: the request URI that stands for the pushed parameters and
 * its lifetime.
 *
 * @internal
 */
export interface PushedAuthorization {
  requestUri: string
  expiresIn: number
}

/**
 * The PAR endpoint of a push: the call's `url`, else the `pushedAuthorizationRequestUrl` option,
 * else the discovered `pushed_authorization_request_endpoint`.
 *
 * @throws {@link ConfigurationError} naming `pushedAuthorizationRequestUrl` when none is known
 * @internal
 */
export function pushedAuthorizationEndpoint(given: string | undefined, option: string | undefined, metadata: AuthorizationServerMetadata | undefined): string {
  const url = given ?? option ?? metadata?.pushed_authorization_request_endpoint
  if (url !== undefined) return url
  const why = metadata === undefined ? '' : " (the issuer's metadata has no pushed_authorization_request_endpoint)"
  throw new ConfigurationError(
    'pushedAuthorizationRequestUrl',
    `pushAuthorizationRequest needs the pushed authorization request endpoint${why}: pass it as the url argument or set the pushedAuthorizationRequestUrl option.`,
  )
}

/**
 * Whether authorizationUrl() must refuse: the client's `requirePushedAuthorizationRequests`
 * option, or the server's `require_pushed_authorization_requests` (RFC 9126 §5, §6).
 *
 * @throws {@link ConfigurationError} telling to call pushAuthorizationRequest() instead
 * @internal
 */
export function refuseUnpushed(required: boolean, metadata: AuthorizationServerMetadata | undefined, method: string): void {
  const byServer = metadata?.require_pushed_authorization_requests === true
  if (!required && !byServer) return
  const who = byServer ? "the issuer's metadata says require_pushed_authorization_requests" : 'the requirePushedAuthorizationRequests option is on'
  throw new ConfigurationError(
    byServer ? 'metadata.require_pushed_authorization_requests' : 'requirePushedAuthorizationRequests',
    `${method}: ${who} (RFC 9126), so a plain authorization URL would be refused: call await session.pushAuthorizationRequest() instead, which pushes the same parameters and returns the URL to send the user to.`,
  )
}

/**
 * Pushes authorization request parameters to a PAR endpoint (RFC 9126 §2.1), client-authenticated
 * as at the token endpoint, and reads the answer as hostile ({@link readPushedAuthorization}).
 * A public client (no secret, no `auth` of its own and no `clientAuth`) sends no Authorization header: its
 * `client_id` is among the parameters, as in the device flow.
 *
 * @internal
 */
export async function pushAuthorizationParams(
  session: Session,
  push: {
    url: string
    params: ParamPairs
    clientId: string
    clientSecret: string | undefined
    options: PushAuthorizationRequestOptions
    insecureTransport: boolean
    hooks?: ComplianceHookRegistry | undefined
    /** The `clientAuth` option, checked, when there is one. */
    clientAuth?: ConfiguredClientAuth | undefined
  },
): Promise<PushedAuthorization> {
  const { options } = push
  const secret = options.clientSecret ?? push.clientSecret
  const publicClient = secret === undefined && options.auth === undefined && push.clientAuth === undefined
  const client = publicClient ? undefined : clientAuthentication(push.clientId, push.clientSecret, options, push.clientAuth)
  const body: ParamPairs = [...push.params]
  if (client?.includeClientId === true && client.clientSecret !== undefined) body.push(['client_secret', client.clientSecret])
  assertSecureTransport(push.url, push.insecureTransport)
  const response = await sendTokenRequest(session, {
    url: push.url,
    body,
    clientAuth: client?.clientAuth ?? null,
    headers: options.headers,
    timeout: options.timeout,
    signal: options.signal,
    insecureTransport: push.insecureTransport,
    ...(push.hooks === undefined ? {} : { hooks: { registry: push.hooks, kind: 'par' as const } }),
  })
  return readPushedAuthorization(response, push.insecureTransport)
}

/**
 * Reads a PAR answer (RFC 9126 §2.2, §2.3) as hostile: a non-2xx answer, or one with an `error`,
 * is the typed RFC 6749 error of its body (scrubbed of the request's credentials); 201 is the
 * answer the RFC names, 200 is taken too (some servers send it), any other status is refused;
 * `request_uri` must be non-empty text of at most 2048 characters, an absolute `urn:` or
 * `https:` URI (http on loopback or with `insecureTransport` or `OAUTHLIB_INSECURE_TRANSPORT`) without spaces; `expires_in` a
 * positive whole number of seconds, at most a day.
 *
 * @internal
 */
export function readPushedAuthorization(response: Response, insecureTransport: boolean): PushedAuthorization {
  const raw = decodeTokenBody(response)
  if (!response.ok || Object.hasOwn(raw, 'error')) throw providerRefusal(response, raw)
  if (response.status !== 201 && response.status !== 200)
    throw new InvalidTokenResponseError('status', `is HTTP ${response.status}, not 201 (RFC 9126 §2.2)`, WHERE)
  return { requestUri: requestUri(raw, insecureTransport), expiresIn: expiresIn(raw) }
}

/**
 * The URL the user is sent to after a push: the authorization endpoint with `client_id` and
 * `request_uri` only (RFC 9126 §4).
 *
 * @internal
 */
export function pushedAuthorizationUrl(authorizationEndpoint: string, clientId: string, pushed: PushedAuthorization): string {
  return appendQuery(authorizationEndpoint, [
    ['client_id', clientId],
    ['request_uri', pushed.requestUri],
  ])
}

/**
 * The client id a push needs (RFC 9126 §2.1: the pushed request and the authorization URL both carry it).
 *
 * @throws {@link ConfigurationError} naming `clientId` when there is none
 * @internal
 */
export function pushClientId(clientId: string | undefined, owner: string): string {
  if (clientId === undefined || clientId === '') {
    throw new ConfigurationError('clientId', `${owner}: a pushed authorization request needs the client id: pass it as the first argument of the session.`)
  }
  return clientId
}

/**
 * Extra parameters of a push: `request_uri` is the answer of a push, never a parameter of one (RFC 9126 §2.1).
 *
 * @throws {@link ConfigurationError} naming `extra.request_uri`
 * @internal
 */
export function checkPushExtras(extra: Readonly<Record<string, string>>): void {
  if (Object.hasOwn(extra, 'request_uri')) {
    throw new ConfigurationError(
      'extra.request_uri',
      'pushAuthorizationRequest: request_uri is what the push returns; it must not be pushed (RFC 9126 §2.1). Leave it out.',
    )
  }
}

function requestUri(raw: Record<string, unknown>, insecureTransport: boolean): string {
  const value = Object.hasOwn(raw, 'request_uri') ? raw.request_uri : undefined
  if (value === undefined || value === null) throw new InvalidTokenResponseError('request_uri', 'is missing', WHERE)
  if (typeof value !== 'string' || value === '') {
    throw new InvalidTokenResponseError('request_uri', `is ${value === '' ? 'empty' : kindOf(value)}; expected non-empty text`, WHERE)
  }
  if (value.length > MAX_REQUEST_URI) {
    throw new InvalidTokenResponseError('request_uri', `is ${value.length} characters long; at most ${MAX_REQUEST_URI} are taken`, WHERE)
  }
  const scheme = /^([a-z][a-z\d+.-]*):[\x21-\x7e]+$/i.exec(value)?.[1]?.toLowerCase()
  if (scheme === 'urn' || scheme === 'https') return value
  if (scheme === 'http' && URL.canParse(value) && isSecureEnough(new URL(value), insecureTransport)) return value
  throw new InvalidTokenResponseError(
    'request_uri',
    scheme === 'http' ? 'is a plain http URL; expected a urn: or https: URI' : 'is no absolute urn: or https: URI (printable characters, no spaces)',
    WHERE,
  )
}

function expiresIn(raw: Record<string, unknown>): number {
  const value = Object.hasOwn(raw, 'expires_in') ? raw.expires_in : undefined
  if (value === undefined || value === null) throw new InvalidTokenResponseError('expires_in', 'is missing', WHERE)
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_EXPIRES_IN) {
    throw new InvalidTokenResponseError(
      'expires_in',
      `is ${typeof value === 'number' ? 'out of range' : kindOf(value)}; expected a whole number of seconds from 1 to ${MAX_EXPIRES_IN}`,
      WHERE,
    )
  }
  return value
}
