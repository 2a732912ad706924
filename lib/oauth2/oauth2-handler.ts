import type { z } from 'zod'
import { lazySchema } from '../http/lazy-schema.js'
import { quotePlus } from '../http/form-encoding.js'
import { ConfigurationError } from '../errors.js'
import { parseOptions } from '../http/parse-options.js'
import { Session } from '../http/session.js'
import { type SessionOptions, sessionOptionsSchema } from '../http/session-options.js'
import { redactUrl } from '../security/redact-url.js'
import { REQUESTS_FORM_HEADERS, sendTokenRequest } from './token-endpoint.js'

/**
 * Options of {@link OAuth2Handler}: requests-oauth2's optional endpoint paths, and the Session
 * options of the handler's own Session.
 *
 * @example
 * ```ts
 * import { OAuth2 } from 'oauth-sessions'
 * const facebook = new OAuth2('id', 'secret', 'https://graph.facebook.com/', 'https://app.example/cb', {
 *   authorizationUrl: 'dialog/oauth', tokenUrl: 'oauth/access_token',
 * })
 * ```
 * @group OAuth 2
 */
export interface OAuth2HandlerOptions {
  /** The authorization path, appended to `site`. Default `oauth/authorize`. */
  authorizationUrl?: string
  /** The token path, appended to `site`. Default `oauth/token`. */
  tokenUrl?: string
  /** Options of the Session token requests go through. */
  sessionOptions?: SessionOptions
}

const handlerOptionsSchema = lazySchema(
  (z) =>
    z
      .object({
        authorizationUrl: z.string().optional(),
        tokenUrl: z.string().optional(),
        sessionOptions: sessionOptionsSchema().optional(),
      })
      .strict() satisfies z.ZodType<OAuth2HandlerOptions>,
)

/**
 * requests-oauth2 0.2.0's minimal handler, ported exactly: `authorizeUrl(scope, extra)` builds
 * `site + path + ?redirect_uri&client_id&scope...`, and `getToken(code, extra)` posts the code
 * with the client credentials and returns whatever the provider answered, parsed: a JSON object,
 * or a form body as lists of values (Python's `parse_qs`), or `null` for an empty answer. It
 * never throws for a provider error; check for `access_token` yourself, as with the original.
 *
 * @example
 * ```ts
 * import { OAuth2 } from 'oauth-sessions'
 * const handler = new OAuth2('client-id', 'client-secret', 'https://github.com/', 'https://app.example/cb', 'login/oauth/authorize', 'login/oauth/access_token')
 * console.log(handler.authorizeUrl('repo'))
 * const answer = await handler.getToken('code-from-callback')
 * await handler.close()
 * ```
 * @see requests_oauth2.OAuth2
 * @group OAuth 2
 */
export class OAuth2Handler {
  /** The client id. */
  readonly clientId: string
  /** The site the paths are appended to; may be changed between the two steps, as in Python. */
  site: string
  /** The redirect URI. */
  redirectUri: string
  /** The authorization path. */
  authorizationUrl: string
  /** The token path. */
  tokenUrl: string
  readonly #clientSecret: string
  readonly #session: Session

