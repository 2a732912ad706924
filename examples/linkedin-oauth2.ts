/**
 * LinkedIn, as requests-oauthlib's LinkedIn tutorial, with its compliance fix.
 *
 *   LINKEDIN_CLIENT_ID=... LINKEDIN_CLIENT_SECRET=... npx tsx examples/linkedin-oauth2.ts
 */
import { createInterface } from 'node:readline/promises'
import { OAuth2Session } from '../lib/index.js'
import { linkedinComplianceFix } from '../lib/compliance.js'

const clientId = process.env.LINKEDIN_CLIENT_ID
const clientSecret = process.env.LINKEDIN_CLIENT_SECRET
if (!clientId || !clientSecret) {
  console.error('Set LINKEDIN_CLIENT_ID and LINKEDIN_CLIENT_SECRET (LinkedIn Developers > your app).')
  process.exit(1)
}

await using linkedin = linkedinComplianceFix(new OAuth2Session(clientId, { redirectUri: 'https://127.0.0.1/callback', scope: ['openid', 'profile', 'email'] }))
const [authorizationUrl] = linkedin.authorizationUrl('https://www.linkedin.com/oauth/v2/authorization')
console.log('Please go here and authorize:', authorizationUrl)
const prompt = createInterface({ input: process.stdin, output: process.stdout })
const redirectResponse = (await prompt.question('Paste the full redirect URL here: ')).trim()
prompt.close()

await linkedin.fetchToken('https://www.linkedin.com/oauth/v2/accessToken', { clientSecret, includeClientId: true, authorizationResponse: redirectResponse })
console.log((await linkedin.get('https://api.linkedin.com/v2/userinfo')).raiseForStatus().json())
