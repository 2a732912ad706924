import type { OAuth2Session } from '../oauth2/oauth2-session.js'
import { isExpired, type OAuth2Token } from '../oauth2/oauth2-token.js'
import type { TokenStore } from '../tokens/token-store.js'
import { type CliConfig, configPath, type Profile, readConfig } from './cli-config.js'
import { LoginRequiredError, UnknownProfileError, UsageError } from './cli-errors.js'
import { clientSecretOf } from './cli-secrets.js'
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
 * client credentials, the device flow, or the code flow with PKCE (`browser: false` for
 * `--no-browser`; `timeout`: `--timeout`, the seconds a user flow waits, 300 by default). OAuth 1
 * says it is not built yet.
 *
 * @internal
 */
export async function login(name: string, globals: GlobalOptions, io: CliIO, options: { browser?: boolean; timeout?: number } = {}): Promise<void> {
  const { config, profile } = profileOf(name, globals, io)
  if (profile.flow === 'oauth1') {
    throw new UsageError('`login` for the oauth1 flow is not built yet; client_credentials, device and code profiles can log in with this version.')
  }
  const store = await openTokenStore(config, io, true)
  // A login asks the provider again (a changed secret shows now, not at the next expiry).
  await store.delete(name)
  let token: OAuth2Token
  if (profile.flow === 'client_credentials') token = await clientCredentialsToken(name, profile, store, io)
  else {
    const { loginWithCode, loginWithDevice } = await import('./user-login.js')
    const wait = { browser: options.browser !== false, timeoutSeconds: options.timeout ?? 300 }
    token = profile.flow === 'device' ? await loginWithDevice(name, profile, store, io, wait) : await loginWithCode(name, profile, store, io, wait)
  }
  if (globals.json === true) io.stdout.write(`${JSON.stringify({ profile: name, ...describeToken(token) })}\n`)
  else io.stdout.write(`Logged in: profile ${JSON.stringify(name)}, ${expiryText(token)}.\n`)
}

/**
 * `oauth-sessions token <profile>`: prints a fresh access token and nothing else on stdout. A
 * valid stored token is printed without loading the OAuth 2 code; a client-credentials profile
 * renews its token through the store (parallel runs share one grant, through the file store's
 * lease); a user flow's expired token is refreshed through the store the same way; a user flow with
 * no token, or no refresh token, is {@link LoginRequiredError} (exit 2). With `--json`:
 * `access_token`, `token_type`, `scope`, `expires_at` (ISO 8601), `expires_in` (seconds).
 *
 * @internal
 */
export async function printToken(name: string, globals: GlobalOptions, io: CliIO): Promise<void> {
  const { config, profile } = profileOf(name, globals, io)
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
  const [{ OAuth2Session }, { BackendApplicationClient }] = await Promise.all([import('../oauth2/oauth2-session.js'), import('../oauth2/grant-clients.js')])
  const clientId = profile.clientId as string
  const options = {
    client: new BackendApplicationClient(clientId),
    clientSecret: clientSecretOf(name, profile, io.env),
    tokenStore: store,
    tokenKey: name,
    ...(profile.scope === undefined || profile.scope === '' ? {} : { scope: profile.scope }),
  }
  let session: OAuth2Session | undefined
  try {
    if (profile.tokenUrl !== undefined) {
      session = new OAuth2Session(clientId, options)
      return await session.fetchToken(profile.tokenUrl)
    }
    session = await OAuth2Session.discover(profile.issuer as string, clientId, options)
    return await session.fetchToken()
  } finally {
    await session?.close()
  }
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
