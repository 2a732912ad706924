import type { AuthStrategy } from '../auth/auth-strategy.js'
import type { PreparedRequest } from './prepared-request.js'

/**
 * Builds a Basic `Authorization` value: Latin-1 bytes when possible (requests' behaviour), UTF-8 otherwise.
 *
 * @internal
 */
export function basicAuthorization(username: string, password: string): string {
  const pair = `${username}:${password}`
  const encoding = /^[\u0000-\u00ff]*$/.test(pair) ? 'latin1' : 'utf8'
  return `Basic ${Buffer.from(pair, encoding).toString('base64')}`
}

/**
 * The strategy a Session uses for credentials written into a URL (requests' `get_auth_from_url`):
 * Basic authentication that shows itself as HTTPBasicAuth does, password redacted.
 *
 * @internal
 */
export function urlCredentialsAuth(username: string, password: string): AuthStrategy {
  const header = basicAuthorization(username, password)
  return {
    apply(request: PreparedRequest): void {
      request.headers.set('Authorization', header)
    },
    toJSON: () => ({ type: 'HTTPBasicAuth', username, password: '[redacted]' }),
  } as AuthStrategy
}
