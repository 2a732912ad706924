/**
 * requests-oauth2's Facebook snippet: a handler with Facebook's paths, the authorization URL, the
 * code exchanged with `getToken`, then a plain Session that sends the access token as a parameter.
 *
 *   FACEBOOK_CLIENT_ID=... FACEBOOK_CLIENT_SECRET=... npx tsx examples/facebook-requests-oauth2.ts
 *
 * FACEBOOK_WWW_URL (default https://www.facebook.com/, where the dialog lives) and FACEBOOK_GRAPH_URL
 * (default https://graph.facebook.com/, the token endpoint and the API) point it elsewhere, such as
 * the embedded sandbox's Facebook paths (`oauth-sessions/testing`, `sandbox.oauth2.facebookUrl`).
 *
 * Python original (requests-oauth2 README):
 *   oauth2_handler = OAuth2(client_id, client_secret, site, redirect_uri, "dialog/oauth", "oauth/access_token")
 *   authorization_url = oauth2_handler.authorize_url('email')
 *   oauth2_handler.site = "https://graph.facebook.com/"   # the token site differs from the consent site
 *   response = oauth2_handler.get_token(code)
 *   oauth2_client = requests.session(params={'access_token': response['access_token']})
 */
import { createInterface } from 'node:readline/promises'
import { OAuth2, Session } from '../lib/index.js'

const clientId = process.env.FACEBOOK_CLIENT_ID
const clientSecret = process.env.FACEBOOK_CLIENT_SECRET
if (!clientId || !clientSecret) {
  console.error('Set FACEBOOK_CLIENT_ID and FACEBOOK_CLIENT_SECRET (Meta for Developers > your app > App settings > Basic).')
  process.exit(1)
}
const www = process.env.FACEBOOK_WWW_URL ?? 'https://www.facebook.com/'
const graph = process.env.FACEBOOK_GRAPH_URL ?? 'https://graph.facebook.com/'
const redirectUri = 'https://www.facebook.com/connect/login_success.html'

// requests-oauth2's six positional arguments, as its README writes them.
const oauth2Handler = new OAuth2(clientId, clientSecret, www, redirectUri, 'dialog/oauth', 'oauth/access_token')
try {
  console.log('Please go here and authorize:', oauth2Handler.authorizeUrl('email'))

  // After consent the user is redirected to redirect_uri?code=...: parse the code out of it.
  const prompt = createInterface({ input: process.stdin, output: process.stdout })
  const redirectResponse = (await prompt.question('Paste the full redirect URL here: ')).trim()
  prompt.close()
  const code = new URL(redirectResponse).searchParams.get('code')
  if (code === null) throw new Error('That URL has no code parameter: was access denied?')

  // The token endpoint is on another site than the consent dialog: change the site in between.
  oauth2Handler.site = graph
  // As in Python, the answer is whatever the provider sent (or null), and a provider error does not throw.
  const response = await oauth2Handler.getToken(code)
  // A JSON answer gives a string; a form answer gives lists, as Python's parse_qs.
  const given = response?.access_token
  const accessToken = Array.isArray(given) ? given[0] : given
  if (typeof accessToken !== 'string') throw new Error(`No access_token in the answer; it had: ${Object.keys(response ?? {}).join(', ') || 'nothing'}`)

  // requests.session(params={'access_token': ...}): every request carries the token as a parameter.
  await using oauth2Client = new Session({ baseUrl: graph, params: { access_token: accessToken } })
  console.log((await oauth2Client.get('me')).raiseForStatus().json())
} finally {
  await oauth2Handler.close()
}
