/**
 * A script with no browser logs in as GitHub's CLI does, with the requests-auth style
 * GitHubDeviceCode strategy: the first request prints a code and a URL on stderr (stdout stays the
 * script's own output), waits until the code was entered there, then goes out with the token. Later
 * requests use the cached token; at the end it logs out when the provider can revoke.
 *
 *   GITHUB_CLIENT_ID=... npx tsx examples/github-device-login.ts > me.json
 *
 * Enable "Device Flow" in the app's settings first. GITHUB_CLIENT_SECRET (optional: a GitHub App's
 * secret) lets it refresh expiring tokens instead of asking again. DEVICE_AUTHORIZATION_URL, DEVICE_TOKEN_URL,
 * DEVICE_API_URL and DEVICE_REVOCATION_URL point it at another provider (the sandbox of
 * oauth-sessions/testing, in its spec); GitHub has no RFC 7009 revocation endpoint.
 */
import { GitHubDeviceCode, OAuth2DeviceCode, type OAuth2DeviceCodeOptions, Session } from '../lib/index.js'

const clientId = process.env.GITHUB_CLIENT_ID
if (!clientId) {
  console.error('Set GITHUB_CLIENT_ID (GitHub > Settings > Developer settings > OAuth Apps, with Device Flow enabled).')
  process.exit(1)
}
const { DEVICE_AUTHORIZATION_URL: deviceUrl, DEVICE_TOKEN_URL: tokenUrl, DEVICE_REVOCATION_URL: revocationUrl } = process.env
const apiUrl = process.env.DEVICE_API_URL ?? 'https://api.github.com/user'

const options: OAuth2DeviceCodeOptions = {
  scope: ['read:user'],
  ...(process.env.GITHUB_CLIENT_SECRET ? { clientSecret: process.env.GITHUB_CLIENT_SECRET } : {}),
  signal: AbortSignal.timeout(15 * 60_000), // give up when nobody enters the code
  ...(revocationUrl ? { revocationUrl } : {}),
}
const auth = deviceUrl && tokenUrl ? new OAuth2DeviceCode(deviceUrl, tokenUrl, clientId, options) : new GitHubDeviceCode(clientId, options)

await using session = new Session({ auth })
console.log(JSON.stringify((await session.get(apiUrl)).raiseForStatus().json()))
console.error(`again, with the cached token: HTTP ${(await session.get(apiUrl)).status}`)
if (revocationUrl) {
  await auth.revoke()
  console.error('Logged out: the token is revoked and forgotten.')
}
