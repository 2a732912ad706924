import type { Response } from '../../http/response.js'
import type { OAuth2Session } from '../oauth2-session.js'

/**
 * Facebook's old Graph API answered token requests form-encoded as `text/plain`, with `expires`
 * for `expires_in` and no `token_type`: this fix turns such an answer into the standard JSON.
 *
 * @example
 * ```ts
 * import { OAuth2Session } from 'oauth-sessions'
 * import { facebookComplianceFix } from 'oauth-sessions/compliance'
 * const facebook = facebookComplianceFix(new OAuth2Session('app-id', { redirectUri: 'https://app.example/cb' }))
 * ```
 * @see requests_oauthlib.compliance_fixes.facebook_compliance_fix
 * @group Compliance
 */
export function facebookComplianceFix(session: OAuth2Session): OAuth2Session {
  session.registerComplianceHook('access_token_response', parseFormToken)
  return session
}

function parseFormToken(response: Response): Response {
  const type = response.headers.get('content-type') ?? ''
  if (type.includes('application/json') || response.status !== 200 || !type.includes('text/plain')) return response
  const token: Record<string, string> = Object.fromEntries(new URLSearchParams(response.text))
  if (token.expires !== undefined) token.expires_in = token.expires
  return response.withJson({ ...token, token_type: 'Bearer' })
}
