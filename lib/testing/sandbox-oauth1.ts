import { createHmac, createPublicKey, randomBytes, verify, type KeyObject } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { timingSafeEqualText } from '../security/timing-safe-equal.js'

/**
 * The OAuth 1.0a consumer the sandbox accepts, and its endpoints.
 *
 * @example
 * ```ts
 * import { OAuth1Service } from 'oauth-sessions'
 * import { startSandbox } from 'oauth-sessions/testing'
 * const sandbox = await startSandbox()
 * const service = new OAuth1Service({ ...sandbox.oauth1, name: 'sandbox' })
 * ```
 * @group Testing
 */
export interface SandboxOAuth1 {
  /** The consumer key to use. */
  consumerKey: string
  /** The consumer secret to use. */
  consumerSecret: string
  /** `POST` or `GET`: answers `oauth_token`, `oauth_token_secret`, `oauth_callback_confirmed`. */
  requestTokenUrl: string
  /** Approves at once: redirects to the callback with `oauth_verifier`, or shows it for `oob`. */
  authorizeUrl: string
  /** Exchanges a verified request token for an access token. */
  accessTokenUrl: string
  /** Protected endpoints live below this URL; they echo what they received. */
  baseUrl: string
}

/**
 * Options of the sandbox's OAuth 1.0a provider.
 *
 * @example
 * ```ts
 * import { startSandbox } from 'oauth-sessions/testing'
 * const sandbox = await startSandbox({ oauth1: { consumerKey: 'k', consumerSecret: 's', timestampWindow: 60 } })
 * ```
 * @group Testing
 */
export interface SandboxOAuth1Options {
  /** Default `sandbox-consumer-key`. */
  consumerKey?: string
  /** Default `sandbox-consumer-secret`. */
  consumerSecret?: string
  /** A PEM public key that RSA-SHA* signatures of this consumer are checked with. */
  rsaPublicKey?: string
  /** Seconds a timestamp may be off. Default 300. */
  timestampWindow?: number
}

interface RequestToken {
  secret: string
  callback: string
  verifier: string | undefined
}

interface Received {
  params: [string, string][]
  oauth: Map<string, string>
  placement: 'header' | 'query' | 'body'
}

const ENTROPY = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
const MAX_NONCES = 10_000

/**
 * The sandbox's OAuth 1.0a provider. Its signature check is written apart from the library's
 * signer (its own encoder, parser and ordering), so that specs verify the signer independently.
 *
 * @internal
 */
export class SandboxOAuth1Provider {
  readonly consumerKey: string
  readonly #consumerSecret: string
  readonly #rsaPublicKey: KeyObject | undefined
  readonly #window: number
  readonly #requestTokens = new Map<string, RequestToken>()
  readonly #accessTokens = new Map<string, string>()
  readonly #nonces = new Set<string>()

  constructor(options: SandboxOAuth1Options = {}) {
    this.consumerKey = options.consumerKey ?? 'sandbox-consumer-key'
    this.#consumerSecret = options.consumerSecret ?? 'sandbox-consumer-secret'
    this.#rsaPublicKey = options.rsaPublicKey === undefined ? undefined : createPublicKey(options.rsaPublicKey)
    this.#window = options.timestampWindow ?? 300
  }

  /** The consumer secret, for the `oauth1` description of a running sandbox. */
  get consumerSecret(): string {
    return this.#consumerSecret
  }

  /** Handles `/oauth1/*`; `route` is the path below `/oauth1/`. */
  handle(request: IncomingMessage, response: ServerResponse, url: URL, route: string, raw: Buffer): void {
    if (route === 'authorize') return this.#authorize(response, url)
    const received = readRequest(request, url, raw)
    if (typeof received === 'string') return refuse(response, 400, 'parameter_rejected', received)
    if (route === 'request_token') return this.#requestToken(request, response, url, received)
    if (route === 'access_token') return this.#accessToken(request, response, url, received)
    if (route.startsWith('api/')) return this.#protected(request, response, url, received, raw)
    return refuse(response, 404, 'not_found', `No OAuth 1 endpoint at /oauth1/${route}`)
  }

