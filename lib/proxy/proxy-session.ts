import { underTokenCap } from '../http/token-response-cap.js'
import { ProxyAuthenticationError } from './proxy-errors.js'
import type { Response } from '../http/response.js'
import { Session } from '../http/session.js'
import type { z } from 'zod'
import { lazySchema } from '../http/lazy-schema.js'
import { checkOptionKeys, parseOptions } from '../http/parse-options.js'
import { httpUrlSchema } from '../http/parse-url.js'
import { type RequestOptions, requestOptionsSchema, type SessionOptions, sessionOptionsSchema } from '../http/session-options.js'
import { splitOptions } from '../http/split-options.js'
import { withCredentialBody } from '../http/redirects.js'
import { redactUrl } from '../security/redact-url.js'
import { scrubSecrets } from '../security/scrub-secrets.js'
import type { HtmlForm, HtmlPage } from './html-page.js'

/**
 * Options of {@link ProxySession}: bitly-oauth2-proxy-session's attributes in camelCase, and
 * every {@link SessionOptions} entry.
 *
 * @example
 * ```ts
 * import { ProxySession } from 'oauth-sessions'
 * const session = new ProxySession({
 *   oauth2Username: 'monitoring-bot', oauth2Password: process.env.BOT_PASSWORD,
 *   authenticationBaseUrl: 'https://dashboards.example.com/oauth2/start',
 * })
 * ```
 * @group Proxy
 */
export interface ProxySessionOptions extends SessionOptions {
  /** The user name at the OAuth2 provider (GitHub). */
  oauth2Username?: string
  /** Their password (an access token does not work for a web login). */
  oauth2Password?: string
  /** The proxy's start URL, typically `https://site/oauth2/start`. */
  authenticationBaseUrl?: string
  /** Where the provider's login form posts. Default `https://github.com/session`. */
  authenticationSessionUrl?: string
  /** Extra fields of the login POST. Default GitHub's: `{ commit: 'Sign in', utf8: '✓' }`. */
  authenticationPostdata?: Readonly<Record<string, string>>
  /** The proxy's cookie name, checked at the end of the dance. Default `_oauth2_proxy`. */
  proxyCookieName?: string
}

const postdataSchema = lazySchema((z) => z.record(z.string(), z.string()))

/** @internal ProxySession's options: the Session's and bitly-oauth2-proxy-session's attributes. */
export const proxySessionOptionsSchema = lazySchema(
  (z) =>
    sessionOptionsSchema().extend({
      oauth2Username: z.string().optional(),
      oauth2Password: z.string().optional(),
      authenticationBaseUrl: httpUrlSchema().optional(),
      authenticationSessionUrl: httpUrlSchema().optional(),
      authenticationPostdata: postdataSchema().optional(),
      proxyCookieName: z.string().min(1).optional(),
    }) satisfies z.ZodType<ProxySessionOptions>,
)
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE'])

/**
 * A {@link Session} logged in through a bitly oauth2_proxy, whose sign-in goes through the
 * provider's web login (GitHub): the counterpart of bitly-oauth2-proxy-session's `Session`, for
 * read-only service users without two-factor authentication (monitoring, scripts).
 *
 * With a user name and password it signs in before its first request (or use
 * {@link ProxySession.create}); otherwise call {@link ProxySession.authenticate}. A request
 * bounced to sign in later (the proxy expired its session) signs in again once: the proxy's own
 * sign-in page in place with HTTP 403, a 302 to `/oauth2/sign_in?rd=…` (nginx `auth_request`)
 * and the provider's login form are all recognised. An idempotent request is then retried once;
 * another is a {@link ProxyAuthenticationError} `session_expired`, to send again. The password can be set but never read back, and never appears in
 * `toJSON()`, `util.inspect`, errors or logs.
 *
 * @example
 * ```ts
 * import { ProxySession } from 'oauth-sessions'
 * const session = await ProxySession.create({
 *   oauth2Username: 'monitoring-bot', oauth2Password: process.env.BOT_PASSWORD,
 *   authenticationBaseUrl: 'https://dashboards.example.com/oauth2/start',
 * })
 * const page = await session.get('https://dashboards.example.com/status')
 * ```
 * @see bitly_oauth2_proxy_session.Session
 * @group Proxy
 */
