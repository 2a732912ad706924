/**
 * requests-oauthlib's Bitbucket OAuth 1 tutorial, line by line: a request token, the user's
 * approval, the verifier from the redirect, an access token, then the user profile.
 *
 *   BITBUCKET_KEY=... BITBUCKET_SECRET=... npx tsx examples/bitbucket-oauth1.ts
 *
 * Bitbucket Cloud has since retired its 1.0 API (its OAuth 2 flow is examples/bitbucket-oauth2.ts);
 * the dance is the same for any OAuth 1.0a provider. BITBUCKET_REQUEST_TOKEN_URL,
 * BITBUCKET_AUTHORIZATION_URL, BITBUCKET_ACCESS_TOKEN_URL and BITBUCKET_USER_URL point it elsewhere,
 * such as the embedded sandbox (`oauth-sessions/testing`).
 *
 * Python original:
 *   bitbucket = OAuth1Session(key, client_secret=secret, callback_uri='http://127.0.0.1/cb')
 *   bitbucket.fetch_request_token(request_token_url)
 *   authorization_url = bitbucket.authorization_url(authorization_base_url)
 *   bitbucket.parse_authorization_response(redirect_response)
 *   bitbucket.fetch_access_token(access_token_url)
 *   r = bitbucket.get('https://bitbucket.org/api/1.0/user')
 */
import { createInterface } from 'node:readline/promises'
import { OAuth1Session } from '../lib/index.js'

// Credentials you get from adding a new consumer in Bitbucket (workspace settings > OAuth consumers).
const key = process.env.BITBUCKET_KEY
const secret = process.env.BITBUCKET_SECRET
if (!key || !secret) {
  console.error('Set BITBUCKET_KEY and BITBUCKET_SECRET (workspace settings > OAuth consumers).')
  process.exit(1)
}

// OAuth endpoints given in the Bitbucket API documentation.
const requestTokenUrl = process.env.BITBUCKET_REQUEST_TOKEN_URL ?? 'https://bitbucket.org/!api/1.0/oauth/request_token'
const authorizationBaseUrl = process.env.BITBUCKET_AUTHORIZATION_URL ?? 'https://bitbucket.org/!api/1.0/oauth/authenticate'
const accessTokenUrl = process.env.BITBUCKET_ACCESS_TOKEN_URL ?? 'https://bitbucket.org/!api/1.0/oauth/access_token'
const userUrl = process.env.BITBUCKET_USER_URL ?? 'https://bitbucket.org/api/1.0/user'

// 2. Fetch a request token. Python's keyword arguments are the options object after the four positionals.
await using bitbucket = new OAuth1Session(key, secret, undefined, undefined, { callbackUri: 'http://127.0.0.1/cb' })
await bitbucket.fetchRequestToken(requestTokenUrl)

// 3. Redirect the user to Bitbucket for authorization.
console.log('Please go here and authorize:', bitbucket.authorizationUrl(authorizationBaseUrl))

// 4. Get the authorization verifier code from the callback URL.
const prompt = createInterface({ input: process.stdin, output: process.stdout })
const redirectResponse = (await prompt.question('Paste the full redirect URL here: ')).trim()
prompt.close()
bitbucket.parseAuthorizationResponse(redirectResponse)

// 5. Fetch the access token.
await bitbucket.fetchAccessToken(accessTokenUrl)

// 6. Fetch a protected resource, i.e. the user profile.
const r = await bitbucket.get(userUrl)
console.log(r.raiseForStatus().text)
