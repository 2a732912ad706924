import { setTimeout as sleep } from 'node:timers/promises'
import type { AuthStrategy } from '../auth/auth-strategy.js'
import { clientAuthentication, type ConfiguredClientAuth } from './client-authentication.js'
import { ConfigurationError, InvalidTokenResponseError, kindOf } from '../errors.js'
import { AbortError } from '../http/http-errors.js'
import type { ParamPairs } from '../http/form-encoding.js'
import type { HeadersInit } from '../http/header-map.js'
import type { Response } from '../http/response.js'
import type { TimeoutOption } from '../http/session-options.js'
import { redactUrl } from '../security/redact-url.js'
import { AuthorizationPendingError, DeviceAuthorizationExpiredError, SlowDownError } from './oauth2-errors.js'
import type { OAuth2Token } from './oauth2-token.js'
import { decodeTokenBody, providerRefusal } from './token-endpoint.js'
import { isSecureEnough } from './transport-security.js'

/** The grant type of the device access token request (RFC 8628 §3.4). */
export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code'

/**
 * A device authorization answer (RFC 8628 §3.2), checked: what to show the user (`userCode`,
 * `verificationUri`, `verificationUriComplete`) and what {@link OAuth2Session.pollDeviceToken}
 * needs (`deviceCode`, `interval`, `expiresIn`). The wire names are there too.
 *
 * @example
 * ```ts
 * import { OAuth2Session } from 'oauth-sessions'
 * const session = new OAuth2Session('tv-app', { deviceAuthorizationUrl: 'https://idp.example.com/device/code' })
 * const device = await session.deviceAuthorization({ scope: 'openid profile' })
 * console.error(`Open ${device.verificationUri} and enter ${device.userCode}`)
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.2
 * @group OAuth 2
 */
export interface DeviceAuthorization {
  /** The device verification code: a secret, sent back when polling. */
  deviceCode: string
  /** The code the user types at the verification page. */
  userCode: string
  /** The page where the user enters `userCode` (an absolute https URL; http only on loopback). */
  verificationUri: string
  /** The page with the user code in it already (for a QR code), when the provider sends one. */
  verificationUriComplete?: string
  /** The lifetime of `deviceCode` and `userCode`, seconds. */
  expiresIn: number
  /** The polling interval, seconds: the provider's, else 5. */
  interval: number
  /** When the codes expire, milliseconds since the epoch (from `expiresIn` when the answer came). */
  expiresAt: number
  /** The wire name of `deviceCode`. */
  device_code: string
  /** The wire name of `userCode`. */
  user_code: string
  /** The wire name of `verificationUri`. */
  verification_uri: string
  /** The wire name of `verificationUriComplete`. */
  verification_uri_complete?: string
  /** The wire name of `expiresIn`. */
  expires_in: number
}

/**
 * Options of {@link OAuth2Session.deviceAuthorization}. Any other key is sent as an extra
 * parameter of the request (wire values only, as for {@link FetchTokenOptions}).
 *
 * @example
 * ```ts
 * import { OAuth2Session } from 'oauth-sessions'
 * declare const session: OAuth2Session
 * await session.deviceAuthorization('https://idp.example.com/device/code', { scope: ['openid', 'email'], audience: 'api' })
 * ```
 * @group OAuth 2
 */
export interface DeviceAuthorizationOptions {
  /** The scope asked for; default the session's `scope`. */
  scope?: string | readonly string[]
  /** The client secret of a confidential client; default the session's. */
  clientSecret?: string
  /** Sends `client_id` (and `client_secret`) in the body instead of Basic authentication. */
  includeClientId?: boolean
  /** Client authentication of your own; `null` for none. Default: Basic with the client secret, else `client_id` in the body. */
  auth?: AuthStrategy | null
  /** Request headers; default Accept JSON and a form Content-Type. */
  headers?: HeadersInit
  /** The timeout of the request. */
  timeout?: TimeoutOption
  /** Ends the request at once when aborted. */
  signal?: AbortSignal
  /** Extra parameters of the request: wire values only. */
  [param: string]: unknown
}

/**
 * What {@link PollDeviceTokenOptions.onPending} is told after each poll the provider answered
 * `authorization_pending` or `slow_down`.
 *
 * @example
 * ```ts
 * import type { DevicePollProgress } from 'oauth-sessions'
 * const onPending = ({ attempt, interval }: DevicePollProgress) => console.error(`poll ${attempt}: next in ${interval} s`)
 * ```
 * @group OAuth 2
 */
