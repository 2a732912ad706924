import { TokenMissingError } from '../errors.js'
import { TokenExpiredError, TokenRequestError, TokenUpdated } from './oauth2-errors.js'
import type { OAuth2Token } from './oauth2-token.js'

/**
 * One task at a time per key: callers that come while a task for their key runs share its result,
 * so a hundred concurrent requests on an expired token send one refresh.
 *
 * @internal
 */
export class SingleFlight<V> {
  readonly #pending = new Map<string, Promise<V>>()

  /** Runs `task` for `key`, or joins the run already under way. */
  run(key: string, task: () => Promise<V>): Promise<V> {
    let pending = this.#pending.get(key)
    if (pending === undefined) {
      pending = task().finally(() => this.#pending.delete(key))
      this.#pending.set(key, pending)
    }
    return pending
  }
}

/**
 * How a token can be renewed. Each way is present only when it is possible.
 *
 * @internal
 */
export interface RenewalPlan<T = OAuth2Token> {
  /** Uses the refresh token (RFC 6749 §6). */
  refresh?: ((refreshToken: string) => Promise<T>) | undefined
  /** Runs the grant again: client credentials (with the original extras), or a requests-auth flow. */
  grant?: (() => Promise<T>) | undefined
  /**
   * requests-auth's rule: a refused refresh (an OAuth error, or an answer without a token) falls
   * back to the grant. A network failure is reported as it is.
   */
  grantWhenRefreshRefused?: boolean | undefined
  /** Gets each renewed token (requests-oauthlib's `token_updater`). */
  tokenUpdater?: ((token: T) => void | Promise<void>) | undefined
  /**
   * requests-oauthlib's rule: a refresh without a `tokenUpdater` raises {@link TokenUpdated}
   * carrying the new token, for the caller to save.
   */
  throwTokenUpdated?: boolean | undefined
}

/**
 * Renews a token by the plan: refresh when there is a refresh token, else the grant, else
 * {@link TokenExpiredError}; then hands the token to the updater (or raises TokenUpdated).
 *
 * @internal
 */
export async function renewToken<T>(refreshToken: string | undefined, plan: RenewalPlan<T>): Promise<T> {
  if (plan.refresh !== undefined && typeof refreshToken === 'string' && refreshToken !== '') {
    let token: T
    try {
      token = await plan.refresh(refreshToken)
    } catch (error) {
      const refused = error instanceof TokenRequestError || error instanceof TokenMissingError
      if (!refused || plan.grant === undefined || !plan.grantWhenRefreshRefused) throw error
      return deliver(await plan.grant(), plan, false)
    }
    return deliver(token, plan, plan.throwTokenUpdated === true)
  }
  if (plan.grant !== undefined) return deliver(await plan.grant(), plan, false)
  throw new TokenExpiredError()
}

async function deliver<T>(token: T, plan: RenewalPlan<T>, throwWithoutUpdater: boolean): Promise<T> {
  if (plan.tokenUpdater !== undefined) await plan.tokenUpdater(token)
  else if (throwWithoutUpdater) throw new TokenUpdated(token as Record<string, unknown>)
  return token
}
