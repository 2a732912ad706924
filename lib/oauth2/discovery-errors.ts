import { OAuthSessionsError } from '../errors.js'
import { redactUrl } from '../security/redact-url.js'

/**
 * One well-known URL {@link DiscoveryError} tried, and what it answered.
 *
 * @example
 * ```ts
 * import type { DiscoveryAttempt } from 'oauth-sessions'
 * const attempt: DiscoveryAttempt = { url: 'https://idp.example.com/.well-known/openid-configuration', problem: 'HTTP 404' }
 * ```
 * @group Errors
 */
export interface DiscoveryAttempt {
  /** The URL asked (redacted). */
  readonly url: string
  /** What it answered, such as `'HTTP 404'` or `'not JSON (text/html)'`. */
  readonly problem: string
}

/**
 * Thrown when no authorization server metadata (RFC 8414, OpenID Connect Discovery 1.0) could be
 * read for an issuer: every well-known URL answered with an HTTP error, something other than a
 * JSON object, or a redirect to another origin. `attempts` says what each URL answered.
 *
 * @example
 * ```ts
 * import { DiscoveryError, OAuth2Session } from 'oauth-sessions'
 * try { await OAuth2Session.discover('https://idp.example.com', 'client-id') }
 * catch (error) { if (error instanceof DiscoveryError) console.error(error.issuer, error.attempts) }
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3
 * @group Errors
 */
export class DiscoveryError extends OAuthSessionsError {
  /** Always `'DiscoveryError'`. */
  override name = 'DiscoveryError'
  /** Always `'ERR_DISCOVERY'`: a stable value to branch on, unlike the message. */
  override code = 'ERR_DISCOVERY'
  /** The issuer asked for. */
  readonly issuer: string
  /** Each well-known URL tried, in order, and what it answered (`'HTTP 404'`, `'not JSON (text/html)'` …). */
  readonly attempts: ReadonlyArray<DiscoveryAttempt>

  constructor(issuer: string, attempts: ReadonlyArray<{ url: string; problem: string }>) {
    const shown = attempts.map(({ url, problem }) => `${redactUrl(url)}: ${problem}`).join('; ')
    super(
      `No authorization server metadata was found for issuer ${redactUrl(issuer)} (${shown}). ` +
        'Check the issuer (exactly as the provider spells it, trailing slash included), or pass the endpoints as options instead.',
    )
    this.issuer = redactUrl(issuer)
    this.attempts = Object.freeze(attempts.map(({ url, problem }) => Object.freeze({ url: redactUrl(url), problem })))
  }
}

/**
 * Thrown when an authorization server metadata document was found but cannot be trusted: its
 * `issuer` is not exactly the one asked for (RFC 8414 §3.3, OpenID Connect Discovery §4.3: a
 * mix-up or impersonation defence), or a field has the wrong type, is too long, or is an endpoint
 * that is not an absolute https URL. The message names the field and what was wrong, never the
 * value (except the issuer, a public URL, redacted).
 *
 * @example
 * ```ts
 * import { InvalidMetadataError, OAuth2Session } from 'oauth-sessions'
 * try { await OAuth2Session.discover('https://idp.example.com', 'client-id') }
 * catch (error) { if (error instanceof InvalidMetadataError && error.field === 'issuer') console.error('issuer mismatch', error.problem) }
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3.3
 * @group Errors
 */
export class InvalidMetadataError extends OAuthSessionsError {
  /** Always `'InvalidMetadataError'`. */
  override name = 'InvalidMetadataError'
  /** Always `'ERR_INVALID_METADATA'`: a stable value to branch on, unlike the message. */
  override code = 'ERR_INVALID_METADATA'
  /** The field that was wrong, such as `'issuer'` or `'token_endpoint'` (`'(a field)'` when its name is not fit to show). */
  readonly field: string
  /** What was wrong with it. */
  readonly problem: string
  /** The metadata URL that served the document. */
  readonly url: string

  constructor(url: string, field: string, problem: string) {
    const shownField = /^[A-Za-z0-9_.-]{1,64}$/.test(field) ? field : '(a field)'
    super(
      `The authorization server metadata at ${redactUrl(url)} is refused: its '${shownField}' ${problem}. ` +
        'Check the issuer; if this is the provider you meant, pass the endpoints as options instead of discovering them.',
    )
    this.field = shownField
    this.problem = problem
    this.url = redactUrl(url)
  }
}
