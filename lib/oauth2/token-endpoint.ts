import type { AuthStrategy } from '../auth/auth-strategy.js'
import { ConfigurationError, InvalidTokenResponseError, TokenMissingError } from '../errors.js'
import { TimeoutError } from '../http/http-errors.js'
import { appendQuery } from '../http/append-query.js'
import { decodePairs, encodePairs, type ParamPairs } from '../http/form-encoding.js'
import { HeaderMap, type HeadersInit } from '../http/header-map.js'
import { MAX_ANSWER_DEPTH, nestedDeeperThan } from '../http/nesting.js'
import { redirectTarget, refusesCredentialBody } from '../http/redirects.js'
import { shownUrl } from '../http/request-secrets.js'
import type { Response } from '../http/response.js'
import type { Session } from '../http/session.js'
import type { RequestOptions, TimeoutOption } from '../http/session-options.js'
import { underTokenCap } from '../http/token-response-cap.js'
import { scrubSecrets } from '../security/scrub-secrets.js'
import type { ComplianceHookRegistry, TokenRequestKind } from './compliance-hooks.js'
import type { DPoPTokenRequest } from './dpop-prover.js'
import { oauth2Error, TokenRedirectRefusedError, type TokenRequestError } from './oauth2-errors.js'
import { normalizeToken, type OAuth2Token } from './oauth2-token.js'
import { assertSecureTransport } from './transport-security.js'

/**
 * One request to a token-endpoint-like URL (token, refresh, and later device, revocation,
 * introspection, PAR): a form body, client authentication as a strategy, and the compliance hooks
 * of the session that sends it.
 *
 * @internal
 */
export interface TokenRequest {
  /** The endpoint. */
  url: string
  /** The form parameters, in wire order. */
  body: ParamPairs
  /** Client authentication: a strategy (Basic, …), or `null` for none (credentials in the body). */
  clientAuth: AuthStrategy | null
  /** `POST` (default) or `GET`; with GET, or `forceQuerystring`, the parameters go in the query. */
  method?: string | undefined
  /** Sends the parameters in the query of a POST, as requests-oauthlib's `force_querystring`. */
  forceQuerystring?: boolean | undefined
  /** Headers instead of the default `Accept: application/json` and form Content-Type. */
  headers?: HeadersInit | undefined
  /** A raw form body sent ahead of `body` (requests-oauthlib's `body`). */
  rawBody?: string | undefined
  /** The timeout of this request. */
  timeout?: TimeoutOption | undefined
  /** Ends the request at once when aborted. */
  signal?: AbortSignal | undefined
  /** Bounds the whole request, redirects included, milliseconds; the Session's `deadline` when left out. */
  deadline?: number | undefined
  /** The hooks to run around the request and its answer. */
  hooks?: { registry: ComplianceHookRegistry; kind: TokenRequestKind } | undefined
  /** Allows plain http outside loopback (`insecureTransport`). */
  insecureTransport?: boolean | undefined
  /** The DPoP proof of this request (RFC 9449), when the session uses DPoP. */
  dpop?: DPoPTokenRequest | undefined
}

/**
 * The headers of an OAuth 2 form request that asks for JSON: providers such as GitHub answer
 * form-encoded without the `Accept`.
 *
 * @internal
 */
export const JSON_FORM_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  Accept: 'application/json',
  'Content-Type': 'application/x-www-form-urlencoded;charset=UTF-8',
})

/**
 * The headers Python requests sends with a form body, and nothing more: the requests-auth and
 * requests-oauth2 originals add no `Accept`.
 *
 * @internal
 */
export const REQUESTS_FORM_HEADERS: Readonly<Record<string, string>> = Object.freeze({ 'Content-Type': 'application/x-www-form-urlencoded' })

/**
 * How strict the reading of an answer is. The Python libraries differ, and each flavour keeps its
 * original's rule:
 * - `'error-key'` (oauthlib): an `error` key at any status is a provider error;
 * - `'status'` (requests-auth): only a non-2xx answer is an error, an `error` key or not;
 * - `'missing-token'` (rauth): an `error` key counts only when the token is missing.
 *
 * @internal
 */
export interface TokenPolicy {
  /** When the answer is a provider error. */
  errors: 'error-key' | 'status' | 'missing-token'
  /** The field that must hold the token. Default `access_token`. */
  tokenField?: string | undefined
  /** Takes the expiry from a JWT's `exp` claim when the answer has no `expires_in` (requests-auth). */
  jwtExpiry?: boolean | undefined
  /** Decodes the body instead of the Content-Type rule (rauth's `decoder`). */
  decoder?: ((text: string) => Record<string, unknown>) | undefined
}

/**
 * Sends a token request: the transport check, the request hooks, one form POST (or GET) with the
 * client authentication, then the response hooks.
 *
 * @internal
 */
