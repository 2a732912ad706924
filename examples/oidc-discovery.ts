/**
 * Discovery (RFC 8414, OpenID Connect Discovery) against any OpenID Connect issuer, then the
 * authorization code grant with PKCE: no endpoint is written here, they all come from the
 * issuer's metadata document.
 *
 *   OIDC_ISSUER=https://accounts.google.com OIDC_CLIENT_ID=... [OIDC_CLIENT_SECRET=...] \
 *   [OIDC_REDIRECT_URI=http://localhost:8080/callback] npx tsx examples/oidc-discovery.ts
 *
 * The issuer is compared with the document's `issuer` exactly, trailing slash included. What it
 * looks like at a few providers:
 *   Google       https://accounts.google.com
 *   Entra ID     https://login.microsoftonline.com/<tenant-id>/v2.0 (your tenant's id: the
 *                `common` and `organizations` documents name a `{tenantid}` placeholder as their
 *                issuer, which no exact compare accepts)
 *   Okta         https://<your-org>.okta.com/oauth2/default (a custom authorization server), or
 *                https://<your-org>.okta.com (the org authorization server)
 *   Auth0        https://<tenant>.auth0.com/ (with the trailing slash)
 *   Keycloak     https://<host>/realms/<realm>
 *
 * Register the redirect URI with the provider first. A public client (no secret) is fine at
 * Okta and Entra ID with PKCE; Google wants the secret of its "Desktop app" clients too.
 * OIDC_USERINFO_URL overrides the discovered userinfo endpoint.
 */
import { createInterface } from 'node:readline/promises'
import { OAuth2Session } from '../lib/index.js'

const { OIDC_ISSUER: issuer, OIDC_CLIENT_ID: clientId, OIDC_CLIENT_SECRET: clientSecret } = process.env
if (!issuer || !clientId) {
  console.error('Set OIDC_ISSUER (such as https://accounts.google.com) and OIDC_CLIENT_ID (and OIDC_CLIENT_SECRET for a confidential client).')
  process.exit(1)
}
const redirectUri = process.env.OIDC_REDIRECT_URI ?? 'http://localhost:8080/callback'

// Fetches the metadata (RFC 8414's well-known URL first, then OpenID Connect's), checks its
// issuer, and keeps it: authorizationUrl() and fetchToken() take their endpoints from it, and the
// RFC 9207 `iss` of the callback is checked against the issuer.
await using session = await OAuth2Session.discover(issuer, clientId, {
  redirectUri,
  scope: ['openid', 'profile', 'email'],
  ...(clientSecret ? { clientSecret } : {}),
})
const metadata = session.metadata
console.log(`Discovered ${metadata?.issuer}`)
for (const field of ['authorization_endpoint', 'token_endpoint', 'userinfo_endpoint', 'revocation_endpoint', 'code_challenge_methods_supported'] as const) {
  console.log(`  ${field}: ${JSON.stringify(metadata?.[field] ?? null)}`)
}

// PKCE S256 is on by default: the URL carries code_challenge, fetchToken sends the verifier.
const [authorizationUrl] = session.authorizationUrl()
console.log('Please go here and authorize:', authorizationUrl)
const prompt = createInterface({ input: process.stdin, output: process.stdout })
const redirectResponse = (await prompt.question('Paste the full redirect URL here: ')).trim()
prompt.close()

// No token URL: it is the discovered token_endpoint.
const token = await session.fetchToken({ authorizationResponse: redirectResponse })
console.log(`Signed in; the token has ${Object.keys(token).sort().join(', ')}`)

const userinfoUrl = process.env.OIDC_USERINFO_URL ?? metadata?.userinfo_endpoint
if (userinfoUrl !== undefined) console.log((await session.get(userinfoUrl)).raiseForStatus().json())
