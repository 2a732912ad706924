import type { OAuth2Session } from '../oauth2-session.js'
import { fixJsonToken } from './with-json-token.js'

/**
 * Plentymarkets answered token keys in camelCase (`accessToken`, `expiresIn` ...); this fix turns
 * them into the standard snake_case keys.
 *
 * @example
 * ```ts
 * import { OAuth2Session } from 'oauth-sessions'
 * import { plentymarketsComplianceFix } from 'oauth-sessions/compliance'
 * const plenty = plentymarketsComplianceFix(new OAuth2Session('client-id'))
 * ```
 * @see requests_oauthlib.compliance_fixes.plentymarkets_compliance_fix
 * @group Compliance
 */
export function plentymarketsComplianceFix(session: OAuth2Session): OAuth2Session {
  session.registerComplianceHook(
    'access_token_response',
    fixJsonToken((token) => Object.fromEntries(Object.entries(token).map(([key, value]) => [toSnakeCase(key), value]))),
  )
  return session
}

function toSnakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
    .toLowerCase()
}
