/**
 * "Sign in with Google": OpenID Connect with discovery, PKCE and a nonce, then the claims of the
 * validated ID token (who signed in) and Google's UserInfo.
 *
 *   GOOGLE_CLIENT_ID=... GOOGLE_CLIENT_SECRET=... [GOOGLE_REDIRECT_URI=http://localhost:8080/callback] \
 *   npx tsx examples/sign-in-with-google.ts
 *
 * The issuer is https://accounts.google.com (GOOGLE_ISSUER overrides it, for a test provider).
 * Create an OAuth client of type "Desktop app" (or "Web application" with the redirect URI
 * registered) at https://console.cloud.google.com/apis/credentials.
 *
 * What the session does for you, without a line here:
 *   - discovery: the endpoints, the issuer's JWKS and its signing algorithms come from
 *     https://accounts.google.com/.well-known/openid-configuration;
 *   - the authorization URL carries state, a PKCE S256 challenge and a fresh nonce (scope openid);
 *   - the ID token of the token response is validated before the token is kept (OpenID Connect
 *     Core §3.1.3.7): its RS256 signature with Google's keys (fetched through the session, cached,
 *     fetched again once when Google rotates them), iss, aud (this client id), azp, exp and iat
 *     (60 s of clock skew), and the nonce; a failure is an IdTokenValidationError;
 *   - session.userinfo() checks that UserInfo speaks of the same `sub`.
 */
import { createInterface } from 'node:readline/promises'
import { IdTokenValidationError, OAuth2Session } from '../lib/index.js'

const { GOOGLE_CLIENT_ID: clientId, GOOGLE_CLIENT_SECRET: clientSecret } = process.env
if (!clientId) {
  console.error('Set GOOGLE_CLIENT_ID (and GOOGLE_CLIENT_SECRET: Google wants it for Desktop app clients too).')
  process.exit(1)
}
const issuer = process.env.GOOGLE_ISSUER ?? 'https://accounts.google.com'
const redirectUri = process.env.GOOGLE_REDIRECT_URI ?? 'http://localhost:8080/callback'

await using google = await OAuth2Session.discover(issuer, clientId, {
  redirectUri,
  scope: ['openid', 'email', 'profile'],
  ...(clientSecret ? { clientSecret } : {}),
})

// state, code_challenge (S256) and nonce are all in the URL; the session keeps what it must check.
const [authorizationUrl] = google.authorizationUrl(undefined, undefined, { prompt: 'select_account' })
console.log('Please go here and authorize:', authorizationUrl)
console.log(`(nonce sent: ${google.nonce === undefined ? 'none' : 'yes'})`)
const prompt = createInterface({ input: process.stdin, output: process.stdout })
const redirectResponse = (await prompt.question('Paste the full redirect URL here: ')).trim()
prompt.close()

try {
  await google.fetchToken({ authorizationResponse: redirectResponse })
} catch (error) {
  if (error instanceof IdTokenValidationError) {
    console.error(`Google's ID token was refused (${error.claim}: ${error.reason}); nothing was kept.`)
    process.exit(1)
  }
  throw error
}

// The verified claims: who signed in, according to Google's signature.
const claims = google.idTokenClaims
if (claims === undefined) throw new Error('no ID token came back: is openid in the scope?')
console.log(`Signed in as ${claims.sub} (${String(claims.email ?? 'no email')}), issued by ${claims.iss} for ${String(claims.aud)}`)
console.log(`The ID token expires at ${new Date(claims.exp * 1000).toISOString()}; its nonce matched the one sent.`)

// UserInfo, with the access token; its sub must be the ID token's.
const profile = await google.userinfo()
console.log('UserInfo:', JSON.stringify(profile))
