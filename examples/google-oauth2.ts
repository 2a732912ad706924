/**
 * Google, as requests-oauthlib's Google tutorial: offline access (a refresh token), a consent
 * prompt, then an automatic refresh saved by tokenUpdater.
 *
 *   GOOGLE_CLIENT_ID=... GOOGLE_CLIENT_SECRET=... npx tsx examples/google-oauth2.ts
 */
import { createInterface } from 'node:readline/promises'
import { OAuth2Session } from '../lib/index.js'

const clientId = process.env.GOOGLE_CLIENT_ID
const clientSecret = process.env.GOOGLE_CLIENT_SECRET
if (!clientId || !clientSecret) {
  console.error('Set GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET (Google Cloud console > Credentials).')
  process.exit(1)
}
const tokenUrl = 'https://oauth2.googleapis.com/token'

await using google = new OAuth2Session(clientId, {
  scope: ['openid', 'https://www.googleapis.com/auth/userinfo.email', 'https://www.googleapis.com/auth/userinfo.profile'],
  redirectUri: 'https://localhost/callback',
  pkce: 'S256',
  autoRefreshUrl: tokenUrl,
  autoRefreshKwargs: { client_id: clientId, client_secret: clientSecret },
  tokenUpdater: (token) => console.log('Save this refreshed token:', Object.keys(token)),
})
const [authorizationUrl] = google.authorizationUrl('https://accounts.google.com/o/oauth2/v2/auth', undefined, {
  access_type: 'offline',
  prompt: 'select_account',
})
console.log('Please go here and authorize:', authorizationUrl)
const prompt = createInterface({ input: process.stdin, output: process.stdout })
const redirectResponse = (await prompt.question('Paste the full redirect URL here: ')).trim()
prompt.close()

await google.fetchToken(tokenUrl, { clientSecret, authorizationResponse: redirectResponse })
console.log((await google.get('https://www.googleapis.com/oauth2/v1/userinfo')).raiseForStatus().json())
