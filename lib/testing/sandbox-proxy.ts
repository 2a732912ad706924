import { randomBytes } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { parseCookies } from './sandbox-replies.js'

/**
 * The sandbox's oauth2_proxy-like gate and its fake GitHub-style provider login.
 *
 * @example
 * ```ts
 * import { ProxySession } from 'oauth-sessions'
 * import { startSandbox } from 'oauth-sessions/testing'
 * const sandbox = await startSandbox()
 * const session = await ProxySession.create({
 *   oauth2Username: sandbox.proxy.username, oauth2Password: sandbox.proxy.password,
 *   authenticationBaseUrl: sandbox.proxy.startUrl, authenticationSessionUrl: sandbox.proxy.sessionUrl,
 * })
 * ```
 * @group Testing
 */
export interface SandboxProxy {
  /** The proxy's start URL (`/site/oauth2/start`). */
  startUrl: string
  /** Where the provider's login form posts (`/gh/session`). */
  sessionUrl: string
  /**
   * The protected site: any path below it needs the proxy's cookie (JSON, or HTML for `*.html`).
   * Without one, the request is redirected to the start URL (oauth2_proxy with `--skip-provider-button`),
   * and on to the provider's login form.
   */
  siteUrl: string
  /**
   * The same site in oauth2_proxy's default mode: without a valid cookie, the proxy's own sign-in
   * page is rendered in place with HTTP 403, a form to the start URL carrying a hidden `rd`.
   */
  signInPageSiteUrl: string
  /**
   * The same site behind nginx `auth_request`: without a valid cookie, a 302 to
   * {@link SandboxProxy.signInUrl} with `?rd=` the page asked for.
   */
  authRequestSiteUrl: string
  /** The proxy's sign-in page (`/site/oauth2/sign_in`), HTTP 200, as oauth2_proxy serves it. */
  signInUrl: string
  /** POST here to expire every proxy and provider session (the next request is bounced to sign in). */
  expireUrl: string
  /** A user who signs in. */
  username: string
  /** That user's password. */
  password: string
  /** A user whose sign-in asks for a two-factor code. */
  twoFactorUsername: string
  /** A user for whom the provider asks a human to authorize the application. */
  consentUsername: string
}

const USERS: Readonly<Record<string, string>> = {
  'sandbox-bot': 'sandbox-bot-password',
  'sandbox-2fa': 'sandbox-2fa-password',
  'sandbox-consent': 'sandbox-consent-password',
}

/**
 * Handles `/gh/*` (the provider) and `/site/*` (the proxy gate).
 *
 * @internal
 */
export class SandboxProxyGate {
  readonly #formTokens = new Set<string>()
  readonly #providerSessions = new Map<string, string>()
  readonly #codes = new Map<string, string>()
  readonly #proxySessions = new Set<string>()

  handleProvider(request: IncomingMessage, response: ServerResponse, url: URL, route: string, body: string): void {
    const cookies = parseCookies(request.headers.cookie)
    if (route === 'login') return this.#loginPage(response, url.searchParams.get('return_to') ?? '/', undefined)
    if (route === 'session' && request.method === 'POST') return this.#session(response, new URLSearchParams(body))
    if (route === 'sessions/two-factor')
      return html(
        response,
        200,
        '<form action="/gh/sessions/two-factor" method="post"><input name="app_otp" autocomplete="one-time-code"><button type="submit">Verify</button></form>',
      )
    if (route === 'login/oauth/authorize') {
      const user = this.#providerSessions.get(cookies.gh_session ?? '')
      if (user === undefined) return redirect(response, `/gh/login?return_to=${encodeURIComponent(url.pathname + url.search)}`)
      if (user === 'sandbox-consent') {
        return html(
          response,
          200,
          `<form action="/gh/login/oauth/authorize" method="post"><input type="hidden" name="client_id" value="proxy"><button type="submit" name="authorize" value="1">Authorize sandbox-proxy</button></form>`,
        )
      }
      const code = token()
      this.#codes.set(code, user)
      const target = new URL(url.searchParams.get('redirect_uri') ?? '/')
      target.searchParams.set('code', code)
      target.searchParams.set('state', url.searchParams.get('state') ?? '')
      return redirect(response, target.href)
    }
    html(response, 404, '<p>Not found</p>')
  }