export interface DevicePollProgress {
  /** The device authorization being polled for. */
  device: DeviceAuthorization
  /** How many polls were sent so far. */
  attempt: number
  /** The interval until the next poll, seconds (5 more after each `slow_down`). */
  interval: number
  /** What the provider answered: `'authorization_pending'` or `'slow_down'`. */
  error: 'authorization_pending' | 'slow_down'
}

/**
 * The time the device flow waits on: what `now` is, and how to wait, for
 * {@link OAuth2Session.pollDeviceToken} and {@link OAuth2DeviceCode}. The default is the real
 * clock (`Date.now` and `setTimeout`); a test passes `VirtualClock` of `oauth-sessions/testing`,
 * which moves time at once, so that polling every 5 seconds for 10 minutes takes no real time.
 *
 * @example
 * ```ts
 * import type { DeviceClock } from 'oauth-sessions'
 * const realClock: DeviceClock = {
 *   now: () => Date.now(),
 *   sleep: (ms, signal) => new Promise((resolve) => setTimeout(resolve, ms, signal)),
 * }
 * ```
 * @group OAuth 2
 */
export interface DeviceClock {
  /** The time now, milliseconds since the epoch. */
  now(): number
  /** Waits `ms` milliseconds; rejects (with any error) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
}

/**
 * Options of {@link OAuth2Session.pollDeviceToken}.
 *
 * @example
 * ```ts
 * import { OAuth2Session } from 'oauth-sessions'
 * declare const session: OAuth2Session
 * const device = await session.deviceAuthorization('https://idp.example.com/device/code')
 * const token = await session.pollDeviceToken(device, {
 *   tokenUrl: 'https://idp.example.com/token',
 *   onVerification: ({ verificationUri, userCode }) => console.error(`Open ${verificationUri} and enter ${userCode}`),
 *   signal: AbortSignal.timeout(10 * 60_000),
 *   onPending: ({ attempt }) => console.error(`still waiting (${attempt})`),
 * })
 * ```
 * @group OAuth 2
 */
export interface PollDeviceTokenOptions {
  /** The token endpoint; default the session's `autoRefreshUrl`. */
  tokenUrl?: string
  /** Ends the wait (and a poll in flight) at once: an {@link AbortError}. */
  signal?: AbortSignal
  /** Called after each `authorization_pending` or `slow_down` answer; polling waits for it. */
  onPending?: (progress: DevicePollProgress) => void | Promise<void>
  /**
   * Called once with the device, after the options were checked and before the first wait: the
   * place to show the user `userCode` and `verificationUri` (or `verificationUriComplete`). Polling
   * waits for it; an error it throws ends the polling before any poll.
   */
  onVerification?: (device: DeviceAuthorization) => void | Promise<void>
  /** The clock of the waits and of the expiry check; default the real one (a test passes `VirtualClock` of `oauth-sessions/testing`). */
  clock?: DeviceClock
  /** The client secret of a confidential client; default the session's. */
  clientSecret?: string
  /** Sends `client_id` (and `client_secret`) in the body instead of Basic authentication. */
  includeClientId?: boolean
  /** Client authentication of your own; `null` for none. */
  auth?: AuthStrategy | null
  /** Request headers; default Accept JSON and a form Content-Type. */
  headers?: HeadersInit
  /** The timeout of each poll. */
  timeout?: TimeoutOption
}

/** The default polling interval, seconds (RFC 8628 §3.2). */
const DEFAULT_INTERVAL = 5
/** What each `slow_down` adds to the interval, seconds (RFC 8628 §3.5). */
const SLOW_DOWN_STEP = 5
/** The longest interval taken from a provider, seconds: a longer one would overflow a timer. */
const MAX_INTERVAL = 3600
/** The longest lifetime taken from a provider, seconds (a day). */
const MAX_EXPIRES_IN = 86_400
/** The longest code or URL taken from a provider, characters. */
const MAX_FIELD = 2048

const WHERE = 'The device authorization response'

/**
 * Reads a device authorization answer as hostile: a refusal is the typed RFC 6749 / 8628 error;
 * every field is checked for presence, type and length; the verification URIs must be absolute
 * https URLs (http on loopback, or with `insecureTransport` or `OAUTHLIB_INSECURE_TRANSPORT`); `expires_in` a positive whole number
 * of seconds; `interval` one too, 5 when left out.
 *
 * @internal
 */
export function readDeviceAuthorization(response: Response, insecureTransport: boolean, now = Date.now()): DeviceAuthorization {
  const raw = decodeTokenBody(response)
  if (!response.ok || Object.hasOwn(raw, 'error')) throw providerRefusal(response, raw)
  const deviceCode = text(raw, 'device_code')
  const userCode = text(raw, 'user_code')
  // Some providers (Google) spell it verification_url.
  const verificationUri = pageUrl(raw, Object.hasOwn(raw, 'verification_uri') ? 'verification_uri' : 'verification_url', insecureTransport)
  const complete = Object.hasOwn(raw, 'verification_uri_complete') ? pageUrl(raw, 'verification_uri_complete', insecureTransport) : undefined
  const expiresIn = seconds(raw, 'expires_in', MAX_EXPIRES_IN)
  const interval = Object.hasOwn(raw, 'interval') && raw.interval !== null ? seconds(raw, 'interval', MAX_INTERVAL) : DEFAULT_INTERVAL
  return {
    deviceCode,
    userCode,
    verificationUri,
    ...(complete === undefined ? {} : { verificationUriComplete: complete, verification_uri_complete: complete }),
    expiresIn,
    interval,
    expiresAt: now + expiresIn * 1000,
    device_code: deviceCode,
    user_code: userCode,
    verification_uri: verificationUri,
    expires_in: expiresIn,
  }
}

/**
 * The device authorization a caller hands to pollDeviceToken, checked: it may have been saved and
 * read back, or written by hand (camelCase or wire names).
 *
 * @internal
 */
export function checkDevice(device: unknown): { deviceCode: string; interval: number; expiresIn: number; expiresAt: number } {
  if (typeof device !== 'object' || device === null) {
    throw new ConfigurationError('device', 'pollDeviceToken needs the answer of deviceAuthorization() (an object with deviceCode, interval and expiresIn).')
  }
  const given = device as Record<string, unknown>
  const deviceCode = given.deviceCode ?? given.device_code
  if (typeof deviceCode !== 'string' || deviceCode === '') {
    throw new ConfigurationError('device.deviceCode', 'pollDeviceToken: device.deviceCode must be the non-empty device code deviceAuthorization() returned.')
  }
  const interval = given.interval ?? DEFAULT_INTERVAL
  if (!Number.isInteger(interval) || (interval as number) < 1 || (interval as number) > MAX_INTERVAL) {
    throw new ConfigurationError('device.interval', `pollDeviceToken: device.interval must be a whole number of seconds from 1 to ${MAX_INTERVAL}.`)
  }
  const expiresIn = given.expiresIn ?? given.expires_in
  if (!Number.isInteger(expiresIn) || (expiresIn as number) < 1) {
    throw new ConfigurationError('device.expiresIn', 'pollDeviceToken: device.expiresIn must be a positive whole number of seconds.')
  }
  const expiresAt = given.expiresAt ?? Date.now() + (expiresIn as number) * 1000
  if (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt)) {
    throw new ConfigurationError('device.expiresAt', 'pollDeviceToken: device.expiresAt must be a time in milliseconds since the epoch.')
  }
  return { deviceCode, interval: interval as number, expiresIn: expiresIn as number, expiresAt }
}

