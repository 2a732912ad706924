import type { DeviceClock } from '../oauth2/device-flow.js'

/** The most waits a VirtualClock takes: a loop that never ends fails instead of spinning. */
const MAX_WAITS = 100_000

/**
 * A clock on which waiting takes no time: each `sleep(ms)` moves `now()` on by `ms` at once and
 * is recorded in `waits`. Pass it as the `clock` of `pollDeviceToken` (or of a device-flow
 * strategy), so that a test of 10 minutes of polling runs in milliseconds and can check every
 * interval the RFC prescribes. It starts at the real time, or at the `start` given.
 *
 * @example
 * ```ts
 * import { OAuth2Session } from 'oauth-sessions'
 * import { VirtualClock } from 'oauth-sessions/testing'
 * declare const session: OAuth2Session
 * const clock = new VirtualClock()
 * const device = await session.deviceAuthorization('https://idp.example.com/device/code')
 * await session.pollDeviceToken(device, { clock })
 * console.log(clock.waits) // [5000, 10000, 10000] after one slow_down
 * ```
 * @group Testing
 */
export class VirtualClock implements DeviceClock {
  /** Every wait asked for, in milliseconds, in order. */
  readonly waits: number[] = []
  #now: number

  /** @param start - the time to start at, milliseconds since the epoch; default now */
  constructor(start: number = Date.now()) {
    this.#now = start
  }

  /** The virtual time, milliseconds since the epoch. */
  now(): number {
    return this.#now
  }

  /** Moves the time on by `ms`, then resolves on the next turn of the event loop (so I/O still runs). */
  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted()
    if (this.waits.length >= MAX_WAITS) throw new Error(`VirtualClock: more than ${MAX_WAITS} waits; the code under test may loop forever.`)
    this.waits.push(ms)
    this.#now += ms
    await new Promise<void>((resolve) => setImmediate(resolve))
    signal?.throwIfAborted()
  }

  /** Moves the time on by `ms` without a wait (time that passed elsewhere). */
  advance(ms: number): void {
    this.#now += ms
  }
}
