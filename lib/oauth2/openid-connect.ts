import type { z } from 'zod'
import { lazySchema } from '../http/lazy-schema.js'
import { ConfigurationError } from '../errors.js'
import type { HeadersInit } from '../http/header-map.js'
import { parseOptions } from '../http/parse-options.js'
import { httpUrlSchema } from '../http/parse-url.js'
import type { Response } from '../http/response.js'
import type { Session } from '../http/session.js'
import { requestOptionsSchema, type TimeoutOption } from '../http/session-options.js'
import { randomAlphanumeric } from '../security/random-alphanumeric.js'
import type { AuthorizationServerMetadata } from './discovery.js'
import { UserinfoError } from './id-token-errors.js'
import { allowedAlgorithms, type IdTokenClaims, validateIdToken } from './id-token.js'
import { jsonObjectBody } from './json-object-body.js'
import type { OAuth2Token } from './oauth2-token.js'

/** The default tolerance of `exp` and `iat` checks, seconds. */
export const DEFAULT_CLOCK_SKEW = 60

/**
 * The OpenID Connect options of {@link OAuth2Session} (and so of {@link OAuth2SessionOptions}).
 * With scope `openid` and a known issuer (from {@link OAuth2Session.discover} or the `issuer`
 * option) and JWKS (the metadata's `jwks_uri`, or `jwksUri`), every ID token a token response
 * carries is validated before the token is kept.
 *
 * @example
 * ```ts
 * import { OAuth2Session } from 'oauth-sessions'
 * const session = new OAuth2Session('client-id', {
 *   scope: ['openid', 'email'],
 *   issuer: 'https://idp.example.com',
 *   jwksUri: 'https://idp.example.com/jwks',
 *   userinfoUrl: 'https://idp.example.com/userinfo',
 *   clockSkew: 30,
 * })
 * ```
 * @see https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation
 * @group OAuth 2
 */
export interface OpenIdConnectOptions {
  /** The issuer's JSON Web Key Set, when no discovered metadata names its `jwks_uri`: an absolute http(s) URL. */
  jwksUri?: string
  /** The UserInfo endpoint of {@link OAuth2Session.userinfo}, when no discovered metadata names its `userinfo_endpoint`. */
  userinfoUrl?: string
  /** Seconds of clock difference tolerated when checking an ID token's `exp` and `iat` (0 to 600). Default 60. */
  clockSkew?: number
  /**
   * The `alg` values an ID token may be signed with. Default: the metadata's
   * `id_token_signing_alg_values_supported`, else `['RS256']`. `none` and HS* (MACs keyed with the
   * client secret) are refused: they are not supported.
   */
  idTokenSigningAlgs?: readonly string[]
  /**
   * The nonce of an authorization URL another session made (its {@link OAuth2Session.nonce}): a web
   * app's callback handler builds a new session with the saved `state`, `codeVerifier` and this.
   */
  nonce?: string
}

/** @internal the schema entries of {@link OpenIdConnectOptions}, spread into OAuth2Session's. */
export const openIdConnectOptionsShape = lazySchema(
  (z) =>
    ({
      jwksUri: httpUrlSchema().optional(),
      userinfoUrl: httpUrlSchema().optional(),
      clockSkew: z.number().int().min(0).max(600).optional(),
      idTokenSigningAlgs: z
        .array(z.string().regex(/^[A-Za-z0-9+-]{2,16}$/, 'a JWS alg name such as RS256'))
        .min(1)
        .readonly()
        .refine((algs) => algs.every((alg) => alg !== 'none' && !/^HS/i.test(alg)), 'signature algorithms: none and HS* are not supported')
        .optional(),
      nonce: z.string().min(1).max(512).optional(),
    }) satisfies Record<keyof OpenIdConnectOptions, z.ZodType>,
)

/**
 * Options of {@link OAuth2Session.userinfo}.
 *
 * @example
 * ```ts
 * import { OAuth2Session } from 'oauth-sessions'
 * declare const session: OAuth2Session
 * const claims = await session.userinfo({ url: 'https://idp.example.com/userinfo', signal: AbortSignal.timeout(5000) })
 * ```
 * @group OAuth 2
 */
