import type { ParamPairs } from '../http/form-encoding.js'

/** What every grant needs to build a token request body. @internal */
export interface TokenBodyInput {
  /** Another grant type than the client's, such as `refresh_token`. */
  grantType?: string
  clientId: string | undefined
  includeClientId: boolean
  clientSecret: string | undefined
  codeVerifier: string | undefined
  /** Grant-specific and extra parameters, in order; empty values are skipped, as oauthlib does. */
  params: ParamPairs
}

/**
 * An OAuth 2 grant, as oauthlib's client classes: it knows its `grant_type` and
 * `response_type`, and the parameters its token request carries.
 *
 * @example
 * ```ts
 * import { BackendApplicationClient, OAuth2Session } from 'oauth-sessions'
 * const session = new OAuth2Session('client-id', { client: new BackendApplicationClient('client-id') })
 * await session.fetchToken('https://idp.example.com/token', { clientSecret: process.env.CLIENT_SECRET })
 * ```
 * @see oauthlib.oauth2.Client
 * @group OAuth 2
 */
export abstract class OAuth2Client {
  /** The client id. */
  readonly clientId: string
  /** The `grant_type` of token requests. */
  abstract readonly grantType: string
  /** The `response_type` of authorization requests, for grants that have one. */
  readonly responseType: string | undefined = undefined

  constructor(clientId: string) {
    this.clientId = clientId
  }

  /**
   * The token request body, in oauthlib's order: `grant_type`, `client_id` (when included),
   * `code_verifier`, `client_secret`, then the grant's and the extra parameters.
   *
   * @internal
   */
  tokenBody(input: TokenBodyInput): ParamPairs {
    const pairs: ParamPairs = [['grant_type', input.grantType ?? this.grantType]]
    if (input.includeClientId && input.clientId !== undefined) pairs.push(['client_id', input.clientId])
    if (input.codeVerifier !== undefined) pairs.push(['code_verifier', input.codeVerifier])
    if (input.clientSecret !== undefined) pairs.push(['client_secret', input.clientSecret])
    for (const [name, value] of input.params) if (value !== '') pairs.push([name, value])
    return pairs
  }
}

/**
 * The authorization code grant (RFC 6749 §4.1), the default.
 *
 * @example
 * ```ts
 * import { OAuth2Session, WebApplicationClient } from 'oauth-sessions'
 * const session = new OAuth2Session('client-id', { client: new WebApplicationClient('client-id') })
 * ```
 * @see oauthlib.oauth2.WebApplicationClient
 * @group OAuth 2
 */
export class WebApplicationClient extends OAuth2Client {
  /** `authorization_code`. */
  readonly grantType = 'authorization_code'
  /** `code`. */
  override readonly responseType = 'code'
  /** The code from the last parsed authorization response. */
  code: string | undefined

  constructor(clientId: string, options: { code?: string } = {}) {
    super(clientId)
    this.code = options.code
  }
}

/**
 * The implicit grant (RFC 6749 §4.2): the token arrives in the redirect's fragment; read it with
 * `tokenFromFragment`.
 *
 * @example
 * ```ts
 * import { MobileApplicationClient, OAuth2Session } from 'oauth-sessions'
 * const session = new OAuth2Session('client-id', { client: new MobileApplicationClient('client-id') })
 * ```
 * @see oauthlib.oauth2.MobileApplicationClient
 * @group OAuth 2
 */
export class MobileApplicationClient extends OAuth2Client {
  /** Implicit tokens are not fetched from a token endpoint. */
  readonly grantType = 'implicit'
  /** `token`. */
  override readonly responseType = 'token'
}

/**
 * The resource owner password credentials grant (RFC 6749 §4.3).
 *
 * @example
 * ```ts
 * import { LegacyApplicationClient, OAuth2Session } from 'oauth-sessions'
 * const session = new OAuth2Session('client-id', { client: new LegacyApplicationClient('client-id') })
 * await session.fetchToken('https://idp.example.com/token', { username: 'alice', password: process.env.PASSWORD })
 * ```
 * @see oauthlib.oauth2.LegacyApplicationClient
 * @group OAuth 2
 */
export class LegacyApplicationClient extends OAuth2Client {
  /** `password`. */
  readonly grantType = 'password'
}

/**
 * The client credentials grant (RFC 6749 §4.4).
 *
 * @example
 * ```ts
 * import { BackendApplicationClient, OAuth2Session } from 'oauth-sessions'
 * const session = new OAuth2Session('client-id', { client: new BackendApplicationClient('client-id') })
 * ```
 * @see oauthlib.oauth2.BackendApplicationClient
 * @group OAuth 2
 */
export class BackendApplicationClient extends OAuth2Client {
  /** `client_credentials`. */
  readonly grantType = 'client_credentials'
}
