import type { JSONWebKeySet, JWTVerifyGetKey } from 'jose'
import type { Session } from '../http/session.js'
import { underTokenCap } from '../http/token-response-cap.js'
import { redactUrl } from '../security/redact-url.js'
import { IdTokenValidationError } from './id-token-errors.js'
import { jsonObjectBody } from './json-object-body.js'
import { assertSecureTransport } from './transport-security.js'

/** The jose key resolver over one issuer key set, as fetched (made once: it caches imported keys). */
export interface CachedKeySet {
  readonly keys: JWTVerifyGetKey
  readonly fetchedAt: number
}

/** Key sets by `jwks_uri`, for the whole process; the oldest goes first past {@link MAX_CACHED}. */
const cache = new Map<string, CachedKeySet>()
/** Fetches under way by `jwks_uri`: concurrent validations share one request. */
const inFlight = new Map<string, Promise<CachedKeySet>>()
const MAX_CACHED = 64
/** How long a key set is used without asking again (an unknown `kid` asks sooner, see {@link REFETCH_COOLDOWN_MS}). */
export const JWKS_FRESH_MS = 10 * 60_000
/** An unknown `kid` refetches the key set only when the held one is at least this old: a flood of forged kids costs one request per 30 s. */
export const REFETCH_COOLDOWN_MS = 30_000
const MAX_KEYS = 100

/**
 * Empties the per-process JWKS cache.
 *
 * @internal
 */
export function clearJwksCache(): void {
  cache.clear()
  inFlight.clear()
}

/**
 * The key set at `uri`: the cached one while fresh (or, with `refetch`, while younger than
 * {@link REFETCH_COOLDOWN_MS}), else fetched through `session`. `fetched` says whether this call
 * fetched it (a set just fetched is never fetched again for the same token).
 *
 * @internal
 */
export async function keySetAt(session: Session, uri: string, insecure: boolean, refetch: boolean): Promise<{ set: CachedKeySet; fetched: boolean }> {
  const held = cache.get(uri)
  const age = held === undefined ? Number.POSITIVE_INFINITY : Date.now() - held.fetchedAt
  if (held !== undefined && age < (refetch ? REFETCH_COOLDOWN_MS : JWKS_FRESH_MS)) return { set: held, fetched: false }
  let running = inFlight.get(uri)
  if (running === undefined) {
    const started = fetchKeySet(session, uri, insecure).finally(() => {
      if (inFlight.get(uri) === started) inFlight.delete(uri)
    })
    inFlight.set(uri, started)
    running = started
  }
  const set = await running
  cache.delete(uri)
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string)
  cache.set(uri, set)
  return { set, fetched: true }
}

/**
 * GETs a JWKS through the session (its proxies, timeouts, deadline; under `maxTokenResponseSize`;
 * no token sent, no redirect followed) and checks it is a JSON key set.
 */
async function fetchKeySet(session: Session, uri: string, insecure: boolean): Promise<CachedKeySet> {
  assertSecureTransport(uri, insecure)
  const shown = redactUrl(uri)
  const response = await underTokenCap(session, (cap) =>
    session.request('GET', uri, { ...cap, auth: null, allowRedirects: false, headers: { Accept: 'application/jwk-set+json, application/json' } }),
  )
  if (response.status !== 200) throw new IdTokenValidationError('jwks', `could not be read: the issuer's JWKS at ${shown} answered HTTP ${response.status}`)
  const notKeySet = `could not be read: the issuer's JWKS at ${shown} is not a key set (an object with a 'keys' list of at most ${MAX_KEYS} keys)`
  const raw = jsonObjectBody(response, (problem, type): never => {
    throw new IdTokenValidationError(
      'jwks',
      problem === 'not-json'
        ? `could not be read: the issuer's JWKS at ${shown} is not JSON (${type})`
        : problem === 'unparsable'
          ? `could not be read: the issuer's JWKS at ${shown} does not parse as JSON`
          : notKeySet,
    )
  })
  const keys = raw.keys
  const wellFormed = Array.isArray(keys) && keys.length <= MAX_KEYS && keys.every((key) => typeof key === 'object' && key !== null && !Array.isArray(key))
  if (!wellFormed) throw new IdTokenValidationError('jwks', notKeySet)
  const { createLocalJWKSet } = await import('jose')
  let resolver: JWTVerifyGetKey
  try {
    resolver = createLocalJWKSet({ keys } as JSONWebKeySet)
  } catch {
    throw new IdTokenValidationError('jwks', `could not be read: the issuer's JWKS at ${shown} is malformed`)
  }
  return Object.freeze({ keys: resolver, fetchedAt: Date.now() })
}
