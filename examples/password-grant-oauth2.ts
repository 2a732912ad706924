/**
 * The resource owner password credentials grant (requests-oauthlib's "Legacy Application Flow").
 *
 *   TOKEN_URL=... CLIENT_ID=... CLIENT_SECRET=... OAUTH_USERNAME=... OAUTH_PASSWORD=... API_URL=... npx tsx examples/password-grant-oauth2.ts
 */
import { LegacyApplicationClient, OAuth2Session } from '../lib/index.js'

const { TOKEN_URL, CLIENT_ID, CLIENT_SECRET, OAUTH_USERNAME, OAUTH_PASSWORD, API_URL } = process.env
if (!TOKEN_URL || !CLIENT_ID || !OAUTH_USERNAME || !OAUTH_PASSWORD || !API_URL) {
  console.error('Set TOKEN_URL, CLIENT_ID, CLIENT_SECRET, OAUTH_USERNAME, OAUTH_PASSWORD and API_URL.')
  process.exit(1)
}

await using session = new OAuth2Session(undefined, { client: new LegacyApplicationClient(CLIENT_ID) })
await session.fetchToken(TOKEN_URL, { username: OAUTH_USERNAME, password: OAUTH_PASSWORD, clientSecret: CLIENT_SECRET })
console.log((await session.get(API_URL)).raiseForStatus().json())
