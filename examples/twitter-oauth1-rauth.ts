/**
 * Twitter/X with OAuth 1.0a, written as a rauth script would be (PIN-based "oob" flow).
 *
 *   TWITTER_CONSUMER_KEY=... TWITTER_CONSUMER_SECRET=... npx tsx examples/twitter-oauth1-rauth.ts
 *
 * Python original (rauth docs):
 *   twitter = OAuth1Service(name='twitter', consumer_key=..., consumer_secret=..., request_token_url=..., ...)
 *   request_token, request_token_secret = twitter.get_request_token(params={'oauth_callback': 'oob'})
 *   session = twitter.get_auth_session(request_token, request_token_secret, method='POST', data={'oauth_verifier': pin})
 */
import { createInterface } from 'node:readline/promises'
import { OAuth1Service } from '../lib/index.js'

const consumerKey = process.env.TWITTER_CONSUMER_KEY
const consumerSecret = process.env.TWITTER_CONSUMER_SECRET
if (!consumerKey || !consumerSecret) {
  console.error('Set TWITTER_CONSUMER_KEY and TWITTER_CONSUMER_SECRET (from the X developer portal).')
  process.exit(1)
}

await using twitter = new OAuth1Service({
  name: 'twitter',
  consumerKey,
  consumerSecret,
  requestTokenUrl: 'https://api.twitter.com/oauth/request_token',
  accessTokenUrl: 'https://api.twitter.com/oauth/access_token',
  authorizeUrl: 'https://api.twitter.com/oauth/authorize',
  baseUrl: 'https://api.twitter.com/1.1/',
})

const [requestToken, requestTokenSecret] = await twitter.getRequestToken('POST', { params: { oauth_callback: 'oob' } })
console.log(`Visit this URL in your browser: ${twitter.getAuthorizeUrl(requestToken)}`)
const prompt = createInterface({ input: process.stdin, output: process.stdout })
const pin = (await prompt.question('Enter PIN from browser: ')).trim()
prompt.close()

const session = await twitter.getAuthSession(requestToken, requestTokenSecret, 'POST', { data: { oauth_verifier: pin } })
const response = await session.get('account/verify_credentials.json', { params: { include_email: 'false' } })
response.raiseForStatus()
console.log(`Signed in as @${response.json<{ screen_name: string }>().screen_name}`)