export async function sendTokenRequest(session: Session, request: TokenRequest): Promise<Response> {
  assertSecureTransport(request.url, request.insecureTransport ?? false)
  const method = (request.method ?? 'POST').toUpperCase()
  if (method !== 'POST' && method !== 'GET') throw new ConfigurationError('method', 'The token request method must be POST or GET.')
  const pairs = request.rawBody ? [...decodePairs(request.rawBody), ...request.body] : request.body
  let headers = new HeaderMap(request.headers ?? JSON_FORM_HEADERS)
  let url = request.url
  let payload: string | undefined = encodePairs(pairs)
  if (method === 'GET' || request.forceQuerystring) {
    url = appendQuery(request.url, pairs)
    payload = undefined
  }
  const hooks = request.hooks
  if (hooks?.registry.has(`${hooks.kind}_request`)) {
    const [hookedUrl, hookedHeaders, hookedBody] = await hooks.registry.runRequest(`${hooks.kind}_request`, [url, headers, payload])
    url = hookedUrl
    headers = hookedHeaders
    payload = hookedBody === undefined ? undefined : typeof hookedBody === 'string' ? hookedBody : String(hookedBody)
    if (url !== request.url) assertSecureTransport(url, request.insecureTransport ?? false)
  }
  const send = (sent: HeaderMap, forHop?: (target: string) => Promise<HeaderMap>) =>
    sendWithoutCredentialRedirects(session, method, url, forHop, {
      headers: sent,
      auth: request.clientAuth,
      ...(payload === undefined ? {} : { data: payload }),
      ...(request.timeout === undefined ? {} : { timeout: request.timeout }),
      ...(request.signal === undefined ? {} : { signal: request.signal }),
      ...(request.deadline === undefined ? {} : { deadline: request.deadline }),
    })
  // DPoP: a proof on the hooked request, and one more send with the server's nonce on use_dpop_nonce.
  const response = request.dpop === undefined ? await send(headers) : await request.dpop.send(method, url, headers, send)
  return hooks ? hooks.registry.runResponse(`${hooks.kind}_response`, response) : response
}

/** How many same-origin 307/308 hops a token request follows. */
const MAX_TOKEN_REDIRECTS = 5

/**
 * Sends a token request without letting a redirect carry its credentials anywhere: a 307 or 308
 * to the same origin (never https → http) is sent again with the same body, at most
 * {@link MAX_TOKEN_REDIRECTS} times; anything else that redirects is a
 * {@link TokenRedirectRefusedError}; a Location that is no http(s) URL is an
 * {@link InvalidRedirectError}. The `deadline` (the request's, or the Session's) bounds the whole
 * chain, as it bounds the redirects a Session follows: each hop gets what is left of it.
 */
async function sendWithoutCredentialRedirects(
  session: Session,
  method: string,
  url: string,
  forHop: ((target: string) => Promise<HeaderMap>) | undefined,
  options: RequestOptions,
): Promise<Response> {
  const deadline = options.deadline === undefined ? session.deadline : options.deadline
  const endsAt = deadline === null ? undefined : Date.now() + deadline
  let target = url
  for (let hop = 0; ; hop += 1) {
    const left = endsAt === undefined ? undefined : endsAt - Date.now()
    if (left !== undefined && left <= 0) throw new TimeoutError(method, shownUrl(target, undefined), 'deadline', deadline ?? undefined, undefined)
    let hopOptions = left === undefined ? options : { ...options, deadline: left }
    // A hop's DPoP proof is its own (RFC 9449 §4.3: its htu, a fresh jti).
    if (hop > 0 && forHop !== undefined) hopOptions = { ...hopOptions, headers: await forHop(target) }
    let response: Response
    try {
      response = await underTokenCap(session, (cap) => session.request(method, target, { ...hopOptions, ...cap, allowRedirects: false }))
    } catch (error) {
      // A hop's own deadline is what was left of the chain's: the error names the whole deadline.
      if (error instanceof TimeoutError && error.phase === 'deadline') {
        throw new TimeoutError(error.method, error.url, 'deadline', deadline ?? undefined, error.cause)
      }
      throw error
    }
    const location = response.headers.get('location')
    if (!response.isRedirect || location === undefined) return response
    const from = new URL(target)
    const next = redirectTarget(from, response.status, location, response.request)
    // Only a hop that keeps method and body is followed, and only where the Session's one
    // credential-body rule lets a body go.
    const keepsBody = response.status === 307 || response.status === 308
    if (!keepsBody || refusesCredentialBody(response.status, from, next)) {
      throw new TokenRedirectRefusedError(response.status, shownUrl(next.href, response.request))
    }
    if (hop >= MAX_TOKEN_REDIRECTS) throw new TokenRedirectRefusedError(response.status, shownUrl(next.href, response.request), MAX_TOKEN_REDIRECTS)
    target = next.href
  }
}

/**
 * Reads a token answer: decodes it (JSON or form, {@link decodeTokenBody}), turns a provider error
 * into the typed RFC 6749 error by the policy's rule, checks the token field and normalises the
 * token (`expires_in` → `expires_at`, `scope` as a list).
 *
 * @internal
 */
