import { AbortError } from './http-errors.js'

/**
 * Waits for work that is shared or must not be cut short (a strategy applying, a token refresh
 * other callers joined), or rejects with AbortError as soon as the caller's signal aborts. The
 * work itself goes on: a refresh that spent its refresh token must still land.
 *
 * @internal
 */
export function untilAborted<T>(work: Promise<T> | T, signal: AbortSignal | undefined, method: string, url: string): Promise<T> {
  if (signal === undefined) return Promise.resolve(work)
  const aborted = (): AbortError => new AbortError(method, url, signal.reason)
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
