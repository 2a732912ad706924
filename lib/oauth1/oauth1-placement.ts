import { ConfigurationError } from '../errors.js'
import type { ParamPairs } from '../http/form-encoding.js'
import type { PreparedRequest } from '../http/prepared-request.js'
import type { SignatureType } from './oauth1-auth-options.js'
import { bodyText, extractParts, MOVABLE_OAUTH_PARAMS, queryOf, withQuery } from './oauth1-request-parts.js'

/** oauthlib's sanity checks for body signatures, before any traffic. */
export function assertBodyPlacement(request: PreparedRequest, isForm: boolean): void {
  if (request.method === 'GET' || request.method === 'HEAD') {
    throw new ConfigurationError('signatureType', `${request.method} requests have no body: sign them with AUTH_HEADER or QUERY, not BODY.`)
  }
  if (!isForm || (request.body !== undefined && bodyText(request.body) === undefined)) {
    throw new ConfigurationError(
      'signatureType',
      'BODY signatures need a form-encoded body (data as an object): use AUTH_HEADER or QUERY for JSON or multipart.',
    )
  }
}

/** @internal */
export function isMovable(name: string): boolean {
  return (MOVABLE_OAUTH_PARAMS as readonly string[]).includes(name)
}

/** @internal */
export function resolveType(type: SignatureType | 'RAUTH_BODY_OR_QUERY', request: PreparedRequest): SignatureType {
  if (type !== 'RAUTH_BODY_OR_QUERY') return type
  const entity = request.method === 'POST' || request.method === 'PUT' || request.method === 'PATCH'
  const formOrEmpty = request.body === undefined || request.formFields() !== undefined
  return entity && formOrEmpty ? 'BODY' : 'QUERY'
}

/** Whether the request already carries an OAuth signature (rauth's double-signing guard). */
export function isSigned(request: PreparedRequest): boolean {
  if ((request.headers.get('authorization') ?? '').includes('oauth_signature')) return true
  if (request.url.includes('oauth_signature=')) return true
  const body = bodyText(request.body)
  return body !== undefined && body.includes('oauth_signature=') && (request.formFields()?.some(([name]) => name === 'oauth_signature') ?? false)
}

/** Removes OAuth parameters from header, query and form body; returns those found (no signature). */
export function stripOAuth(request: PreparedRequest): ParamPairs {
  const found: ParamPairs = []
  const header = request.headers.get('authorization')
  if (header !== undefined && /^OAuth\s/i.test(header)) {
    request.headers.delete('authorization')
    for (const match of header.matchAll(/([A-Za-z0-9_%.~-]+)="([^"]*)"/g)) {
      const name = decodeURIComponent(match[1] as string)
      if (name.startsWith('oauth_')) found.push([name, decodeURIComponent(match[2] as string)])
    }
  }
  const isOAuth = (name: string): boolean => name.startsWith('oauth_')
  const fromQuery = extractParts(queryOf(request.url), isOAuth)
  if (fromQuery.removed.length > 0) {
    request.url = withQuery(request.url, fromQuery.kept)
    found.push(...fromQuery.removed)
  }
  const body = bodyText(request.body)
  if (body !== undefined && request.formFields() !== undefined) {
    const fromBody = extractParts(body, isOAuth)
    if (fromBody.removed.length > 0) {
      request.body = fromBody.kept
      found.push(...fromBody.removed)
    }
  }
  return found.filter(([name]) => name !== 'oauth_signature')
}
