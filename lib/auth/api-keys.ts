import { ConfigurationError } from '../errors.js'
import type { PreparedRequest } from '../http/prepared-request.js'
import { AuthBase } from './multi-auth.js'
import { addParameters } from './python-url.js'

/** An HTTP header name (RFC 9110 token). */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

/** The key, checked before any request: requests-auth's "API Key is mandatory", and text (a number or an object is no key). */
function requireKey(apiKey: unknown, owner: string): string {
  if (apiKey === '' || apiKey === undefined || apiKey === null) throw new ConfigurationError('apiKey', 'API Key is mandatory.')
  if (typeof apiKey !== 'string') throw new ConfigurationError('apiKey', `${owner}: the API key must be text.`)
  return apiKey
}

/**
 * An API key sent in a header, as requests-auth's `HeaderApiKey`.
 *
 * @example
 * ```ts
 * import { HeaderApiKey, Session } from 'oauth-sessions'
 * const session = new Session({ auth: new HeaderApiKey(process.env.API_KEY ?? '', 'X-Api-Key') })
 * ```
 * @see requests_auth.HeaderApiKey
 * @group Auth
 */
export class HeaderApiKey extends AuthBase {
  /** The header the key is sent in. */
  readonly headerName: string
  readonly #apiKey: string

  constructor(apiKey: string, headerName = 'X-API-Key') {
    super()
    this.#apiKey = requireKey(apiKey, 'HeaderApiKey')
    if (headerName !== null && headerName !== undefined && (typeof headerName !== 'string' || (headerName !== '' && !HEADER_NAME.test(headerName))))
      throw new ConfigurationError(
        'headerName',
        "HeaderApiKey: headerName must be a header name such as X-API-Key (letters, digits and !#$%&'*+-.^_`|~, no spaces or line breaks).",
      )
    this.headerName = headerName || 'X-API-Key'
  }

  /** Sets the header. */
  apply(request: PreparedRequest): void {
    request.headers.set(this.headerName, this.#apiKey, { secret: true })
  }

  /** The strategy with the key redacted. */
  toJSON(): Record<string, string> {
    return { type: 'HeaderApiKey', headerName: this.headerName, apiKey: '[redacted]' }
  }

  /** @internal keeps the key out of `console.log` and `util.inspect`. */
  [Symbol.for('nodejs.util.inspect.custom')](): Record<string, string> {
    return this.toJSON()
  }
}

/**
 * An API key sent as a query parameter, as requests-auth's `QueryApiKey`: like Python's
 * `_add_parameters`, the query is parsed, the key replaces any parameter of that name, and the
 * query is encoded again (parameters with blank values are dropped, as `parse_qs` drops them).
 *
 * @example
 * ```ts
 * import { QueryApiKey, Session } from 'oauth-sessions'
 * const session = new Session({ auth: new QueryApiKey(process.env.API_KEY ?? '', 'key') })
 * ```
 * @see requests_auth.QueryApiKey
 * @group Auth
 */
export class QueryApiKey extends AuthBase {
  /** The query parameter the key is sent in. */
  readonly queryParameterName: string
  readonly #apiKey: string

  constructor(apiKey: string, queryParameterName = 'api_key') {
    super()
    this.#apiKey = requireKey(apiKey, 'QueryApiKey')
    if (queryParameterName !== null && queryParameterName !== undefined && typeof queryParameterName !== 'string')
      throw new ConfigurationError('queryParameterName', 'QueryApiKey: queryParameterName must be text, such as api_key.')
    this.queryParameterName = queryParameterName || 'api_key'
  }

  /** Adds the parameter to the URL, as requests-auth's `_add_parameters` does. */
  apply(request: PreparedRequest): void {
    request.url = addParameters(request.url, [[this.queryParameterName, this.#apiKey]])
    request.markSecretParam(this.queryParameterName)
  }

  /** The strategy with the key redacted. */
  toJSON(): Record<string, string> {
    return { type: 'QueryApiKey', queryParameterName: this.queryParameterName, apiKey: '[redacted]' }
  }

  /** @internal keeps the key out of `console.log` and `util.inspect`. */
  [Symbol.for('nodejs.util.inspect.custom')](): Record<string, string> {
    return this.toJSON()
  }
}