/** The real clock. @internal */
export const REAL_CLOCK: DeviceClock = {
  now: () => Date.now(),
  sleep: (ms, signal) => sleep(ms, undefined, signal === undefined ? undefined : { signal }),
}

/**
 * How {@link pollForDeviceToken} polls: one token request (which throws the typed error of a
 * refusal), where it goes (for an AbortError), the caller's signal and callback, and the clock.
 *
 * @internal
 */
export interface DevicePoll<T = OAuth2Token> {
  device: DeviceAuthorization
  checked: ReturnType<typeof checkDevice>
  url: string
  poll: () => Promise<T>
  signal?: AbortSignal | undefined
  onPending?: ((progress: DevicePollProgress) => void | Promise<void>) | undefined
  /** Default the real clock. */
  clock?: DeviceClock | undefined
}

/**
 * Polls the token endpoint as RFC 8628 §3.5 says: waits `interval` seconds before each poll; on
 * `authorization_pending` polls again; each `slow_down` adds 5 seconds to the interval for good;
 * a poll that could only be sent once the codes expired is not sent
 * ({@link DeviceAuthorizationExpiredError}); any other answer ends the polling. The waits and the
 * expiry check use `plan.clock`, else `setTimeout` of `node:timers/promises` and `Date.now` (so a
 * fake clock drives them too).
 *
 * @internal
 */
