import type { OAuth2Session } from '../oauth2-session.js'
import { withTokenType } from './with-json-token.js'

/**
 * LinkedIn's v1 API: token answers lack `token_type`, and protected requests carry the token in
 * the `oauth2_access_token` query parameter instead of the Authorization header, as
 * requests-oauthlib's fix places it (`default_token_placement = 'query'` plus that parameter). A
 * retry after a 401 replaces the parameter with the new token. requests-oauthlib 1.3 also
 * repeated the token as `access_token`; it is sent once here.
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
  session.accessTokenKey = 'oauth2_access_token'
  session.bearerAuth = false
  return session
}
