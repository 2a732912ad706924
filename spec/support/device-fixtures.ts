import type { DeviceAuthorization } from '../../lib/index.js'

/** The provider of the device-flow unit specs. */
export const DEVICE_IDP = 'https://idp.test'
/** RFC 8628's grant type. */
export const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code'

/** A device answer as deviceAuthorization returns it (device code `dev-code-1`, 30 minutes, every 5 s), received at `now`. */
export function deviceAnswer(now: number, overrides: Partial<DeviceAuthorization> = {}): DeviceAuthorization {
  const expiresIn = overrides.expiresIn ?? 1800
  return {
    deviceCode: 'dev-code-1',
    userCode: 'WDJB-MJHT',
    verificationUri: `${DEVICE_IDP}/device`,
    expiresIn,
    interval: 5,
    expiresAt: now + expiresIn * 1000,
    device_code: 'dev-code-1',
    user_code: 'WDJB-MJHT',
    verification_uri: `${DEVICE_IDP}/device`,
    expires_in: expiresIn,
    ...overrides,
  }
}
