/** `%XX` for every byte value. */
const ESCAPES = Array.from({ length: 256 }, (_, byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`)

/** `%25XX`: the escape of a byte, percent-encoded once more (the base string encodes encoded parameters). */
const DOUBLE_ESCAPES = ESCAPES.map((hex) => `%25${hex.slice(1)}`)

/** 1 for the RFC 3986 unreserved ASCII characters: letters, digits, `-`, `.`, `_`, `~`. */
const UNRESERVED = new Uint8Array(128)
for (const character of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~') UNRESERVED[character.charCodeAt(0)] = 1

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
  // A character loop: signing encodes every parameter and the whole parameter string, so this is
  // the hottest function of OAuth 1; non-ASCII text takes the UTF-8 path below.
  let out = ''
  let copied = 0
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code < 128) {
      if (UNRESERVED[code] === 1) continue
      out += text.slice(copied, i) + (ESCAPES[code] as string)
      copied = i + 1
    } else {
      return out + text.slice(copied, i) + encodeNonAscii(text.slice(i))
    }
  }
  return copied === 0 ? text : out + text.slice(copied)
}

function encodeNonAscii(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (character) => ESCAPES[character.charCodeAt(0)] as string)
}

/**
 * `percentEncode(percentEncode(text))` in one pass: how a parameter appears inside a signature
 * base string.
 *
 * @internal
 */
export function percentEncodeTwice(text: string): string {
  let out = ''
  let copied = 0
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code < 128) {
      if (UNRESERVED[code] === 1) continue
      out += text.slice(copied, i) + (DOUBLE_ESCAPES[code] as string)
      copied = i + 1
    } else {
      return out + text.slice(copied, i) + encodeNonAscii(text.slice(i)).replaceAll('%', '%25')
    }
  }
  return copied === 0 ? text : out + text.slice(copied)
}
