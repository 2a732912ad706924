import type { ComplianceHookType } from './oauth2/compliance-hooks.js'

export type { ComplianceHookType, ComplianceHooks, RequestHook, ResponseHook } from './oauth2/compliance-hooks.js'

/**
 * Every {@link ComplianceHookType}, in the order requests-oauthlib lists them.
 *
 * @example
 * ```ts
 * import { COMPLIANCE_HOOK_TYPES } from 'oauth-sessions/compliance'
 * console.log(COMPLIANCE_HOOK_TYPES.includes('protected_request'))
 * ```
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

export * from './oauth2/compliance/index.js'
