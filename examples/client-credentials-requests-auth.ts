/**
 * requests-auth's OAuth2ClientCredentials against the embedded sandbox (no credentials needed): the
 * strategy gets a token the first time a request needs one, shares it between concurrent requests,
 * and renews it when it expires. Point TOKEN_URL, CLIENT_ID, CLIENT_SECRET and API_URL at a real
 * provider to use it there.
 *
 *   npx tsx examples/client-credentials-requests-auth.ts
 */
import { OAuth2ClientCredentials, Session } from '../lib/index.js'
import { startSandbox } from '../lib/testing/index.js'

await using sandbox = await startSandbox()
const tokenUrl = process.env.TOKEN_URL ?? `${sandbox.oauth2.tokenUrl}?expires_in=40`
const apiUrl = process.env.API_URL ?? `${sandbox.oauth2.baseUrl}me`
const auth = new OAuth2ClientCredentials(tokenUrl, process.env.CLIENT_ID ?? sandbox.oauth2.clientId, process.env.CLIENT_SECRET ?? sandbox.oauth2.clientSecret, {
  scope: ['orders:read'],
  audience: 'api://orders',
  earlyExpiry: 30,
})

await using session = new Session({ auth })
const answers = await Promise.all([1, 2, 3].map(() => session.get(apiUrl)))
console.log(
  answers.map((answer) => answer.status),
  answers[0]?.json(),
)
console.log('one token for all three:', new Set(answers.map((answer) => answer.request.headers.get('authorization'))).size === 1)