export function readTokenResponse(response: Response, policy: TokenPolicy): OAuth2Token {
  const raw = policy.decoder ? policy.decoder(response.text) : decodeTokenBody(response)
  const field = policy.tokenField ?? 'access_token'
  const token = Object.hasOwn(raw, field) ? raw[field] : undefined
  const hasToken = typeof token === 'string' && token !== ''
  const errorCode = stringField(raw, 'error')
  if (policy.errors === 'status' ? !response.ok : errorCode !== undefined && (policy.errors === 'error-key' || !hasToken)) {
    throw providerRefusal(response, raw)
  }
  if (!hasToken) {
    const odd = token !== undefined && token !== null ? `; its '${field}' is not text` : ''
    // A key whose value is empty may be a bare word of a body that is not a form: a value, not a name.
    const keys = Object.keys(raw).filter((key) => key !== field && raw[key] !== '')
    throw new TokenMissingError(field, keys, `The token response (HTTP ${response.status}, ${response.headers.get('content-type') ?? 'no content-type'}${odd})`)
  }
  // A field nested without end would overflow the stack wherever the token is copied or stored.
  const deep = Object.keys(raw).find((name) => nestedDeeperThan(raw[name], MAX_ANSWER_DEPTH))
  if (deep !== undefined) throw new InvalidTokenResponseError(deep, `is nested more than ${MAX_ANSWER_DEPTH} levels deep`)
  return normalizeToken(raw, { jwtExpiry: policy.jwtExpiry === true ? field : undefined, fromProvider: true, tokenField: field })
}

/**
 * The typed error of a provider's refusal (RFC 6749 §5.2 body, or a bare non-2xx answer), with
 * the request's credentials scrubbed out of what the provider sent.
 *
 * @internal
 */
export function providerRefusal(response: Response, raw: Record<string, unknown>): TokenRequestError {
  const errorCode = stringField(raw, 'error')
  const description = stringField(raw, 'error_description') ?? (errorCode === undefined ? statusDescription(response) : undefined)
  // A provider (or whatever answers in its place) may quote the request back: its credentials are scrubbed out.
  const sent = response.request.secretValues()
  const scrub = (text: string | undefined): string | undefined => (text === undefined ? undefined : scrubSecrets(text, sent))
  return oauth2Error(
    { error: scrub(errorCode) ?? 'invalid_request', error_description: scrub(description), error_uri: scrub(stringField(raw, 'error_uri')) },
    response,
  )
}

/**
 * Sends a token request and reads its answer: the one path every OAuth 2 token request takes.
 *
 * @internal
 */
export async function requestToken(session: Session, request: TokenRequest, policy: TokenPolicy): Promise<{ token: OAuth2Token; response: Response }> {
  const response = await sendTokenRequest(session, request)
  const token = readTokenResponse(response, policy)
  return { token: request.dpop === undefined ? token : request.dpop.bind(token), response }
}

/**
 * A token answer as key/value pairs, tolerant of the usual provider lies: a form body (GitHub,
 * Facebook, WakaTime send `x-www-form-urlencoded` or `text/plain`) is decoded as a form; anything
 * else is tried as a JSON object, then as a form (oauthlib's fallback) when it looks like one. A
 * body that is neither (an HTML error page, a JSON array) decodes to `{}`, so the caller reports
 * the missing token instead of a parse error.
 *
 * @internal
 */
export function decodeTokenBody(response: Response): Record<string, unknown> {
  const text = response.text.trim()
  const type = response.headers.get('content-type') ?? ''
  const looksJson = text.startsWith('{')
  if (!looksJson && /x-www-form-urlencoded|text\/plain/i.test(type)) return formObject(text)
  if (looksJson) {
    try {
      const value: unknown = JSON.parse(text)
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>
    } catch {
      // not JSON after all: a form body or garbage
    }
  }
  return FORM_BODY.test(text) ? formObject(text) : {}
}

/** A whole body of `name=value` pairs joined by `&`, in form encoding. */
const FORM_BODY = /^[\w.~%+*-]+=[^\s<>"]*(?:&[\w.~%+*-]+=[^\s<>"]*)*$/

/**
 * A form body as an object. A bare word (no `=`) is not a parameter, and a parameter sent twice
 * is an {@link InvalidTokenResponseError} (RFC 6749 §3.1: parameters MUST NOT be repeated), as
 * either copy could be the token.
 */
function formObject(text: string): Record<string, unknown> {
  const object: Record<string, unknown> = {}
  for (const [name, value] of decodePairs(
    text
      .split('&')
      .filter((part) => part.includes('='))
      .join('&'),
  )) {
    if (name === '') continue
    if (Object.hasOwn(object, name)) throw new InvalidTokenResponseError(name, 'is sent more than once')
    Object.defineProperty(object, name, { value, enumerable: true, writable: true, configurable: true })
  }
  return object
}

function stringField(raw: Record<string, unknown>, name: string): string | undefined {
  const value = Object.hasOwn(raw, name) ? raw[name] : undefined
  return typeof value === 'string' ? value : undefined
}

/** What a non-2xx answer without an OAuth error body said, for requests-auth's message. */
function statusDescription(response: Response): string {
  return `HTTP ${response.status}${response.reason ? ` ${response.redactedReason}` : ''} without an OAuth 2 error body`
}
