import type { OAuth2Session } from '../oauth2-session.js'
import { withTokenType } from './with-json-token.js'

/**
 * LinkedIn's v1 API: token answers lack `token_type`, and protected requests want the token in
 * the `oauth2_access_token` query parameter.
 *
 * @example
 * ```ts
 * import { OAuth2Session } from 'oauth-sessions'
 * import { linkedinComplianceFix } from 'oauth-sessions/compliance'
 * const linkedin = linkedinComplianceFix(new OAuth2Session('client-id'))
 * ```
 * @see requests_oauthlib.compliance_fixes.linkedin_compliance_fix
 * @group Compliance
 */
export function linkedinComplianceFix(session: OAuth2Session): OAuth2Session {
  session.registerComplianceHook('access_token_response', withTokenType('Bearer'))
  session.registerComplianceHook('protected_request', ([url, headers, body]) => {
    const target = new URL(url)
    target.searchParams.append('oauth2_access_token', session.accessToken ?? '')
    return [target.href, headers, body]
  })
  return session
}
