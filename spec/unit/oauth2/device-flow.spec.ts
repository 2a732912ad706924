import { DEVICE_GRANT, DEVICE_IDP, deviceAnswer } from '../../support/device-fixtures.js'
import { expect } from 'chai'
import nock from 'nock'
import {
  AbortError,
  AccessDeniedError,
  DeviceAuthorizationExpiredError,
  ExpiredTokenError,
  InvalidTokenResponseError,
  MemoryTokenStore,
  OAuth2Session,
  type DevicePollProgress,
} from '../../../lib/index.js'
import { configurationRejection } from '../../support/expect-configuration-error.js'
import { installClock, runUntilSettled } from '../../support/fake-clock.js'

const IDP = DEVICE_IDP
const GRANT = DEVICE_GRANT
const FORM = 'application/x-www-form-urlencoded;charset=UTF-8'

/** A device answer as deviceAuthorization returns it, received at `now`. */
const device = deviceAnswer

/** A token endpoint that answers each poll in turn, noting the (fake) time of each. */
function tokenEndpoint(answers: ReadonlyArray<[number, Record<string, unknown>]>, sentAt: number[]): nock.Scope {
  let scope = nock(IDP)
  for (const [status, body] of answers) {
    scope = scope
      .post('/token', `grant_type=${encodeURIComponent(GRANT)}&device_code=dev-code-1&client_id=tv`)
      .matchHeader('content-type', FORM)
      .matchHeader('authorization', (value) => value === undefined)
      .reply(() => {
        sentAt.push(Date.now())
        return [status, body]
      })
  }
  return scope
}

const pending = [400, { error: 'authorization_pending' }] as [number, Record<string, unknown>]
const slowDown = [400, { error: 'slow_down' }] as [number, Record<string, unknown>]
const granted = [200, { access_token: 'at-1', token_type: 'Bearer', expires_in: 3600, refresh_token: 'rt-1' }] as [number, Record<string, unknown>]

