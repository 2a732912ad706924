/**
 * Logout: revoke the tokens at the provider (RFC 7009), then forget them. The endpoints come from
 * the provider's discovery document; introspection (RFC 7662) then confirms the token is dead.
 *
 *   OAUTH2_ISSUER=https://idp.example.com OAUTH2_CLIENT_ID=... OAUTH2_CLIENT_SECRET=... \
 *   OAUTH2_ACCESS_TOKEN=... OAUTH2_REFRESH_TOKEN=... npx tsx examples/logout.ts
 */
import { OAuth2Session } from '../lib/index.js'

const { OAUTH2_ISSUER: issuer, OAUTH2_CLIENT_ID: clientId, OAUTH2_CLIENT_SECRET: clientSecret } = process.env
const { OAUTH2_ACCESS_TOKEN: accessToken, OAUTH2_REFRESH_TOKEN: refreshToken } = process.env
if (!issuer || !clientId || !clientSecret || !accessToken) {
  console.error('Set OAUTH2_ISSUER, OAUTH2_CLIENT_ID, OAUTH2_CLIENT_SECRET and OAUTH2_ACCESS_TOKEN (and OAUTH2_REFRESH_TOKEN if you have one).')
  process.exit(1)
}

await using session = await OAuth2Session.discover(issuer, clientId, {
  clientSecret,
  token: { access_token: accessToken, token_type: 'Bearer', ...(refreshToken ? { refresh_token: refreshToken } : {}) },
})
// Revokes the refresh token (and the access token), then forgets them: session.token becomes {}.
await session.revokeToken()
console.log('Logged out; the session holds', JSON.stringify(session.token))
const info = await session.introspectToken(accessToken)
console.log(`The old access token is ${info.active ? 'still active' : 'inactive'}.`)
