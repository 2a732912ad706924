/**
 * Tumblr with OAuth 1.0a, written as a requests-oauthlib script would be.
 *
 *   TUMBLR_CONSUMER_KEY=... TUMBLR_CONSUMER_SECRET=... npx tsx examples/tumblr-oauth1-requests-oauthlib.ts
 *
 * Python original (requests-oauthlib docs):
 *   tumblr = OAuth1Session(key, client_secret=secret, callback_uri='http://www.tumblr.com/dashboard')
 *   tumblr.fetch_request_token(request_token_url)
 *   print(tumblr.authorization_url(authorization_base_url))
 *   tumblr.parse_authorization_response(redirect_response)
 *   tumblr.fetch_access_token(access_token_url)
 *   tumblr.get('http://api.tumblr.com/v2/user/info')
 */
import { createInterface } from 'node:readline/promises'
import { OAuth1Session } from '../lib/index.js'

const key = process.env.TUMBLR_CONSUMER_KEY
const secret = process.env.TUMBLR_CONSUMER_SECRET
if (!key || !secret) {
  console.error('Set TUMBLR_CONSUMER_KEY and TUMBLR_CONSUMER_SECRET (from https://www.tumblr.com/oauth/apps).')
  process.exit(1)
}

await using tumblr = new OAuth1Session(key, undefined, undefined, undefined, {
  clientSecret: secret,
  callbackUri: 'http://www.tumblr.com/dashboard',
})

await tumblr.fetchRequestToken('https://www.tumblr.com/oauth/request_token')
console.log('Please go here and authorize:', tumblr.authorizationUrl('https://www.tumblr.com/oauth/authorize'))
const prompt = createInterface({ input: process.stdin, output: process.stdout })
const redirectResponse = (await prompt.question('Paste the full redirect URL here: ')).trim()
prompt.close()
tumblr.parseAuthorizationResponse(redirectResponse)
await tumblr.fetchAccessToken('https://www.tumblr.com/oauth/access_token')

const info = await tumblr.get('https://api.tumblr.com/v2/user/info')
console.log(info.raiseForStatus().json())
