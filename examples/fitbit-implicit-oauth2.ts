/**
 * requests-oauthlib's Fitbit tutorial (the mobile application flow, OAuth 2's implicit grant): the
 * access token comes back in the redirect's fragment, with no client secret and no token request.
 * Register a client application with a callback URL at dev.fitbit.com and have its client ID handy.
 *
 *   FITBIT_CLIENT_ID=... [FITBIT_REDIRECT_URI=...] npx tsx examples/fitbit-implicit-oauth2.ts
 *
 * Fitbit uses the application's registered callback URL when FITBIT_REDIRECT_URI is left out.
 * FITBIT_AUTHORIZATION_URL and FITBIT_API_URL point it elsewhere, such as the embedded sandbox
 * (`oauth-sessions/testing`). For a server-side app, use the code flow with PKCE
 * (examples/fitbit-oauth2.ts): Fitbit recommends it over the implicit grant.
 *
 * Python original:
 *   client = MobileApplicationClient(client_id)
 *   fitbit = OAuth2Session(client_id, client=client, scope=scope)
 *   auth_url, state = fitbit.authorization_url("https://www.fitbit.com/oauth2/authorize")
 *   fitbit.token_from_fragment(callback_url)
 *   token = fitbit['token']
 *   r = fitbit.get('https://api.fitbit.com/1/user/-/sleep/goal.json')
 */
import { createInterface } from 'node:readline/promises'
import { MobileApplicationClient, OAuth2Session } from '../lib/index.js'

// Your client ID and scope: the scope must match the one you asked for when you set up the application.
const clientId = process.env.FITBIT_CLIENT_ID
if (!clientId) {
  console.error('Set FITBIT_CLIENT_ID (dev.fitbit.com > Manage > Register an app, OAuth 2.0 application type "Client").')
  process.exit(1)
}
const scope = ['activity', 'heartrate', 'location', 'nutrition', 'profile', 'settings', 'sleep', 'social', 'weight']
const authorizationBaseUrl = process.env.FITBIT_AUTHORIZATION_URL ?? 'https://www.fitbit.com/oauth2/authorize'
const apiUrl = process.env.FITBIT_API_URL ?? 'https://api.fitbit.com/1/user/-/sleep/goal.json'
const redirectUri = process.env.FITBIT_REDIRECT_URI

// Initialise the client: MobileApplicationClient asks for response_type=token.
const client = new MobileApplicationClient(clientId)
await using fitbit = new OAuth2Session(clientId, { client, scope, ...(redirectUri ? { redirectUri } : {}) })

// Grab the URL for Fitbit's authorization page; the tuple stays a tuple.
const [authUrl] = fitbit.authorizationUrl(authorizationBaseUrl)
console.log(`Visit this page in your browser: ${authUrl}`)

// After you approve, Fitbit redirects to the callback URL; the token is in its fragment.
const prompt = createInterface({ input: process.stdin, output: process.stdout })
const callbackUrl = (await prompt.question('Paste URL you get back here: ')).trim()
prompt.close()

// Extract the token from the URL (the state is checked too).
fitbit.tokenFromFragment(callbackUrl)

// Store the token for later if you like (Python's `fitbit['token']` is `fitbit.token`); expires_at is in seconds.
const token = fitbit.token
console.log('token expires at', new Date((token.expires_at ?? 0) * 1000).toISOString())

// Now call the API as normal.
const r = await fitbit.get(apiUrl)
console.log(r.raiseForStatus().json())
