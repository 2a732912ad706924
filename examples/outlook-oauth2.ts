/**
 * Outlook / Microsoft Graph, as requests-oauthlib's Outlook tutorial (Microsoft identity platform v2).
 *
 *   MS_CLIENT_ID=... MS_CLIENT_SECRET=... npx tsx examples/outlook-oauth2.ts
 */
import { createInterface } from 'node:readline/promises'
import { OAuth2Session } from '../lib/index.js'

const clientId = process.env.MS_CLIENT_ID
const clientSecret = process.env.MS_CLIENT_SECRET
if (!clientId || !clientSecret) {
  console.error('Set MS_CLIENT_ID and MS_CLIENT_SECRET (Entra ID > App registrations).')
  process.exit(1)
}
const authority = 'https://login.microsoftonline.com/common/oauth2/v2.0'

await using outlook = new OAuth2Session(clientId, { scope: ['openid', 'offline_access', 'Mail.Read'], redirectUri: 'https://localhost/callback', pkce: 'S256' })
const [authorizationUrl] = outlook.authorizationUrl(`${authority}/authorize`)
console.log('Please go here and authorize:', authorizationUrl)
const prompt = createInterface({ input: process.stdin, output: process.stdout })
const redirectResponse = (await prompt.question('Paste the full redirect URL here: ')).trim()
prompt.close()

// Microsoft answers with the scopes it granted, which may differ in form from those asked for.
await outlook.fetchToken(`${authority}/token`, { clientSecret, includeClientId: true, authorizationResponse: redirectResponse })
console.log((await outlook.get('https://graph.microsoft.com/v1.0/me/messages', { params: { $top: 5 } })).raiseForStatus().json())
