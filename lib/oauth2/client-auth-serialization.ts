import { ConfigurationError } from '../errors.js'
import { CLIENT_AUTH_OPTION_NAMES, type ClientAuthOptions } from './client-authentication.js'

/** The most members a serialized private JWK has (RSA has 10) and the longest member (an RSA-8192 modulus is ~1,400). */
const MAX_JWK_MEMBERS = 16
const MAX_JWK_MEMBER_LENGTH = 8192

/**
 * The `clientAuth` options as {@link OAuth2Session.serialize} and {@link OAuth2Service.serialize}
 * read them back: the method and its options, the `clientAssertionKey` a private JWK. A JWK that
 * is not plain text members is refused before node:crypto parses it; `configureClientAuth` then
 * checks the whole as the constructor does. Options given to fromJSON win: with a `clientAuth` of
 * their own, nothing serialized is taken (a strategy cannot be serialized: pass it again).
 *
 * @internal
 */
export function readSerializedClientAuth(data: Readonly<Record<string, unknown>>, given: ClientAuthOptions, owner: string): ClientAuthOptions {
  if (given.clientAuth !== undefined) return {}
  const restored: Record<string, unknown> = {}
  for (const name of CLIENT_AUTH_OPTION_NAMES()) {
    const value = data[name]
    if (value !== undefined && value !== null && given[name as keyof ClientAuthOptions] === undefined) restored[name] = value
  }
  if (restored.clientAuth !== undefined && typeof restored.clientAuth !== 'string') {
    throw new ConfigurationError('clientAuth', `${owner}: the serialized clientAuth is not a method name.`)
  }
  const key = restored.clientAssertionKey
  if (key !== undefined && !isPlainJwk(key)) {
    throw new ConfigurationError('clientAssertionKey', `${owner}: the serialized clientAssertionKey is not a private JWK (an object of text members).`)
  }
  return restored as ClientAuthOptions
}

function isPlainJwk(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const entries = Object.entries(value)
  return entries.length <= MAX_JWK_MEMBERS && entries.every(([, member]) => typeof member === 'string' && member.length <= MAX_JWK_MEMBER_LENGTH)
}
