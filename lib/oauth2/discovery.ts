import { ConfigurationError } from '../errors.js'
import { AbortError, TimeoutError } from '../http/http-errors.js'
import { MAX_ANSWER_DEPTH, nestedDeeperThan } from '../http/nesting.js'
import { redirectTarget } from '../http/redirects.js'
import type { Response } from '../http/response.js'
import type { Session } from '../http/session.js'
import { underTokenCap } from '../http/token-response-cap.js'
import { redactUrl } from '../security/redact-url.js'
import { DiscoveryError, InvalidMetadataError } from './discovery-errors.js'
import { jsonObjectBody } from './json-object-body.js'
import { isSecureEnough } from './transport-security.js'

/**
 * An authorization server's metadata (RFC 8414 §2, OpenID Connect Discovery 1.0 §3), as
 * {@link OAuth2Session.discover} validated it: `issuer` equals the issuer asked for, every
 * `*_endpoint` and `jwks_uri` is an absolute https URL (http on loopback or with
 * `insecureTransport`), every `*_supported` list is a list of strings. Other fields are kept as
 * the provider sent them, unchecked (`unknown`). Frozen.
 *
 * @example
 * ```ts
 * import { OAuth2Session, type AuthorizationServerMetadata } from 'oauth-sessions'
 * const session = await OAuth2Session.discover('https://accounts.google.com', 'client-id')
 * const metadata: AuthorizationServerMetadata | undefined = session.metadata
 * console.log(metadata?.token_endpoint, metadata?.scopes_supported)
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-2
 * @group OAuth 2
 */
export interface AuthorizationServerMetadata {
  /** The issuer identifier: equal to the one asked for. */
  readonly issuer: string
  /** Where the user is sent to authorize (RFC 6749 §3.1). */
  readonly authorization_endpoint?: string
  /** Where tokens are fetched and refreshed (RFC 6749 §3.2). */
  readonly token_endpoint?: string
  /** The JSON Web Key Set of the issuer. */
  readonly jwks_uri?: string
  /** Dynamic client registration (RFC 7591). */
  readonly registration_endpoint?: string
  /** OpenID Connect UserInfo. */
  readonly userinfo_endpoint?: string
  /** Token revocation (RFC 7009). */
  readonly revocation_endpoint?: string
  /** Token introspection (RFC 7662). */
  readonly introspection_endpoint?: string
  /** Device authorization (RFC 8628). */
  readonly device_authorization_endpoint?: string
  /** Pushed authorization requests (RFC 9126). */
  readonly pushed_authorization_request_endpoint?: string
  /** OpenID Connect RP-initiated logout. */
  readonly end_session_endpoint?: string
  /** The scopes the server supports. */
  readonly scopes_supported?: readonly string[]
  /** The `response_type` values the server supports. */
  readonly response_types_supported?: readonly string[]
  /** The `response_mode` values the server supports. */
  readonly response_modes_supported?: readonly string[]
  /** The grant types the server supports. */
  readonly grant_types_supported?: readonly string[]
  /** The client authentication methods of the token endpoint. */
  readonly token_endpoint_auth_methods_supported?: readonly string[]
  /** The PKCE methods the server supports (RFC 7636). */
  readonly code_challenge_methods_supported?: readonly string[]
  /** RFC 9207: the server sends `iss` in every authorization response. */
  readonly authorization_response_iss_parameter_supported?: boolean
  /** RFC 9126: authorization requests must be pushed. */
  readonly require_pushed_authorization_requests?: boolean
  readonly [field: string]: unknown
}

/** The fields that name where a request goes: absolute https URLs. */
const ENDPOINT = /_endpoint$|^jwks_uri$/
/** The RFC 8414 / OIDC fields that are booleans, though some end in `_supported`. */
const BOOLEAN_FIELDS = new Set([
  'authorization_response_iss_parameter_supported',
  'require_pushed_authorization_requests',
  'claims_parameter_supported',
  'request_parameter_supported',
  'request_uri_parameter_supported',
  'require_request_uri_registration',
  'frontchannel_logout_supported',
  'frontchannel_logout_session_supported',
  'backchannel_logout_supported',
  'backchannel_logout_session_supported',
  'tls_client_certificate_bound_access_tokens',
  'require_signed_request_object',
])
/** The longest URL or list entry accepted, and the longest list. */
const MAX_TEXT = 2048
const MAX_LIST = 1000

