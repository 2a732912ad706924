import { randomBytes } from 'node:crypto'
import type { ServerResponse } from 'node:http'
import { sendJson } from './sandbox-replies.js'

/** A pushed request: its parameters, the client that pushed them, and until when they may be used. */
interface PushedRequest {
  clientId: string
  params: URLSearchParams
  expiresAt: number
}

/** The prefix of the sandbox's request URIs, the one RFC 9126 §2.2 shows. */
const REQUEST_URI_PREFIX = 'urn:ietf:params:oauth:request_uri:'

/**
 * The sandbox's pushed authorization requests (RFC 9126): the PAR endpoint keeps the parameters
 * an authenticated client pushed under a single-use request URI, which the authorization endpoint
 * swaps back for them.
 *
 * @internal
 */
export class SandboxPushedRequests {
  readonly #requests = new Map<string, PushedRequest>()

  /**
   * RFC 9126 §2.1–2.3: `client` is the authenticated client (undefined when authentication failed).
   * `expires_in=N` in the query sets the lifetime (default 60 seconds).
   */
  push(response: ServerResponse, url: URL, form: URLSearchParams, client: string | undefined): void {
    if (client === undefined) return sendJson(response, 401, { error: 'invalid_client', error_description: 'Client authentication failed' })
    if (form.has('request_uri')) return sendJson(response, 400, { error: 'invalid_request', error_description: 'request_uri must not be pushed' })
    if (form.get('client_id') !== client)
      return sendJson(response, 400, { error: 'invalid_request', error_description: 'client_id differs from the authenticated client' })
    const given = Number(url.searchParams.get('expires_in') ?? 60)
    const expiresIn = Number.isInteger(given) && given > 0 ? given : 60
    const requestUri = `${REQUEST_URI_PREFIX}${randomBytes(24).toString('base64url')}`
    this.#requests.set(requestUri, { clientId: client, params: new URLSearchParams(form), expiresAt: Date.now() + expiresIn * 1000 })
    response.setHeader('Cache-Control', 'no-store')
    sendJson(response, 201, { request_uri: requestUri, expires_in: expiresIn })
  }

  /**
   * The parameters of an authorization request: those pushed under its `request_uri` (once; for
   * the same `client_id`; before they expire), else its own query. A request URI that is unknown,
   * spent, expired or another client's is an error description.
   */
  resolve(query: URLSearchParams): URLSearchParams | string {
    const requestUri = query.get('request_uri')
    if (requestUri === null) return query
    const pushed = this.#requests.get(requestUri)
    this.#requests.delete(requestUri)
    if (pushed === undefined || pushed.expiresAt <= Date.now()) return 'request_uri is unknown, expired or was used'
    if (query.get('client_id') !== pushed.clientId) return 'client_id differs from the one that pushed the request'
    return pushed.params
  }
}
