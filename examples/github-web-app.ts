/**
 * requests-oauthlib's "Web App Example of OAuth 2 web application flow" (Flask and GitHub), ported
 * to node:http: `/` sends the browser to the provider, `/callback` exchanges the code in a second
 * OAuth2Session built from the saved state and PKCE verifier, `/profile` reads the user with the
 * saved token in a third.
 *
 *   npx tsx examples/github-web-app.ts            # against the embedded sandbox, no credentials
 *   GITHUB_CLIENT_ID=... GITHUB_CLIENT_SECRET=... npx tsx examples/github-web-app.ts
 *
 * then open http://127.0.0.1:5000/ (or PORT) (register http://127.0.0.1:5000/callback as the GitHub app's
 * callback URL). Plain http is fine on loopback; elsewhere OAuth2Session insists on https (set
 * OAUTHLIB_INSECURE_TRANSPORT=1 only for local testing, as the tutorial says).
 */
import { pathToFileURL } from 'node:url'
import { OAuth2Session, type OAuth2Token } from '../lib/index.js'
import { CookieSessions } from './cookie-sessions.js'
import { redirect, type RunningWebApp, runWebAppExample, sendJson, sendText, startWebApp, type WebAppConfig } from './web-app-server.js'

/** The provider and client of the GitHub web app (GitHub's URLs by default). */
export type GitHubWebAppConfig = WebAppConfig

/** Starts the web app; its callback URL is `<url>/callback`. */
export function startGitHubWebApp(config: GitHubWebAppConfig): Promise<RunningWebApp> {
  const { clientId, clientSecret } = config
  const authorizationBaseUrl = config.authorizationBaseUrl ?? 'https://github.com/login/oauth/authorize'
  const tokenUrl = config.tokenUrl ?? 'https://github.com/login/oauth/access_token'
  const profileUrl = config.profileUrl ?? 'https://api.github.com/user'
  const sessions = new CookieSessions()
  return startWebApp(
    (origin) => {
      // GitHub's redirect_uri is optional, but the tutorial's note applies: pass it when the provider wants it.
      const redirectUri = `${origin}/callback`
      return {
        // Step 1: user authorization. Redirect the user to the provider with a state (and a PKCE challenge).
        '/': (request, response) => {
          const github = new OAuth2Session(clientId, { redirectUri })
          const [authorizationUrl, state] = github.authorizationUrl(authorizationBaseUrl)
          // State is used to prevent CSRF, keep this for later; the PKCE verifier goes with it.
          Object.assign(sessions.of(request, response), { oauthState: state, codeVerifier: github.codeVerifier })
          redirect(response, authorizationUrl)
        },
        // Step 2 happens on the provider. Step 3: the provider redirected back with a code; exchange it.
        '/callback': async (request, response, url) => {
          const saved = sessions.of(request, response)
          if (saved.oauthState === undefined) return sendText(response, 400, 'No login in progress: start at /.')
          await using github = new OAuth2Session(clientId, { redirectUri, state: saved.oauthState, codeVerifier: saved.codeVerifier })
          const token = await github.fetchToken(tokenUrl, { clientSecret, authorizationResponse: url.href })
          // Save the token and show how it is used from a persisted token in /profile.
          Object.assign(saved, { oauthState: undefined, codeVerifier: undefined, oauthToken: token })
          redirect(response, '/profile')
        },
        // Fetching a protected resource with the saved token.
        '/profile': async (request, response) => {
          const token = sessions.of(request, response).oauthToken
          if (token === undefined) return redirect(response, '/')
          await using github = new OAuth2Session(clientId, { token: token as OAuth2Token })
          sendJson(response, (await github.get(profileUrl)).raiseForStatus().json())
        },
      }
    },
    { port: config.port ?? 0 },
  )
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await runWebAppExample(startGitHubWebApp, { clientId: 'GITHUB_CLIENT_ID', clientSecret: 'GITHUB_CLIENT_SECRET', sandboxProfilePath: 'user' })
}
