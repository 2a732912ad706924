import { ConfigurationError } from '../errors.js'
import type { OAuth1SessionOptions } from './oauth1-session.js'

/**
 * The options of an OAuth1Session from the arguments after the four credentials. One class
 * serves two Python APIs (DESIGN §3): requests-oauthlib's keyword arguments are one options
 * object in fifth place; rauth's `OAuth1Session(key, secret, token, token_secret, signature,
 * service)` keeps its positions, with the options last. rauth's form is told by its fifth
 * argument: a method name, a signature object (it has `sign`), `null`, or `undefined` with more
 * arguments after it. A value given both ways is a ConfigurationError naming the option.
 *
 * @internal
 */
export function oauth1SessionOptionsFrom(rest: readonly unknown[], owner: string): unknown {
  const [first, service, given] = rest
  const signatureObject = typeof first === 'object' && first !== null && typeof (first as { sign?: unknown }).sign === 'function'
  const rauth = typeof first === 'string' || first === null || signatureObject || (first === undefined && rest.length > 1)
  if (!rauth) {
    if (rest.length > 1)
      throw new ConfigurationError('(options)', `${owner} takes its options fifth, or rauth's (key, secret, token, tokenSecret, signature, service, options).`)
    return first
  }
  if (rest.length > 3)
    throw new ConfigurationError('(options)', `${owner} takes at most seven arguments: (key, secret, token, tokenSecret, signature, service, options).`)
  if (given !== undefined && given !== null && typeof given !== 'object') return given // the options parse names the wrong type
  const options: OAuth1SessionOptions = { ...(given as OAuth1SessionOptions | undefined) }
  if (first !== undefined && first !== null) {
    if (options.signature !== undefined || options.signatureMethod !== undefined) {
      throw new ConfigurationError('signature', `${owner} was given the signature twice: as the fifth argument and as an option. Pass it once.`)
    }
    options.signature = first as OAuth1SessionOptions['signature']
  }
  if (service !== undefined && service !== null) {
    if (options.service !== undefined)
      throw new ConfigurationError('service', `${owner} was given service twice: as the sixth argument and as an option. Pass it once.`)
    options.service = service
  }
  return options
}
