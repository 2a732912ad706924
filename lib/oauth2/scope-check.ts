import { ScopeChangedWarning } from './oauth2-errors.js'

/**
 * oauthlib's scope check: a token whose scope differs (as a set) from the one asked for is
 * refused unless relaxed by option or `OAUTHLIB_RELAX_TOKEN_SCOPE`.
 *
 * @internal
 */
export function checkScope(
  requested: readonly string[] | undefined,
  granted: readonly string[] | undefined,
  relaxed: boolean,
  token?: Record<string, unknown>,
): void {
  if (requested === undefined || granted === undefined) return
  const asked = new Set(requested)
  const given = new Set(granted)
  const same = asked.size === given.size && [...asked].every((scope) => given.has(scope))
  if (same || relaxed || process.env.OAUTHLIB_RELAX_TOKEN_SCOPE) return
  throw new ScopeChangedWarning(requested, granted, token)
}
