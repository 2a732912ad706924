/**
 * `call()`, or a rejection with `timedOut()` once `timeoutMs` pass without an answer (a store, or a
 * store's client, may never answer). The timer never outlives the call; a call that loses the race
 * and fails later is not an unhandled rejection, and one that succeeds later goes to `onLateAnswer`
 * (a lease granted after its caller gave up is released there).
 *
 * @internal
 */
export async function withinTimeout<T>(call: () => Promise<T>, timeoutMs: number, timedOut: () => Error, onLateAnswer?: (answer: T) => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  let late = false
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      late = true
      reject(timedOut())
    }, timeoutMs)
  })
  try {
    // A store of the user's may answer a plain value rather than a promise.
    const answer = Promise.resolve(call())
    answer.then(
      (value) => {
        if (late) onLateAnswer?.(value)
      },
      () => {},
    )
    return await Promise.race([answer, timeout])
  } finally {
    clearTimeout(timer)
  }
}
