import { ConfigurationError } from '../errors.js'
import { redactUrl } from '../security/redact-url.js'

/**
 * Parses a URL a caller gave (an endpoint, a callback URL): a malformed one is a
 * ConfigurationError naming the option, shown redacted, never a raw TypeError.
 *
 * @internal
 */
export function parseUrlOption(url: string, option: string, base?: string | URL): URL {
  try {
    return base === undefined ? new URL(url) : new URL(url, base)
  } catch {
    throw new ConfigurationError(option, `${option} must be an absolute URL such as https://idp.example.com/path (got "${redactUrl(String(url))}").`)
  }
}
