import type { OAuth2Session } from '../oauth2-session.js'
import { fixJsonToken } from './with-json-token.js'

/**
 * eBay names its token type "Application Access Token" or "User Access Token"; both are Bearer
 * tokens, and this fix says so, for new and refreshed tokens.
 *
 * @example
 * ```ts
 * import { OAuth2Session } from 'oauth-sessions'
 * import { ebayComplianceFix } from 'oauth-sessions/compliance'
 * const ebay = ebayComplianceFix(new OAuth2Session('client-id'))
 * ```
 * @see requests_oauthlib.compliance_fixes.ebay_compliance_fix
 * @group Compliance
 */
export function ebayComplianceFix(session: OAuth2Session): OAuth2Session {
  const bearer = fixJsonToken((token) =>
    token.token_type === 'Application Access Token' || token.token_type === 'User Access Token' ? { ...token, token_type: 'Bearer' } : token,
  )
  session.registerComplianceHook('access_token_response', bearer)
  session.registerComplianceHook('refresh_token_response', bearer)
  return session
}
