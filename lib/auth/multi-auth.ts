import { describeStrategy } from '../http/describe-strategy.js'
import type { PreparedRequest } from '../http/prepared-request.js'
import type { AuthResponse, AuthStrategy, RedirectContext } from './auth-strategy.js'

/**
 * A base for strategies that can be combined with `.and()`, the counterpart of requests-auth's
 * `SupportMultiAuth` (`auth_a + auth_b`). Every strategy of this library extends it; yours may
 * too, or take part through {@link combine}.
 *
 * @example
 * ```ts
 * import { AuthBase, HeaderApiKey, Session, type PreparedRequest } from 'oauth-sessions'
 * class Tenant extends AuthBase {
 *   apply(request: PreparedRequest) { request.headers.set('X-Tenant', 'acme') }
 * }
 * const session = new Session({ auth: new HeaderApiKey('key').and(new Tenant()) })
 * ```
 * @see requests_auth.SupportMultiAuth
 * @group Auth
 */
export abstract class AuthBase implements AuthStrategy {
  /** Adds credentials to the request about to be sent. */
  abstract apply(request: PreparedRequest): void | Promise<void>

  /** This strategy and `others`, applied in that order to every request (requests-auth's `+` / `&`). */
  and(...others: AuthStrategy[]): MultiAuth {
    return combine(this, ...others)
  }
}

/**
 * Several strategies applied to one request, in order: requests-auth's multiple authentication.
 *
 * @example
 * ```ts
 * import { combine, HeaderApiKey, HTTPBasicAuth, Session } from 'oauth-sessions'
 * const session = new Session({ auth: combine(new HeaderApiKey('key'), new HTTPBasicAuth('user', 'pw')) })
 * ```
 * @group Auth
 */
export class MultiAuth extends AuthBase {
  /** The strategies, in the order they are applied. */
  readonly strategies: readonly AuthStrategy[]

  constructor(strategies: readonly AuthStrategy[]) {
    super()
    this.strategies = strategies
  }

  /** Applies each strategy in turn. */
  async apply(request: PreparedRequest): Promise<void> {
    for (const strategy of this.strategies) await strategy.apply(request)
  }

  /** Lets each strategy that reacts to redirects do so, in turn. */
  async onRedirect(request: PreparedRequest, context: RedirectContext): Promise<void> {
    for (const strategy of this.strategies) await strategy.onRedirect?.(request, context)
  }

  /** The first strategy that asks to send the request again wins. */
  async onResponse(response: AuthResponse, request: PreparedRequest): Promise<PreparedRequest | undefined> {
    for (const strategy of this.strategies) {
      const retry = await strategy.onResponse?.(response, request)
      if (retry) return retry
    }
    return undefined
  }

  /** The combined strategies, each as it shows itself (secrets redacted). */
  toJSON(): Record<string, unknown> {
    return { type: 'MultiAuth', strategies: this.strategies.map(describeStrategy) }
  }
}

/**
 * Combines strategies into one that applies them all, in order; nested combinations are
 * flattened, as requests-auth's `_MultiAuth` does.
 *
 * @example
 * ```ts
 * import { combine, HeaderApiKey, QueryApiKey } from 'oauth-sessions'
 * const auth = combine(new HeaderApiKey('a'), new QueryApiKey('b'))
 * ```
 * @group Auth
 */
export function combine(...strategies: AuthStrategy[]): MultiAuth {
  return new MultiAuth(strategies.flatMap((strategy) => (strategy instanceof MultiAuth ? strategy.strategies : [strategy])))
}
