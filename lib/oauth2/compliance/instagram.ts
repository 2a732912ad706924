import type { OAuth2Session } from '../oauth2-session.js'

/**
 * Instagram's legacy API wanted the token as the `access_token` query parameter, unless the
 * request already names one.
 *
 * @example
 * ```ts
 * import { OAuth2Session } from 'oauth-sessions'
 * import { instagramComplianceFix } from 'oauth-sessions/compliance'
 * const instagram = instagramComplianceFix(new OAuth2Session('client-id'))
 * ```
 * @see requests_oauthlib.compliance_fixes.instagram_compliance_fix
 * @group Compliance
 */
export function instagramComplianceFix(session: OAuth2Session): OAuth2Session {
  session.registerComplianceHook('protected_request', (url, headers, body) => {
    const target = new URL(url)
    if (target.searchParams.has('access_token')) return [url, headers, body]
    target.searchParams.append('access_token', session.accessToken ?? '')
    return [target.href, headers, body]
  })
  return session
}
