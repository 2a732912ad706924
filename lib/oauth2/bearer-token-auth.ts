import type { AuthResponse, AuthStrategy, RedirectContext } from '../auth/auth-strategy.js'
import type { PreparedRequest } from '../http/prepared-request.js'
import { appendQuery } from '../http/append-query.js'
import type { ComplianceHookRegistry } from './compliance-hooks.js'
import { type DPoPProver, isDPoPTokenType } from './dpop-prover.js'
import { assertBearerTokenType } from './oauth2-errors.js'
import type { OAuth2Token } from './oauth2-token.js'
import { assertSecureTransport } from './transport-security.js'

/** Per-request choices: rauth's bearer_auth and the credentials of an automatic refresh. @internal */
export interface BearerChoices {
  bearerAuth?: boolean | undefined
  clientId?: string | undefined
  clientSecret?: string | undefined
}

/**
 * Where a bearer strategy gets its token: an OAuth2Session hands one out, so the strategy never
 * imports the session (and the session keeps these members private).
 *
 * @internal
 */
export interface BearerTokenSource {
  /** The current token (possibly expired). */
  readonly token: OAuth2Token
  /** A usable token, renewed once for all concurrent callers when expired (or when `force`; `refused` is the access token a 401 answered, when known). */
  freshToken(choices: BearerChoices, force: boolean, refused?: string): Promise<OAuth2Token>
  /** Whether a 401 could be answered by getting a new token. */
  readonly canRenew: boolean
  /** Whether the token is shared through a store: a session without one yet may find it there. */
  readonly shared: boolean
  /** The protected_request hooks, run before the token is added when there is one (as requests-oauthlib does). */
  readonly hooks: ComplianceHookRegistry
  /** Whether plain http outside loopback is allowed. */
  readonly insecureTransport: boolean
  /** The query parameter name of the token when `bearerAuth` is false (rauth). */
  readonly accessTokenKey: string
  /** The session's placement: `true` the Authorization header, `false` the `accessTokenKey` query parameter. */
  readonly bearerAuth: boolean
  /** The session's DPoP prover, when it uses DPoP (RFC 9449): a DPoP-bound token goes with a proof. */
  readonly dpop?: DPoPProver | undefined
}

/** The access token each request was sent with: a 401 for a token already replaced needs no renewal. */
const sentTokens = new WeakMap<PreparedRequest, string>()
/** The DPoP-bound token each request was sent with, for the one retry with a server's nonce. */
const dpopTokens = new WeakMap<PreparedRequest, OAuth2Token>()

/**
 * Adds an OAuth2Session's token to each request (Authorization header, or the query under
 * `accessTokenKey`), refreshing an expired one first, and retries once after a 401
 * `invalid_token` when a new token can be had.
 *
 * @internal
 */
export class BearerTokenAuth implements AuthStrategy {
  readonly #source: BearerTokenSource
  readonly #choices: BearerChoices

  constructor(source: BearerTokenSource, choices: BearerChoices = {}) {
    this.#source = source
    this.#choices = choices
  }

  /** The same source with one request's choices (the session's own strategy has none to merge). */
  forRequest(choices: BearerChoices): BearerTokenAuth {
    return new BearerTokenAuth(this.#source, choices)
  }

  async apply(request: PreparedRequest): Promise<void> {
    const source = this.#source
    assertSecureTransport(request.url, source.insecureTransport)
    // As requests-oauthlib: without a token there is nothing to add, and no hook runs.
    if (!source.token.access_token && !source.shared) return
    const token = await source.freshToken(this.#choices, false)
    if (!token.access_token) return
    // The hooks run once the token is fresh, so a hook that reads the session's token sees the one sent.
    if (source.hooks.has('protected_request')) {
      const [url, headers, body] = await source.hooks.runRequest('protected_request', [request.url, request.headers, request.body])
      request.url = url
      request.headers = headers
      request.body = body
    }
    const binding = this.#place(request, token)
    if (binding !== undefined) await binding
    sentTokens.set(request, token.access_token)
  }

  async onResponse(response: AuthResponse, request: PreparedRequest): Promise<PreparedRequest | undefined> {
    const bound = dpopTokens.get(request)
    // RFC 9449 §9: a resource server's 401 use_dpop_nonce is answered once (the Session retries once), with
    // a proof carrying its nonce. Only a request sent with a bound token looks at the answer's headers.
    if (bound !== undefined && this.#source.dpop?.asksForNonce(response) === true) {
      const retry = request.clone()
      await this.#place(retry, bound)
      return retry
    }
    if (response.status !== 401 || !/error="?invalid_token/i.test(response.headers.get('www-authenticate') ?? '')) return undefined
    if (!this.#source.canRenew) return undefined
    const token = await this.#source.freshToken(this.#choices, true, sentTokens.get(request))
    const retry = request.clone()
    if (!this.#inHeader()) retry.url = withoutParam(retry.url, this.#source.accessTokenKey)
    const binding = this.#place(retry, token)
    if (binding !== undefined) await binding
    return retry
  }

  /** A same-origin redirect hop of a DPoP request gets a proof of its own method and URL (the `htm` and `htu` it is checked against). */
  async onRedirect(request: PreparedRequest, context: RedirectContext): Promise<void> {
    const dpop = this.#source.dpop
    if (dpop === undefined || context.crossOrigin || !request.headers.has('dpop')) return
    const token = this.#source.token
    if (isDPoPTokenType(token.token_type) && request.headers.get('authorization') === `DPoP ${token.access_token}`) await dpop.authorize(request, token)
  }

  /**
   * Adds the token: a DPoP-bound one with its proof (the promise returned), else, at once, once its
   * type is known to be Bearer (oauthlib's add_token check): a Bearer request awaits nothing more.
   */
  #place(request: PreparedRequest, token: OAuth2Token): Promise<void> | undefined {
    const dpop = this.#source.dpop
    if (dpop !== undefined && isDPoPTokenType(token.token_type)) {
      // RFC 9449 §7.1: a DPoP-bound token goes in the Authorization header, whatever the placement.
      dpopTokens.set(request, token)
      return dpop.authorize(request, token)
    }
    assertBearerTokenType(token.token_type)
    const accessToken = token.access_token ?? ''
    if (!this.#inHeader()) {
      request.url = appendQuery(request.url, [[this.#source.accessTokenKey, accessToken]])
      request.markSecretParam(this.#source.accessTokenKey)
    } else {
      request.headers.set('Authorization', `Bearer ${accessToken}`)
    }
    return undefined
  }

  /** The strategy without its token. */
  toJSON(): Record<string, unknown> {
    return { type: 'OAuth2 bearer token', placement: this.#inHeader() ? 'header' : 'query' }
  }

  /** Whether the token goes in the Authorization header: this request's choice, else the session's. */
  #inHeader(): boolean {
    return this.#choices.bearerAuth ?? this.#source.bearerAuth
  }
}

/** The URL without the query parameters named `name`; every other byte of the URL is kept as sent. */
function withoutParam(url: string, name: string): string {
  const hashStart = url.indexOf('#')
  const end = hashStart === -1 ? url.length : hashStart
  const queryStart = url.indexOf('?')
  if (queryStart === -1 || queryStart > end) return url
  const kept = url
    .slice(queryStart + 1, end)
    .split('&')
    .filter((part) => decodeName(part.split('=', 1)[0] ?? '') !== name)
  return `${url.slice(0, queryStart)}${kept.length > 0 ? `?${kept.join('&')}` : ''}${url.slice(end)}`
}

function decodeName(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '))
  } catch {
    return raw
  }
}
