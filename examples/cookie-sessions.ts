/**
 * Flask's `session` for the web-app examples: a random id in an HttpOnly cookie, the data kept
 * server-side in memory (Flask signs the data into the cookie instead; use your framework's session
 * store in a real app). Shared by github-web-app.ts and google-web-app.ts.
 */
import { randomBytes } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'

/** What the examples keep per browser, as the Flask tutorial keeps it in `session[...]`. */
export interface WebAppSessionData {
  oauthState?: string
  /** The PKCE verifier of the authorization URL: the callback's OAuth2Session needs it with the state. */
  codeVerifier?: string | undefined
  oauthToken?: Record<string, unknown>
}

const COOKIE = 'webapp_session'

/** Per-browser session data keyed by an unguessable cookie. */
export class CookieSessions {
  readonly #sessions = new Map<string, WebAppSessionData>()

  /** The data of the browser that sent `request`, created (with its cookie on `response`) when it has none. */
  of(request: IncomingMessage, response: ServerResponse): WebAppSessionData {
    const id = cookieValue(request.headers.cookie, COOKIE)
    const known = id === undefined ? undefined : this.#sessions.get(id)
    if (known !== undefined) return known
    const created: WebAppSessionData = {}
    const fresh = randomBytes(24).toString('base64url')
    this.#sessions.set(fresh, created)
    response.setHeader('Set-Cookie', `${COOKIE}=${fresh}; HttpOnly; SameSite=Lax; Path=/`)
    return created
  }
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=')
    if (key === name) return value.join('=')
  }
  return undefined
}