export class ProxySession extends Session {
  #username: string | undefined
  #password: string | undefined
  #baseUrl: string | undefined
  #sessionUrl: string
  #postdata: Record<string, string>
  readonly #cookieName: string
  #authenticating: Promise<void> | undefined
  #authenticated = false

  constructor(options: ProxySessionOptions = {}) {
    options = parseOptions(proxySessionOptionsSchema(), options, new.target.name) as ProxySessionOptions
    super(splitOptions(options, proxySessionOptionsSchema()).sessionOptions)
    this.#username = options.oauth2Username
    this.#password = options.oauth2Password
    this.#baseUrl = options.authenticationBaseUrl
    this.#sessionUrl = options.authenticationSessionUrl ?? 'https://github.com/session'
    this.#postdata = { ...(options.authenticationPostdata ?? { commit: 'Sign in', utf8: '\u2713' }) }
    this.#cookieName = options.proxyCookieName ?? '_oauth2_proxy'
  }

  /** Makes a session and signs in at once, as the Python class does on construction. */
  static async create(options: ProxySessionOptions): Promise<ProxySession> {
    const session = new ProxySession(options)
    await session.authenticate()
    return session
  }

  /** The provider user name. */
  get oauth2Username(): string | undefined {
    return this.#username
  }

  /** Sets the provider user name. */
  set oauth2Username(value: string | undefined) {
    this.#username = value
  }

  /** Sets the provider password (it cannot be read back). */
  set oauth2Password(value: string | undefined) {
    this.#password = value
  }

  /** The proxy's start URL. */
  get authenticationBaseUrl(): string | undefined {
    return this.#baseUrl
  }

  /** Sets the proxy's start URL. */
  set authenticationBaseUrl(value: string | undefined) {
    this.#baseUrl = value
  }

  /** Where the login form posts. */
  get authenticationSessionUrl(): string {
    return this.#sessionUrl
  }

  /** Sets where the login form posts. */
  set authenticationSessionUrl(value: string) {
    this.#sessionUrl = value
  }

