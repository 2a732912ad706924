/** Shorter values are left alone: scrubbing `1` or `abc` out of a message would hide more than it protects. */
const SHORTEST = 6

/**
 * The text with every occurrence of the given secret values (as they are, percent-encoded and
 * form-encoded) replaced by `[redacted]`: for what a hostile server echoes back of a request
 * (an error description quoting the code, a Location carrying the token) before it reaches an
 * error message or a log.
 *
 * @internal
 */
export function scrubSecrets(text: string, secrets: Iterable<string>): string {
  let scrubbed = text
  for (const secret of secrets) {
    if (secret.length < SHORTEST) continue
    for (const form of new Set([secret, encodeURIComponent(secret), encodeURIComponent(secret).replace(/%20/g, '+')])) {
      if (scrubbed.includes(form)) scrubbed = scrubbed.split(form).join('[redacted]')
    }
  }
  return scrubbed
}