export interface UserinfoOptions {
  /** The UserInfo endpoint of this call; default the `userinfoUrl` option, else the discovered `userinfo_endpoint`. */
  url?: string
  /** Request headers. */
  headers?: HeadersInit
  /** The timeout of this request. */
  timeout?: TimeoutOption
  /** Ends the request at once when aborted. */
  signal?: AbortSignal
}

const userinfoOptionsSchema = lazySchema((z) =>
  z
    .object({
      url: httpUrlSchema().optional(),
      headers: requestOptionsSchema().shape.headers,
      timeout: requestOptionsSchema().shape.timeout,
      signal: requestOptionsSchema().shape.signal,
    })
    .strict(),
)

/** What of its session the OpenID Connect part reads: all of it at the time of the call. @internal */
export interface OpenIdConnectHost {
  readonly scope: string | readonly string[] | undefined
  readonly clientId: string | undefined
  readonly issuer: string | undefined
  readonly metadata: AuthorizationServerMetadata | undefined
  readonly insecureTransport: boolean
}

/**
 * The OpenID Connect side of an {@link OAuth2Session}: the nonce of the authorization URL, the
 * validation of each ID token a token response carries, the claims of the last one, and UserInfo.
 *
 * @internal
 */
export class OpenIdConnect {
  readonly #options: OpenIdConnectOptions
  #nonce: string | undefined
  /** Whether the unchecked-nonce warning was given (once per session). */
  #warnedUnchecked = false
  #claims: IdTokenClaims | undefined

  constructor(options: OpenIdConnectOptions) {
    this.#options = options
    this.#nonce = options.nonce
  }

  /** The nonce of the last authorization URL (or the `nonce` option), until an ID token carrying it is accepted. */
  get nonce(): string | undefined {
    return this.#nonce
  }

  /** The claims of the last ID token validated. */
  get claims(): IdTokenClaims | undefined {
    return this.#claims
  }

