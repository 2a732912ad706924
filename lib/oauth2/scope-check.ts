import { ScopeChangedWarning } from './oauth2-errors.js'

/**
 * oauthlib's scope check: a token whose scope differs (as a set) from the one asked for is
 * refused unless relaxed by option or `OAUTHLIB_RELAX_TOKEN_SCOPE`. Returns the warning to raise,
 * so the caller decides what to keep before raising it.
 *
 * @internal
 */
export function scopeChange(
  requested: readonly string[] | undefined,
  granted: readonly string[] | undefined,
  relaxed: boolean,
  token?: Record<string, unknown>,
): ScopeChangedWarning | undefined {
  if (requested === undefined || granted === undefined) return undefined
  const asked = new Set(requested)
  const given = new Set(granted)
  const same = asked.size === given.size && [...asked].every((scope) => given.has(scope))
  if (same || relaxed || process.env.OAUTHLIB_RELAX_TOKEN_SCOPE) return undefined
  return new ScopeChangedWarning(requested, granted, token)
}
