/**
 * The client credentials grant (requests-oauthlib's "Backend Application Flow"), for service
 * accounts: the token renews itself when it expires, with the same audience.
 *
 *   TOKEN_URL=... CLIENT_ID=... CLIENT_SECRET=... API_URL=... [AUDIENCE=...] npx tsx examples/client-credentials-oauth2.ts
 */
import { BackendApplicationClient, OAuth2Session } from '../lib/index.js'

const { TOKEN_URL, CLIENT_ID, CLIENT_SECRET, API_URL, AUDIENCE } = process.env
if (!TOKEN_URL || !CLIENT_ID || !CLIENT_SECRET || !API_URL) {
  console.error('Set TOKEN_URL, CLIENT_ID, CLIENT_SECRET and API_URL (and AUDIENCE if your provider wants one).')
  process.exit(1)
}

await using session = new OAuth2Session(undefined, {
  client: new BackendApplicationClient(CLIENT_ID),
  clientSecret: CLIENT_SECRET,
  tokenUpdater: (token) => console.log('renewed, expires at', token.expires_at),
})
await session.fetchToken(TOKEN_URL, AUDIENCE ? { audience: AUDIENCE } : {})
console.log((await session.get(API_URL)).raiseForStatus().json())
