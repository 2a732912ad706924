import type { PreparedRequest } from '../http/prepared-request.js'
import { AuthBase } from './multi-auth.js'

/**
 * Bearer token authentication (RFC 6750 §2.1): `Authorization: Bearer <token>`.
 *
 * The token can be replaced later with {@link BearerAuth.setToken}; it never appears in
 * `toString()`, `toJSON()` or `util.inspect` output.
 *
 * @example
 * ```ts
 * import { BearerAuth, Session } from 'oauth-sessions'
 * const session = new Session({ auth: new BearerAuth(process.env.ACCESS_TOKEN ?? '') })
 * await session.get('https://api.example.com/me')
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-2.1
 * @group Auth
 */
export class BearerAuth extends AuthBase {
  #token: string

  constructor(token: string) {
    super()
    this.#token = token
  }

  /** Replaces the token sent from the next request on. */
  setToken(token: string): void {
    this.#token = token
  }

  /** Sets the `Authorization` header. */
  apply(request: PreparedRequest): void {
    request.headers.set('Authorization', `Bearer ${this.#token}`)
  }

  /** The strategy with its token redacted. */
  toJSON(): Record<string, string> {
    return { type: 'BearerAuth', token: '[redacted]' }
  }

  /** @internal */
  override toString(): string {
    return 'BearerAuth([redacted])'
  }

  /** @internal keeps the token out of `console.log` and `util.inspect`. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString()
  }
}