/**
 * The well-known URLs of an issuer, in the order they are tried:
 * 1. RFC 8414 §3.1: `/.well-known/oauth-authorization-server` inserted between the host and the
 *    issuer's path (`https://as.example/tenant` → `https://as.example/.well-known/oauth-authorization-server/tenant`);
 * 2. OpenID Connect Discovery 1.0 §4.1: `/.well-known/openid-configuration` appended to the issuer
 *    (`https://as.example/tenant/.well-known/openid-configuration`).
 *
 * RFC 8414 comes first because it is the OAuth 2 document (it carries OAuth-only fields an OIDC
 * document may leave out), and the issuer names an OAuth authorization server first; most OIDC
 * providers serve only the second, so a 404 there costs one round trip, once per cache lifetime.
 *
 * @internal
 */
export function discoveryUrls(issuer: string): [string, string] {
  const url = new URL(issuer)
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '')
  const origin = url.origin
  return [`${origin}/.well-known/oauth-authorization-server${path}`, `${origin}${path}/.well-known/openid-configuration`]
}

/** One document kept by the per-process cache: the raw object (validated again per session) and until when it is fresh. */
interface CachedDocument {
  readonly url: string
  readonly raw: Readonly<Record<string, unknown>>
  readonly freshUntil: number
}

/** Metadata documents by issuer, for the whole process; the oldest entry goes first past {@link MAX_CACHED}. */
const cache = new Map<string, CachedDocument>()
const MAX_CACHED = 64
/** How long a document without Cache-Control max-age or Expires is kept, and the longest any is kept. */
const DEFAULT_FRESH_MS = 10 * 60_000
const MAX_FRESH_MS = 24 * 60 * 60_000
/** Same-origin redirects followed per well-known URL. */
const MAX_HOPS = 5
/** The budget of a whole discovery when the session has neither a deadline nor a timeout in milliseconds. */
const DEFAULT_BUDGET_MS = 30_000

/** A document one well-known URL served. */
interface FoundDocument {
  readonly url: string
  readonly raw: Record<string, unknown>
  readonly response: Response
}

/**
 * The discoveries under way, by issuer: a caller that asks while one runs waits for it instead of
 * fetching again. An entry leaves when its discovery ends, failed or not, so that a failure is
 * never kept and the map holds no more than the discoveries running at that moment.
 */
const inFlight = new Map<string, Promise<FoundDocument>>()

/**
 * How many discoveries are under way (one per issuer).
 *
 * @internal
 */
export function discoveriesInFlight(): number {
  return inFlight.size
}

/**
 * Empties the per-process metadata cache (all issuers, or one).
 *
 * @internal
 */
export function clearDiscoveryCache(issuer?: string): void {
  if (issuer === undefined) cache.clear()
  else cache.delete(issuer)
}

/**
 * The metadata of `issuer`: from the per-process cache while fresh, else fetched through
 * `session` (its transport, proxies, timeouts; under `maxTokenResponseSize`), trying the
 * {@link discoveryUrls} in order, all within one budget (see {@link discoveryBudget}). An HTTP
 * error, a body that is not a JSON object, or a redirect to another origin moves on to the next
 * URL; a document that is found but wrong (issuer mismatch, hostile fields) is raised at once.
 * Callers that ask for the same issuer while a discovery runs share its fetches; each checks the
 * document itself (with its own `insecure`).
 *
 * @internal
 */
export async function discoverMetadata(session: Session, issuer: string, insecure: boolean): Promise<AuthorizationServerMetadata> {
  checkIssuer(issuer, insecure)
  const cached = cache.get(issuer)
  if (cached !== undefined && cached.freshUntil > Date.now()) return validateMetadata(cached.raw, issuer, cached.url, insecure)
  if (cached !== undefined) cache.delete(issuer)
  let running = inFlight.get(issuer)
  if (running === undefined) {
    const started = findDocument(session, issuer).finally(() => {
      if (inFlight.get(issuer) === started) inFlight.delete(issuer)
    })
    inFlight.set(issuer, started)
    running = started
  }
  const found = await running
  const metadata = validateMetadata(found.raw, issuer, found.url, insecure)
  remember(issuer, found.url, found.raw, found.response)
  return metadata
}

/**
 * How long a whole discovery may take, both well-known URLs and their redirects together: the
 * session's `deadline`, else its `timeout` when that is a number of milliseconds, else 30 s; none
 * when both are `null` (the session waits forever by choice).
 *
 * @internal
 */
export function discoveryBudget(session: Session): number | undefined {
  if (session.deadline !== null) return session.deadline
  if (typeof session.timeout === 'number') return session.timeout
  return session.timeout === null ? undefined : DEFAULT_BUDGET_MS
}

