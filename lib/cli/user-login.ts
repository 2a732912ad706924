import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { OAuth2Token } from '../oauth2/oauth2-token.js'
import type { TokenStore } from '../tokens/token-store.js'
import type { Profile } from './cli-config.js'
import { LoginRequiredError, UsageError } from './cli-errors.js'
import { oauth2SessionOf } from './cli-sessions.js'
import type { CliIO } from './program.js'

/**
 * How long a person has to finish a browser login, the OAuth 1 PIN flow's too (the device flow's
 * own `expires_in` bounds its wait).
 *
 * @internal
 */
export const BROWSER_TIMEOUT_MS = 5 * 60_000

/** What `login` of a user flow needs to know besides the profile. */
export interface UserLoginOptions {
  /** `--no-browser`: print the authorization URL instead of opening it. */
  browser: boolean
}

/**
 * `login` for a `device` profile (RFC 8628): the code and URL on stderr, a spinner there while
 * polling when stderr is a terminal (plain lines otherwise), and the token into the store.
 *
 * @internal
 */
export async function loginWithDevice(name: string, profile: Profile, store: TokenStore, io: CliIO): Promise<OAuth2Token> {
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
    try {
      const token = await session.pollDeviceToken(device, { signal: AbortSignal.timeout(device.expiresIn * 1000) })
      spinner?.success('Approved.')
      return token
    } catch (error) {
      spinner?.error('Not approved.')
      throw error
    }
  } finally {
    await session.close()
  }
}

/**
 * `login` for a `code` profile: authorization code with PKCE, the redirect caught by the
 * requests-auth listener on a free loopback port (`http://localhost:<port>/`). The URL is opened
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
  const port = await freeLoopbackPort()
  const redirectUri = `http://localhost:${port}/`
  const session = await oauth2SessionOf(name, profile, store, io, { redirectUri })
  try {
    if (profile.authorizationUrl === undefined && profile.issuer === undefined) {
      throw new UsageError(`Profile ${JSON.stringify(name)} names no authorization endpoint: add it again with --authorization-url or --issuer.`)
    }
    const [url, state] = session.authorizationUrl(profile.authorizationUrl)
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
      domain: 'localhost',
      port,
      fieldName: 'code',
      state,
      issuer: { issuer: profile.issuer, required: false },
      timeoutMs: BROWSER_TIMEOUT_MS,
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

/** A loopback port nobody listens on at the moment, for the redirect listener. */
async function freeLoopbackPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}
