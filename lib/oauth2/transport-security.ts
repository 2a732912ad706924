import { InsecureTransportError } from './oauth2-errors.js'
import { parseUrlOption } from '../http/parse-url.js'

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i

/**
 * Throws InsecureTransportError for a plain-http URL, unless it points to loopback or insecure
 * transport was allowed (option, or `OAUTHLIB_INSECURE_TRANSPORT` as in oauthlib).
 *
 * @internal
 */
export function assertSecureTransport(url: string, allowInsecure: boolean): void {
  // Runs before every protected request: the common https case costs a prefix test only.
  if (/^https:/i.test(url) || allowInsecure || process.env.OAUTHLIB_INSECURE_TRANSPORT) return
  if (LOOPBACK.test(parseUrlOption(url, 'url').hostname)) return
  throw new InsecureTransportError(url)
}
