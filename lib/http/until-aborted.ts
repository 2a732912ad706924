import { AbortError } from './http-errors.js'

/**
 * Waits for work that is shared or must not be cut short (a strategy applying, a token refresh
 * other callers joined), or rejects with AbortError as soon as the caller's signal aborts. The
 * work itself goes on: a refresh that spent its refresh token must still land.
 *
 * @param url - the redacted URL for the AbortError, or a function computing it: redacting costs,
 *   so the request hot path passes it lazily and pays only when the signal aborts
 * @internal
 */
export function untilAborted<T>(work: Promise<T> | T, signal: AbortSignal | undefined, method: string, url: string | (() => string)): Promise<T> {
  if (signal === undefined) return Promise.resolve(work)
  const aborted = (): AbortError => new AbortError(method, typeof url === 'string' ? url : url(), signal.reason)
  if (signal.aborted) {
    Promise.resolve(work).catch(() => undefined)
    return Promise.reject(aborted())
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(aborted())
    signal.addEventListener('abort', onAbort, { once: true })
    Promise.resolve(work).then(
      (value) => {
        signal.removeEventListener('abort', onAbort)
        resolve(value)
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort)
        reject(error)
      },
    )
  })
}
