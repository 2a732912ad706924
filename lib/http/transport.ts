import type { IncomingHttpHeaders } from 'node:http'
import type { Readable } from 'node:stream'
import got, { type Got, type Request as GotRequest, type Delays } from 'got'
import { ConnectionError, OAuthSessionsError, TimeoutError } from '../errors.js'
import type { AgentPair } from './agent-pool.js'
import { HeaderMap } from './header-map.js'
import type { PreparedRequest } from './prepared-request.js'
import { redactUrl } from './redact-url.js'
import type { TimeoutOption } from './session-options.js'
import type { TlsSettings } from './tls-options.js'

/** @internal one hop's answer, before it becomes a Response. */
export interface RawResponse {
  status: number
  reason: string
  headers: HeaderMap
  /** The body, unless it was left as a stream. */
  body: Buffer | undefined
  /** The unread body stream, when the caller asked for one. */
  raw: Readable | undefined
}

/** @internal what a single hop needs besides the request. */
export interface HopOptions {
  agents: AgentPair
  timeout: TimeoutOption
  signal: AbortSignal | undefined
  /** Leave the body unread when this answer is not a redirect to follow. */
  stream: (status: number, headers: HeaderMap) => boolean
}

/**
 * The one got instance a Session sends through: redirects, retries, cookies and error statuses
 * are the Session's business, so got does none of them.
 *
 * @internal
 */
export function createGot(tls: TlsSettings): Got {
  return got.extend({
    throwHttpErrors: false,
    followRedirect: false,
    retry: { limit: 0 },
    allowGetBody: true,
    decompress: true,
    headers: { 'user-agent': undefined },
    https: tls,
  })
}

/**
 * Sends one request on the wire (no redirects) and reads its answer.
 *
 * @internal
 */
export function sendHop(client: Got, request: PreparedRequest, options: HopOptions): Promise<RawResponse> {
  return new Promise<RawResponse>((resolve, reject) => {
    let stream: GotRequest
    try {
      stream = client.stream(request.url, {
        method: request.method as 'GET',
        headers: request.headers.toObject(),
        body: request.body as string | Buffer | Readable | undefined,
        agent: options.agents,
        timeout: gotTimeout(options.timeout),
        signal: options.signal,
      })
    } catch (error) {
      reject(wrapError(error, request, options.timeout))
      return
    }
    if (request.body === undefined) stream.end()
    let settled = false
    stream.once('error', (error) => {
      if (settled) return
      settled = true
      reject(wrapError(error, request, options.timeout))
    })
    stream.once('response', (response: { statusCode: number; statusMessage?: string; headers: IncomingHttpHeaders }) => {
      const headers = toHeaderMap(response.headers)
      const status = response.statusCode
      const reason = response.statusMessage ?? ''
      if (options.stream(status, headers)) {
        settled = true
        resolve({ status, reason, headers, body: undefined, raw: stream })
        return
      }
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.once('end', () => {
        if (settled) return
        settled = true
        resolve({ status, reason, headers, body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks), raw: undefined })
      })
    })
  })
}

function toHeaderMap(headers: IncomingHttpHeaders): HeaderMap {
  const map = new HeaderMap()
  for (const name of Object.keys(headers)) {
    const value = headers[name]
    if (value !== undefined) map.set(name, value)
  }
  return map
}

/** requests' `(connect, read)` timeout as got's per-phase delays. */
function gotTimeout(timeout: TimeoutOption): Partial<Delays> | undefined {
  if (timeout === null) return undefined
  const { connect, read } = typeof timeout === 'number' ? { connect: timeout, read: timeout } : timeout
  const delays: Partial<Delays> = {}
  if (connect !== undefined) Object.assign(delays, { lookup: connect, connect, secureConnect: connect })
  if (read !== undefined) Object.assign(delays, { response: read, socket: read })
  return delays
}

function wrapError(error: unknown, request: PreparedRequest, timeout: TimeoutOption): Error {
  const url = redactUrl(request.url)
  const gotError = error as { name?: string; code?: string; event?: string; message?: string }
  // got's errors carry the request options, headers and credentials included: keep only the facts.
  const cause = Object.assign(new Error(String(gotError.message ?? error)), { name: gotError.name ?? 'Error', code: gotError.code })
  if (gotError.name === 'TimeoutError') {
    const phase = gotError.event ?? 'request'
    const limits = typeof timeout === 'number' ? { connect: timeout, read: timeout } : (timeout ?? {})
    const limit = ['lookup', 'connect', 'secureConnect'].includes(phase) ? limits.connect : limits.read
    return new TimeoutError(request.method, url, phase, limit, cause)
  }
  if (gotError.name === 'AbortError' || gotError.code === 'ABORT_ERR' || gotError.code === 'ERR_ABORTED') {
    const aborted = new OAuthSessionsError(`${request.method} ${url} was aborted by its signal.`, { cause })
    aborted.name = 'AbortError'
    return aborted
  }
  return new ConnectionError(request.method, url, gotError.code ?? 'ERR_NETWORK', cause)
}
