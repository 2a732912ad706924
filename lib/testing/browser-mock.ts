import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { setBrowserOpener, type BrowserOpener } from '../oauth2/requests-auth/browser-opener.js'
import { displaySettings } from '../oauth2/requests-auth/display-settings.js'
import { FRAGMENT_PAGE_MARKER } from '../oauth2/requests-auth/redirect-listener.js'

/**
 * One scripted browser answer for {@link BrowserMock.addResponse}.
 *
 * @example
 * ```ts
 * import { BrowserMock } from 'oauth-sessions/testing'
 * new BrowserMock().addResponse({ openedUrl: /^https:\/\/idp\.example\/authorize\?/, replyUrl: 'http://localhost:5000/#access_token=abc&state=...' })
 * ```
 * @group Testing
 */
export interface BrowserResponse {
  /** The URL the flow must open: exactly this string, a pattern, or a test. */
  openedUrl: string | RegExp | ((url: string) => boolean)
  /**
   * Where the browser then goes, as the provider would redirect it: usually the redirect URI with
   * the code or token (in the query, or in the fragment, which the mock sends back the way the
   * listener's page does in a real browser). A function gets the URL that was opened. Leave it
   * out (and `followRedirects` too) for a user who never finishes signing in.
   */
  replyUrl?: string | ((openedUrl: string) => string | Promise<string>)
  /** A form body to POST to `replyUrl` instead of a GET (requests-auth's `data`). */
  data?: string
  /**
   * Load the opened URL itself and follow the provider's redirects back to the listener, as a
   * browser would: for providers that approve without a page, such as the sandbox.
   */
  followRedirects?: boolean
}

const MAX_HOPS = 10

interface Page {
  status: number
  location: string | undefined
  body: string
}

/** One plain HTTP(S) GET or POST, as a browser sends it (no cookies kept, no redirects followed). */
function load(url: string, data?: string): Promise<Page> {
  const target = new URL(url)
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest
  const headers: Record<string, string> = { Accept: 'text/html', Host: target.host }
  if (data !== undefined) {
    headers['Content-Type'] = 'application/x-www-form-urlencoded'
    headers['Content-Length'] = String(Buffer.byteLength(data))
  }
  return new Promise((resolve, reject) => {
    const outgoing = send(
      {
        protocol: target.protocol,
        // The listener binds 127.0.0.1 for localhost: go there rather than to whatever localhost resolves to first.
        hostname: target.hostname === 'localhost' ? '127.0.0.1' : target.hostname.replace(/^\[|\]$/g, ''),
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: data === undefined ? 'GET' : 'POST',
        headers,
      },
      (incoming: IncomingMessage) => {
        const chunks: Buffer[] = []
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk))
        incoming.on('end', () =>
          resolve({ status: incoming.statusCode ?? 0, location: incoming.headers.location, body: Buffer.concat(chunks).toString('utf8') }),
        )
        incoming.on('error', reject)
      },
    )
    outgoing.on('error', reject)
    outgoing.end(data)
  })
}

/** What the listener's fragment page does in a real browser: the fragment becomes query parameters. */
function fragmentAsQuery(url: string): string {
  const target = new URL(url)
  const fragment = target.hash.slice(1)
  const search = target.search
  return `${target.origin}${target.pathname}${search ? `${search}&` : '?'}${fragment ? `${fragment}&` : ''}requests_auth_redirect=1`
}

/**
 * A browser tab opened by a flow under {@link BrowserMock}: check what the listener showed it.
 *
 * @example
 * ```ts
 * import { BrowserMock } from 'oauth-sessions/testing'
 * const tab = new BrowserMock().addResponse({ openedUrl: /authorize/, replyUrl: 'http://localhost:5000/?code=abc&state=...' })
 * await tab.assertSuccess()
 * ```
 * @group Testing
 */
export class BrowserTab {
  /** The URL the flow opened in this tab, once it did. */
  openedUrl: string | undefined
  /** The last page the tab displayed. */
  content: string | undefined
  /** Why the tab could not load a page, if it could not. */
  error: Error | undefined
  readonly #response: BrowserResponse
  #done: Promise<void> | undefined

  /** @internal created by {@link BrowserMock.addResponse} */
  constructor(response: BrowserResponse) {
    this.#response = response
  }

  /** @internal whether the flow may open `url` in this tab */
  matches(url: string): boolean {
    const expected = this.#response.openedUrl
    if (typeof expected === 'string') return expected === url
    if (expected instanceof RegExp) return expected.test(url)
    return expected(url)
  }

