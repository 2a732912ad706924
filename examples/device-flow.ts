/**
 * The device flow (RFC 8628), as GitHub's CLI login: print a code and a URL, poll until the user
 * has entered the code there, then call the API. No redirect URI, no browser on this machine.
 *
 *   GITHUB_CLIENT_ID=... npx tsx examples/device-flow.ts
 *
 * Enable "Device Flow" in the OAuth App's settings first. The URLs can be pointed elsewhere with
 * DEVICE_AUTHORIZATION_URL, DEVICE_TOKEN_URL and DEVICE_API_URL.
 */
import { OAuth2Session } from '../lib/index.js'

const clientId = process.env.GITHUB_CLIENT_ID
if (!clientId) {
  console.error('Set GITHUB_CLIENT_ID (GitHub > Settings > Developer settings > OAuth Apps, with Device Flow enabled).')
  process.exit(1)
}
const deviceUrl = process.env.DEVICE_AUTHORIZATION_URL ?? 'https://github.com/login/device/code'
const tokenUrl = process.env.DEVICE_TOKEN_URL ?? 'https://github.com/login/oauth/access_token'
const apiUrl = process.env.DEVICE_API_URL ?? 'https://api.github.com/user'

await using github = new OAuth2Session(clientId, { scope: ['read:user'] })
const device = await github.deviceAuthorization(deviceUrl)
console.log(`Open ${device.verificationUri} and enter the code ${device.userCode}`)
await github.pollDeviceToken(device, {
  tokenUrl,
  signal: AbortSignal.timeout(device.expiresIn * 1000),
  onPending: ({ attempt, interval }) => console.error(`waiting for you (poll ${attempt}, next in ${interval} s)`),
})
console.log('Signed in.')
console.log((await github.get(apiUrl)).raiseForStatus().json())
