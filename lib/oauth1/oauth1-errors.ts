import { OAuthSessionsError } from '../errors.js'
import { isSecretTokenKey } from '../security/secret-names.js'
import { decodeComponent } from '../http/form-encoding.js'
import type { Response } from '../http/response.js'
import { scrubSecrets } from '../security/scrub-secrets.js'

/**
 * Thrown when a token endpoint answers an OAuth 1 token request with a non-2xx status; carries
 * the status, the body and the Response.
 *
 * @example
 * ```ts
 * import { OAuth1Session, TokenRequestDeniedError } from 'oauth-sessions'
 * const session = new OAuth1Session('key', 'secret')
 * try { await session.fetchRequestToken('https://api.example.com/oauth/request_token') }
 * catch (error) { if (error instanceof TokenRequestDeniedError) console.error(error.status, error.body) }
 * ```
 * @see requests_oauthlib.oauth1_session.TokenRequestDenied
 * @group Errors
 */
export class TokenRequestDeniedError extends OAuthSessionsError {
  /** Always `'TokenRequestDeniedError'`. */
  override name = 'TokenRequestDeniedError'
  /** Always `'ERR_TOKEN_REQUEST_DENIED'`: a stable value to branch on, unlike the message. */
  override code = 'ERR_TOKEN_REQUEST_DENIED'
  /** The HTTP status of the refusal. */
  readonly status: number
  /** The body the provider sent, with the request's credentials scrubbed out if it quoted them (kept out of JSON and inspect output; `error.response.text` has it as sent). */
  declare readonly body: string
  /** For a 401, the signature base string we signed (credential values redacted). */
  readonly signatureBaseString: string | undefined
  /** The refusing response. */
  declare readonly response: Response

  constructor(response: Response) {
    // A provider may quote the request back (a PLAINTEXT signature is both secrets): its credentials are scrubbed out.
    const body = scrubSecrets(response.text, response.request.secretValues())
    super(
      `Token request failed with code ${response.status}, response was ${bodySnippet(body, response.headers.get('content-type'))}. Check the consumer key and secret, the token and the endpoint URL.`,
    )
    this.status = response.status
    Object.defineProperty(this, 'body', { value: body, enumerable: false })
    this.signatureBaseString = response.status === 401 ? response.request.signatureBaseString : undefined
    Object.defineProperty(this, 'response', { value: response, enumerable: false })
  }
}

/**
 * Thrown when an OAuth 1 access token is fetched without a verifier.
 *
 * @example
 * ```ts
 * import { OAuth1Session, VerifierMissingError } from 'oauth-sessions'
 * try { await new OAuth1Session('key', 'secret', 'request-token', 'rt-secret').fetchAccessToken('https://api.example.com/oauth/access_token') }
 * catch (error) { if (error instanceof VerifierMissingError) console.error(error.message) }
 * ```
 * @see requests_oauthlib.oauth1_session.VerifierMissing
 * @group Errors
 */
export class VerifierMissingError extends OAuthSessionsError {
  /** Always `'VerifierMissingError'`. */
  override name = 'VerifierMissingError'
  /** Always `'ERR_VERIFIER_MISSING'`: a stable value to branch on, unlike the message. */
  override code = 'ERR_VERIFIER_MISSING'

  constructor() {
    super('No verifier has been set. Pass it to fetchAccessToken(url, verifier), or parse the callback URL with parseAuthorizationResponse(url) first.')
  }
}

/**
 * rauth's quote of the refusing body, made safe: a form or JSON body with the values of credential
 * keys (oauth_token, oauth_token_secret, access_token ...) redacted, cut at 200 characters; any
 * other body (an HTML page) by its size and type only, as it may hold anything.
 */
function bodySnippet(body: string, contentType: string | undefined): string {
  const text = body.trim()
  const type = contentType ?? ''
  let shown: string
  const json = text.startsWith('{') ? redactedJson(text) : undefined
  if (json !== undefined) {
    shown = json
  } else if (/^[^\s<>{}"]*$/.test(text) && text.includes('=')) {
    shown = text
      .split('&')
      .map((part) => {
        const name = part.split('=', 1)[0] ?? ''
        return part.includes('=') && isSecretTokenKey(decodeComponent(name)) ? `${name}=[redacted]` : part
      })
      .join('&')
  } else {
    return text === '' ? 'empty' : `${Buffer.byteLength(text)} bytes${type ? ` of ${type.split(';')[0]}` : ''}`
  }
  return `'${shown.length > 200 ? `${shown.slice(0, 200)}...` : shown}'`
}

/** A JSON object's text with credential values redacted, or undefined for anything else (text that only looks like JSON, or nests too deep to print). */
function redactedJson(text: string): string | undefined {
  try {
    const value: unknown = JSON.parse(text)
    if (typeof value !== 'object' || value === null) return undefined
    return JSON.stringify(value, (key, inner: unknown) => (key !== '' && isSecretTokenKey(key) ? '[redacted]' : inner))
  } catch {
    return undefined
  }
}
