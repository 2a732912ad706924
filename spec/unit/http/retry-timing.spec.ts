import { expect } from 'chai'
import nock from 'nock'
import { Session } from '../../../lib/index.js'
import { installClock, runUntilSettled, untilTimers } from '../../support/fake-clock.js'

const START = Date.UTC(2026, 0, 1, 12, 0, 0)

/** Intercepts GET https://api.test/r once per status, recording the fake time each try arrives. */
function tries(replies: [number, Record<string, string>?][]): { scope: nock.Scope; sentAt: number[] } {
  const sentAt: number[] = []
  let scope = nock('https://api.test')
  for (const [status, headers] of replies) {
    scope = scope.get('/r').reply(() => {
      sentAt.push(Date.now() - START)
      return [status, '', headers ?? {}]
    })
  }
  return { scope, sentAt }
}

describe('retry timing (urllib3 Retry), on a fake clock', () => {
  it('backs off backoffFactor * 2^(n-1) seconds, the first retry at once', async () => {
    using clock = installClock(START)
    const session = new Session({ retry: { limit: 3, backoffFactor: 0.5 }, timeout: null })
    const { scope, sentAt } = tries([[503], [503], [503], [200]])

    const response = await runUntilSettled(clock, session.get('https://api.test/r'))

    expect(response.status).to.equal(200)
    expect(sentAt).to.deep.equal([0, 0, 1000, 3000])
    scope.done()
    await session.close()
  })

  it('caps the backoff at maxBackoff', async () => {
    using clock = installClock(START)
    const session = new Session({ retry: { limit: 4, backoffFactor: 1, maxBackoff: 3000 }, timeout: null })
    const { scope, sentAt } = tries([[502], [502], [502], [502], [200]])

    await runUntilSettled(clock, session.get('https://api.test/r'))

    expect(sentAt).to.deep.equal([0, 0, 2000, 5000, 8000])
    scope.done()
    await session.close()
  })

  it('waits until the HTTP date of a Retry-After header', async () => {
    using clock = installClock(START)
    const session = new Session({ retry: { limit: 1 }, timeout: null })
    const { scope, sentAt } = tries([[503, { 'Retry-After': new Date(START + 7000).toUTCString() }], [200]])

    await runUntilSettled(clock, session.get('https://api.test/r'))

    expect(sentAt).to.deep.equal([0, 7000])
    scope.done()
    await session.close()
  })

  it('retries at once for a Retry-After date in the past, and ignores one it cannot read', async () => {
    using clock = installClock(START)
    const session = new Session({ retry: { limit: 2, backoffFactor: 0.5 }, timeout: null })
    const { scope, sentAt } = tries([[429, { 'Retry-After': new Date(START - 60_000).toUTCString() }], [429, { 'Retry-After': 'soon' }], [200]])

    await runUntilSettled(clock, session.get('https://api.test/r'))

    // The second retry falls back to the backoff: 0.5 * 2^1 s.
    expect(sentAt).to.deep.equal([0, 0, 1000])
    scope.done()
    await session.close()
  })

  it('caps a long Retry-After at maxBackoff', async () => {
    using clock = installClock(START)
    const session = new Session({ retry: { limit: 1, maxBackoff: 5000 }, timeout: null })
    const { scope, sentAt } = tries([[429, { 'Retry-After': '3600' }], [200]])

    await runUntilSettled(clock, session.get('https://api.test/r'))

    expect(sentAt).to.deep.equal([0, 5000])
    scope.done()
    await session.close()
  })

  it('stops waiting and rejects with AbortError when the signal aborts during the wait', async () => {
    using clock = installClock(START)
    const session = new Session({ retry: { limit: 1 }, timeout: null })
    const { scope, sentAt } = tries([[503, { 'Retry-After': '30' }]])
    const controller = new AbortController()

    const pending = session.get('https://api.test/r', { signal: controller.signal }).catch((e: unknown) => e)
    await untilTimers(clock)
    await clock.tickAsync(10_000)
    controller.abort()
    const error = await pending

    expect(error).to.have.property('name', 'AbortError')
    expect(sentAt).to.deep.equal([0])
    expect(clock.countTimers()).to.equal(0)
    scope.done()
    await session.close()
  })
})
