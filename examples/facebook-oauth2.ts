/**
 * Facebook, as requests-oauthlib's Facebook tutorial, with its compliance fix.
 *
 *   FACEBOOK_CLIENT_ID=... FACEBOOK_CLIENT_SECRET=... npx tsx examples/facebook-oauth2.ts
 */
import { createInterface } from 'node:readline/promises'
import { OAuth2Session } from '../lib/index.js'
import { facebookComplianceFix } from '../lib/compliance.js'

const clientId = process.env.FACEBOOK_CLIENT_ID
const clientSecret = process.env.FACEBOOK_CLIENT_SECRET
if (!clientId || !clientSecret) {
  console.error('Set FACEBOOK_CLIENT_ID and FACEBOOK_CLIENT_SECRET (Meta for Developers > your app).')
  process.exit(1)
}

await using facebook = facebookComplianceFix(new OAuth2Session(clientId, { redirectUri: 'https://localhost/' }))
const [authorizationUrl] = facebook.authorizationUrl('https://www.facebook.com/dialog/oauth')
console.log('Please go here and authorize:', authorizationUrl)
const prompt = createInterface({ input: process.stdin, output: process.stdout })
const redirectResponse = (await prompt.question('Paste the full redirect URL here: ')).trim()
prompt.close()

await facebook.fetchToken('https://graph.facebook.com/oauth/access_token', { clientSecret, authorizationResponse: redirectResponse })
console.log((await facebook.get('https://graph.facebook.com/me?')).raiseForStatus().json())
