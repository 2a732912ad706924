import { ConfigurationError } from '../errors.js'
import type { OAuth1Session, OAuth1SessionOptions } from '../oauth1/oauth1-session.js'
import type { OAuth2Session } from '../oauth2/oauth2-session.js'
import type { OAuth2SessionOptions } from '../oauth2/oauth2-session-options.js'
import type { TokenStore } from '../tokens/token-store.js'
import type { Profile } from './cli-config.js'
import { LoginRequiredError } from './cli-errors.js'
import { clientSecretOf } from './cli-secrets.js'
import type { CliIO } from './program.js'

/**
 * The OAuth 2 session of a profile, over the command's token store under the profile's name: it
 * reads the stored token, writes a renewed one back, and refreshes once on a 401 `invalid_token`
 * as every OAuth2Session does. Every request to the provider authenticates the client the same
 * way, the refresh too (`client_secret_basic` with a secret, `none` without): requests-oauthlib's
 * own refresh sends no client authentication. An issuer is discovered; explicit endpoints are used
 * as they are. `extra`: options of one flow (the code flow's `redirectUri`). Close it when done.
 *
 * @internal
 */
export async function oauth2SessionOf(name: string, profile: Profile, store: TokenStore, io: CliIO, extra: OAuth2SessionOptions = {}): Promise<OAuth2Session> {
  const { OAuth2Session } = await import('../oauth2/oauth2-session.js')
  const clientId = profile.clientId as string
  const clientSecret = clientSecretOf(name, profile, io.env)
  const options: OAuth2SessionOptions = {
    ...extra,
    tokenStore: store,
    tokenKey: name,
    ...(clientSecret === undefined ? { clientAuth: 'none' as const } : { clientSecret, clientAuth: 'client_secret_basic' as const }),
    ...(profile.scope === undefined || profile.scope === '' ? {} : { scope: profile.scope }),
    ...(profile.tokenUrl === undefined ? {} : { autoRefreshUrl: profile.tokenUrl }),
    ...(profile.deviceAuthorizationUrl === undefined ? {} : { deviceAuthorizationUrl: profile.deviceAuthorizationUrl }),
    ...(profile.revocationUrl === undefined ? {} : { revocationUrl: profile.revocationUrl }),
  }
  if (profile.flow === 'client_credentials') {
    const { BackendApplicationClient } = await import('../oauth2/grant-clients.js')
    options.client = new BackendApplicationClient(clientId)
  }
  if (profile.issuer !== undefined) return OAuth2Session.discover(profile.issuer, clientId, options)
  return new OAuth2Session(clientId, options)
}

/**
 * The OAuth 1 token kept in the store for an `oauth1` profile after its login: the wire names of
 * the access token answer (RFC 5849 §2.3), `oauth_token` and `oauth_token_secret`.
 *
 * @internal
 */
export interface StoredOAuth1Token {
  oauth_token: string
  oauth_token_secret: string
}

/**
 * The OAuth 1 session of an `oauth1` profile, signing with the consumer key and secret and the
 * stored token. `requireToken`: without a stored token it is {@link LoginRequiredError} (exit 2);
 * otherwise the session signs with the consumer credentials alone (`explain` of a two-legged request,
 * `login`'s request token). `options` go to the session (`callbackUri` for `login`).
 *
 * @internal
 */
export async function oauth1SessionOf(
  name: string,
  profile: Profile,
  store: TokenStore,
  io: CliIO,
  requireToken: boolean,
  options: OAuth1SessionOptions = {},
): Promise<OAuth1Session> {
  const { OAuth1Session } = await import('../oauth1/oauth1-session.js')
  const stored = (await store.get(name))?.token as Partial<StoredOAuth1Token> | undefined
  const token = typeof stored?.oauth_token === 'string' && stored.oauth_token !== '' ? (stored as StoredOAuth1Token) : undefined
  if (token === undefined && requireToken) throw new LoginRequiredError(name, `No OAuth 1 token is stored for profile ${JSON.stringify(name)}`)
  return new OAuth1Session(profile.consumerKey as string, consumerSecretOf(name, profile, io.env), token?.oauth_token, token?.oauth_token_secret, options)
}

/** The consumer secret of an `oauth1` profile, from its variable or file; never quoted in an error. */
function consumerSecretOf(name: string, profile: Profile, env: NodeJS.ProcessEnv): string {
  const secret = clientSecretOf(name, profile, env, 'consumer')
  if (secret === undefined)
    throw new ConfigurationError('consumerSecretEnv', `Profile ${JSON.stringify(name)} names no consumer secret: add consumerSecretEnv or consumerSecretFile.`)
  return secret
}
