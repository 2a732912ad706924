import { Readable } from 'node:stream'
import { ConfigurationError } from '../errors.js'
import { appendQuery } from './append-query.js'
import { encodePairs, mergePairs, toPairs, type ParamsInit } from './form-encoding.js'
import type { HeaderMap } from './header-map.js'
import { PreparedRequest, type RequestBody } from './prepared-request.js'
import type { RequestOptions } from './session-options.js'

/** @internal the Session defaults a request is merged with. */
export interface RequestDefaults {
  baseUrl: string | undefined
  headers: HeaderMap
  params: URLSearchParams
}

/** @internal a prepared request plus what the Session needs to remember about how it was built. */
export interface Preparation {
  request: PreparedRequest
  /** Basic credentials found in the URL's user-info, removed from the URL. */
  urlCredentials: { username: string; password: string } | undefined
}

/**
 * Merges a request with the Session's defaults into the request that will be sent: the URL is
 * resolved against `baseUrl`, params are appended to its query, headers merged case-insensitively,
 * and the body encoded (form, JSON, multipart or raw). requests' `Session.prepare_request`.
 *
 * @internal
 */
export function prepareRequest(defaults: RequestDefaults, method: string, url: string | URL, options: RequestOptions): Preparation {
  const parsed = resolveUrl(defaults.baseUrl, url)
  let urlCredentials: Preparation['urlCredentials']
  if (parsed.username !== '' || parsed.password !== '') {
    urlCredentials = { username: decodeUserInfo(parsed.username), password: decodeUserInfo(parsed.password) }
    parsed.username = ''
    parsed.password = ''
  }
  const sessionPairs = defaults.params.size === 0 ? [] : toPairs(defaults.params)
  const pairs = options.params === undefined || options.params === null ? sessionPairs : mergePairs(sessionPairs, options.params)
  const headers = defaults.headers.clone()
  // Python's `None` (null) is no value, for headers, params and data alike.
  if (options.headers !== undefined && options.headers !== null) headers.merge(options.headers)
  const request = new PreparedRequest(method, appendQuery(parsed.href, pairs), headers, encodeBody(options, headers))
  return { request, urlCredentials }
}

function resolveUrl(baseUrl: string | undefined, url: string | URL): URL {
  const text = String(url)
  let parsed: URL
  try {
    parsed = baseUrl !== undefined && !/^https?:\/\//i.test(text) ? new URL(text, baseUrl) : new URL(text)
  } catch {
    const hint = baseUrl === undefined ? ' Pass an absolute http(s) URL, or set baseUrl for relative ones.' : ''
    throw new ConfigurationError('url', `Invalid URL.${hint}`)
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ConfigurationError('url', `Unsupported URL scheme '${parsed.protocol}'. Only http: and https: are supported.`)
  }
  return parsed
}

function encodeBody(options: RequestOptions, headers: HeaderMap): RequestBody | undefined {
  const given = [options.data ?? undefined, options.json, options.body].filter((value) => value !== undefined).length
  if (given > 1) {
    throw new ConfigurationError('data', 'Pass only one of data, json and body: they all set the request body.')
  }
  if (options.body !== undefined) return options.body
  if (options.json !== undefined) {
    if (!headers.has('content-type')) headers.set('Content-Type', 'application/json')
    const text = JSON.stringify(options.json)
    if (text === undefined) throw new ConfigurationError('json', 'The json option cannot be serialised to JSON.')
    return text
  }
  const data = options.data
  if (data === undefined || data === null) return undefined
  if (typeof data === 'string' || data instanceof Uint8Array || data instanceof Readable) return data
  if (!headers.has('content-type')) headers.set('Content-Type', 'application/x-www-form-urlencoded')
  return encodePairs(toPairs(data as ParamsInit))
}

function decodeUserInfo(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    throw new ConfigurationError('url', 'The user name or password in the URL has a malformed percent escape.')
  }
}