export async function pollForDeviceToken<T = OAuth2Token>(plan: DevicePoll<T>): Promise<T> {
  const { checked, signal } = plan
  const clock = plan.clock ?? REAL_CLOCK
  let interval = checked.interval
  for (let attempt = 1; ; attempt += 1) {
    if (clock.now() + interval * 1000 >= checked.expiresAt) throw new DeviceAuthorizationExpiredError(checked.expiresIn)
    await wait(clock, interval * 1000, signal, plan.url)
    let error: AuthorizationPendingError | SlowDownError
    try {
      return await plan.poll()
    } catch (thrown) {
      if (!(thrown instanceof AuthorizationPendingError) && !(thrown instanceof SlowDownError)) throw thrown
      error = thrown
    }
    if (error instanceof SlowDownError) interval += SLOW_DOWN_STEP
    await plan.onPending?.({ device: plan.device, attempt, interval, error: error instanceof SlowDownError ? 'slow_down' : 'authorization_pending' })
  }
}

/**
 * The client authentication of the device flow's requests (RFC 8628 §3.1, §3.4), by
 * {@link clientAuthentication}'s `'device'` rule: an `auth` given wins (with `client_id` in the
 * body only when asked); else the configured `clientAuth`; else Basic with a client secret; else
 * (a public client, or `includeClientId`) `client_id`, and the secret if any, in the body.
 *
 * @internal
 */
export function deviceClientAuthentication(
  clientId: string,
  clientSecret: string | undefined,
  options: { auth?: AuthStrategy | null | undefined; includeClientId?: boolean | undefined },
  configured?: ConfiguredClientAuth,
): { auth: AuthStrategy | null; pairs: ParamPairs } {
  const { clientAuth, pairs } = clientAuthentication(clientId, clientSecret, options, configured, 'device')
  return { auth: clientAuth, pairs }
}

/** Waits `ms` on the clock, or ends at once with AbortError when the signal aborts. */
async function wait(clock: DeviceClock, ms: number, signal: AbortSignal | undefined, url: string): Promise<void> {
  const aborted = (): AbortError => new AbortError('POST', redactUrl(url), signal?.reason)
  if (signal?.aborted) throw aborted()
  try {
    await clock.sleep(ms, signal)
  } catch (error) {
    if (signal?.aborted) throw aborted()
    throw error
  }
  // A clock of one's own may not watch the signal: no poll is sent once it aborted.
  if (signal?.aborted) throw aborted()
}

function text(raw: Record<string, unknown>, field: string): string {
  const value = Object.hasOwn(raw, field) ? raw[field] : undefined
  if (value === undefined || value === null) throw new InvalidTokenResponseError(field, 'is missing', WHERE)
  if (typeof value !== 'string' || value === '') {
    throw new InvalidTokenResponseError(field, `is ${value === '' ? 'empty' : kindOf(value)}; expected non-empty text`, WHERE)
  }
  if (value.length > MAX_FIELD) throw new InvalidTokenResponseError(field, `is ${value.length} characters long; at most ${MAX_FIELD} are taken`, WHERE)
  return value
}

function pageUrl(raw: Record<string, unknown>, field: string, insecureTransport: boolean): string {
  const value = text(raw, field)
  const url = URL.canParse(value) ? new URL(value) : undefined
  if (url === undefined || !isSecureEnough(url, insecureTransport)) throw new InvalidTokenResponseError(field, 'is not an absolute https URL', WHERE)
  return value
}

/** A positive whole number of seconds, at most `max`; a form body's digits count. */
function seconds(raw: Record<string, unknown>, field: string, max: number): number {
  const given = Object.hasOwn(raw, field) ? raw[field] : undefined
  if (given === undefined || given === null) throw new InvalidTokenResponseError(field, 'is missing', WHERE)
  const value = typeof given === 'string' && /^\d{1,9}$/.test(given) ? Number(given) : given
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw new InvalidTokenResponseError(
      field,
      `is ${typeof value === 'number' ? 'out of range' : kindOf(value)}; expected a whole number of seconds from 1 to ${max}`,
      WHERE,
    )
  }
  return value
}

/**
 * Client authentication of the device flow, as at the token endpoint: the caller's `auth`; else
 * Basic with a client secret; else (a public client, or `includeClientId`) `client_id` (and the
 * secret) in the body.
 *
 * @throws {@link ConfigurationError} naming `clientId` when there is none
 */
export function deviceClientAuth(
  clientId: string | undefined,
  clientSecret: string | undefined,
  options: { auth?: AuthStrategy | null | undefined; clientSecret?: string | undefined; includeClientId?: boolean | undefined },
  owner: string,
  configured?: ConfiguredClientAuth,
): { auth: AuthStrategy | null; pairs: ParamPairs } {
  if (clientId === undefined || clientId === '') {
    throw new ConfigurationError('clientId', `${owner}: the device flow needs the client id: pass it as the first argument of the session.`)
  }
  const { clientAuth, pairs } = clientAuthentication(clientId, clientSecret, options, configured, 'device')
  return { auth: clientAuth, pairs }
}