describe('deviceAuthorization (RFC 8628 §3.1)', () => {
  afterEach(() => nock.cleanAll())

  it('sends a public client id and the scope in the body, and returns the answer in both spellings', async () => {
    const scope = nock(IDP)
      .post('/device/code', 'client_id=tv&scope=openid+profile')
      .matchHeader('content-type', FORM)
      .matchHeader('accept', 'application/json')
      .matchHeader('authorization', (value) => value === undefined)
      .reply(200, { device_code: 'dc', user_code: 'ABCD-EFGH', verification_uri: `${IDP}/device`, expires_in: 600 })
    const session = new OAuth2Session('tv', { scope: ['openid', 'profile'], deviceAuthorizationUrl: `${IDP}/device/code` })
    const before = Date.now()

    const answer = await session.deviceAuthorization()

    expect(answer).to.include({ deviceCode: 'dc', userCode: 'ABCD-EFGH', verificationUri: `${IDP}/device`, expiresIn: 600, interval: 5 })
    expect(answer).to.include({ device_code: 'dc', user_code: 'ABCD-EFGH', verification_uri: `${IDP}/device`, expires_in: 600 })
    expect(answer).to.not.have.property('verificationUriComplete')
    expect(answer.expiresAt).to.be.within(before + 600_000, Date.now() + 600_000)
    scope.done()
    await session.close()
  })

  it('authenticates a confidential client with Basic, sends extras, and takes the url argument and verification_uri_complete', async () => {
    const scope = nock(IDP)
      .post('/other/device', 'scope=api&audience=https%3A%2F%2Fapi.test')
      .matchHeader('authorization', `Basic ${Buffer.from('tv:s3cret').toString('base64')}`)
      .reply(200, {
        device_code: 'dc',
        user_code: 'U',
        verification_uri: `${IDP}/device`,
        verification_uri_complete: `${IDP}/device?user_code=U`,
        expires_in: '900',
        interval: 7,
      })
    const session = new OAuth2Session('tv', { clientSecret: 's3cret', deviceAuthorizationUrl: `${IDP}/device/code` })

    const answer = await session.deviceAuthorization(`${IDP}/other/device`, { scope: 'api', audience: 'https://api.test' })

    expect(answer).to.include({
      verificationUriComplete: `${IDP}/device?user_code=U`,
      verification_uri_complete: `${IDP}/device?user_code=U`,
      expiresIn: 900,
      interval: 7,
    })
    scope.done()
    await session.close()
  })

  it('is a ConfigurationError naming deviceAuthorizationUrl, before any traffic, without a URL', async () => {
    const session = new OAuth2Session('tv')

    const error = await configurationRejection(() => session.deviceAuthorization({ scope: 'openid' }))

    expect(error.option).to.equal('deviceAuthorizationUrl')
    await session.close()
  })

  it('refuses a setting among the parameters (never sent)', async () => {
    const session = new OAuth2Session('tv', { deviceAuthorizationUrl: `${IDP}/device/code` })

    const error = await configurationRejection(() => session.deviceAuthorization({ allowRedirects: true }))

    expect(error.option).to.equal('allowRedirects')
    await session.close()
  })

  const base = { device_code: 'dc', user_code: 'U', verification_uri: `${IDP}/device`, expires_in: 600 }
  const hostile: ReadonlyArray<[string, Record<string, unknown>, string]> = [
    ['no device_code', { ...base, device_code: undefined }, 'device_code'],
    ['a device_code that is a number', { ...base, device_code: 42 }, 'device_code'],
    ['an empty user_code', { ...base, user_code: '' }, 'user_code'],
    ['a user_code of 5000 characters', { ...base, user_code: 'U'.repeat(5000) }, 'user_code'],
    ['a plain-http verification_uri off loopback', { ...base, verification_uri: 'http://idp.test/device' }, 'verification_uri'],
    ['a relative verification_uri', { ...base, verification_uri: '/device' }, 'verification_uri'],
    ['a javascript: verification_uri_complete', { ...base, verification_uri_complete: 'javascript:alert(1)' }, 'verification_uri_complete'],
    ['no expires_in', { ...base, expires_in: undefined }, 'expires_in'],
    ['expires_in 0', { ...base, expires_in: 0 }, 'expires_in'],
    ['a fractional expires_in', { ...base, expires_in: 1.5 }, 'expires_in'],
    ['an interval of 0', { ...base, interval: 0 }, 'interval'],
    ['an interval past a timer (1e10 s)', { ...base, interval: 1e10 }, 'interval'],
    ['an interval that is an object', { ...base, interval: {} }, 'interval'],
  ]
  for (const [what, body, field] of hostile) {
    it(`refuses an answer with ${what}: InvalidTokenResponseError naming ${field}`, async () => {
      const scope = nock(IDP).post('/device/code').reply(200, body)
      const session = new OAuth2Session('tv', { deviceAuthorizationUrl: `${IDP}/device/code` })

      const error = await session.deviceAuthorization().catch((e: unknown) => e)

      expect(error).to.be.instanceOf(InvalidTokenResponseError).and.include({ field })
      expect((error as Error).message).to.not.include('dc')
      scope.done()
      await session.close()
    })
  }

  it('takes a plain-http verification_uri off loopback under OAUTHLIB_INSECURE_TRANSPORT, as under insecureTransport', async () => {
    const before = process.env.OAUTHLIB_INSECURE_TRANSPORT
    const page = { ...base, verification_uri: 'http://idp.test/device', verification_uri_complete: 'http://idp.test/device?user_code=U' }
    const scope = nock(IDP).post('/device/code').reply(200, page).post('/device/code').reply(200, page)
    const lifted = new OAuth2Session('tv', { deviceAuthorizationUrl: `${IDP}/device/code`, insecureTransport: true })
    const session = new OAuth2Session('tv', { deviceAuthorizationUrl: `${IDP}/device/code` })
    try {
      delete process.env.OAUTHLIB_INSECURE_TRANSPORT // the option alone first
      const byOption = await lifted.deviceAuthorization()
      process.env.OAUTHLIB_INSECURE_TRANSPORT = '1'
      const byEnv = await session.deviceAuthorization()

      for (const answer of [byOption, byEnv]) {
        expect(answer).to.include({ verificationUri: 'http://idp.test/device', verificationUriComplete: 'http://idp.test/device?user_code=U' })
      }
      scope.done()
    } finally {
      if (before === undefined) delete process.env.OAUTHLIB_INSECURE_TRANSPORT
      else process.env.OAUTHLIB_INSECURE_TRANSPORT = before
      await lifted.close()
      await session.close()
    }
  })

  it('turns a refusal into the typed error', async () => {
    const scope = nock(IDP).post('/device/code').reply(400, { error: 'access_denied', error_description: 'no devices for you' })
    const session = new OAuth2Session('tv', { deviceAuthorizationUrl: `${IDP}/device/code` })

    const error = await session.deviceAuthorization().catch((e: unknown) => e)

    expect(error).to.be.instanceOf(AccessDeniedError).and.include({ status: 400, errorDescription: 'no devices for you' })
    scope.done()
    await session.close()
  })
})