  /** What `serialize()` carries: the options and the pending nonce (the claims are not: a restored session validates anew). */
  serialize(): OpenIdConnectOptions {
    const { jwksUri, userinfoUrl, clockSkew, idTokenSigningAlgs } = this.#options
    return { jwksUri, userinfoUrl, clockSkew, idTokenSigningAlgs, nonce: this.#nonce }
  }

  /** Forgets the claims (the token was revoked or replaced by hand). */
  forget(): void {
    this.#claims = undefined
  }

  /**
   * The `nonce` parameter of a new authorization URL: the one in `extra` when given (it is then the
   * one expected), else a fresh one when the scope has `openid`; none otherwise.
   */
  nonceParameter(scope: string | undefined, extra: Readonly<Record<string, string>>): [string, string] | undefined {
    if (typeof extra.nonce === 'string' && extra.nonce !== '') {
      this.#nonce = extra.nonce
      return undefined
    }
    if (!hasOpenid(scope)) return undefined
    this.#nonce = randomAlphanumeric(32)
    return ['nonce', this.#nonce]
  }

  /**
   * Validates the ID token of a token response, when there is one, the scope has `openid`, and the
   * issuer and its keys are known; the claims are kept only when it passes. A token fetched with a
   * nonce pending must carry it; a refreshed one must be about the same sign-in as the held one.
   *
   * @throws {@link IdTokenValidationError} when it fails: the caller must not keep the token
   */
  async check(session: Session, host: OpenIdConnectHost, token: OAuth2Token, kind: 'access_token' | 'refresh_token', held?: OAuth2Token): Promise<void> {
    const idToken = token.id_token
    if (typeof idToken !== 'string' || !hasOpenid(host.scope)) return
    const issuer = host.issuer ?? host.metadata?.issuer
    const jwksUri = host.metadata?.jwks_uri ?? this.#options.jwksUri
    // Without the issuer or its keys nothing can be checked: the ID token stays in the token, unread (as before).
    if (issuer === undefined || jwksUri === undefined || host.clientId === undefined) return
    const claims = await validateIdToken(session, idToken, {
      issuer,
      clientId: host.clientId,
      jwksUri,
      algorithms: allowedAlgorithms(this.#options.idTokenSigningAlgs, host.metadata?.id_token_signing_alg_values_supported),
      clockSkew: this.#options.clockSkew ?? DEFAULT_CLOCK_SKEW,
      nonce: kind === 'access_token' ? this.#nonce : undefined,
      previous: kind === 'refresh_token' ? (this.#claims ?? (await heldClaims(held))) : undefined,
      insecure: host.insecureTransport,
    })
    this.#claims = claims
    if (kind === 'access_token' && this.#nonce === undefined && typeof claims.nonce === 'string' && !this.#warnedUnchecked) {
      // The authorization URL sent a nonce this session does not know: the replay check it exists for did not run.
      this.#warnedUnchecked = true
      process.emitWarning(
        'The ID token carries a nonce, but this session has none pending to compare it with, so it was not checked: pass the nonce option (session.nonce of the session that made the authorization URL, saved with its state) to the session that redeems the code.',
        { code: 'OAUTH_SESSIONS_NONCE_UNCHECKED' },
      )
    }
    // A nonce is single use: the sign-in it belonged to is over.
    if (kind === 'access_token') this.#nonce = undefined
  }

  /**
   * GETs the UserInfo endpoint with the session (its token, renewal and transport) and checks the
   * answer (OpenID Connect Core §5.3.2, §5.3.4): HTTP 200, a JSON object, its `sub` equal to the
   * validated ID token's.
   */
  async userinfo(session: Session, host: OpenIdConnectHost, options: UserinfoOptions): Promise<Record<string, unknown>> {
    const settings = parseOptions(userinfoOptionsSchema(), options ?? {}, 'userinfo') as UserinfoOptions
    const url = settings.url ?? this.#options.userinfoUrl ?? host.metadata?.userinfo_endpoint
    if (url === undefined) {
      throw new ConfigurationError(
        'userinfoUrl',
        'userinfo needs the UserInfo endpoint: discover the issuer (its metadata names userinfo_endpoint), set the userinfoUrl option, or pass { url }.',
      )
    }
    const claims = this.#claims
    if (claims === undefined) {
      throw new UserinfoError(
        'there is no validated ID token to compare its sub with',
        'Fetch a token with scope openid first (with the issuer known: discover() it, or pass issuer and jwksUri).',
      )
    }
    const response: Response = await session.get(url, {
      headers: settings.headers ?? { Accept: 'application/json' },
      timeout: settings.timeout,
      signal: settings.signal,
    })
    response.raiseForStatus()
    const type = response.headers.get('content-type') ?? ''
    if (/^application\/jwt\s*(?:;|$)/i.test(type))
      throw new UserinfoError('it is a signed JWT (application/jwt), which is not supported', 'Register the client for plain JSON UserInfo answers.')
    const body = jsonObjectBody(response, (problem, shown): never => {
      throw new UserinfoError(
        problem === 'not-json' ? `it is not JSON (${shown})` : problem === 'unparsable' ? 'its body does not parse as JSON' : 'it is not a JSON object',
      )
    })
    const sub = body.sub
    if (typeof sub !== 'string') throw new UserinfoError('it has no sub')
    if (sub !== claims.sub) throw new UserinfoError('its sub differs from the ID token’s (OpenID Connect Core §5.3.4: a substituted token)')
    return body
  }
}

/**
 * The sign-in a refresh must stay on when this session validated no ID token (it was restored, or
 * shares its token through a TokenStore): the claims of the ID token the held token carries, as
 * the session's own record says (validated when it was issued; not verified again, it may have expired).
 */
async function heldClaims(held: OAuth2Token | undefined): Promise<IdTokenClaims | undefined> {
  const idToken = held?.id_token
  if (typeof idToken !== 'string') return undefined
  const { decodeJwt } = await import('jose')
  try {
    return decodeJwt(idToken) as IdTokenClaims
  } catch {
    return undefined
  }
}

/** Whether a scope (text, or a list) has `openid`. */
function hasOpenid(scope: string | readonly string[] | undefined): boolean {
  if (scope === undefined) return false
  const list = typeof scope === 'string' ? scope.split(/[\s,]+/) : scope
  return list.includes('openid')
}
