import { basicAuthorization } from '../http/basic-authorization.js'
import type { PreparedRequest } from '../http/prepared-request.js'
import { AuthBase } from './multi-auth.js'
import { timingSafeEqualText } from '../security/timing-safe-equal.js'

/**
 * HTTP Basic authentication (RFC 7617): `Authorization: Basic base64(username:password)`.
 *
 * Like requests, the credentials are encoded as Latin-1 when every character fits in it, and
 * as UTF-8 otherwise (where requests would fail).
 *
 * @example
 * ```ts
 * import { HTTPBasicAuth, Session } from 'oauth-sessions'
 * const session = new Session({ auth: new HTTPBasicAuth('user', 'pass') })
 * await session.get('https://api.example.com/me')
 * ```
 * @see requests.auth.HTTPBasicAuth
 * @group Auth
 */
export class HTTPBasicAuth extends AuthBase {
  /** The user name sent. */
  readonly username: string
  readonly #password: string
  readonly #header: string

  constructor(username: string, password: string) {
    super()
    this.username = username
    this.#password = password
    this.#header = basicAuthorization(username, password)
  }

  /** Sets the `Authorization` header. */
  apply(request: PreparedRequest): void {
    request.headers.set('Authorization', this.#header)
  }

  /** Whether another HTTPBasicAuth holds the same credentials (compared in constant time). */
  equals(other: unknown): boolean {
    return other instanceof HTTPBasicAuth && other.username === this.username && timingSafeEqualText(other.#password, this.#password)
  }

  /** The user name, with the password redacted. */
  toJSON(): Record<string, string> {
    return { type: 'HTTPBasicAuth', username: this.username, password: '[redacted]' }
  }

  /** @internal */
  override toString(): string {
    return `HTTPBasicAuth(${this.username}, [redacted])`
  }

  /** @internal keeps the password out of `console.log` and `util.inspect`. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString()
  }
}

/**
 * requests-auth's `Basic`: HTTP Basic authentication that can take part in a combination.
 *
 * @example
 * ```ts
 * import { Basic, HeaderApiKey, Session } from 'oauth-sessions'
 * const session = new Session({ auth: new Basic('user', 'pw').and(new HeaderApiKey('key')) })
 * ```
 * @see requests_auth.Basic
 * @group Auth
 */
export class Basic extends HTTPBasicAuth {}
