import { ConfigurationError } from '../errors.js'
import { lazySchema } from './lazy-schema.js'

/**
 * Parses a URL a caller gave (an endpoint, a callback URL): a malformed one is a
 * ConfigurationError naming the option, never a raw TypeError. The value is not quoted: a URL
 * that does not parse cannot be redacted reliably, and its query or user info may be a secret.
 *
 * @internal
 */
export function parseUrlOption(url: string, option: string, base?: string | URL): URL {
  try {
    return base === undefined ? new URL(url) : new URL(url, base)
  } catch {
    const why = /^[a-z][a-z0-9+.-]*:/i.test(String(url))
      ? 'the value given does not parse as a URL: check its host (brackets of an IPv6 address), port and percent-escapes'
      : 'the value given has no scheme (a relative URL is not accepted here)'
    throw new ConfigurationError(option, `${option} must be an absolute URL such as https://idp.example.com/path; ${why}.`)
  }
}

/**
 * An absolute http or https URL, as every endpoint option is; a failure names the option, never
 * the value (see {@link parseUrlOption}).
 *
 * @internal
 */
export const httpUrlSchema = lazySchema((z) =>
  z.string().refine((value) => {
    try {
      const { protocol } = new URL(value)
      return protocol === 'https:' || protocol === 'http:'
    } catch {
      return false
    }
  }, 'an absolute http or https URL such as https://idp.example.com/token'),
)
