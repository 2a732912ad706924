/** Shorter values are left alone: scrubbing `1` or `abc` out of a message would hide more than it protects. */
const SHORTEST = 6

/**
 * The text with every occurrence of the given secret values (as they are, percent-encoded,
 * form-encoded, base64 and base64url encoded) replaced by `[redacted]`: for what a hostile server
 * echoes back of a request (an error description quoting the code, a Location carrying the token,
 * a password it encoded) before it reaches an error message or a log.
 *
 * @internal
 */
export function scrubSecrets(text: string, secrets: Iterable<string>): string {
  let scrubbed = text
  for (const secret of secrets) {
    if (secret.length < SHORTEST) continue
    for (const form of writtenForms(secret)) {
      if (scrubbed.includes(form)) scrubbed = scrubbed.split(form).join('[redacted]')
    }
  }
  return scrubbed
}

/** The ways a value is written into text: longest first, so that a shorter form never leaves part of a longer one. */
function writtenForms(secret: string): string[] {
  const percent = encodeURIComponent(secret)
  const bytes = Buffer.from(secret, 'utf8')
  const forms = new Set([
    secret,
    percent,
    percent.replace(/%20/g, '+'),
    new URLSearchParams({ s: secret }).toString().slice(2),
    // Without padding: the value may be the end of a longer encoded text.
    bytes.toString('base64').replace(/=+$/, ''),
    bytes.toString('base64url'),
  ])
  return [...forms].sort((a, b) => b.length - a.length)
}
