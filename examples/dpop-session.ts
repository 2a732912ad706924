/**
 * A DPoP-bound session (RFC 9449): the token is bound to a key pair made for the session, so a
 * stolen token is useless without the key. Every token request carries a DPoP proof, every API
 * request `Authorization: DPoP <token>` and a proof with the token's hash; a server that asks for
 * a nonce (`use_dpop_nonce`) gets one retry with it. The key goes with the token into the store.
 *
 *   TOKEN_URL=... CLIENT_ID=... CLIENT_SECRET=... API_URL=... npx tsx examples/dpop-session.ts
 *
 * Against the sandbox (npx tsx examples/demo.ts prints its URLs): TOKEN_URL=<tokenUrl>?dpop=nonce.
 */
import { BackendApplicationClient, MemoryTokenStore, OAuth2Session } from '../lib/index.js'

const { TOKEN_URL, CLIENT_ID, CLIENT_SECRET, API_URL } = process.env
if (!TOKEN_URL || !CLIENT_ID || !CLIENT_SECRET || !API_URL) {
  console.error('Set TOKEN_URL, CLIENT_ID, CLIENT_SECRET and API_URL.')
  process.exit(1)
}

// A FileTokenStore or RedisTokenStore in real life; wrap it in an EncryptedTokenStore, as the
// stored token now carries its private key (dpop_jwk).
const tokenStore = new MemoryTokenStore()
await using session = new OAuth2Session(undefined, {
  client: new BackendApplicationClient(CLIENT_ID),
  clientSecret: CLIENT_SECRET,
  dpop: true, // or { privateKey, alg: 'ES256' } with a key of your own
  tokenStore,
  autoRefreshUrl: TOKEN_URL, // part of the token's key in the store
})
const token = await session.fetchToken(TOKEN_URL)
console.log(`token_type ${token.token_type}, bound to a key: ${token.dpop_jwk !== undefined}`)
console.log((await session.get(API_URL)).raiseForStatus().json())

// Another session (another process, with the same store) uses the same token and the same key.
await using peer = new OAuth2Session(undefined, {
  client: new BackendApplicationClient(CLIENT_ID),
  clientSecret: CLIENT_SECRET,
  dpop: true,
  tokenStore,
  autoRefreshUrl: TOKEN_URL,
})
console.log('peer:', (await peer.get(API_URL)).raiseForStatus().status)
console.log('session:', String(session))
