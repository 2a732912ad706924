import type { OAuth2Session } from '../oauth2-session.js'
import { fixJsonToken } from './with-json-token.js'

/**
 * Fitbit reported token errors as `{"errors": [{"errorType": ...}], "success": false}`; this fix
 * moves the first error type to the standard `error` key so it becomes a typed error.
 *
 * @example
 * ```ts
 * import { OAuth2Session } from 'oauth-sessions'
 * import { fitbitComplianceFix } from 'oauth-sessions/compliance'
 * const fitbit = fitbitComplianceFix(new OAuth2Session('client-id'))
 * ```
 * @see requests_oauthlib.compliance_fixes.fitbit_compliance_fix
 * @group Compliance
 */
export function fitbitComplianceFix(session: OAuth2Session): OAuth2Session {
  const missingError = fixJsonToken((token) => {
    const errors = token.errors
    if (Array.isArray(errors) && errors.length > 0) {
      const first = errors[0] as { errorType?: string; message?: string }
      return { ...token, error: first.errorType, error_description: first.message }
    }
    return token
  })
  session.registerComplianceHook('access_token_response', missingError)
  session.registerComplianceHook('refresh_token_response', missingError)
  return session
}
