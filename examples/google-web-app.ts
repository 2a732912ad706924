/**
 * requests-oauthlib's "Refreshing tokens in OAuth 2" web app (Flask and Google), ported to
 * node:http: `/` sends the browser to the provider for an offline (refreshable) grant, `/callback`
 * exchanges the code in a second OAuth2Session built from the saved state and PKCE verifier,
 * `/menu` lists what to do next, `/profile` reads the user, `/automatic_refresh` forces an expiry
 * and lets the session refresh on its own, `/manual_refresh` calls refreshToken.
 *
 *   npx tsx examples/google-web-app.ts            # against the embedded sandbox, no credentials
 *   GOOGLE_CLIENT_ID=... GOOGLE_CLIENT_SECRET=... npx tsx examples/google-web-app.ts
 *
 * then open http://127.0.0.1:5000/ (or PORT) (register http://127.0.0.1:5000/callback as a redirect URI of
 * the Google OAuth client). The tutorial's `/validate` calls Google's tokeninfo endpoint with a
 * plain GET; the sandbox has none, so it is left out.
 */
import { pathToFileURL } from 'node:url'
import { OAuth2Session, type OAuth2Token } from '../lib/index.js'
import { CookieSessions } from './cookie-sessions.js'
import { redirect, type RunningWebApp, runWebAppExample, sendJson, sendText, startWebApp, type WebAppConfig } from './web-app-server.js'

/** The provider and client of the Google web app (Google's URLs by default). */
export interface GoogleWebAppConfig extends WebAppConfig {
  /** Where tokens are refreshed: the token URL for Google, not for every provider. */
  refreshUrl?: string
}

const SCOPE = ['https://www.googleapis.com/auth/userinfo.email', 'https://www.googleapis.com/auth/userinfo.profile']

/** Starts the web app; its callback URL is `<url>/callback`. */
export function startGoogleWebApp(config: GoogleWebAppConfig): Promise<RunningWebApp> {
  const { clientId, clientSecret } = config
  const authorizationBaseUrl = config.authorizationBaseUrl ?? 'https://accounts.google.com/o/oauth2/auth'
  const tokenUrl = config.tokenUrl ?? 'https://oauth2.googleapis.com/token'
  const refreshUrl = config.refreshUrl ?? tokenUrl
  const profileUrl = config.profileUrl ?? 'https://www.googleapis.com/oauth2/v1/userinfo'
  const sessions = new CookieSessions()
  return startWebApp(
    (origin) => {
      const redirectUri = `${origin}/callback`
      return {
        // Step 1: user authorization, asking for a refresh token.
        '/': (request, response) => {
          const google = new OAuth2Session(clientId, { scope: SCOPE, redirectUri })
          // offline for a refresh token; prompt=consent makes the user click authorize every time
          // (the tutorial's approval_prompt=force, which Google has retired).
          const [authorizationUrl, state] = google.authorizationUrl(authorizationBaseUrl, undefined, { access_type: 'offline', prompt: 'consent' })
          Object.assign(sessions.of(request, response), { oauthState: state, codeVerifier: google.codeVerifier })
          redirect(response, authorizationUrl)
        },
        // Step 3: retrieving an access token in a new session, with the saved state and verifier.
        '/callback': async (request, response, url) => {
          const saved = sessions.of(request, response)
          if (saved.oauthState === undefined) return sendText(response, 400, 'No login in progress: start at /.')
          await using google = new OAuth2Session(clientId, { scope: SCOPE, redirectUri, state: saved.oauthState, codeVerifier: saved.codeVerifier })
          const token = await google.fetchToken(tokenUrl, { clientSecret, authorizationResponse: url.href })
          // The session store is a simple database for this example.
          Object.assign(saved, { oauthState: undefined, codeVerifier: undefined, oauthToken: token })
          redirect(response, '/menu')
        },
        '/menu': (request, response) => {
          if (sessions.of(request, response).oauthToken === undefined) return redirect(response, '/')
          sendText(
            response,
            200,
            `<h1>Congratulations, you have obtained an OAuth 2 token!</h1>
<h2>What would you like to do next?</h2>
<ul>
  <li><a href="/profile">Get account profile</a></li>
  <li><a href="/automatic_refresh">Implicitly refresh the token</a></li>
  <li><a href="/manual_refresh">Explicitly refresh the token</a></li>
</ul>`,
            'text/html',
          )
        },
        '/profile': async (request, response) => {
          const token = sessions.of(request, response).oauthToken
          if (token === undefined) return redirect(response, '/')
          await using google = new OAuth2Session(clientId, { token: token as OAuth2Token })
          sendJson(response, (await google.get(profileUrl)).raiseForStatus().json())
        },
        // Refreshing with the refresh token, on its own: force an expiry, and the next request refreshes first.
        '/automatic_refresh': async (request, response) => {
          const saved = sessions.of(request, response)
          if (saved.oauthToken === undefined) return redirect(response, '/')
          const token = { ...(saved.oauthToken as OAuth2Token), expires_at: Date.now() / 1000 - 10 }
          await using google = new OAuth2Session(clientId, {
            token,
            autoRefreshKwargs: { client_id: clientId, client_secret: clientSecret },
            autoRefreshUrl: refreshUrl,
            tokenUpdater: (fresh) => {
              saved.oauthToken = fresh
            },
          })
          ;(await google.get(profileUrl)).raiseForStatus()
          sendJson(response, saved.oauthToken)
        },
        // Refreshing explicitly.
        '/manual_refresh': async (request, response) => {
          const saved = sessions.of(request, response)
          if (saved.oauthToken === undefined) return redirect(response, '/')
          await using google = new OAuth2Session(clientId, { token: saved.oauthToken as OAuth2Token })
          saved.oauthToken = await google.refreshToken(refreshUrl, { client_id: clientId, client_secret: clientSecret })
          sendJson(response, saved.oauthToken)
        },
      }
    },
    { port: config.port ?? 0 },
  )
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await runWebAppExample(startGoogleWebApp, { clientId: 'GOOGLE_CLIENT_ID', clientSecret: 'GOOGLE_CLIENT_SECRET', sandboxProfilePath: 'userinfo' })
}
