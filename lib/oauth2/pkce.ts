import { createHash, randomBytes } from 'node:crypto'

/**
 * A PKCE method: `S256` (recommended) or `plain`.
 *
 * @example
 * ```ts
 * import { OAuth2Session } from 'oauth-sessions'
 * const session = new OAuth2Session('client-id', { pkce: 'S256', redirectUri: 'https://app.example/cb' })
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc7636
 * @group OAuth 2
 */
export type PkceMethod = 'S256' | 'plain'

/**
 * A code verifier of 64 characters from the RFC 7636 §4.1 alphabet, from `crypto.randomBytes`.
 *
 * @internal
 */
export function createCodeVerifier(): string {
  return randomBytes(48).toString('base64url')
}

/**
 * The `code_challenge` for a verifier: base64url(SHA-256(verifier)) for S256, the verifier itself for plain.
 *
 * @internal
 */
export function codeChallenge(verifier: string, method: PkceMethod): string {
  return method === 'plain' ? verifier : createHash('sha256').update(verifier, 'ascii').digest('base64url')
}
