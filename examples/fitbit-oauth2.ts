/**
 * Fitbit's code flow with PKCE and its compliance fix, written in the style of requests-oauthlib's
 * tutorials. requests-oauthlib's own Fitbit tutorial is the mobile (implicit) flow: examples/fitbit-implicit-oauth2.ts.
 *
 *   FITBIT_CLIENT_ID=... FITBIT_CLIENT_SECRET=... npx tsx examples/fitbit-oauth2.ts
 */
import { createInterface } from 'node:readline/promises'
import { OAuth2Session } from '../lib/index.js'
import { fitbitComplianceFix } from '../lib/compliance.js'

const clientId = process.env.FITBIT_CLIENT_ID
const clientSecret = process.env.FITBIT_CLIENT_SECRET
if (!clientId || !clientSecret) {
  console.error('Set FITBIT_CLIENT_ID and FITBIT_CLIENT_SECRET (dev.fitbit.com > Manage > Register an app).')
  process.exit(1)
}

await using fitbit = fitbitComplianceFix(
  new OAuth2Session(clientId, { scope: ['profile', 'activity'], redirectUri: 'https://localhost/callback', pkce: 'S256' }),
)
const [authorizationUrl] = fitbit.authorizationUrl('https://www.fitbit.com/oauth2/authorize')
console.log('Please go here and authorize:', authorizationUrl)
const prompt = createInterface({ input: process.stdin, output: process.stdout })
const redirectResponse = (await prompt.question('Paste the full redirect URL here: ')).trim()
prompt.close()

await fitbit.fetchToken('https://api.fitbit.com/oauth2/token', { clientSecret, authorizationResponse: redirectResponse })
console.log((await fitbit.get('https://api.fitbit.com/1/user/-/profile.json')).raiseForStatus().json())
