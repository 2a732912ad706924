/**
 * A Bitbucket-style OAuth 1.0a API (Bitbucket Server / Jira Server "application links" sign with
 * RSA-SHA1), with tokens you already have, as requests-oauthlib's OAuth1 auth object:
 *
 *   API_BASE=https://jira.example.com CONSUMER_KEY=... RSA_KEY_FILE=./private.pem \
 *   ACCESS_TOKEN=... npx tsx examples/bitbucket-style-oauth1-auth.ts
 *
 * Python original:
 *   auth = OAuth1(consumer_key, signature_method=SIGNATURE_RSA, rsa_key=key, resource_owner_key=token)
 *   requests.get(f'{base}/rest/api/2/myself', auth=auth)
 */
import { readFileSync } from 'node:fs'
import got from 'got'
import { authHooks, OAuth1Auth, Session } from '../lib/index.js'

const { API_BASE, CONSUMER_KEY, RSA_KEY_FILE, ACCESS_TOKEN } = process.env
if (!API_BASE || !CONSUMER_KEY || !RSA_KEY_FILE || !ACCESS_TOKEN) {
  console.error('Set API_BASE, CONSUMER_KEY, RSA_KEY_FILE and ACCESS_TOKEN.')
  process.exit(1)
}

const auth = new OAuth1Auth(CONSUMER_KEY, {
  signatureMethod: 'RSA-SHA1',
  rsaKey: readFileSync(RSA_KEY_FILE),
  resourceOwnerKey: ACCESS_TOKEN,
})

// With a Session (cookies, keep-alive, redirects re-signed per hop) ...
await using session = new Session({ auth, baseUrl: `${API_BASE}/` })
const me = await session.get('rest/api/2/myself')
if (me.status === 401) console.error('Refused; we signed:', auth.explainSignature(me.request).baseString)
console.log(me.raiseForStatus().json())

// ... or with plain got, the counterpart of requests.get(url, auth=auth).
const client = got.extend(authHooks(auth))
console.log(await client(`${API_BASE}/rest/api/2/serverInfo`).json())
