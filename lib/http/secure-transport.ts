import { InsecureTransportError } from '../errors.js'
import { parseUrlOption } from './parse-url.js'

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i

/**
 * Throws InsecureTransportError for a plain-http URL, unless it points to loopback or insecure
 * transport was allowed (option, or `OAUTHLIB_INSECURE_TRANSPORT` as in oauthlib). OAuth 2 runs it
 * before every request with a credential, OAuth 1 before a PLAINTEXT signature.
 *
 * @param what - what must use https, for the message (default `OAuth 2`)
 * @internal
 */
export function assertSecureTransport(url: string, allowInsecure: boolean, what?: string): void {
  // Runs before every protected request: the common https case costs a prefix test only.
  if (/^https:/i.test(url) || insecureAllowed(allowInsecure)) return
  if (LOOPBACK.test(parseUrlOption(url, 'url').hostname)) return
  throw new InsecureTransportError(url, what)
}

/**
 * Whether a URL a provider gave (an issuer, a verification page, a request URI) is secure enough
 * to take: https, or plain http on loopback or when insecure transport was allowed (option, or
 * `OAUTHLIB_INSECURE_TRANSPORT`), by the same rule as {@link assertSecureTransport}. Any other
 * scheme is not.
 *
 * @internal
 */
export function isSecureEnough(url: URL, allowInsecure: boolean): boolean {
  if (url.protocol === 'https:') return true
  return url.protocol === 'http:' && (insecureAllowed(allowInsecure) || LOOPBACK.test(url.hostname))
}

/** The option, or `OAUTHLIB_INSECURE_TRANSPORT` set to anything but the empty string, as in oauthlib. */
function insecureAllowed(allowInsecure: boolean): boolean {
  return allowInsecure || Boolean(process.env.OAUTHLIB_INSECURE_TRANSPORT)
}
