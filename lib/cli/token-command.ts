import { isExpired, type OAuth2Token } from '../oauth2/oauth2-token.js'
import type { TokenStore } from '../tokens/token-store.js'
import { type CliConfig, configPath, type Profile, readConfig } from './cli-config.js'
import { LoginRequiredError, UnknownProfileError, UsageError } from './cli-errors.js'
import { openTokenStore } from './cli-token-store.js'
import type { CliIO, GlobalOptions } from './program.js'

/** A stored token expiring within this many seconds is renewed rather than printed. */
const LEEWAY_SECONDS = 30

/** The profile named on the command line, and the config it came from. */
export function profileOf(name: string, globals: GlobalOptions, io: CliIO): { config: CliConfig; profile: Profile } {
  const path = configPath(globals.config, io.env)
  const config = readConfig(path)
  const profile = Object.hasOwn(config.profiles, name) ? config.profiles[name] : undefined
  if (profile === undefined) throw new UnknownProfileError(name, path)
  return { config, profile }
}

/**
 * `oauth-sessions login <profile>`: gets a new token and stores it under the profile's name:
 * client credentials, the device flow, the code flow with PKCE (`browser: false` for
 * `--no-browser`; `timeout`: `--timeout`, the seconds a person has, 300 by default), or OAuth 1's
 * PIN flow (the same two options).
 *
 * @internal
 */
export async function login(name: string, globals: GlobalOptions, io: CliIO, options: { browser?: boolean; timeout?: number } = {}): Promise<void> {
  const { config, profile } = profileOf(name, globals, io)
  const store = await openTokenStore(config, io, true)
  // A login asks the provider again (a changed secret shows now, not at the next expiry).
  await store.delete(name)
  if (profile.flow === 'oauth1') {
    const { loginWithPin } = await import('./oauth1-login.js')
    await loginWithPin(name, profile, store, io, waitOf(options))
    // Never the token or its secret, nor what else the provider sent with them.
    if (globals.json === true) io.stdout.write(`${JSON.stringify({ profile: name, token_type: 'oauth1' })}\n`)
    else io.stdout.write(`Logged in: profile ${JSON.stringify(name)}, an OAuth 1 token (it does not expire).\n`)
    return
  }
  let token: OAuth2Token
  if (profile.flow === 'client_credentials') token = await clientCredentialsToken(name, profile, store, io)
  else {
    const { loginWithCode, loginWithDevice } = await import('./user-login.js')
    const wait = waitOf(options)
    token = profile.flow === 'device' ? await loginWithDevice(name, profile, store, io, wait) : await loginWithCode(name, profile, store, io, wait)
  }
  if (globals.json === true) io.stdout.write(`${JSON.stringify({ profile: name, ...describeToken(token) })}\n`)
  else io.stdout.write(`Logged in: profile ${JSON.stringify(name)}, ${expiryText(token)}.\n`)
}

/** How a user-flow login waits for its person: `--no-browser` and `--timeout` (300 s by default). */
function waitOf(options: { browser?: boolean; timeout?: number }): { browser: boolean; timeoutSeconds: number } {
  return { browser: options.browser !== false, timeoutSeconds: options.timeout ?? 300 }
}

/**
 * `oauth-sessions token <profile>`: prints a fresh access token and nothing else on stdout. A
 * valid stored token is printed without loading the OAuth 2 code; a client-credentials profile
 * renews its token through the store (parallel runs share one grant, through the file store's
 * lease); a user flow's expired token is refreshed through the store the same way; a user flow with
 * no token, or no refresh token, is {@link LoginRequiredError} (exit 2). With `--json`:
 * `access_token`, `token_type`, `scope`, `expires_at` (ISO 8601), `expires_in` (seconds). An
 * `oauth1` profile has no bearer token: {@link UsageError} (exit 64) pointing to `request` and `explain`.
 *
 * @internal
 */
export async function printToken(name: string, globals: GlobalOptions, io: CliIO): Promise<void> {
  const { config, profile } = profileOf(name, globals, io)
  if (profile.flow === 'oauth1') {
    throw new UsageError(
      `Profile ${JSON.stringify(name)} uses OAuth 1, which has no bearer token to print: each request is signed instead. Send one with \`oauth-sessions request ${name} GET <url>\`, or see its signature with \`oauth-sessions explain ${name} GET <url>\`.`,
    )
  }
  const store = await openTokenStore(config, io, profile.flow === 'client_credentials')
  const stored = await store.get(name)
  let token: OAuth2Token
  if (stored !== undefined && usable(stored.token)) token = stored.token
  else if (profile.flow === 'client_credentials') token = await clientCredentialsToken(name, profile, store, io)
  else if (stored === undefined) throw new LoginRequiredError(name, `No token is stored for profile ${JSON.stringify(name)}`)
  else {
    const { refreshUserToken } = await import('./user-login.js')
    token = await refreshUserToken(name, profile, store, stored.token, io)
  }
  if (globals.json === true) io.stdout.write(`${JSON.stringify({ access_token: token.access_token, ...describeToken(token) })}\n`)
  else io.stdout.write(`${String(token.access_token)}\n`)
}

/** A token with an access token that is not about to expire. */
export function usable(token: OAuth2Token): boolean {
  return typeof token.access_token === 'string' && token.access_token !== '' && !isExpired(token, LEEWAY_SECONDS)
}

/** A valid token for a client-credentials profile: the store's, or one granted once for every process that asks. */
export async function clientCredentialsToken(name: string, profile: Profile, store: TokenStore, io: CliIO): Promise<OAuth2Token> {
  const { oauth2SessionOf } = await import('./cli-sessions.js')
  await using session = await oauth2SessionOf(name, profile, store, io)
  return profile.tokenUrl === undefined ? await session.fetchToken() : await session.fetchToken(profile.tokenUrl)
}

/**
 * What may be shown of a token: its type, scope and expiry, never a credential.
 *
 * @internal
 */
export function describeToken(token: OAuth2Token): { token_type?: string; scope?: string; expires_at?: string; expires_in?: number } {
  const scope = Array.isArray(token.scope) ? token.scope.join(' ') : typeof token.scope === 'string' ? token.scope : undefined
  const expiresAt = typeof token.expires_at === 'number' ? token.expires_at : undefined
  return {
    ...(typeof token.token_type === 'string' ? { token_type: token.token_type } : {}),
    ...(scope === undefined ? {} : { scope }),
    ...(expiresAt === undefined
      ? {}
      : { expires_at: new Date(expiresAt * 1000).toISOString(), expires_in: Math.max(0, Math.floor(expiresAt - Date.now() / 1000)) }),
  }
}

/**
 * "valid until <ISO> (in 59 min)", "expired at <ISO>" or "no expiry given".
 *
 * @internal
 */
export function expiryText(token: OAuth2Token): string {
  if (typeof token.expires_at !== 'number') return 'no expiry given'
  const at = new Date(token.expires_at * 1000).toISOString()
  const seconds = Math.floor(token.expires_at - Date.now() / 1000)
  if (seconds <= 0) return `expired at ${at}`
  return `valid until ${at} (in ${seconds < 120 ? `${seconds} s` : `${Math.floor(seconds / 60)} min`})`
}
