import type { OAuth2Session } from '../oauth2-session.js'
import { fixJsonToken } from './with-json-token.js'

/**
 * Mailchimp answered `"scope": null` and `"expires_in": 0` for tokens that do not expire; this fix
 * drops the null scope and reads 0 as 3600 seconds, as requests-oauthlib does.
 *
 * @example
 * ```ts
 * import { OAuth2Session } from 'oauth-sessions'
 * import { mailchimpComplianceFix } from 'oauth-sessions/compliance'
 * const mailchimp = mailchimpComplianceFix(new OAuth2Session('client-id'))
 * ```
 * @see requests_oauthlib.compliance_fixes.mailchimp_compliance_fix
 * @group Compliance
 */
export function mailchimpComplianceFix(session: OAuth2Session): OAuth2Session {
  session.registerComplianceHook(
    'access_token_response',
    fixJsonToken((token) => {
      const fixed = { ...token }
      if ('scope' in fixed && fixed.scope === null) delete fixed.scope
      return fixed
    }),
  )
  session.registerComplianceHook(
    'access_token_response',
    fixJsonToken((token) => (token.expires_in === 0 ? { ...token, expires_in: 3600 } : token)),
  )
  return session
}
