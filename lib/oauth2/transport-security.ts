import { InsecureTransportError } from './oauth2-errors.js'

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i

/**
 * Throws InsecureTransportError for a plain-http URL, unless it points to loopback or insecure
 * transport was allowed (option, or `OAUTHLIB_INSECURE_TRANSPORT` as in oauthlib).
 *
 * @internal
 */
export function assertSecureTransport(url: string, allowInsecure: boolean): void {
  if (allowInsecure || process.env.OAUTHLIB_INSECURE_TRANSPORT) return
  const parsed = new URL(url)
  if (parsed.protocol === 'https:' || LOOPBACK.test(parsed.hostname) || parsed.hostname === '[::1]') return
  throw new InsecureTransportError(url)
}
