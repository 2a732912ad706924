import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { OAuth2Token } from '../oauth2/oauth2-token.js'
import type { TokenStore } from '../tokens/token-store.js'
import type { Profile } from './cli-config.js'
import { LoginRequiredError, LoginTimeoutError, UsageError } from './cli-errors.js'
import { oauth2SessionOf } from './cli-sessions.js'
import type { CliIO } from './program.js'

/** The redirect URI of a `code` profile without `redirectUri`: the loopback IP literal RFC 8252 §8.3 prefers to `localhost`, on a free port. */
const DEFAULT_REDIRECT_URI = 'http://127.0.0.1/'

/** What `login` of a user flow needs to know besides the profile. */
export interface UserLoginOptions {
  /** `--no-browser`: print the authorization URL instead of opening it. */
  browser: boolean
  /** `--timeout`: how long a person has to sign in (the device flow: at most the code's lifetime). */
  timeoutSeconds: number
}

/**
 * `login` for a `device` profile (RFC 8628): the code and URL on stderr, a spinner there while
 * polling when stderr is a terminal (plain lines otherwise), and the token into the store.
 *
 * @internal
 */
export async function loginWithDevice(name: string, profile: Profile, store: TokenStore, io: CliIO, options: UserLoginOptions): Promise<OAuth2Token> {
  const session = await oauth2SessionOf(name, profile, store, io)
  try {
    const device = await session.deviceAuthorization()
    const stderr = io.stderr as NodeJS.WriteStream
    const complete = device.verificationUriComplete === undefined ? '' : `\n  (or open ${device.verificationUriComplete})`
    stderr.write(`Open ${device.verificationUri} and enter the code ${device.userCode}${complete}\n`)
    let spinner: { stop(): unknown; success(text: string): unknown; error(text: string): unknown } | undefined
    if (stderr.isTTY === true) {
      const { createSpinner } = await import('nanospinner')
      spinner = createSpinner('Waiting for you to approve the code ...', { stream: stderr }).start()
    } else {
      stderr.write('Waiting for you to approve the code ...\n')
    }
    const codeExpires = device.expiresIn < options.timeoutSeconds
    const seconds = codeExpires ? device.expiresIn : options.timeoutSeconds
    const signal = AbortSignal.timeout(seconds * 1000)
    try {
      const token = await session.pollDeviceToken(device, { signal })
      spinner?.success('Approved.')
      return token
    } catch (error) {
      spinner?.error('Not approved.')
      if (signal.aborted) throw new LoginTimeoutError(name, seconds, codeExpires)
      throw error
    }
  } finally {
    await session.close()
  }
}

/**
 * `login` for a `code` profile: authorization code with PKCE, the redirect caught by the
 * requests-auth listener at the profile's `redirectUri` (`http://127.0.0.1/` by default; no port,
 * or port 0, is a free port, which is sent as part of the redirect URI); `prompt=consent` when
 * the scope asks for `offline_access` (OpenID Connect Core §11). The URL is opened
 * with the browser opener (`$BROWSER`, else the platform's) or, headless (`--no-browser`, or
 * neither `DISPLAY` nor `BROWSER` on Linux), printed on stderr.
 *
 * @internal
 */
export async function loginWithCode(name: string, profile: Profile, store: TokenStore, io: CliIO, options: UserLoginOptions): Promise<OAuth2Token> {
  const [{ requestGrant }, { setBrowserOpener }] = await Promise.all([
    import('../oauth2/requests-auth/redirect-listener.js'),
    import('../oauth2/requests-auth/browser-opener.js'),
  ])
  const { redirectUri, domain, port } = await listenerOf(profile.redirectUri ?? DEFAULT_REDIRECT_URI)
  const session = await oauth2SessionOf(name, profile, store, io, { redirectUri })
  try {
    if (profile.authorizationUrl === undefined && profile.issuer === undefined) {
      throw new UsageError(`Profile ${JSON.stringify(name)} names no authorization endpoint: add it again with --authorization-url or --issuer.`)
    }
    // OpenID Connect Core §11: a request for offline_access must ask for consent, or a provider drops that scope (oidc-provider does).
    const offline = (profile.scope ?? '').split(/\s+/).includes('offline_access')
    const [url, state] = session.authorizationUrl(profile.authorizationUrl, undefined, offline ? { prompt: 'consent' } : {})
    if (!options.browser || headless(io.env)) {
      setBrowserOpener((shown) => {
        io.stderr.write(`Open this URL in a browser to sign in:\n  ${shown}\n`)
      })
    } else {
      io.stderr.write('Opening the browser to sign in ...\n')
    }
    const received = await requestGrant({
      url,
      redirectUri,
      domain,
      port,
      fieldName: 'code',
      state,
      issuer: { issuer: profile.issuer, required: false },
      timeoutMs: options.timeoutSeconds * 1000,
    })
    const tokenUrl = profile.tokenUrl
    return tokenUrl === undefined ? await session.fetchToken({ code: received.grant }) : await session.fetchToken(tokenUrl, { code: received.grant })
  } finally {
    await session.close()
  }
}

/**
 * A valid token for a user-flow profile whose stored token expired: refreshed with its refresh
 * token through the store (one refresh for every process that asks at once). No refresh token, or
 * a refused one ({@link ReauthorizationRequiredError}), means a person must log in (exit 2).
 *
 * @internal
 */
export async function refreshUserToken(name: string, profile: Profile, store: TokenStore, stored: OAuth2Token, io: CliIO): Promise<OAuth2Token> {
  if (typeof stored.refresh_token !== 'string' || stored.refresh_token === '') {
    throw new LoginRequiredError(name, `The token of profile ${JSON.stringify(name)} has expired and has no refresh token`)
  }
  const session = await oauth2SessionOf(name, profile, store, io)
  try {
    return profile.tokenUrl === undefined ? await session.refreshToken() : await session.refreshToken(profile.tokenUrl)
  } finally {
    await session.close()
  }
}

/**
 * No browser can open here: Linux or another Unix without a display, and no `$BROWSER`.
 *
 * @internal
 */
export function headless(env: NodeJS.ProcessEnv): boolean {
  if (process.platform === 'darwin' || process.platform === 'win32') return false
  const set = (value: string | undefined): boolean => value !== undefined && value.trim() !== ''
  return !set(env.BROWSER) && !set(env.DISPLAY) && !set(env.WAYLAND_DISPLAY)
}

/**
 * Where the listener listens for a profile's loopback redirect URI (checked by the config schema:
 * http, 127.0.0.1, [::1] or localhost) and the redirect URI sent: its port, or a free one when it
 * names none or port 0.
 */
async function listenerOf(configured: string): Promise<{ redirectUri: string; domain: string; port: number }> {
  const url = new URL(configured)
  const domain = url.hostname.replace(/^\[(.*)\]$/, '$1')
  if (url.port === '' || url.port === '0') url.port = String(await freeLoopbackPort(domain === 'localhost' ? '127.0.0.1' : domain))
  return { redirectUri: url.href, domain, port: Number(url.port) }
}

/** A port nobody listens on at the moment on a loopback address, for the redirect listener. */
async function freeLoopbackPort(address: string): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, address, resolve)
  })
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}