  handleSite(request: IncomingMessage, response: ServerResponse, url: URL, route: string, origin: string): void {
    const cookies = parseCookies(request.headers.cookie)
    if (route === 'oauth2/start') {
      const csrf = token()
      const state = `${csrf}:${url.searchParams.get('rd') ?? '/site/'}`
      const authorize = `/gh/login/oauth/authorize?client_id=proxy&redirect_uri=${encodeURIComponent(`${origin}/site/oauth2/callback`)}&state=${encodeURIComponent(state)}`
      return redirect(response, authorize, [`_oauth2_proxy_csrf=${csrf}; Path=/; HttpOnly`])
    }
    if (route === 'oauth2/callback') {
      const [csrf, rd] = splitOnce(url.searchParams.get('state') ?? '', ':')
      const user = this.#codes.get(url.searchParams.get('code') ?? '')
      this.#codes.delete(url.searchParams.get('code') ?? '')
      if (user === undefined || csrf !== cookies._oauth2_proxy_csrf) return html(response, 403, '<p>Invalid authentication via OAuth2</p>')
      const session = token()
      this.#proxySessions.add(session)
      return redirect(response, rd || '/site/', [`_oauth2_proxy=${session}; Path=/; HttpOnly`, '_oauth2_proxy_csrf=; Path=/; Max-Age=0'])
    }
    if (route === 'oauth2/sign_in') return signInPage(response, 200, url.searchParams.get('rd') ?? '/site/')
    if (route === 'oauth2/expire' && request.method === 'POST') {
      this.#proxySessions.clear()
      this.#providerSessions.clear()
      response.writeHead(204).end()
      return
    }
    if (!this.#proxySessions.has(cookies._oauth2_proxy ?? '')) {
      const rd = url.pathname + url.search
      // oauth2_proxy's default mode renders its sign-in page in place; nginx auth_request sends the browser to it.
      if (/^sign-in-page(\/|$)/.test(route)) return signInPage(response, 403, rd)
      if (/^auth-request(\/|$)/.test(route)) return redirect(response, `/site/oauth2/sign_in?rd=${encodeURIComponent(rd)}`)
      return redirect(response, `/site/oauth2/start?rd=${encodeURIComponent(rd)}`)
    }
    if (url.pathname.endsWith('.html')) return html(response, 200, `<h1>Protected</h1><p>${escapeHtml(url.pathname)}</p>`)
    response.writeHead(200, { 'Content-Type': 'application/json' })
    response.end(JSON.stringify({ protected: true, path: url.pathname }))
  }

  #loginPage(response: ServerResponse, returnTo: string, error: string | undefined): void {
    const formToken = token()
    this.#formTokens.add(formToken)
    const flash = error === undefined ? '' : `<div class="flash flash-error">${error}</div>`
    html(
      response,
      200,
      `${flash}<form action="/gh/session" method="post">` +
        `<input type="hidden" name="authenticity_token" value="${formToken}">` +
        `<input type="hidden" name="return_to" value="${escapeHtml(returnTo)}">` +
        '<input type="text" name="login"><input type="password" name="password">' +
        '<input type="submit" name="commit" value="Sign in"></form>',
    )
  }

  #session(response: ServerResponse, form: URLSearchParams): void {
    const formToken = form.get('authenticity_token') ?? ''
    if (!this.#formTokens.delete(formToken)) return html(response, 422, '<p>Invalid authenticity token</p>')
    const login = form.get('login') ?? ''
    const returnTo = form.get('return_to') ?? '/'
    if (USERS[login] === undefined || USERS[login] !== form.get('password')) return this.#loginPage(response, returnTo, 'Incorrect username or password.')
    if (login === 'sandbox-2fa') return redirect(response, '/gh/sessions/two-factor')
    const session = token()
    this.#providerSessions.set(session, login)
    redirect(response, returnTo, [`gh_session=${session}; Path=/gh; HttpOnly`])
  }
}

/** The users of the proxy gate, for the `proxy` description of a running sandbox. @internal */
export const SANDBOX_PROXY_USERS = {
  username: 'sandbox-bot',
  password: USERS['sandbox-bot'] as string,
  twoFactorUsername: 'sandbox-2fa',
  consentUsername: 'sandbox-consent',
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator)
  return at === -1 ? [text, ''] : [text.slice(0, at), text.slice(at + 1)]
}

function token(): string {
  return randomBytes(18).toString('base64url')
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')
}

function redirect(response: ServerResponse, location: string, cookies: string[] = []): void {
  response.writeHead(302, { Location: location, 'Content-Type': 'text/html', ...(cookies.length > 0 ? { 'Set-Cookie': cookies } : {}) })
  response.end(`<a href="${escapeHtml(location)}">Found</a>`)
}

/** oauth2_proxy's sign-in page (its sign_in.html): a GET form to the start URL with the page to return to in `rd`. */
function signInPage(response: ServerResponse, status: number, rd: string): void {
  html(
    response,
    status,
    '<section class="section"><div class="box block sign-in-box has-text-centered">' +
      '<form method="GET" action="/site/oauth2/start">' +
      `<input type="hidden" name="rd" value="${escapeHtml(rd)}">` +
      '<button type="submit" class="button block is-primary">Sign in with GitHub</button></form></div></section>' +
      '<footer class="footer"><p>Secured with OAuth2 Proxy</p></footer>',
  )
}

function html(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8' })
  response.end(`<!doctype html><html><body>${body}</body></html>`)
}
