import type { IncomingHttpHeaders } from 'node:http'
import type { Readable } from 'node:stream'
import type { Delays, Got, OptionsInit, Request as GotRequest } from 'got'
import { AbortError, ConnectionError, ResponseTooLargeError, TimeoutError } from './http-errors.js'
import type { AgentPair } from './agent-pool.js'
import { HeaderMap } from './header-map.js'
import type { PreparedRequest } from './prepared-request.js'
import { isFollowableRedirect } from './redirects.js'
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
  /** The agents for this hop; `undefined` uses the instance's. */
  agents: AgentPair | undefined
  timeout: TimeoutOption
  /** The largest body read, in bytes after decompression; `null`: no cap. */
  maxResponseSize: number | null
  /** Whether `timeout` differs from the one the instance was created with. */
  customTimeout: boolean
  signal: AbortSignal | undefined
  /** Leave the body unread (unless the answer is a redirect that will be followed). */
  stream: boolean
  /** Whether redirects will be followed, so their bodies are read even when streaming. */
  followRedirects: boolean
}

/** got, imported by the first request of any Session: importing it costs more than the rest of the package. */
let gotModule: Promise<typeof import('got')> | undefined

/**
 * The one got instance a Session sends through: redirects, retries, cookies and error statuses
 * are the Session's business, so got does none of them. Made at the Session's first request.
 *
 * @internal
 */
export async function createGot(tls: TlsSettings, agents: AgentPair, timeout: TimeoutOption): Promise<Got> {
  const { default: got } = await (gotModule ??= import('got'))
  // Defaults live in the instance so that the common request passes few options: got's per-call
  // option merging is the largest cost on the hot path.
  return got.extend({
    throwHttpErrors: false,
    followRedirect: false,
    retry: { limit: 0 },
    allowGetBody: true,
    decompress: true,
    headers: { 'user-agent': undefined },
    https: tls,
    agent: agents,
    timeout: gotTimeout(timeout),
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
      const gotOptions: OptionsInit & { isStream?: true } = {
        method: request.method as 'GET',
        headers: request.headers.toObject(),
      }
      if (request.body !== undefined) gotOptions.body = request.body as string | Buffer | Readable
      if (options.agents !== undefined) gotOptions.agent = options.agents
      if (options.customTimeout) gotOptions.timeout = gotTimeout(options.timeout)
      if (options.signal !== undefined) gotOptions.signal = options.signal
      stream = client.stream(request.url, gotOptions)
    } catch (error) {
      reject(wrapError(error, request, options.timeout, options.signal))
      return
    }
    if (request.body === undefined) stream.end()
    let settled = false
    stream.once('error', (error) => {
      if (settled) return
      settled = true
      reject(wrapError(error, request, options.timeout, options.signal))
    })
    const tooLarge = (received: number): void => {
      settled = true
      stream.destroy()
      reject(new ResponseTooLargeError(request.method, request.redactedUrl, options.maxResponseSize as number, received))
    }
    // got keeps a 101 answer's socket open and waits: no OAuth exchange switches protocols, so it ends here.
    stream.once('upgrade', (_response: unknown, socket: { destroy(): void }) => {
      socket.destroy()
      if (settled) return
      settled = true
      stream.destroy()
      const cause = Object.assign(new Error('The server answered 101 Switching Protocols'), { code: 'ERR_UNEXPECTED_UPGRADE' })
      reject(new ConnectionError(request.method, request.redactedUrl, 'ERR_UNEXPECTED_UPGRADE', cause))
    })
    stream.once('response', (response: { statusCode: number; statusMessage?: string; headers: IncomingHttpHeaders }) => {
      const headers = toHeaderMap(response.headers)
      const status = response.statusCode
      const reason = response.statusMessage ?? ''
      if (options.stream && !(options.followRedirects && isFollowableRedirect(status, headers))) {
        settled = true
        resolve({ status, reason, headers, body: undefined, raw: stream })
        return
      }
      const limit = options.maxResponseSize
      if (limit !== null && request.method !== 'HEAD') {
        const announced = Number(headers.get('content-length'))
        if (announced > limit) {
          tooLarge(announced)
          return
        }
      }
      const chunks: Buffer[] = []
      let received = 0
      stream.on('data', (chunk: Buffer) => {
        if (settled) return
        received += chunk.length
        if (limit !== null && received > limit) tooLarge(received)
        else chunks.push(chunk)
      })
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

/**
 * requests' `(connect, read)` timeout as got's per-phase delays. Every phase is named, `undefined`
 * when unset, so that a per-request value replaces the instance's instead of merging with it.
 * Node starts a request's socket idle timer only once the socket is connected, so the lookup and
 * connect phases get timers of their own; after that the idle timer covers the TLS handshake,
 * the wait for the answer and each read, and got's separate `response` and `secureConnect`
 * timers (two more timers on every request) would add nothing.
 */
function gotTimeout(timeout: TimeoutOption): Partial<Delays> {
  const { connect, read } =
    timeout === null ? { connect: undefined, read: undefined } : typeof timeout === 'number' ? { connect: timeout, read: timeout } : timeout
  return { lookup: connect, connect, secureConnect: undefined, response: undefined, socket: read }
}

function wrapError(error: unknown, request: PreparedRequest, timeout: TimeoutOption, signal?: AbortSignal): Error {
  const url = request.redactedUrl
  const gotError = error as { name?: string; code?: string; event?: string; message?: string }
  // got's errors carry the request options, headers and credentials included: keep only the facts.
  const cause = Object.assign(new Error(String(gotError.message ?? error)), { name: gotError.name ?? 'Error', code: gotError.code })
  // A caller's AbortSignal.timeout() aborts with a TimeoutError reason, which got reports as its own timeout.
  if (signal?.aborted) return new AbortError(request.method, url, cause)
  if (gotError.name === 'TimeoutError') {
    const phase = gotError.event ?? 'request'
    const limits = typeof timeout === 'number' ? { connect: timeout, read: timeout } : (timeout ?? {})
    const limit = ['lookup', 'connect', 'secureConnect'].includes(phase) ? limits.connect : limits.read
    return new TimeoutError(request.method, url, phase, limit, cause)
  }
  if (gotError.name === 'AbortError' || gotError.code === 'ABORT_ERR' || gotError.code === 'ERR_ABORTED') {
    return new AbortError(request.method, url, cause)
  }
  return new ConnectionError(request.method, url, gotError.code ?? 'ERR_NETWORK', cause)
}
