import { Readable } from 'node:stream'
// The module object, not a named import: a fake clock (@sinonjs/fake-timers) patches its
// setTimeout, which an ES named import of a builtin would not see.
import timers from 'node:timers/promises'
import { ConnectionError, TimeoutError } from './http-errors.js'
import type { PreparedRequest } from './prepared-request.js'
import { MAX_TIMER_MS, type RetryOptions } from './session-options.js'
import type { RawResponse } from './transport.js'

const IDEMPOTENT = ['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'TRACE']
const RETRY_STATUSES = [408, 413, 429, 500, 502, 503, 504]
const RETRY_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH'])

/**
 * Decides whether a failed hop is tried again and how long to wait, like urllib3's `Retry`:
 * idempotent methods only, connection failures and listed statuses, exponential backoff,
 * `Retry-After` honoured. A streamed body cannot be replayed, so it is never retried.
 *
 * @internal
 */
export class RetryPolicy {
  readonly limit: number
  readonly #methods: ReadonlySet<string>
  readonly #statuses: ReadonlySet<number>
  readonly #backoffFactor: number
  readonly #maxBackoff: number

  constructor(option: number | RetryOptions | undefined) {
    const options: RetryOptions = typeof option === 'number' ? { limit: option } : (option ?? { limit: 0 })
    this.limit = options.limit
    this.#methods = new Set((options.methods ?? IDEMPOTENT).map((method) => method.toUpperCase()))
    this.#statuses = new Set(options.statusCodes ?? RETRY_STATUSES)
    this.#backoffFactor = options.backoffFactor ?? 0.5
    // The schema caps maxBackoff already; a policy built without it still never overflows a timer.
    this.#maxBackoff = Math.min(options.maxBackoff ?? 30_000, MAX_TIMER_MS)
  }

  /** Milliseconds to wait before retry number `attempt` (1-based), or `undefined` to give up. */
  delayFor(attempt: number, request: PreparedRequest, outcome: RawResponse | Error): number | undefined {
    if (attempt > this.limit || !this.#methods.has(request.method) || request.body instanceof Readable) return undefined
    if (outcome instanceof Error) {
      const retryable = outcome instanceof TimeoutError || (outcome instanceof ConnectionError && RETRY_CODES.has(outcome.code))
      return retryable ? this.#backoff(attempt) : undefined
    }
    if (!this.#statuses.has(outcome.status)) return undefined
    const retryAfter = parseRetryAfter(outcome.headers.get('retry-after'))
    return retryAfter === undefined ? this.#backoff(attempt) : Math.min(retryAfter, this.#maxBackoff)
  }

  /** Waits before a retry; resolves early (rejecting) when the signal aborts. */
  wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
    return ms <= 0 ? Promise.resolve() : timers.setTimeout(ms, undefined, signal ? { signal } : undefined)
  }

  #backoff(attempt: number): number {
    if (attempt <= 1) return 0
    return Math.min(this.#backoffFactor * 1000 * 2 ** (attempt - 1), this.#maxBackoff)
  }
}

/**
 * `Retry-After` as milliseconds from now: a number of seconds, or an HTTP date (0 when it is past);
 * anything else is none. The retry policy waits by it, revocation reports it (in seconds).
 *
 * @internal
 */
export function parseRetryAfter(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now())
}