  /**
   * @param clientId - the client id
   * @param clientSecret - the client secret, sent in the token request's body
   * @param site - the provider's base URL, the paths are appended to it
   * @param redirectUri - the redirect URI registered with the provider
   * @param authorizationUrlOrOptions - requests-oauth2's fifth argument, the authorization path
   *   (default `oauth/authorize`), or the options
   * @param tokenUrl - requests-oauth2's sixth argument, the token path (default `oauth/token`)
   * @param handlerOptions - the options, after the two paths
   * @throws {@link ConfigurationError} naming an option that is unknown, of the wrong type, or given both positionally and as an option
   */
  constructor(
    clientId: string,
    clientSecret: string,
    site: string,
    redirectUri: string,
    authorizationUrlOrOptions?: string | OAuth2HandlerOptions,
    tokenUrl?: string,
    handlerOptions?: OAuth2HandlerOptions,
  ) {
    const positional = typeof authorizationUrlOrOptions === 'string' || tokenUrl !== undefined || handlerOptions !== undefined
    let options = parseOptions(handlerOptionsSchema(), positional ? handlerOptions : authorizationUrlOrOptions, new.target.name) as OAuth2HandlerOptions
    if (positional) {
      const paths = { authorizationUrl: authorizationUrlOrOptions, tokenUrl }
      for (const [name, value] of Object.entries(paths)) {
        if (value === undefined || value === null) continue
        if (typeof value !== 'string')
          throw new ConfigurationError(name, `Invalid ${new.target.name} options: ${name}: expected string (a path such as 'oauth/token').`)
        if (options[name as keyof typeof paths] !== undefined) {
          throw new ConfigurationError(name, `${name} was given twice: as a positional argument and as an option. Pass it once.`)
        }
        options = { ...options, [name]: value }
      }
    }
    this.clientId = clientId
    this.#clientSecret = clientSecret
    this.site = site
    this.redirectUri = redirectUri
    this.authorizationUrl = options.authorizationUrl ?? 'oauth/authorize'
    this.tokenUrl = options.tokenUrl ?? 'oauth/token'
    this.#session = new Session(options.sessionOptions)
  }

  /**
   * The URL to send the user to; `scope` defaults to empty, extra parameters follow it.
   *
   * @see requests_oauth2.OAuth2.authorize_url
   */
  authorizeUrl(scope = '', extra: Readonly<Record<string, string>> = {}): string {
    const params: [string, string][] = [['redirect_uri', this.redirectUri], ['client_id', this.clientId], ['scope', scope], ...Object.entries(extra)]
    return `${this.site}${quotePath(this.authorizationUrl)}?${params.map(([name, value]) => `${quotePlus(name)}=${quotePlus(value)}`).join('&')}`
  }

  /**
   * Posts the code to the token URL and returns the parsed answer (see the class description).
   *
   * @see requests_oauth2.OAuth2.get_token
   */
  async getToken(code: string, extra: Readonly<Record<string, string>> = {}): Promise<Record<string, unknown> | null> {
    const data = { redirect_uri: this.redirectUri, client_id: this.clientId, client_secret: this.#clientSecret, code, ...extra }
    const response = await sendTokenRequest(this.#session, {
      url: `${this.site}${quotePath(this.tokenUrl)}`,
      body: Object.entries(data),
      clientAuth: null,
      headers: REQUESTS_FORM_HEADERS,
    })
    const text = response.text
    if (text.trim() === '') return null
    try {
      const value: unknown = JSON.parse(text)
      // Only an object is a token answer: a JSON list, number or text is read as a form, as any other body.
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>
    } catch {
      // not JSON: Python's parse_qs
    }
    // A Map, so that a provider's `__proto__` or `constructor` is a name like any other.
    const parsed = new Map<string, string[]>()
    for (const [name, value] of new URLSearchParams(text)) {
      if (value === '') continue
      const values = parsed.get(name)
      if (values === undefined) parsed.set(name, [value])
      else values.push(value)
    }
    return Object.fromEntries(parsed)
  }

  /** Releases the handler's connections. */
  async close(): Promise<void> {
    await this.#session.close()
  }

  /** The handler with its secret redacted. */
  toJSON(): Record<string, unknown> {
    return { type: 'OAuth2', clientId: this.clientId, clientSecret: '[redacted]', site: shownUrl(this.site), redirectUri: shownUrl(this.redirectUri) }
  }

  /** @internal keeps the secret out of `console.log` and `util.inspect`. */
  [Symbol.for('nodejs.util.inspect.custom')](): object {
    return this.toJSON()
  }
}

/** A URL setting as logs may show it: credentials redacted (the value is the caller's, parsed or not). */
function shownUrl(url: string | undefined): string | undefined {
  return url === undefined ? undefined : redactUrl(url)
}

/** Python's `quote` (safe `/`) for the path appended to the site. */
function quotePath(path: string): string {
  return encodeURIComponent(path)
    .replace(/%2F/g, '/')
    .replace(/[!'()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`)
}