describe('pollDeviceToken (RFC 8628 §3.4, §3.5)', () => {
  afterEach(() => nock.cleanAll())

  it('polls every 5 s through authorization_pending, then keeps the token', async () => {
    using clock = installClock()
    const start = Date.now()
    const sentAt: number[] = []
    const scope = tokenEndpoint([pending, pending, granted], sentAt)
    const session = new OAuth2Session('tv', { timeout: null })
    const progress: DevicePollProgress[] = []

    const token = await runUntilSettled(
      clock,
      session.pollDeviceToken(device(start), { tokenUrl: `${IDP}/token`, onPending: (step) => void progress.push(step) }),
    )

    expect(token.access_token).to.equal('at-1')
    expect(session.token.access_token).to.equal('at-1')
    expect(sentAt.map((at) => at - start)).to.deep.equal([5000, 10_000, 15_000])
    expect(progress.map(({ attempt, interval, error }) => ({ attempt, interval, error }))).to.deep.equal([
      { attempt: 1, interval: 5, error: 'authorization_pending' },
      { attempt: 2, interval: 5, error: 'authorization_pending' },
    ])
    scope.done()
    await session.close()
  })

  it('adds 5 s to the interval for good after each slow_down: waits of 5, 10 and 15 s', async () => {
    using clock = installClock()
    const start = Date.now()
    const sentAt: number[] = []
    const scope = tokenEndpoint([slowDown, slowDown, granted], sentAt)
    const session = new OAuth2Session('tv', { timeout: null, autoRefreshUrl: `${IDP}/token` })

    await runUntilSettled(clock, session.pollDeviceToken(device(start)))

    expect(sentAt.map((at) => at - start)).to.deep.equal([5000, 15_000, 30_000])
    scope.done()
    await session.close()
  })

  it('uses the provider interval, and 5 s more after slow_down also keeps it for later pendings', async () => {
    using clock = installClock()
    const start = Date.now()
    const sentAt: number[] = []
    const scope = tokenEndpoint([slowDown, pending, granted], sentAt)
    const session = new OAuth2Session('tv', { timeout: null })

    await runUntilSettled(clock, session.pollDeviceToken(device(start, { interval: 2 }), { tokenUrl: `${IDP}/token` }))

    expect(sentAt.map((at) => at - start)).to.deep.equal([2000, 9000, 16_000])
    scope.done()
    await session.close()
  })

  it('stops at expires_in with DeviceAuthorizationExpiredError, sending no poll after it', async () => {
    using clock = installClock()
    const start = Date.now()
    const sentAt: number[] = []
    const scope = tokenEndpoint([pending, pending], sentAt)
    const session = new OAuth2Session('tv', { timeout: null })

    const error = await runUntilSettled(
      clock,
      session.pollDeviceToken(device(start, { expiresIn: 12, expires_in: 12, expiresAt: start + 12_000 }), { tokenUrl: `${IDP}/token` }),
    ).catch((e: unknown) => e)

    expect(error).to.be.instanceOf(DeviceAuthorizationExpiredError).and.include({ code: 'ERR_DEVICE_AUTHORIZATION_EXPIRED', expiresIn: 12 })
    expect(sentAt.map((at) => at - start)).to.deep.equal([5000, 10_000])
    expect(Date.now() - start).to.equal(10_000)
    scope.done()
    await session.close()
  })

  it('ends with AccessDeniedError when the user says no', async () => {
    using clock = installClock()
    const start = Date.now()
    const sentAt: number[] = []
    const scope = tokenEndpoint([pending, [400, { error: 'access_denied' }]], sentAt)
    const session = new OAuth2Session('tv', { timeout: null })

    const error = await runUntilSettled(clock, session.pollDeviceToken(device(start), { tokenUrl: `${IDP}/token` })).catch((e: unknown) => e)

    expect(error).to.be.instanceOf(AccessDeniedError).and.include({ code: 'ERR_ACCESS_DENIED', status: 400 })
    expect(session.token).to.deep.equal({})
    scope.done()
    await session.close()
  })

  it('ends with ExpiredTokenError when the provider says expired_token', async () => {
    using clock = installClock()
    const start = Date.now()
    const sentAt: number[] = []
    const scope = tokenEndpoint([[400, { error: 'expired_token' }]], sentAt)
    const session = new OAuth2Session('tv', { timeout: null })

    const error = await runUntilSettled(clock, session.pollDeviceToken(device(start), { tokenUrl: `${IDP}/token` })).catch((e: unknown) => e)

    expect(error).to.be.instanceOf(ExpiredTokenError).and.include({ code: 'ERR_EXPIRED_TOKEN', error: 'expired_token' })
    scope.done()
    await session.close()
  })

  it('ends the wait at once when the signal aborts, with AbortError and no further poll', async () => {
    using clock = installClock()
    const start = Date.now()
    const sentAt: number[] = []
    const scope = tokenEndpoint([pending], sentAt)
    const session = new OAuth2Session('tv', { timeout: null })
    const controller = new AbortController()
    const polling = session.pollDeviceToken(device(start), {
      tokenUrl: `${IDP}/token`,
      signal: controller.signal,
      onPending: () => {
        // Aborted during the wait for the second poll, after 1 s of it.
        clock.setTimeout(() => controller.abort(), 1000)
      },
    })

    const error = await runUntilSettled(clock, polling).catch((e: unknown) => e)

    expect(error).to.be.instanceOf(AbortError).and.include({ code: 'ERR_ABORTED', method: 'POST' })
    expect(Date.now() - start).to.equal(6000)
    expect(sentAt).to.have.length(1)
    scope.done()
    await session.close()
  })

  it('does not poll at all under a signal aborted already', async () => {
    const session = new OAuth2Session('tv')
    const controller = new AbortController()
    controller.abort()

    const error = await session.pollDeviceToken(device(Date.now()), { tokenUrl: `${IDP}/token`, signal: controller.signal }).catch((e: unknown) => e)

    expect(error).to.be.instanceOf(AbortError)
    await session.close()
  })

  it('authenticates a confidential client with Basic, leaving client_id out of the body', async () => {
    using clock = installClock()
    const start = Date.now()
    const scope = nock(IDP)
      .post('/token', `grant_type=${encodeURIComponent(GRANT)}&device_code=dev-code-1`)
      .matchHeader('authorization', `Basic ${Buffer.from('tv:s3cret').toString('base64')}`)
      .reply(200, granted[1])
    const session = new OAuth2Session('tv', { clientSecret: 's3cret', timeout: null })

    const token = await runUntilSettled(clock, session.pollDeviceToken(device(start), { tokenUrl: `${IDP}/token` }))

    expect(token.access_token).to.equal('at-1')
    scope.done()
    await session.close()
  })

  it('writes the token to the session tokenStore, as fetchToken does', async () => {
    using clock = installClock()
    const start = Date.now()
    const scope = tokenEndpoint([granted], [])
    const store = new MemoryTokenStore()
    const session = new OAuth2Session('tv', { timeout: null, tokenStore: store, tokenKey: 'user:42' })

    await runUntilSettled(clock, session.pollDeviceToken(device(start), { tokenUrl: `${IDP}/token` }))

    expect((await store.get('user:42'))?.token.access_token).to.equal('at-1')
    scope.done()
    await session.close()
  })

  it('is a ConfigurationError naming tokenUrl without one, and naming device.deviceCode for a device without its code', async () => {
    const session = new OAuth2Session('tv')

    const noUrl = await configurationRejection(() => session.pollDeviceToken(device(Date.now())))
    const noCode = await configurationRejection(() =>
      session.pollDeviceToken({ ...device(Date.now()), deviceCode: '', device_code: '' }, { tokenUrl: `${IDP}/token` }),
    )

    expect(noUrl.option).to.equal('tokenUrl')
    expect(noCode.option).to.equal('device.deviceCode')
    await session.close()
  })
})
