/**
 * The points of an OAuth 2 flow where a compliance hook can fix a provider's quirk, spelt as
 * requests-oauthlib spells them, so a ported `register_compliance_hook('access_token_response', fix)`
 * compiles unchanged and a misspelt one does not.
 *
 * @example
 * ```ts
 * import { COMPLIANCE_HOOK_TYPES, type ComplianceHookType } from 'oauth-sessions/compliance'
 * const type: ComplianceHookType = 'access_token_response'
 * console.log(COMPLIANCE_HOOK_TYPES.includes(type))
 * ```
 * @see requests_oauthlib.OAuth2Session.register_compliance_hook
 * @group Compliance
 */
export type ComplianceHookType =
  | 'access_token_request'
  | 'access_token_response'
  | 'refresh_token_request'
  | 'refresh_token_response'
  | 'protected_request'

/**
 * Every {@link ComplianceHookType}, in the order requests-oauthlib lists them.
 *
 * @group Compliance
 */
export const COMPLIANCE_HOOK_TYPES: readonly ComplianceHookType[] = Object.freeze([
  'access_token_request',
  'access_token_response',
  'refresh_token_request',
  'refresh_token_response',
  'protected_request',
])
