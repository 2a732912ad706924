/**
 * The one list of names whose values are credentials, for query and form parameters, token keys
 * and headers. Redaction everywhere (URLs, base strings, headers, tokens in inspect output) reads
 * it from here, so a new credential name is added once.
 */

/**
 * Parameter names (query, form, token keys) whose values are credentials. Matched in lower case.
 *
 * @internal
 */
export const SECRET_PARAMS: ReadonlySet<string> = new Set([
  'access_token',
  'refresh_token',
  'id_token',
  'token',
  'client_secret',
  'password',
  'code',
  'code_verifier',
  'device_code',
  'subject_token',
  'actor_token',
  'assertion',
  'oauth_token',
  'oauth_token_secret',
  'oauth_signature',
  'oauth_verifier',
  'oauth2_access_token',
  'api_key',
  'apikey',
  'key',
  'secret',
  'ofly_api_sig',
  'oflyapisig',
  'signature',
  'x_auth_password',
  'client_assertion',
  'dpop_jwk',
])

/**
 * Header names (lower case) whose values are credentials.
 *
 * @internal
 */
export const SECRET_HEADERS: ReadonlySet<string> = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key'])

/**
 * Whether a key of a token object holds a credential: a listed name, or any name that says token,
 * secret or code (a provider's own `signed_request_token`), but never `token_type`.
 *
 * @internal
 */
export function isSecretTokenKey(key: string): boolean {
  const name = key.toLowerCase()
  return name !== 'token_type' && (SECRET_PARAMS.has(name) || /token|secret|code/.test(name))
}

/**
 * A copy of a token object with its credential values shown as `[redacted]`, for inspect output.
 *
 * @internal
 */
export function redactToken(token: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const shown: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(token)) shown[key] = isSecretTokenKey(key) ? '[redacted]' : value
  return shown
}