  /** @internal the flow opened the tab */
  start(url: string): void {
    this.openedUrl = url
    this.#done = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.#browse(url))
      .catch((error: unknown) => {
        this.error = error instanceof Error ? error : new Error(String(error))
      })
  }

  /** Waits until the tab stopped loading pages. */
  async settled(): Promise<void> {
    if (this.#done === undefined) throw new Error(`The browser was never opened at ${String(this.#response.openedUrl)}.`)
    await this.#done
  }

  /** Resolves when the listener showed this tab the success page of the current display settings. */
  async assertSuccess(): Promise<void> {
    await this.settled()
    if (this.error !== undefined) throw new Error(`The tab failed to load a page: ${this.error.message}`)
    if (this.content !== displaySettings().successPage()) throw new Error(`The tab did not show the success page; it showed:\n${this.content ?? '(nothing)'}`)
  }

  /** Resolves when the listener showed the failure page, containing `information` when given. */
  async assertFailure(information?: string): Promise<void> {
    await this.settled()
    if (this.error !== undefined) throw new Error(`The tab failed to load a page: ${this.error.message}`)
    const placeholder = '\u0000'
    const [prefix = '', suffix = ''] = displaySettings().failurePage(placeholder).split(placeholder)
    const content = this.content ?? ''
    if (!content.startsWith(prefix) || !content.endsWith(suffix))
      throw new Error(`The tab did not show the failure page; it showed:\n${content || '(nothing)'}`)
    if (information !== undefined && !content.includes(information)) throw new Error(`The failure page does not say "${information}"; it showed:\n${content}`)
  }

  async #browse(opened: string): Promise<void> {
    const response = this.#response
    let next: string | undefined
    let data = response.data
    if (response.followRedirects) next = opened
    else if (typeof response.replyUrl === 'function') next = await response.replyUrl(opened)
    else next = response.replyUrl
    for (let hop = 0; next !== undefined && hop < MAX_HOPS; hop++) {
      const page = await load(next, data)
      data = undefined
      this.content = page.body
      if (page.status >= 300 && page.status < 400 && page.location !== undefined) {
        next = new URL(page.location, next).href
      } else if (page.body.includes(FRAGMENT_PAGE_MARKER)) {
        next = fragmentAsQuery(next)
      } else next = undefined
    }
  }
}

/**
 * The counterpart of requests-auth's `browser_mock` fixture: stands in for the system browser so
 * the browser flows run in tests, with the real redirect listener answering over HTTP.
 * `install()` makes it the process-wide opener; `restore()` puts the previous one back and
 * checks that every scripted tab was opened.
 *
 * @example
 * ```ts
 * import { OAuth2Implicit, Session } from 'oauth-sessions'
 * import { BrowserMock, createToken } from 'oauth-sessions/testing'
 * const browser = new BrowserMock().install()
 * const auth = new OAuth2Implicit('https://idp.example/authorize', { client_id: 'app' })
 * const token = createToken(new Date(Date.now() + 3_600_000))
 * const tab = browser.addResponse({ openedUrl: auth.grantUrl, replyUrl: `http://localhost:5000#access_token=${token}&state=${auth.flowState}` })
 * // ... code that sends a request with `auth` ...
 * await tab.assertSuccess()
 * browser.restore()
 * ```
 * @see requests_auth.testing.BrowserMock
 * @group Testing
 */
export class BrowserMock {
  readonly #tabs: BrowserTab[] = []
  #previous: BrowserOpener | undefined

  /** The opener to hand to {@link setBrowserOpener} (what `install()` does). */
  readonly open: BrowserOpener = (url: string) => {
    const tab = this.#tabs.find((candidate) => candidate.openedUrl === undefined && candidate.matches(url))
    if (tab === undefined) throw new Error(`The browser was not expected to open ${url}. Add a response for it with addResponse({ openedUrl, replyUrl }).`)
    tab.start(url)
  }

  /** Scripts the next time the flow opens a URL matching `openedUrl`; returns the tab to check. */
  addResponse(response: BrowserResponse): BrowserTab {
    const tab = new BrowserTab(response)
    this.#tabs.push(tab)
    return tab
  }

  /** Makes this mock the browser of every flow in the process. */
  install(): this {
    this.#previous = setBrowserOpener(this.open)
    return this
  }

  /** Puts the previous browser back; throws when a scripted tab was never opened. */
  restore(): void {
    if (this.#previous !== undefined) setBrowserOpener(this.#previous)
    this.#previous = undefined
    const unopened = this.#tabs.filter((tab) => tab.openedUrl === undefined)
    if (unopened.length > 0) throw new Error(`${unopened.length} scripted browser response(s) were never opened.`)
  }
}
