import type { OAuth2Session } from '../oauth2-session.js'

/**
 * Slack's Web API took the token as a `token` parameter (form body, or query when the body is
 * not a form), unless the request already names one.
 *
 * @example
 * ```ts
 * import { OAuth2Session } from 'oauth-sessions'
 * import { slackComplianceFix } from 'oauth-sessions/compliance'
 * const slack = slackComplianceFix(new OAuth2Session('client-id'))
 * ```
 * @see requests_oauthlib.compliance_fixes.slack_compliance_fix
 * @group Compliance
 */
export function slackComplianceFix(session: OAuth2Session): OAuth2Session {
  session.registerComplianceHook('protected_request', (url, headers, body) => {
    const target = new URL(url)
    const isForm = (headers.get('content-type') ?? '').includes('application/x-www-form-urlencoded')
    const form = isForm && typeof body === 'string' ? new URLSearchParams(body) : undefined
    if (target.searchParams.has('token') || form?.has('token')) return [url, headers, body]
    const token = session.accessToken ?? ''
    if (body === undefined || body === '') {
      headers.set('Content-Type', 'application/x-www-form-urlencoded')
      return [url, headers, new URLSearchParams({ token }).toString()]
    }
    if (form !== undefined) {
      form.append('token', token)
      return [url, headers, form.toString()]
    }
    target.searchParams.append('token', token)
    return [target.href, headers, body]
  })
  return session
}