  #requestToken(request: IncomingMessage, response: ServerResponse, url: URL, received: Received): void {
    const failure = this.#check(request, url, received, undefined)
    if (failure !== undefined) return refuse(response, 401, failure.problem, failure.detail, failure.baseString)
    const callback = received.oauth.get('oauth_callback')
    if (callback === undefined) return refuse(response, 400, 'parameter_absent', 'oauth_callback is required (use "oob" without a callback URL)')
    const token = token32()
    const secret = token32()
    this.#requestTokens.set(token, { secret, callback, verifier: undefined })
    answer(response, url, { oauth_token: token, oauth_token_secret: secret, oauth_callback_confirmed: 'true' })
  }

  #authorize(response: ServerResponse, url: URL): void {
    const token = url.searchParams.get('oauth_token') ?? ''
    const pending = this.#requestTokens.get(token)
    if (pending === undefined) return refuse(response, 400, 'token_rejected', 'Unknown or used request token')
    if (url.searchParams.get('deny') !== null) {
      this.#requestTokens.delete(token)
      if (pending.callback === 'oob') return refuse(response, 403, 'user_denied', 'The user denied access')
      return redirectTo(response, withParams(pending.callback, { denied: token }))
    }
    pending.verifier = token32().slice(0, 12)
    if (pending.callback === 'oob') {
      response.writeHead(200, { 'Content-Type': 'application/json' })
      response.end(JSON.stringify({ oauth_token: token, oauth_verifier: pending.verifier }))
      return
    }
    redirectTo(response, withParams(pending.callback, { oauth_token: token, oauth_verifier: pending.verifier }))
  }

  #accessToken(request: IncomingMessage, response: ServerResponse, url: URL, received: Received): void {
    const token = received.oauth.get('oauth_token') ?? ''
    const pending = this.#requestTokens.get(token)
    if (pending === undefined) return refuse(response, 401, 'token_rejected', 'Unknown or used request token')
    const failure = this.#check(request, url, received, pending.secret)
    if (failure !== undefined) return refuse(response, 401, failure.problem, failure.detail, failure.baseString)
    if (pending.verifier === undefined || !timingSafeEqualText(received.oauth.get('oauth_verifier') ?? '', pending.verifier)) {
      return refuse(response, 401, 'verifier_invalid', 'oauth_verifier is missing or wrong')
    }
    this.#requestTokens.delete(token)
    const accessToken = `${token32()}-access`
    const secret = token32()
    this.#accessTokens.set(accessToken, secret)
    answer(response, url, { oauth_token: accessToken, oauth_token_secret: secret, user_id: '42', screen_name: 'sandbox_user' })
  }

  #protected(request: IncomingMessage, response: ServerResponse, url: URL, received: Received, raw: Buffer): void {
    const token = received.oauth.get('oauth_token') ?? ''
    const secret = this.#accessTokens.get(token)
    if (secret === undefined) return refuse(response, 401, 'token_rejected', 'Unknown access token')
    const failure = this.#check(request, url, received, secret)
    if (failure !== undefined) return refuse(response, 401, failure.problem, failure.detail, failure.baseString)
    response.writeHead(200, { 'Content-Type': 'application/json' })
    response.end(
      JSON.stringify({
        method: request.method,
        path: url.pathname,
        placement: received.placement,
        oauth: Object.fromEntries([...received.oauth].filter(([name]) => name !== 'oauth_signature')),
        params: received.params,
        body: raw.toString('utf8'),
      }),
    )
  }

  #check(
    request: IncomingMessage,
    url: URL,
    received: Received,
    tokenSecret: string | undefined,
  ): { problem: string; detail: string; baseString?: string } | undefined {
    const oauth = received.oauth
    if (oauth.get('oauth_consumer_key') !== this.consumerKey) return { problem: 'consumer_key_unknown', detail: 'Unknown consumer key' }
    for (const name of ['oauth_signature_method', 'oauth_signature', 'oauth_timestamp', 'oauth_nonce']) {
      if (!oauth.has(name)) return { problem: 'parameter_absent', detail: `${name} is missing` }
    }
    const version = oauth.get('oauth_version')
    if (version !== undefined && version !== '1.0') return { problem: 'version_rejected', detail: 'oauth_version must be 1.0' }
    const timestamp = Number(oauth.get('oauth_timestamp'))
    if (!Number.isInteger(timestamp) || Math.abs(Date.now() / 1000 - timestamp) > this.#window) {
      return { problem: 'timestamp_refused', detail: `oauth_timestamp is more than ${this.#window} s away from the server clock` }
    }
    const nonce = `${oauth.get('oauth_consumer_key')}:${oauth.get('oauth_token') ?? ''}:${oauth.get('oauth_timestamp')}:${oauth.get('oauth_nonce')}`
    if (this.#nonces.has(nonce)) return { problem: 'nonce_used', detail: 'This nonce was already used with this timestamp' }
    const baseString = serverBaseString(request, url, received.params)
    const method = oauth.get('oauth_signature_method') as string
    const signature = oauth.get('oauth_signature') as string
    const key = `${rfc3986(this.#consumerSecret)}&${rfc3986(tokenSecret ?? '')}`
    let valid: boolean
    if (method.startsWith('HMAC-')) {
      const algorithm = { 'HMAC-SHA1': 'sha1', 'HMAC-SHA256': 'sha256', 'HMAC-SHA512': 'sha512' }[method]
      if (algorithm === undefined) return { problem: 'signature_method_rejected', detail: `${method} is not supported` }
      valid = timingSafeEqualText(createHmac(algorithm, key).update(baseString).digest('base64'), signature)
    } else if (method.startsWith('RSA-')) {
      const algorithm = { 'RSA-SHA1': 'sha1', 'RSA-SHA256': 'sha256', 'RSA-SHA512': 'sha512' }[method]
      if (algorithm === undefined || this.#rsaPublicKey === undefined)
        return { problem: 'signature_method_rejected', detail: `${method} is not set up for this consumer` }
      valid = verify(algorithm, Buffer.from(baseString), this.#rsaPublicKey, Buffer.from(signature, 'base64'))
    } else if (method === 'PLAINTEXT') {
      valid = timingSafeEqualText(key, signature)
    } else {
      return { problem: 'signature_method_rejected', detail: `${method} is not supported` }
    }
    if (!valid) return { problem: 'signature_invalid', detail: 'The signature does not match', baseString }
    if (this.#nonces.size >= MAX_NONCES) this.#nonces.clear()
    this.#nonces.add(nonce)
    return undefined
  }
}

/** Collects the parameters and finds where the OAuth ones travelled; two places is an error. */
function readRequest(request: IncomingMessage, url: URL, raw: Buffer): Received | string {
  const params: [string, string][] = []
  const places: Received['placement'][] = []
  const oauth = new Map<string, string>()
  const query = parseForm(url.search.slice(1))
  params.push(...query)
  if (query.some(([name]) => name.startsWith('oauth_'))) places.push('query')
  if ((request.headers['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    const form = parseForm(raw.toString('utf8'))
    params.push(...form)
    if (form.some(([name]) => name.startsWith('oauth_'))) places.push('body')
  }
  for (const [name, value] of params) if (name.startsWith('oauth_')) oauth.set(name, value)
  const header = request.headers.authorization ?? ''
  if (/^OAuth\s/i.test(header)) {
    places.push('header')
    for (const item of header.slice(6).split(',')) {
      const eq = item.indexOf('=')
      if (eq === -1) continue
      const name = decodeURIComponent(item.slice(0, eq).trim())
      const value = decodeURIComponent(
        item
          .slice(eq + 1)
          .trim()
          .replace(/^"|"$/g, ''),
      )
      if (name === 'realm') continue
      oauth.set(name, value)
      if (name !== 'oauth_signature') params.push([name, value])
    }
  }
  if (places.length > 1) return `OAuth parameters were found in more than one place (${places.join(', ')})`
  if (places.length === 0) return 'No OAuth parameters were sent'
  return { params: params.filter(([name]) => name !== 'oauth_signature'), oauth, placement: places[0] as Received['placement'] }
}

function serverBaseString(request: IncomingMessage, url: URL, params: [string, string][]): string {
  const host = (request.headers.host ?? 'localhost').toLowerCase()
  const baseUri = `http://${host}${url.pathname}`
  const normalized = params
    .map(([name, value]) => [rfc3986(name), rfc3986(value)] as const)
    .sort((a, b) => (a[0] === b[0] ? compareBytes(a[1], b[1]) : compareBytes(a[0], b[0])))
    .map(([name, value]) => `${name}=${value}`)
    .join('&')
  return [rfc3986((request.method ?? 'GET').toUpperCase()), rfc3986(baseUri), rfc3986(normalized)].join('&')
}

/** RFC 3986 percent-encoding byte by byte (the library uses encodeURIComponent; this does not). */
function rfc3986(text: string): string {
  let out = ''
  for (const byte of Buffer.from(text, 'utf8')) {
    const unreserved =
      (byte >= 0x30 && byte <= 0x39) ||
      (byte >= 0x41 && byte <= 0x5a) ||
      (byte >= 0x61 && byte <= 0x7a) ||
      byte === 0x2d ||
      byte === 0x2e ||
      byte === 0x5f ||
      byte === 0x7e
    out += unreserved ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}

function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b))
}

function parseForm(text: string): [string, string][] {
  if (text === '') return []
  return text
    .split('&')
    .filter(Boolean)
    .map((part) => {
      const eq = part.indexOf('=')
      const decode = (s: string): string => decodeURIComponent(s.replace(/\+/g, ' '))
      return eq === -1 ? [decode(part), ''] : [decode(part.slice(0, eq)), decode(part.slice(eq + 1))]
    })
}

function token32(): string {
  let out = ''
  for (const byte of randomBytes(32)) out += ENTROPY[byte % ENTROPY.length]
  return out
}

function answer(response: ServerResponse, url: URL, body: Record<string, string>): void {
  if (url.searchParams.get('format') === 'json') {
    response.writeHead(200, { 'Content-Type': 'application/json' })
    response.end(JSON.stringify(body))
    return
  }
  response.writeHead(200, { 'Content-Type': 'application/x-www-form-urlencoded' })
  response.end(new URLSearchParams(body).toString())
}

function refuse(response: ServerResponse, status: number, problem: string, detail: string, baseString?: string): void {
  response.writeHead(status, { 'Content-Type': 'application/json', ...(status === 401 ? { 'WWW-Authenticate': 'OAuth realm="sandbox"' } : {}) })
  response.end(JSON.stringify({ oauth_problem: problem, detail, ...(baseString === undefined ? {} : { expected_base_string: baseString }) }))
}

function redirectTo(response: ServerResponse, location: string): void {
  response.writeHead(302, { Location: location, 'Content-Type': 'text/plain' })
  response.end(`Redirecting to ${location}`)
}

function withParams(url: string, params: Record<string, string>): string {
  const target = new URL(url)
  for (const [name, value] of Object.entries(params)) target.searchParams.append(name, value)
  return target.href
}
