/**
 * requests-auth's OktaAuthorizationCodePKCE: the first request opens your browser at Okta, the code
 * comes back to http://localhost:5000/ (register that redirect URI for the app), and the token is
 * cached in a file so the next run does not open the browser again.
 *
 *   OKTA_INSTANCE=dev-123.okta.com OKTA_CLIENT_ID=... API_URL=https://... npx tsx examples/okta-pkce-requests-auth.ts
 */
import { JsonTokenFileCache, OktaAuthorizationCodePKCE, Session, setTokenCache } from '../lib/index.js'

const { OKTA_INSTANCE, OKTA_CLIENT_ID, API_URL } = process.env
if (!OKTA_INSTANCE || !OKTA_CLIENT_ID) {
  console.error('Set OKTA_INSTANCE (such as dev-123.okta.com) and OKTA_CLIENT_ID (a SPA or native app with PKCE); API_URL defaults to the userinfo endpoint.')
  process.exit(1)
}

setTokenCache(new JsonTokenFileCache('.okta-tokens.json'))
const okta = new OktaAuthorizationCodePKCE(OKTA_INSTANCE, OKTA_CLIENT_ID, { scope: ['openid', 'profile', 'offline_access'] })

await using session = new Session({ auth: okta })
const answer = await session.get(API_URL ?? `https://${OKTA_INSTANCE}/oauth2/default/v1/userinfo`)
console.log(answer.raiseForStatus().json())
