import type { Session } from './session.js'

/**
 * The sessions a service hands out, one per token (rauth memoises them), and closing them all.
 *
 * @internal
 */
export class SessionPool<S extends Session<never>> {
  readonly #sessions = new Map<string, S>()

  /** The session under `key`, made with `make` the first time. */
  get(key: string, make: () => S): S {
    let session = this.#sessions.get(key)
    if (session === undefined) {
      session = make()
      this.#sessions.set(key, session)
    }
    return session
  }

  /** Closes every session and forgets them. */
  async close(): Promise<void> {
    await Promise.all([...this.#sessions.values()].map((session) => session.close()))
    this.#sessions.clear()
  }
}
