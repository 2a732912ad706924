const UNRESERVED = /^[A-Za-z0-9\-._~]*$/

/**
 * Percent-encodes text as RFC 5849 §3.6 asks (RFC 3986 unreserved characters stay, tilde
 * included, everything else is UTF-8 percent-encoded in upper case).
 *
 * @example
 * ```ts
 * import { percentEncode } from 'oauth-sessions'
 * percentEncode('Ladies + Gentlemen') // 'Ladies%20%2B%20Gentlemen'
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc5849#section-3.6
 * @group OAuth 1
 */
export function percentEncode(text: string): string {
  if (UNRESERVED.test(text)) return text
  return encodeURIComponent(text).replace(/[!'()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`)
}
