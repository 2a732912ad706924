import { createHash } from 'node:crypto'
import { ConfigurationError, TokenMissingError } from '../errors.js'
import { quotePlus } from '../http/form-encoding.js'
import type { PreparedRequest } from '../http/prepared-request.js'
import { Session } from '../http/session.js'
import { oauth2Error } from '../oauth2/oauth2-errors.js'
import { HTTPBasicAuth } from './http-basic-auth.js'
import { AuthBase } from './multi-auth.js'
import { tokenCache, type NewToken } from './token-cache.js'

/**
 * Options shared by requests-auth's OAuth 2 strategies, in camelCase. Any other key is sent as a
 * parameter of the token request.
 *
 * @example
 * ```ts
 * import { OAuth2ClientCredentials } from 'oauth-sessions'
 * const auth = new OAuth2ClientCredentials('https://idp.example.com/token', 'id', 'secret', { scope: ['read'], audience: 'api://x' })
 * ```
 * @group Auth
 */
export interface OAuth2GrantOptions {
  /** The header the token is sent in. Default `Authorization`. */
  headerName?: string
  /** The header value; must contain `{token}`. Default `Bearer {token}`. */
  headerValue?: string
  /** The token's field in the answer. Default `access_token`. */
  tokenFieldName?: string
  /** Seconds before expiry a token counts as expired. Default 30. */
  earlyExpiry?: number
  /** Seconds to wait for the token endpoint. Default 60. */
  timeout?: number
  /** The scopes to request (a list is joined with spaces). */
  scope?: string | readonly string[]
  /** The Session token requests go through (proxies, agents ...). */
  session?: Session
  /** Extra token request parameters. */
  [param: string]: unknown
}

const KNOWN = new Set(['headerName', 'headerValue', 'tokenFieldName', 'earlyExpiry', 'timeout', 'scope', 'session'])

/**
 * The common part of the token-endpoint strategies: cache lookup by requests-auth's key, token
 * request, header.
 *
 * @internal
 */
abstract class OAuth2GrantStrategy extends AuthBase {
  /** The token endpoint. */
  readonly tokenUrl: string
  /** The header the token is sent in. */
  readonly headerName: string
  /** The header value format, with `{token}`. */
  readonly headerValue: string
  /** The token's field in the answer. */
  readonly tokenFieldName: string
  /** Seconds before expiry a token counts as expired. */
  readonly earlyExpiry: number
  /** requests-auth's `state`: the cache key, a SHA-512 of the token URL with the grant's parameters. */
  readonly state: string
  readonly #timeout: number
  readonly #session: Session
  readonly #data: [string, string][]
  readonly #clientAuth: HTTPBasicAuth | undefined

  constructor(tokenUrl: string, data: [string, string][], options: OAuth2GrantOptions, clientAuth: HTTPBasicAuth | undefined) {
    super()
    try {
      new URL(tokenUrl)
    } catch {
      throw new ConfigurationError('tokenUrl', 'Token URL is mandatory and must be an absolute URL.')
    }
    this.tokenUrl = tokenUrl
    this.headerName = options.headerName || 'Authorization'
    this.headerValue = options.headerValue || 'Bearer {token}'
    if (!this.headerValue.includes('{token}')) throw new ConfigurationError('headerValue', 'header_value parameter must contains {token}.')
    this.tokenFieldName = options.tokenFieldName || 'access_token'
    this.earlyExpiry = options.earlyExpiry ?? 30
    this.#timeout = (options.timeout ?? 60) * 1000
    this.#session = options.session ?? new Session()
    this.#clientAuth = clientAuth
    const scope = options.scope === undefined ? undefined : typeof options.scope === 'string' ? options.scope : options.scope.join(' ')
    if (scope) data.push(['scope', scope])
    for (const [name, value] of Object.entries(options)) if (!KNOWN.has(name) && value !== undefined) data.push([name, String(value)])
    this.#data = data
    this.state = createHash('sha512').update(withParameters(tokenUrl, data), 'utf8').digest('hex')
  }

