import type { OAuth2Session } from '../oauth2-session.js'
import { withTokenType } from './with-json-token.js'

/**
 * Weibo's token answers lack `token_type`; this fix sets it to Bearer.
 *
 * @example
 * ```ts
 * import { OAuth2Session } from 'oauth-sessions'
 * import { weiboComplianceFix } from 'oauth-sessions/compliance'
 * const weibo = weiboComplianceFix(new OAuth2Session('client-id'))
 * ```
 * @see requests_oauthlib.compliance_fixes.weibo_compliance_fix
 * @group Compliance
 */
export function weiboComplianceFix(session: OAuth2Session): OAuth2Session {
  session.registerComplianceHook('access_token_response', withTokenType('Bearer'))
  return session
}
