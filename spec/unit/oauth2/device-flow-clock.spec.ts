import { DEVICE_GRANT, DEVICE_IDP, deviceAnswer } from '../../support/device-fixtures.js'
import { expect } from 'chai'
import nock from 'nock'
import { AbortError, DeviceAuthorizationExpiredError, OAuth2Service, OAuth2Session, type DeviceAuthorization } from '../../../lib/index.js'
import { VirtualClock } from '../../../lib/testing/index.js'
import { configurationRejection } from '../../support/expect-configuration-error.js'

// The `clock` option of pollDeviceToken (RFC 8628 §3.5 timing without sleeping): the waits and the
// expiry check run on the clock given, and nothing of the real clock is faked.

const IDP = DEVICE_IDP
const GRANT = DEVICE_GRANT

const device = (clock: VirtualClock, expiresIn = 1800, interval = 5): DeviceAuthorization =>
  deviceAnswer(clock.now(), { expiresIn, expires_in: expiresIn, interval })

/** The token endpoint answering each poll in turn, noting the virtual time of each. */
function answers(clock: VirtualClock, replies: ReadonlyArray<[number, Record<string, unknown>]>, sentAt: number[]): nock.Scope {
  let scope = nock(IDP)
  for (const [status, body] of replies) {
    scope = scope.post('/token', `grant_type=${encodeURIComponent(GRANT)}&device_code=dev-code-1&client_id=tv`).reply(() => {
      sentAt.push(clock.now())
      return [status, body]
    })
  }
  return scope
}

const pending: [number, Record<string, unknown>] = [400, { error: 'authorization_pending' }]
const slowDown: [number, Record<string, unknown>] = [400, { error: 'slow_down' }]
const granted: [number, Record<string, unknown>] = [200, { access_token: 'at-1', token_type: 'Bearer', expires_in: 3600 }]

describe('pollDeviceToken with a clock (VirtualClock of oauth-sessions/testing)', () => {
  afterEach(() => nock.cleanAll())

  it('waits on the clock given: 5 s, then 5 s more for good after each slow_down, with pending keeping the interval', async () => {
    const clock = new VirtualClock(1_000_000)
    const sentAt: number[] = []
    const scope = answers(clock, [pending, slowDown, pending, slowDown, granted], sentAt)
    const session = new OAuth2Session('tv', { autoRefreshUrl: `${IDP}/token` })
    const realStart = Date.now()

    const token = await session.pollDeviceToken(device(clock), { clock })

    expect(token.access_token).to.equal('at-1')
    expect(clock.waits).to.deep.equal([5000, 5000, 10_000, 10_000, 15_000])
    expect(sentAt.map((at) => at - 1_000_000)).to.deep.equal([5000, 10_000, 20_000, 30_000, 45_000])
    // 45 s of polling on the virtual clock; well under that on the real one.
    expect(Date.now() - realStart).to.be.below(5000)
    scope.done()
    await session.close()
  })

  it('checks expires_in against the clock: no poll is sent once the codes would have expired', async () => {
    const clock = new VirtualClock()
    const sentAt: number[] = []
    const scope = answers(clock, [pending, pending], sentAt)
    const session = new OAuth2Session('tv', { autoRefreshUrl: `${IDP}/token` })
    const start = clock.now()

    const error = await session.pollDeviceToken(device(clock, 12), { clock }).catch((e: unknown) => e)

    expect(error).to.be.instanceOf(DeviceAuthorizationExpiredError).and.include({ expiresIn: 12 })
    expect(sentAt.map((at) => at - start)).to.deep.equal([5000, 10_000])
    scope.done()
    await session.close()
  })

  it('ends with AbortError when the signal aborts between polls, sending no further poll', async () => {
    const clock = new VirtualClock()
    const controller = new AbortController()
    const sentAt: number[] = []
    const scope = answers(clock, [pending], sentAt)
    const session = new OAuth2Session('tv', { autoRefreshUrl: `${IDP}/token` })

    const error = await session
      .pollDeviceToken(device(clock), { clock, signal: controller.signal, onPending: () => controller.abort() })
      .catch((e: unknown) => e)

    expect(error).to.be.instanceOf(AbortError)
    expect(sentAt).to.have.length(1)
    scope.done()
    await session.close()
  })

  it('refuses a clock without now() and sleep() as a ConfigurationError naming clock, before any traffic', async () => {
    const session = new OAuth2Session('tv', { autoRefreshUrl: `${IDP}/token` })
    const clock = new VirtualClock()
    const error = await configurationRejection(() => session.pollDeviceToken(device(clock), { clock: { now: () => 0 } as unknown as VirtualClock }))
    expect(error.option).to.equal('clock')
    await session.close()
  })

  it('calls onVerification once with the device, after the options are checked and before the first wait', async () => {
    const clock = new VirtualClock()
    const events: string[] = []
    const sentAt: number[] = []
    const scope = answers(clock, [pending, granted], sentAt)
    const session = new OAuth2Session('tv', { autoRefreshUrl: `${IDP}/token` })
    const shown = device(clock)

    await session.pollDeviceToken(shown, {
      clock,
      onVerification: (given) => {
        events.push(`show ${given.userCode} at ${given.verificationUri}, ${clock.waits.length} waits so far`)
      },
      onPending: () => void events.push('pending'),
    })

    expect(events).to.deep.equal([`show WDJB-MJHT at ${IDP}/device, 0 waits so far`, 'pending'])
    scope.done()
    await session.close()
  })

  it('ends before any poll when onVerification throws, and is not called for options that are wrong', async () => {
    const clock = new VirtualClock()
    const session = new OAuth2Session('tv', { autoRefreshUrl: `${IDP}/token` })
    const refused = new Error('no terminal')
    const error = await session.pollDeviceToken(device(clock), { clock, onVerification: () => Promise.reject(refused) }).catch((e: unknown) => e)
    expect(error).to.equal(refused)
    expect(clock.waits).to.deep.equal([])

    let called = 0
    const wrong = await configurationRejection(() => new OAuth2Session('tv').pollDeviceToken(device(clock), { clock, onVerification: () => void called++ }))
    expect(wrong.option).to.equal('tokenUrl')
    expect(called).to.equal(0)
    await session.close()
  })

  it('takes onVerification and the clock through OAuth2Service.pollDeviceToken', async () => {
    const clock = new VirtualClock()
    const sentAt: number[] = []
    const scope = nock(IDP)
      .post('/token', `grant_type=${encodeURIComponent(GRANT)}&device_code=dev-code-1`)
      .basicAuth({ user: 'tv', pass: 'tv-secret' })
      .reply(() => {
        sentAt.push(clock.now())
        return granted
      })
    await using service = new OAuth2Service({ clientId: 'tv', clientSecret: 'tv-secret', accessTokenUrl: `${IDP}/token` })
    const shown: string[] = []

    const session = await service.pollDeviceToken(device(clock), { clock, onVerification: ({ userCode }) => void shown.push(userCode) })

    expect(shown).to.deep.equal(['WDJB-MJHT'])
    expect(clock.waits).to.deep.equal([5000])
    expect(session.accessToken).to.equal('at-1')
    scope.done()
  })
})
