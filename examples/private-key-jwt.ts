/**
 * The client credentials grant with private_key_jwt client authentication (RFC 7523 §2.2, OpenID
 * Connect Core §9): no client secret, the client signs a short-lived JWT with its private key for
 * every token request, and the provider verifies it with the public key registered for the client.
 * The session renews its token when it expires, with a fresh assertion each time.
 *
 *   TOKEN_URL=... CLIENT_ID=... PRIVATE_KEY_FILE=key.pem [KEY_ID=...] [ISSUER=...] API_URL=... npx tsx examples/private-key-jwt.ts
 *
 * PRIVATE_KEY_FILE holds a PEM (PKCS #8, PKCS #1 or SEC1) or a private JWK as JSON. With ISSUER,
 * the assertion's aud is the issuer; without it, the token endpoint.
 */
import { readFileSync } from 'node:fs'
import { BackendApplicationClient, OAuth2Session } from '../lib/index.js'

const { TOKEN_URL, CLIENT_ID, PRIVATE_KEY_FILE, KEY_ID, ISSUER, API_URL } = process.env
if (!TOKEN_URL || !CLIENT_ID || !PRIVATE_KEY_FILE || !API_URL) {
  console.error('Set TOKEN_URL, CLIENT_ID, PRIVATE_KEY_FILE and API_URL (and KEY_ID, ISSUER if your provider wants them).')
  process.exit(1)
}

const text = readFileSync(PRIVATE_KEY_FILE, 'utf8')
await using session = new OAuth2Session(undefined, {
  client: new BackendApplicationClient(CLIENT_ID),
  clientAuth: 'private_key_jwt',
  clientAssertionKey: text.trimStart().startsWith('{') ? JSON.parse(text) : text,
  ...(KEY_ID ? { clientAssertionKid: KEY_ID } : {}),
  ...(ISSUER ? { issuer: ISSUER } : {}),
  tokenUpdater: (token) => console.log('renewed, expires at', token.expires_at),
})
const token = await session.fetchToken(TOKEN_URL)
console.log(`Got a ${token.token_type} token for ${CLIENT_ID}, expires in ${token.expires_in} s`)
console.log((await session.get(API_URL)).raiseForStatus().json())
