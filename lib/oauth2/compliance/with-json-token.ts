import type { Response } from '../../http/response.js'
import type { ResponseHook } from '../compliance-hooks.js'

/**
 * A response hook that rewrites a JSON token with `fix`; answers that are not a JSON object are
 * left alone, so the token request's own error handling sees them.
 *
 * @internal
 */
export function fixJsonToken(fix: (token: Record<string, unknown>) => Record<string, unknown>): ResponseHook {
  return (response: Response) => {
    let token: unknown
    try {
      token = JSON.parse(response.text)
    } catch {
      return response
    }
    if (typeof token !== 'object' || token === null || Array.isArray(token)) return response
    return response.withJson(fix({ ...(token as Record<string, unknown>) }))
  }
}

/** A response hook that sets `token_type`. @internal */
export function withTokenType(tokenType: string): ResponseHook {
  return fixJsonToken((token) => ({ ...token, token_type: tokenType }))
}
