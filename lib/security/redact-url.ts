import { SECRET_PARAMS } from './secret-names.js'

/**
 * A URL safe for messages and logs: the user-info part (a password, or a token used as the user
 * name, as GitHub's `https://TOKEN@host/`) and the values of credential
 * query parameters (access_token, oauth_signature, api_key ...) become `[redacted]`.
 *
 * @param extraSecretNames - more parameter names (lower case) whose values are credentials: the
 *   ones a strategy chose itself (rauth's `accessTokenKey`, a `QueryApiKey` name)
 * @internal
 */
export function redactUrl(url: string, extraSecretNames?: ReadonlySet<string>): string {
  const hashStart = url.indexOf('#')
  const queryStart = url.indexOf('?')
  const hasQuery = queryStart !== -1 && (hashStart === -1 || queryStart < hashStart)
  const hasUserInfo = url.includes('@')
  if (!hasQuery && hashStart === -1 && !hasUserInfo) return url
  const headEnd = hasQuery ? queryStart : hashStart === -1 ? url.length : hashStart
  let head = url.slice(0, headEnd)
  if (hasUserInfo) head = redactUserInfo(head)
  const query = hasQuery ? `?${redactQuery(url.slice(queryStart + 1, hashStart === -1 ? undefined : hashStart), extraSecretNames)}` : ''
  const fragment = hashStart === -1 ? '' : redactFragment(url.slice(hashStart), extraSecretNames)
  return `${head}${query}${fragment}`
}

/** The authority's user info (user name and password: either may be a token) as `[redacted]`; it ends at the authority's last `@`. */
function redactUserInfo(head: string): string {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(head)
  if (scheme === null) return head
  const start = scheme[0].length
  const slash = head.indexOf('/', start)
  const authority = head.slice(start, slash === -1 ? undefined : slash)
  const at = authority.lastIndexOf('@')
  if (at === -1) return head
  return `${head.slice(0, start)}[redacted]${head.slice(start + at)}`
}

function redactQuery(query: string, extra: ReadonlySet<string> | undefined): string {
  return query
    .split('&')
    .map((part) => {
      const eq = part.indexOf('=')
      if (eq === -1) return part
      const name = safeDecode(part.slice(0, eq)).toLowerCase()
      return SECRET_PARAMS.has(name) || extra?.has(name) === true ? `${part.slice(0, eq)}=[redacted]` : part
    })
    .join('&')
}

function redactFragment(fragment: string, extra: ReadonlySet<string> | undefined): string {
  // Implicit-grant redirects carry the token in the fragment.
  return fragment.includes('=') ? `#${redactQuery(fragment.slice(1), extra)}` : fragment
}

/**
 * A form-encoded name or value decoded (`+` is a space), or left as it is when its escapes are malformed.
 *
 * @internal
 */
export function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '))
  } catch {
    return text
  }
}

/**
 * Pairs with the values of credential parameters replaced by `[redacted]`, for base strings shown
 * in errors and logs. Returns the same array when nothing needs redacting.
 *
 * @internal
 */
export function redactPairs(pairs: [string, string][]): [string, string][] {
  if (!pairs.some(([name]) => isSecretParam(name))) return pairs
  return pairs.map(([name, value]) => [name, isSecretParam(name) ? '[redacted]' : value])
}

/**
 * Whether a parameter's value is a credential to redact in a shown base string (`oauth_token`
 * and `oauth_signature` are identifiers a provider shows too, so they stay).
 *
 * @internal
 */
export function isSecretParam(name: string): boolean {
  if (name === 'oauth_token' || name === 'oauth_signature') return false
  return SECRET_PARAMS.has(name) || SECRET_PARAMS.has(name.toLowerCase())
}