/** The first document the well-known URLs serve, in order, within the discovery's budget; none is a DiscoveryError. */
async function findDocument(session: Session, issuer: string): Promise<FoundDocument> {
  const budget = discoveryBudget(session)
  const controller = new AbortController()
  // A timer of its own (not AbortSignal.timeout): one budget for every request, on the clock tests fake.
  const timer = budget === undefined ? undefined : setTimeout(() => controller.abort(), budget)
  const attempts: Array<{ url: string; problem: string }> = []
  try {
    for (const url of discoveryUrls(issuer)) {
      let found: FoundDocument | string
      try {
        found = await fetchDocument(session, url, controller.signal)
      } catch (error) {
        if (controller.signal.aborted && (error instanceof AbortError || error instanceof TimeoutError)) {
          throw new TimeoutError('GET', redactUrl(url), 'deadline', budget, error)
        }
        throw error
      }
      if (typeof found !== 'string') return found
      attempts.push({ url, problem: found })
    }
  } finally {
    clearTimeout(timer)
  }
  throw new DiscoveryError(issuer, attempts)
}

/** RFC 8414 §2: the issuer is an https URL with no query or fragment (http on loopback, or with insecureTransport). */
function checkIssuer(issuer: string, insecure: boolean): void {
  if (typeof issuer !== 'string' || !URL.canParse(issuer)) {
    throw new ConfigurationError('issuer', 'The issuer must be an absolute https URL, exactly as the provider spells it (such as https://idp.example.com).')
  }
  const url = new URL(issuer)
  if (url.search !== '' || url.hash !== '' || issuer.includes('?') || issuer.includes('#') || url.username !== '' || url.password !== '') {
    throw new ConfigurationError('issuer', 'The issuer must have no query, fragment or user info (RFC 8414 §2).')
  }
  if (!isSecureEnough(url, insecure)) {
    throw new ConfigurationError('issuer', 'The issuer must use https (plain http only on loopback, or with insecureTransport).')
  }
}

/** GETs one well-known URL: the JSON object it serves, or why it serves none. */
async function fetchDocument(session: Session, url: string, signal: AbortSignal): Promise<FoundDocument | string> {
  let target = url
  for (let hop = 0; ; hop += 1) {
    const response = await underTokenCap(session, (cap) =>
      session.request('GET', target, { ...cap, auth: null, allowRedirects: false, signal, headers: { Accept: 'application/json' } }),
    )
    const location = response.headers.get('location')
    if (response.isRedirect && location !== undefined) {
      const from = new URL(target)
      const next = redirectTarget(from, response.status, location, response.request)
      if (next.origin !== from.origin) return `HTTP ${response.status} to another origin (${redactUrl(next.origin)}), not followed`
      if (hop >= MAX_HOPS) return `more than ${MAX_HOPS} redirects`
      target = next.href
      continue
    }
    if (!response.ok) return `HTTP ${response.status}`
    const raw = jsonObjectBody(response, (problem, shown) =>
      problem === 'not-json' ? `not JSON (${shown})` : problem === 'unparsable' ? 'a body that does not parse as JSON' : 'JSON that is not an object',
    )
    if (typeof raw === 'string') return raw
    return { url, raw, response }
  }
}

/**
 * Checks a metadata document field by field and returns a frozen copy: the issuer exactly (a
 * string compare, RFC 8414 §3.3), the endpoints as absolute https URLs without fragment or user
 * info, the `*_supported` lists as lists of strings, the known flags as booleans.
 *
 * @internal
 */
export function validateMetadata(raw: Readonly<Record<string, unknown>>, issuer: string, url: string, insecure: boolean): AuthorizationServerMetadata {
  const fail = (field: string, problem: string): never => {
    throw new InvalidMetadataError(url, field, problem)
  }
  const found = Object.hasOwn(raw, 'issuer') ? raw.issuer : undefined
  if (typeof found !== 'string') fail('issuer', found === undefined ? 'is missing' : 'is not text')
  if (found !== issuer) {
    const shown = JSON.stringify(redactUrl(String(found)).slice(0, 200))
    fail('issuer', `is ${shown}, not the issuer asked for, ${JSON.stringify(issuer)} (they must be equal exactly); it may be a mix-up or impersonation attempt`)
  }
  const copy: Record<string, unknown> = {}
  for (const [field, value] of Object.entries(raw)) {
    if (ENDPOINT.test(field)) checkEndpoint(field, value, insecure, fail)
    else if (BOOLEAN_FIELDS.has(field)) {
      if (typeof value !== 'boolean') fail(field, 'is not true or false')
    } else if (field.endsWith('_supported')) checkList(field, value, fail)
    if (nestedDeeperThan(value, MAX_ANSWER_DEPTH)) fail(field, `is nested more than ${MAX_ANSWER_DEPTH} levels deep`)
    // A copy of its own per session, frozen to the bottom: no caller can change what another session (or the cache) holds.
    Object.defineProperty(copy, field, { value: deepFreeze(structuredClone(value)), enumerable: true })
  }
  return Object.freeze(copy) as AuthorizationServerMetadata
}

