import type { AuthResponse, AuthStrategy } from '../auth/auth-strategy.js'
import type { PreparedRequest } from '../http/prepared-request.js'
import { appendQuery } from '../http/append-query.js'
import type { OAuth2Session } from './oauth2-session.js'
import { assertSecureTransport } from './transport-security.js'

/** Per-request choices: rauth's bearer_auth and the credentials of an automatic refresh. */
interface BearerChoices {
  bearerAuth?: boolean | undefined
  clientId?: string | undefined
  clientSecret?: string | undefined
}

/**
 * Adds an OAuth2Session's token to each request (Authorization header, or the query under
 * `accessTokenKey`), refreshing an expired one first, and retries once after a 401
 * `invalid_token` when a new token can be had.
 *
 * @internal
 */
export class BearerTokenAuth implements AuthStrategy {
  readonly #session: OAuth2Session
  readonly #choices: BearerChoices

  constructor(session: OAuth2Session, bearerAuth: boolean, choices: BearerChoices = {}) {
    this.#session = session
    this.#choices = { ...choices, bearerAuth: choices.bearerAuth ?? bearerAuth }
  }

  /** The same strategy with per-request choices. */
  forRequest(choices: BearerChoices): BearerTokenAuth {
    return new BearerTokenAuth(this.#session, choices.bearerAuth ?? this.#choices.bearerAuth ?? true, { ...this.#choices, ...choices })
  }

  async apply(request: PreparedRequest): Promise<void> {
    const session = this.#session
    assertSecureTransport(request.url, session.insecureTransport)
    if (session.hooks.has('protected_request')) {
      const [url, headers, body] = await session.hooks.runRequest('protected_request', [request.url, request.headers, request.body])
      request.url = url
      request.headers = headers
      request.body = body
    }
    if (!session.token.access_token) return
    const token = await session.freshToken(this.#choices)
    this.#place(request, token.access_token ?? '')
  }

  async onResponse(response: AuthResponse, request: PreparedRequest): Promise<PreparedRequest | undefined> {
    if (response.status !== 401 || !/error="?invalid_token/i.test(response.headers.get('www-authenticate') ?? '')) return undefined
    if (!this.#session.canRenew) return undefined
    const token = await this.#session.freshToken(this.#choices, true)
    const retry = request.clone()
    if (this.#choices.bearerAuth === false) retry.url = withoutParam(retry.url, this.#session.accessTokenKey)
    this.#place(retry, token.access_token ?? '')
    return retry
  }

  #place(request: PreparedRequest, accessToken: string): void {
    if (this.#choices.bearerAuth === false) {
      request.url = appendQuery(request.url, [[this.#session.accessTokenKey, accessToken]])
    } else {
      request.headers.set('Authorization', `Bearer ${accessToken}`)
    }
  }

  /** The strategy without its token. */
  toJSON(): Record<string, unknown> {
    return { type: 'OAuth2 bearer token', placement: this.#choices.bearerAuth === false ? 'query' : 'header' }
  }
}

function withoutParam(url: string, name: string): string {
  const parsed = new URL(url)
  parsed.searchParams.delete(name)
  return parsed.href
}
