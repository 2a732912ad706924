import FakeTimers, { type Clock } from '@sinonjs/fake-timers'
import type { DeviceClock } from '../../lib/index.js'
import { performance } from 'node:perf_hooks'
import { setImmediate as realTurn } from 'node:timers/promises'

// A fake clock for specs that would otherwise sleep. Only setTimeout, clearTimeout and Date are
// faked: I/O (nock, loopback sockets) and setImmediate keep running for real, so a request in
// flight still progresses while the spec moves time.
//
//   using clock = installClock()
//   const answer = session.get(url)
//   await advanceUntilSettled(clock, answer)

/** A fake clock that `using` uninstalls. */
export type FakeClock = Clock & Disposable

/** Installs a fake setTimeout/clearTimeout/Date (also seen through `node:timers/promises`). */
export function installClock(now = Date.now()): FakeClock {
  const clock = FakeTimers.install({ now, toFake: ['setTimeout', 'clearTimeout', 'Date'] })
  return Object.assign(clock, { [Symbol.dispose]: () => clock.uninstall() })
}

/** Real milliseconds I/O may take to reach its next fake timer before a helper gives up. */
const REAL_BUDGET_MS = 5000

/** Lets real I/O run until `count` fake timers are armed. */
export async function untilTimers(clock: Clock, count = 1): Promise<void> {
  const deadline = performance.now() + REAL_BUDGET_MS
  while (clock.countTimers() < count) {
    if (performance.now() > deadline) throw new Error(`expected ${count} fake timer(s) to be armed; ${clock.countTimers()} are`)
    await realTurn()
  }
}

/**
 * Runs `promise` to the end on fake time: lets real I/O run until the promise settles or a fake
 * timer is armed, then jumps straight to the next timer, and again. Fake time so moves exactly by
 * the delays the code asked for. Turn request timeouts off (`timeout: null`) in the code under
 * test, or the jump may reach them while I/O is still under way.
 */
export async function runUntilSettled<T>(clock: Clock, promise: Promise<T>, maxTimers = 100): Promise<T> {
  let settled = false
  const watched = promise.finally(() => {
    settled = true
  })
  watched.catch(() => {})
  for (let fired = 0; !settled && fired <= maxTimers; fired++) {
    const deadline = performance.now() + REAL_BUDGET_MS
    while (!settled && clock.countTimers() === 0 && performance.now() < deadline) await realTurn()
    if (settled) break
    if (clock.countTimers() === 0) throw new Error(`neither settled nor waiting on a fake timer after ${REAL_BUDGET_MS} real ms`)
    await clock.nextAsync()
  }
  if (!settled) throw new Error(`still pending after ${maxTimers} fake timers`)
  return watched
}

/**
 * A {@link DeviceClock} that never sleeps: each wait is noted in `waits` and moves its `now`
 * on at once; `at()` is the time since it was made.
 */
export function steppingClock(): DeviceClock & { waits: number[]; at: () => number } {
  let now = Date.now()
  const start = now
  const waits: number[] = []
  return {
    waits,
    at: () => now - start,
    now: () => now,
    sleep: async (ms) => {
      waits.push(ms)
      now += ms
    },
  }
}
