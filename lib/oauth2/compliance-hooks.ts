import { ConfigurationError } from '../errors.js'
import type { HeaderMap } from '../http/header-map.js'
import type { RequestBody } from '../http/prepared-request.js'
import type { Response } from '../http/response.js'

/**
 * The points of an OAuth 2 flow where a compliance hook can fix a provider's quirk, spelt as
 * requests-oauthlib spells them.
 *
 * @example
 * ```ts
 * import type { ComplianceHookType } from 'oauth-sessions'
 * const type: ComplianceHookType = 'access_token_response'
 * ```
 * @see requests_oauthlib.OAuth2Session.register_compliance_hook
 * @group OAuth 2
 */
export type ComplianceHookType =
  | 'access_token_request'
  | 'access_token_response'
  | 'refresh_token_request'
  | 'refresh_token_response'
  | 'protected_request'
  | 'revocation_request'
  | 'revocation_response'
  | 'introspection_request'
  | 'introspection_response'
  | 'par_request'
  | 'par_response'
  | 'revoke_token_request'
  | 'introspect_token_request'

/**
 * A request hook in requests-oauthlib's calling convention: it is called with the URL, the
 * headers and the body, and returns the (possibly new) triple, as `def hook(url, headers, data):
 * return url, headers, data` does. A hook ported from Python keeps its shape.
 *
 * @example
 * ```ts
 * import type { RequestHook } from 'oauth-sessions'
 * const addVersion: RequestHook = (url, headers, body) => [url, headers.set('X-Api-Version', '2'), body]
 * ```
 * @see requests_oauthlib.OAuth2Session.register_compliance_hook
 * @group OAuth 2
 */
export type RequestHook = (
  url: string,
  headers: HeaderMap,
  body: RequestBody | undefined,
) => [string, HeaderMap, RequestBody | undefined] | Promise<[string, HeaderMap, RequestBody | undefined]>

/**
 * A response hook: takes the token response and returns it or a fixed copy (`response.withJson(...)`).
 *
 * @example
 * ```ts
 * import type { ResponseHook } from 'oauth-sessions'
 * const addTokenType: ResponseHook = (response) => response.withJson({ ...response.json<object>(), token_type: 'Bearer' })
 * ```
 * @group OAuth 2
 */
export type ResponseHook = (response: Response) => Response | Promise<Response>

/** The hook function type for each hook point. @group OAuth 2 */
export interface ComplianceHooks {
  /** Runs before a token request is sent. */
  access_token_request: RequestHook
  /** Runs on a token response before it is parsed. */
  access_token_response: ResponseHook
  /** Runs before a refresh request is sent. */
  refresh_token_request: RequestHook
  /** Runs on a refresh response before it is parsed. */
  refresh_token_response: ResponseHook
  /** Runs before each protected request that carries a token, before the token is added (not without a token, nor with `withholdToken`). */
  protected_request: RequestHook
  /** Runs before a revocation request (RFC 7009) is sent. */
  revocation_request: RequestHook
  /** Runs on a revocation response before it is read. */
  revocation_response: ResponseHook
  /** Runs before an introspection request (RFC 7662) is sent. */
  introspection_request: RequestHook
  /** Runs on an introspection response before it is read and checked. */
  introspection_response: ResponseHook
  /** Runs before a pushed authorization request (RFC 9126) is sent. */
  par_request: RequestHook
  /** Runs on a pushed authorization response before it is read and checked. */
  par_response: ResponseHook
  /** authlib's name of `revocation_request`. */
  revoke_token_request: RequestHook
  /** authlib's name of `introspection_request`. */
  introspect_token_request: RequestHook
}

/** authlib's hook names, registered under the names this library runs. */
const ALIASES: Readonly<Partial<Record<ComplianceHookType, ComplianceHookType>>> = {
  revoke_token_request: 'revocation_request',
  introspect_token_request: 'introspection_request',
}

/** The hook points that run (an alias is registered under its target). */
type RunHookType = Exclude<ComplianceHookType, 'revoke_token_request' | 'introspect_token_request'>

/** The hook points a token-endpoint-like request runs, by kind of request. @internal */
export type TokenRequestKind = 'access_token' | 'refresh_token' | 'revocation' | 'introspection' | 'par'

/** The registered hooks of a session, in registration order. @internal */
export class ComplianceHookRegistry {
  readonly #hooks: { [K in RunHookType]: ComplianceHooks[K][] } = {
    access_token_request: [],
    access_token_response: [],
    refresh_token_request: [],
    refresh_token_response: [],
    protected_request: [],
    revocation_request: [],
    revocation_response: [],
    introspection_request: [],
    introspection_response: [],
    par_request: [],
    par_response: [],
  }

  register<K extends ComplianceHookType>(type: K, hook: ComplianceHooks[K]): void {
    // Own properties only: 'constructor' or '__proto__' must not reach Object.prototype.
    const known = typeof type === 'string' && Object.hasOwn(ALIASES, type) ? ALIASES[type] : type
    if (typeof known !== 'string' || !Object.hasOwn(this.#hooks, known)) {
      throw new ConfigurationError(
        'type',
        `Unknown compliance hook type '${String(type)}': use one of ${Object.keys(this.#hooks).join(', ')} (requests-oauthlib's names; authlib's ${Object.keys(ALIASES).join(', ')} also work).`,
      )
    }
    ;(this.#hooks[known as RunHookType] as unknown[]).push(hook)
  }

  has(type: `${TokenRequestKind}_request` | `${TokenRequestKind}_response` | 'protected_request'): boolean {
    return this.#hooks[type].length > 0
  }

  async runRequest(
    type: `${TokenRequestKind}_request` | 'protected_request',
    request: [string, HeaderMap, RequestBody | undefined],
  ): Promise<[string, HeaderMap, RequestBody | undefined]> {
    let current = request
    for (const hook of this.#hooks[type]) current = await hook(...current)
    return current
  }

  async runResponse(type: `${TokenRequestKind}_response`, response: Response): Promise<Response> {
    let current = response
    for (const hook of this.#hooks[type]) current = await hook(current)
    return current
  }
}
