import { ConfigurationError } from '../errors.js'
import type { OAuth2SessionOptions } from './oauth2-session-options.js'

/** rauth's positional parameters after the client id, in its order, by their option names. */
const RAUTH_POSITIONALS = ['clientSecret', 'accessToken', 'service', 'accessTokenKey'] as const

/**
 * The options of an OAuth2Session from the arguments after the client id. One class serves two
 * Python APIs (DESIGN §3): requests-oauthlib's `OAuth2Session(client_id, **kwargs)` is
 * `(clientId, options)`, rauth's `OAuth2Session(client_id, client_secret, access_token, service,
 * access_token_key)` keeps its positions, with the options last. rauth's form is told by its
 * second argument: text (the client secret), or `undefined` / `null` with more arguments after it.
 * A value given both positionally and as an option is a ConfigurationError naming the option.
 *
 * @internal
 */
export function oauth2SessionOptionsFrom(rest: readonly unknown[], owner: string): unknown {
  const [first] = rest
  const rauth = typeof first === 'string' || ((first === undefined || first === null) && rest.length > 1)
  if (!rauth) {
    if (rest.length > 1)
      throw new ConfigurationError(
        '(options)',
        `${owner} takes its options last: (clientId, options), or rauth's (clientId, clientSecret, accessToken, service, accessTokenKey, options).`,
      )
    return first
  }
  if (rest.length > RAUTH_POSITIONALS.length + 1) {
    throw new ConfigurationError('(options)', `${owner} takes at most six arguments: (clientId, clientSecret, accessToken, service, accessTokenKey, options).`)
  }
  const given = rest[RAUTH_POSITIONALS.length] ?? {}
  if (typeof given !== 'object') return given // the options parse names the wrong type
  const options: Record<string, unknown> = { ...(given as OAuth2SessionOptions) }
  RAUTH_POSITIONALS.forEach((name, index) => {
    const value = rest[index]
    if (value === undefined || value === null) return
    if (options[name] !== undefined)
      throw new ConfigurationError(name, `${owner} was given ${name} twice: as a positional argument and as an option. Pass it once.`)
    options[name] = value
  })
  return options
}