/**
 * The metadata of a serialized session ({@link OAuth2Session.fromJSON}), checked again field by
 * field as a fetched document is, since the JSON may have been tampered with: a JSON object whose
 * `issuer` is an https URL (http on loopback, or with insecureTransport). Its own issuer is the one
 * compared: the session's `issuer` option may differ by design. `undefined` when there is none.
 *
 * @internal
 */
export function readSerializedMetadata(
  value: unknown,
  insecure: boolean,
  where = 'the serialized session (OAuth2Session.fromJSON)',
): AuthorizationServerMetadata | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'object' || Array.isArray(value)) throw new InvalidMetadataError(where, 'metadata', 'is not a JSON object')
  const raw = value as Readonly<Record<string, unknown>>
  const issuer = Object.hasOwn(raw, 'issuer') ? raw.issuer : undefined
  if (typeof issuer === 'string' && !(URL.canParse(issuer) && isSecureEnough(new URL(issuer), insecure))) {
    throw new InvalidMetadataError(where, 'issuer', 'is not an https URL')
  }
  return validateMetadata(raw, typeof issuer === 'string' ? issuer : '', where, insecure)
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) for (const inner of Object.values(value)) deepFreeze(inner)
  return Object.freeze(value)
}

function checkEndpoint(field: string, value: unknown, insecure: boolean, fail: (field: string, problem: string) => never): void {
  if (typeof value !== 'string') return fail(field, 'is not text')
  if (value.length > MAX_TEXT) return fail(field, `is longer than ${MAX_TEXT} characters`)
  if (!URL.canParse(value)) return fail(field, 'is not an absolute URL')
  const url = new URL(value)
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return fail(field, `uses ${url.protocol.slice(0, 20)}, not https`)
  if (!isSecureEnough(url, insecure)) return fail(field, 'uses plain http outside loopback (pass insecureTransport only for a test server)')
  if (value.includes('#') || url.username !== '' || url.password !== '') return fail(field, 'has a fragment or user info (RFC 8414 §2 forbids them)')
}

function checkList(field: string, value: unknown, fail: (field: string, problem: string) => never): void {
  if (!Array.isArray(value)) return fail(field, 'is not a list of strings')
  if (value.length > MAX_LIST) return fail(field, `has more than ${MAX_LIST} entries`)
  for (const entry of value) {
    if (typeof entry !== 'string') return fail(field, 'is not a list of strings')
    if (entry.length > MAX_TEXT) return fail(field, `has an entry longer than ${MAX_TEXT} characters`)
  }
}

/** Keeps a document for as long as its Cache-Control (max-age, less Age) or Expires allow; no-store and no-cache keep nothing. */
function remember(issuer: string, url: string, raw: Record<string, unknown>, response: Response): void {
  const fresh = freshnessMs(response)
  if (fresh <= 0) return
  cache.delete(issuer)
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string)
  cache.set(issuer, { url, raw: Object.freeze({ ...raw }), freshUntil: Date.now() + Math.min(fresh, MAX_FRESH_MS) })
}

/** How long a response is fresh, in ms (RFC 9111 §4.2.1): 0 for no-store / no-cache / an Expires in the past or unreadable. */
function freshnessMs(response: Response): number {
  const control = (response.headers.get('cache-control') ?? '').toLowerCase()
  const directives = new Map<string, string | undefined>()
  for (const part of control.split(',')) {
    const [name, value] = part.trim().split('=', 2) as [string, string | undefined]
    if (name !== '') directives.set(name, value?.replace(/^"|"$/g, ''))
  }
  if (directives.has('no-store') || directives.has('no-cache')) return 0
  const age = Number(response.headers.get('age') ?? 0)
  const ageMs = Number.isFinite(age) && age > 0 ? age * 1000 : 0
  // A max-age that is not a number of seconds (negative, a fraction, empty) keeps nothing: RFC 9111 §4.2.1 lets an invalid directive make the response stale.
  const maxAge = directives.get('max-age')
  if (directives.has('max-age')) return maxAge !== undefined && /^\d+$/.test(maxAge) ? Number(maxAge) * 1000 - ageMs : 0
  const expires = response.headers.get('expires')
  if (expires !== undefined) {
    const at = Date.parse(expires)
    const date = Date.parse(response.headers.get('date') ?? '')
    // Expires counts from the server's Date when it sent one (its clock may differ from ours).
    return Number.isNaN(at) ? 0 : at - (Number.isNaN(date) ? Date.now() : date)
  }
  return DEFAULT_FRESH_MS
}