  /** Gets a token (cached, or from the token endpoint) and sets the header. */
  async apply(request: PreparedRequest): Promise<void> {
    const token = await tokenCache().getToken(this.state, this.earlyExpiry, (refreshToken) => this.#requestToken(refreshToken))
    request.headers.set(this.headerName, this.headerValue.replace('{token}', token), { secret: true })
  }

  /** The strategy without secrets. */
  toJSON(): Record<string, unknown> {
    return { type: this.constructor.name, tokenUrl: this.tokenUrl, headerName: this.headerName }
  }

  /** @internal keeps secrets out of `console.log` and `util.inspect`. */
  [Symbol.for('nodejs.util.inspect.custom')](): Record<string, unknown> {
    return this.toJSON()
  }

  async #requestToken(refreshToken: string | undefined): Promise<NewToken> {
    const data = refreshToken === undefined ? this.#data : [['grant_type', 'refresh_token'], ['refresh_token', refreshToken]] as [string, string][]
    const response = await this.#session.post(this.tokenUrl, { data, timeout: this.#timeout, auth: this.#clientAuth ?? null })
    let content: Record<string, unknown> = {}
    try {
      content = response.json<Record<string, unknown>>()
    } catch {
      content = {}
    }
    if (!response.ok) {
      if (refreshToken !== undefined) return this.#requestToken(undefined)
      throw oauth2Error({ error: typeof content.error === 'string' ? content.error : 'invalid_request', error_description: typeof content.error_description === 'string' ? content.error_description : response.text.slice(0, 200) }, response)
    }
    const token = content[this.tokenFieldName]
    if (typeof token !== 'string' || token === '') throw new TokenMissingError(this.tokenFieldName, Object.keys(content), `The token response (HTTP ${response.status})`)
    const expiresIn = content.expires_in === undefined ? undefined : Number(content.expires_in)
    return { token, expiresIn: Number.isFinite(expiresIn) ? expiresIn : undefined, refreshToken: typeof content.refresh_token === 'string' ? content.refresh_token : undefined }
  }
}

/** requests-auth's `_add_parameters` for the cache key: parameters appended to the URL's query. */
function withParameters(url: string, data: [string, string][]): string {
  const query = data.map(([name, value]) => `${quotePlus(name)}=${quotePlus(value)}`).join('&')
  const parsed = new URL(url)
  return `${parsed.origin}${parsed.pathname}?${parsed.search.length > 1 ? `${parsed.search.slice(1)}&` : ''}${query}`
}

/**
 * requests-auth's `OAuth2ClientCredentials`: gets a token with the client credentials grant
 * (RFC 6749 §4.4) the first time a request needs one, caches it, and renews it when it expires.
 *
 * @example
 * ```ts
 * import { OAuth2ClientCredentials, Session } from 'oauth-sessions'
 * const auth = new OAuth2ClientCredentials('https://idp.example.com/token', 'client-id', process.env.CLIENT_SECRET ?? '')
 * const response = await new Session({ auth }).get('https://api.example.com/data')
 * ```
 * @see requests_auth.OAuth2ClientCredentials
 * @group Auth
 */
export class OAuth2ClientCredentials extends OAuth2GrantStrategy {
  /** The client id. */
  readonly clientId: string

  constructor(tokenUrl: string, clientId: string, clientSecret: string, options: OAuth2GrantOptions = {}) {
    if (!clientId) throw new ConfigurationError('clientId', 'client_id is mandatory.')
    if (!clientSecret) throw new ConfigurationError('clientSecret', 'client_secret is mandatory.')
    super(tokenUrl, [['grant_type', 'client_credentials']], options, new HTTPBasicAuth(clientId, clientSecret))
    this.clientId = clientId
  }
}

/**
 * requests-auth's `OAuth2ResourceOwnerPasswordCredentials`: gets a token with the password grant
 * (RFC 6749 §4.3), with Basic client authentication when `username`/`password` options (the
 * client's) are given, caches it and refreshes it when the server issued a refresh token.
 *
 * @example
 * ```ts
 * import { OAuth2ResourceOwnerPasswordCredentials, Session } from 'oauth-sessions'
 * const auth = new OAuth2ResourceOwnerPasswordCredentials('https://idp.example.com/token', 'alice', process.env.PASSWORD ?? '')
 * await new Session({ auth }).get('https://api.example.com/me')
 * ```
 * @see requests_auth.OAuth2ResourceOwnerPasswordCredentials
 * @group Auth
 */
export class OAuth2ResourceOwnerPasswordCredentials extends OAuth2GrantStrategy {
  /** The resource owner's user name. */
  readonly username: string

  constructor(tokenUrl: string, username: string, password: string, options: OAuth2GrantOptions & { clientId?: string; clientSecret?: string } = {}) {
    if (!username) throw new ConfigurationError('username', 'User name is mandatory.')
    if (!password) throw new ConfigurationError('password', 'Password is mandatory.')
    const { clientId, clientSecret, ...rest } = options
    const clientAuth = clientId !== undefined ? new HTTPBasicAuth(clientId, clientSecret ?? '') : undefined
    super(tokenUrl, [['grant_type', 'password'], ['username', username], ['password', password]], rest, clientAuth)
    this.username = username
  }
}
