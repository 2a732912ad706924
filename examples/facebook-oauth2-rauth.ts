/**
 * rauth's Facebook usage snippet: an OAuth2Service for Facebook, the authorization URL, then
 * `getAuthSession` with the code and redirect URI, and a call to `me`.
 *
 *   FACEBOOK_CLIENT_ID=... FACEBOOK_CLIENT_SECRET=... npx tsx examples/facebook-oauth2-rauth.ts
 *
 * FACEBOOK_GRAPH_URL (default https://graph.facebook.com/) points it elsewhere, such as the
 * embedded sandbox's Facebook paths (`oauth-sessions/testing`, `sandbox.oauth2.facebookUrl`).
 *
 * Python original (rauth docs):
 *   facebook = OAuth2Service(client_id=..., client_secret=..., name='facebook',
 *       authorize_url='https://graph.facebook.com/oauth/authorize',
 *       access_token_url='https://graph.facebook.com/oauth/access_token',
 *       base_url='https://graph.facebook.com/')
 *   url = facebook.get_authorize_url(**params)
 *   session = facebook.get_auth_session(data={'code': 'foo', 'redirect_uri': redirect_uri})
 *   print session.get('me').json()['username']
 */
import { createInterface } from 'node:readline/promises'
import { OAuth2Service } from '../lib/index.js'

const clientId = process.env.FACEBOOK_CLIENT_ID
const clientSecret = process.env.FACEBOOK_CLIENT_SECRET
if (!clientId || !clientSecret) {
  console.error('Set FACEBOOK_CLIENT_ID and FACEBOOK_CLIENT_SECRET (Meta for Developers > your app > App settings > Basic).')
  process.exit(1)
}
const graph = process.env.FACEBOOK_GRAPH_URL ?? 'https://graph.facebook.com/'

// rauth's keyword arguments are one options object.
await using facebook = new OAuth2Service({
  clientId,
  clientSecret,
  name: 'facebook',
  authorizeUrl: `${graph}oauth/authorize`,
  accessTokenUrl: `${graph}oauth/access_token`,
  baseUrl: graph,
})

// `get_authorize_url(**params)` takes the parameters as one object. rauth's snippet asks for
// read_stream, which Facebook has retired; `email` is a scope it still grants.
const redirectUri = 'https://www.facebook.com/connect/login_success.html'
const params = { scope: 'email', response_type: 'code', redirect_uri: redirectUri }
console.log('Please go here and authorize:', facebook.getAuthorizeUrl(params))

// The code is returned upon the redirect from the authorize step (hint: it's in the URL!).
const prompt = createInterface({ input: process.stdin, output: process.stdout })
const redirectResponse = (await prompt.question('Paste the full redirect URL here: ')).trim()
prompt.close()
const code = new URL(redirectResponse).searchParams.get('code')
if (code === null) {
  console.error('That URL has no code parameter: was access denied?')
  process.exit(1)
}

// rauth's `method` has a default, so the options object may come first.
const session = await facebook.getAuthSession({ data: { code, redirect_uri: redirectUri } })

// Graph API v2.0 retired `username`: print the whole answer.
console.log((await session.get('me')).raiseForStatus().json())