  /** Extra fields of the login POST. */
  get authenticationPostdata(): Readonly<Record<string, string>> {
    return { ...this.#postdata }
  }

  /** Sets the extra fields of the login POST. */
  set authenticationPostdata(value: Readonly<Record<string, string>>) {
    this.#postdata = { ...value }
  }

  /** bitly-oauth2-proxy-session's getter. */
  getOauth2Username(): string | undefined {
    return this.#username
  }

  /** bitly-oauth2-proxy-session's setter. */
  setOauth2Username(value: string | undefined): void {
    this.#username = value
  }

  /** bitly-oauth2-proxy-session's setter; there is no getter for the password. */
  setOauth2Password(value: string | undefined): void {
    this.#password = value
  }

  /** bitly-oauth2-proxy-session's getter. */
  getAuthenticationBaseUrl(): string | undefined {
    return this.#baseUrl
  }

  /** bitly-oauth2-proxy-session's setter. */
  setAuthenticationBaseUrl(value: string | undefined): void {
    this.#baseUrl = value
  }

  /** bitly-oauth2-proxy-session's getter. */
  getAuthenticationSessionUrl(): string {
    return this.#sessionUrl
  }

  /** bitly-oauth2-proxy-session's setter. */
  setAuthenticationSessionUrl(value: string): void {
    this.#sessionUrl = value
  }

  /** bitly-oauth2-proxy-session's getter. */
  getAuthenticationPostdata(): Readonly<Record<string, string>> {
    return this.authenticationPostdata
  }

  /** bitly-oauth2-proxy-session's setter. */
  setAuthenticationPostdata(value: Readonly<Record<string, string>>): void {
    this.authenticationPostdata = value
  }

  /**
   * Runs the sign-in dance: the proxy's start URL, the provider's login form (hidden fields read
   * with an HTML parser), the login POST, and the redirects back through the proxy's callback
   * until the proxy's cookie is set. Concurrent calls share one dance.
   *
   * @throws {@link ProxyAuthenticationError} saying which step failed and what to do
   */
  authenticate(): Promise<void> {
    this.#authenticating ??= this.#dance().finally(() => {
      this.#authenticating = undefined
    })
    return this.#authenticating
  }

  /** Sends a request, signing in first when needed and once more after a bounce to the sign-in page. */
  override async request(method: string, url: string | URL, options: RequestOptions = {}): Promise<Response> {
    // Checked here too: signing in is traffic, and an unknown option must fail before any.
    checkOptionKeys(requestOptionsSchema(), options, this.constructor.name, 'request')
    if (!this.#authenticated && this.#username !== undefined && this.#password !== undefined && this.#baseUrl !== undefined) await this.authenticate()
    const response = await super.request(method, url, options)
    if (!this.#authenticated || !(await this.#isSignInPage(response))) return response
    // The proxy's session ended (its cookie expired server-side): sign in once more.
    this.#authenticated = false
    await this.authenticate()
    if (IDEMPOTENT.has(method.toUpperCase())) return super.request(method, url, options)
    throw new ProxyAuthenticationError(
      'session_expired',
      `The proxy answered this ${method.toUpperCase()} with its sign-in page (HTTP ${response.status}): its session had expired. ` +
        'The session has signed in again; the request did not reach the site and is not repeated automatically, as it is not idempotent: send it again.',
    )
  }

  /** A summary without the password. */
  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      oauth2Username: this.#username,
      oauth2Password: this.#password === undefined ? undefined : '[redacted]',
      authenticationBaseUrl: this.#baseUrl,
      authenticationSessionUrl: this.#sessionUrl,
    }
  }

  /** @internal keeps the password out of `console.log` and `util.inspect`. */
  [Symbol.for('nodejs.util.inspect.custom')](): object {
    return { ProxySession: this.toJSON() }
  }

  async #dance(): Promise<void> {
    if (this.#username === undefined || this.#password === undefined || this.#baseUrl === undefined) {
      throw new ProxyAuthenticationError('missing_credentials', 'Set oauth2Username, oauth2Password and authenticationBaseUrl before authenticate().')
    }
    // Login pages and the sign-in answer are authorization answers: capped by maxTokenResponseSize.
    const baseUrl = this.#baseUrl
    const start = await underTokenCap(this, (cap) => super.request('GET', baseUrl, cap))
    const login = await this.#loginForm(start)
    if (login === undefined && this.#setProxyCookie(start)) {
      // The provider still knew the user: the proxy's callback set its cookie without a login.
      this.#authenticated = true
      return
    }
    if (login === undefined) {
      throw new ProxyAuthenticationError(
        'no_login_form',
        `The proxy start URL led to ${start.redactedUrl} (HTTP ${start.status}), which has no login form. Check authenticationBaseUrl.`,
      )
    }
    if (login.actionProblem !== undefined) {
      const action = this.#scrub(redactUrl(login.action), start)
      throw new ProxyAuthenticationError(
        'invalid_login_form',
        `The login page at ${start.redactedUrl} has a form whose action ${login.actionProblem} ("${action.length > 200 ? `${action.slice(0, 200)}…` : action}"), ` +
          'so it is not the provider login: the password is not sent. Check authenticationBaseUrl, and for a proxy or captive portal rewriting the page.',
      )
    }
    const data: Record<string, string> = Object.fromEntries(login.fields)
    Object.assign(data, this.#postdata, { login: this.#username, password: this.#password })
    // The password is in this body: 302/303 hops (a GET) go anywhere, a 307/308 only to the same origin.
    const result = await underTokenCap(this, (cap) => super.request('POST', this.#sessionUrl, withCredentialBody({ data, ...cap })))
    await this.#failIfStuck(result)
    if (!this.#setProxyCookie(result) || !(await this.#hasProxyCookie())) {
      throw new ProxyAuthenticationError(
        'no_proxy_cookie',
        `The sign-in ended at ${result.redactedUrl} (HTTP ${result.status}) without the proxy's ${this.#cookieName} cookie. Check the proxy's callback and cookie settings.`,
      )
    }
    this.#authenticated = true
  }

  async #failIfStuck(result: Response): Promise<void> {
    const page = await readHtmlPage(result.text, result.url)
    const names = new Set(page.forms.flatMap((form) => [...form.inputNames]))
    if (names.has('otp') || names.has('app_otp') || names.has('sms_otp') || /two-factor|verified-device|sessions\/verify/.test(pathOf(result.url))) {
      throw new ProxyAuthenticationError(
        'two_factor',
        'The provider asks for a two-factor or device verification code, which is not supported: use a service user without two-factor authentication.',
      )
    }
    if (names.has('password')) {
      const detail = page.errors[0] === undefined ? '' : ` (${this.#scrub(page.errors[0], result)})`
      throw new ProxyAuthenticationError('wrong_credentials', `The provider's login page came back${detail}: check oauth2Username and oauth2Password.`)
    }
    if (
      page.forms.some(
        (form) => /authorize/i.test(form.action) && (form.inputNames.has('authorize') || form.buttons.some((button) => /authorize/i.test(button))),
      )
    ) {
      throw new ProxyAuthenticationError(
        'needs_consent',
        'The provider asks a human to authorize the application: sign in once in a browser as this user and approve it, then retry.',
      )
    }
  }

  /** Page text without the password or a credential the request carried (the proxy's cookie): a hostile page may quote them. */
  #scrub(text: string, response: Response): string {
    const secrets = response.request.secretValues()
    if (this.#password !== undefined) secrets.add(this.#password)
    return scrubSecrets(text, secrets)
  }

  async #loginForm(response: Response): Promise<HtmlForm | undefined> {
    return (await readHtmlPage(response.text, response.url)).forms.find((form) => form.inputNames.has('password'))
  }

  /**
   * Whether a request was bounced to sign in, in any of the three shapes: the provider's login
   * form (reached through the proxy's start redirect, `--skip-provider-button`); the proxy's own
   * sign-in page rendered in place with HTTP 403 (its default mode); or the sign-in page at
   * `<prefix>/sign_in`, where nginx `auth_request` setups redirect (`302 /oauth2/sign_in?rd=…`).
   */
  async #isSignInPage(response: Response): Promise<boolean> {
    // Checked after every request: parse only HTML pages that mention a password or the start URL at all.
    const type = response.headers.get('content-type') ?? ''
    if (response.raw !== undefined || !type.includes('html')) return false
    const text = response.text
    const mayHoldLogin = text.includes('password')
    const [prefix, startPath] = this.#proxyPaths()
    const mayBeProxyPage = text.includes('/start') && (response.status === 403 || pathOf(response.url) === `${prefix}/sign_in`)
    if (!mayHoldLogin && !mayBeProxyPage) return false
    // One parse for both shapes.
    const { forms } = await readHtmlPage(text, response.url)
    return (
      (mayHoldLogin && forms.some((form) => form.inputNames.has('password'))) ||
      (mayBeProxyPage && forms.some((form) => form.inputNames.has('rd') && form.actionProblem === undefined && pathOf(form.action) === startPath))
    )
  }

  /** The proxy's prefix (`/oauth2`) and start path, from authenticationBaseUrl (oauth2_proxy's defaults without one). */
  #proxyPaths(): [string, string] {
    const startPath = this.#baseUrl !== undefined && URL.canParse(this.#baseUrl) ? pathOf(this.#baseUrl) : '/oauth2/start'
    const prefix = startPath.endsWith('/start') ? startPath.slice(0, -'/start'.length) : '/oauth2'
    return [prefix, startPath.endsWith('/start') ? startPath : `${prefix}/start`]
  }

  /** Whether a hop of this response's redirect chain set the proxy's session cookie. */
  #setProxyCookie(response: Response): boolean {
    return [...response.history, response].some((hop) => Object.keys(hop.cookies).some((name) => this.#isProxyCookie(name)))
  }

  #isProxyCookie(name: string): boolean {
    // oauth2_proxy splits a large session into `_oauth2_proxy_0`, `_1` ...; `_oauth2_proxy_csrf` is not a session.
    return name === this.#cookieName || new RegExp(`^${escapeRegExp(this.#cookieName)}_\\d+$`).test(name)
  }

  async #hasProxyCookie(): Promise<boolean> {
    if (this.#baseUrl === undefined) return false
    const cookies = await this.cookies.getCookies(this.#baseUrl)
    return cookies.some((cookie) => this.#isProxyCookie(cookie.key))
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** The path of a URL the Session reached (always absolute), without its query: a query is the server's to fill. */
function pathOf(url: string): string {
  return new URL(url).pathname
}

/** The HTML reader, imported with htmlparser2 by the first page a ProxySession reads. */
let htmlPage: Promise<typeof import('./html-page.js')> | undefined

async function readHtmlPage(html: string, pageUrl: string): Promise<HtmlPage> {
  const reader = await (htmlPage ??= import('./html-page.js'))
  return reader.readHtmlPage(html, pageUrl)
}
