import { expect } from 'chai'
import nock from 'nock'
import { inspect } from 'node:util'
import {
  AbortError,
  AccessDeniedError,
  ConfigurationError,
  type DeviceAuthorization,
  DeviceAuthorizationExpiredError,
  type DeviceClock,
  type DevicePollProgress,
  ExpiredTokenError,
  InvalidTokenResponseError,
  OAuth2DeviceCode,
  type OAuth2DeviceCodeOptions,
  Session,
} from '../../../lib/index.js'
import { type TokenCacheHandle, useTokenCache } from '../../../lib/testing/index.js'
import { steppingClock } from '../../support/fake-clock.js'
import { trafficCounter } from '../../support/traffic-counter.js'

const IDP = 'https://idp.test'
const GRANT = 'urn:ietf:params:oauth:grant-type:device_code'
const FORM = 'application/x-www-form-urlencoded;charset=UTF-8'
const POLL = `grant_type=${encodeURIComponent(GRANT)}&device_code=dev-code-1&client_id=cli`
const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`

type Answer = [number, Record<string, unknown>]
const pending: Answer = [400, { error: 'authorization_pending' }]
const slowDown: Answer = [400, { error: 'slow_down' }]
const granted: Answer = [200, { access_token: 'at-1', token_type: 'Bearer', expires_in: 3600, refresh_token: 'rt-1' }]

/** The device authorization endpoint, answering once. */
function deviceEndpoint(body: string, answer: Record<string, unknown> = {}): nock.Scope {
  return nock(IDP)
    .post('/device/code', body)
    .matchHeader('accept', 'application/json')
    .matchHeader('content-type', FORM)
    .matchHeader('authorization', (value) => value === undefined)
    .reply(200, { device_code: 'dev-code-1', user_code: 'WDJB-MJHT', verification_uri: `${IDP}/device`, expires_in: 1800, ...answer })
}

/** The token endpoint, answering each poll in turn, noting the clock's time of each. */
function tokenEndpoint(answers: readonly Answer[], clock: { at: () => number }, sentAt: number[] = []): nock.Scope {
  let scope = nock(IDP)
  for (const [status, body] of answers) {
    scope = scope
      .post('/token', POLL)
      .matchHeader('accept', 'application/json')
      .matchHeader('authorization', (value) => value === undefined)
      .reply(() => {
        sentAt.push(clock.at())
        return [status, body]
      })
  }
  return scope
}

describe('OAuth2DeviceCode (RFC 8628 as a requests-auth strategy)', () => {
  let cache: TokenCacheHandle
  let session: Session
  let printed: string[]
  beforeEach(() => {
    cache = useTokenCache()
    session = new Session()
    printed = []
  })
  afterEach(async () => {
    await session.close()
    cache.restore()
    nock.cleanAll()
  })

  function strategy(clock: DeviceClock, options: OAuth2DeviceCodeOptions = {}): OAuth2DeviceCode {
    return new OAuth2DeviceCode(`${IDP}/device/code`, `${IDP}/token`, 'cli', { clock, output: { write: (text) => printed.push(text) }, ...options })
  }

  it('asks for a code with client_id, scope and extras, prints code and URL on the output, polls, then sends the token', async () => {
    const clock = steppingClock()
    const device = deviceEndpoint('client_id=cli&scope=read+write&audience=api', { verification_uri_complete: `${IDP}/device?user_code=WDJB-MJHT` })
    const token = tokenEndpoint([pending, granted], clock)
    const api = nock('https://api.test').get('/me').matchHeader('authorization', 'Bearer at-1').reply(200, 'ok')
    const auth = strategy(clock, { scope: ['read', 'write'], audience: 'api' })

    const response = await session.get('https://api.test/me', { auth })

    expect(response.status).to.equal(200)
    expect(printed).to.deep.equal([`Open ${IDP}/device and enter the code WDJB-MJHT (or open ${IDP}/device?user_code=WDJB-MJHT)\n`])
    expect(clock.waits).to.deep.equal([5000, 5000])
    device.done()
    token.done()
    api.done()
  })

  it('prints on stderr by default, never on stdout', async () => {
    const clock = steppingClock()
    const scopes = [deviceEndpoint('client_id=cli'), tokenEndpoint([granted], clock)]
    nock('https://api.test').get('/').reply(200)
    const writes: Record<'stdout' | 'stderr', string[]> = { stdout: [], stderr: [] }
    const originals = { stdout: process.stdout.write, stderr: process.stderr.write }
    const auth = new OAuth2DeviceCode(`${IDP}/device/code`, `${IDP}/token`, 'cli', { clock })
    for (const stream of ['stdout', 'stderr'] as const) {
      process[stream].write = ((chunk: string | Uint8Array) => Boolean(writes[stream].push(String(chunk)))) as typeof process.stdout.write
    }
    try {
      await session.get('https://api.test/', { auth })
    } finally {
      process.stdout.write = originals.stdout
      process.stderr.write = originals.stderr
    }

    expect(writes.stderr.filter((line) => line.includes('WDJB-MJHT'))).to.deep.equal([`Open ${IDP}/device and enter the code WDJB-MJHT\n`])
    expect(writes.stdout.join('')).to.not.include('WDJB-MJHT')
    for (const scope of scopes) scope.done()
  })

  it('calls onVerification with the device authorization instead of printing, and waits for it before polling', async () => {
    const clock = steppingClock()
    const scopes = [deviceEndpoint('client_id=cli'), tokenEndpoint([granted], clock)]
    nock('https://api.test').get('/').reply(200)
    const shown: DeviceAuthorization[] = []
    const auth = strategy(clock, {
      onVerification: async (device) => {
        await new Promise((resolve) => setImmediate(resolve))
        shown.push(device)
        expect(clock.waits).to.deep.equal([])
      },
    })

    await session.get('https://api.test/', { auth })

    expect(shown).to.have.length(1)
    expect(shown[0]).to.include({ userCode: 'WDJB-MJHT', verificationUri: `${IDP}/device`, interval: 5, expiresIn: 1800 })
    expect(printed).to.deep.equal([])
    for (const scope of scopes) scope.done()
  })

  it('keeps a hostile provider from driving the terminal: control characters are not printed', async () => {
    const clock = steppingClock()
    const scopes = [deviceEndpoint('client_id=cli', { user_code: 'AB\u001b[2J\u001b]0;owned\u0007CD\r\n' }), tokenEndpoint([granted], clock)]
    nock('https://api.test').get('/').reply(200)

    await session.get('https://api.test/', { auth: strategy(clock) })

    expect(printed).to.deep.equal([`Open ${IDP}/device and enter the code AB[2J]0;ownedCD\n`])
    for (const scope of scopes) scope.done()
  })

  it('keeps a hostile provider from disguising the line: bidi overrides and invisible format characters are not printed', async () => {
    const clock = steppingClock()
    // U+202E turns the rest of the line around on screen ("Trojan Source"); U+200B and U+2066 are invisible.
    const answer = { user_code: 'AB\u202eDC\u200bEF', verification_uri: `${IDP}/\u2066device\u2069`, verification_uri_complete: `${IDP}/d\u202e?user_code=AB` }
    const scopes = [deviceEndpoint('client_id=cli', answer), tokenEndpoint([granted], clock)]
    nock('https://api.test').get('/').reply(200)

    await session.get('https://api.test/', { auth: strategy(clock) })

    expect(printed).to.deep.equal([`Open ${IDP}/device and enter the code ABDCEF (or open ${IDP}/d?user_code=AB)\n`])
    for (const scope of scopes) scope.done()
  })

  it('adds 5 s to the interval for good after each slow_down, on the injected clock (no real sleeping)', async () => {
    const clock = steppingClock()
    const sentAt: number[] = []
    const scopes = [deviceEndpoint('client_id=cli'), tokenEndpoint([pending, slowDown, slowDown, pending, granted], clock, sentAt)]
    nock('https://api.test').get('/').reply(200)
    const progress: DevicePollProgress[] = []
    const auth = strategy(clock, { onPending: (step) => void progress.push(step) })

    await session.get('https://api.test/', { auth })

    expect(clock.waits).to.deep.equal([5000, 5000, 10_000, 15_000, 15_000])
    expect(sentAt).to.deep.equal([5000, 10_000, 20_000, 35_000, 50_000])
    expect(progress.map(({ attempt, interval, error }) => [attempt, interval, error])).to.deep.equal([
      [1, 5, 'authorization_pending'],
      [2, 10, 'slow_down'],
      [3, 15, 'slow_down'],
      [4, 15, 'authorization_pending'],
    ])
    for (const scope of scopes) scope.done()
  })

  it("starts from the provider's interval", async () => {
    const clock = steppingClock()
    const scopes = [deviceEndpoint('client_id=cli', { interval: 7 }), tokenEndpoint([slowDown, granted], clock)]
    nock('https://api.test').get('/').reply(200)

    await session.get('https://api.test/', { auth: strategy(clock) })

    expect(clock.waits).to.deep.equal([7000, 12_000])
    for (const scope of scopes) scope.done()
  })

  it('stops at expires_in with DeviceAuthorizationExpiredError, sending no poll after it', async () => {
    const clock = steppingClock()
    const scopes = [deviceEndpoint('client_id=cli', { expires_in: 12 }), tokenEndpoint([pending, pending], clock)]
    const traffic = trafficCounter()
    try {
      const error = await session.get('https://api.test/', { auth: strategy(clock) }).catch((e: unknown) => e)

      expect(error).to.be.instanceOf(DeviceAuthorizationExpiredError)
      expect(clock.waits).to.deep.equal([5000, 5000])
      expect(traffic.count).to.equal(0)
    } finally {
      traffic.stop()
    }
    for (const scope of scopes) scope.done()
  })

  for (const [answer, type] of [
    ['access_denied', AccessDeniedError],
    ['expired_token', ExpiredTokenError],
  ] as const) {
    it(`ends with ${type.name} on ${answer}, caching nothing`, async () => {
      const clock = steppingClock()
      const scopes = [deviceEndpoint('client_id=cli'), tokenEndpoint([pending, [400, { error: answer }]], clock)]
      const auth = strategy(clock)

      const error = await session.get('https://api.test/', { auth }).catch((e: unknown) => e)

      expect(error).to.be.instanceOf(type).and.include({ error: answer, status: 400 })
      expect(await cache.cache.get(auth.state)).to.equal(undefined)
      for (const scope of scopes) scope.done()
    })
  }

  it('reads an error sent with HTTP 200 (as GitHub does) as the RFC 8628 answer it is', async () => {
    const clock = steppingClock()
    const scopes = [deviceEndpoint('client_id=cli'), tokenEndpoint([[200, { error: 'authorization_pending' }], [200, { error: 'slow_down' }], granted], clock)]
    nock('https://api.test').get('/').matchHeader('authorization', 'Bearer at-1').reply(200)

    await session.get('https://api.test/', { auth: strategy(clock) })

    expect(clock.waits).to.deep.equal([5000, 5000, 10_000])
    for (const scope of scopes) scope.done()
  })

  it('ends the wait at once when the signal aborts: AbortError, no poll sent', async () => {
    const controller = new AbortController()
    const clock = steppingClock()
    // A clock that waits until the signal aborts, as the real one would.
    clock.sleep = (_ms, signal) => new Promise((_resolve, reject) => signal?.addEventListener('abort', () => reject(signal.reason), { once: true }))
    const scopes = [deviceEndpoint('client_id=cli')]
    const traffic = trafficCounter()
    try {
      const auth = strategy(clock, { signal: controller.signal, onVerification: () => void setImmediate(() => controller.abort()) })

      const error = await session.get('https://api.test/', { auth }).catch((e: unknown) => e)

      expect(error).to.be.instanceOf(AbortError)
      expect(traffic.count).to.equal(0)
    } finally {
      traffic.stop()
    }
    for (const scope of scopes) scope.done()
  })

  it('sends no poll once aborted, even on a clock that ignores the signal', async () => {
    const controller = new AbortController()
    const clock = steppingClock()
    const scopes = [deviceEndpoint('client_id=cli')]
    const traffic = trafficCounter()
    try {
      const auth = strategy(clock, { signal: controller.signal, onVerification: () => controller.abort() })

      const error = await session.get('https://api.test/', { auth }).catch((e: unknown) => e)

      expect(error).to.be.instanceOf(AbortError)
      expect(traffic.count).to.equal(0)
    } finally {
      traffic.stop()
    }
    for (const scope of scopes) scope.done()
  })

  it('authenticates a confidential client with Basic on both requests, client_id out of the body', async () => {
    const clock = steppingClock()
    const device = nock(IDP)
      .post('/device/code', 'scope=read')
      .matchHeader('authorization', basic('cli', 's3cret'))
      .reply(200, { device_code: 'dev-code-1', user_code: 'U', verification_uri: `${IDP}/device`, expires_in: 600 })
    const token = nock(IDP)
      .post('/token', `grant_type=${encodeURIComponent(GRANT)}&device_code=dev-code-1`)
      .matchHeader('authorization', basic('cli', 's3cret'))
      .reply(...granted)
    nock('https://api.test').get('/').reply(200)
    const auth = strategy(clock, { clientSecret: 's3cret', scope: 'read' })

    await session.get('https://api.test/', { auth })

    expect(inspect(auth)).to.not.include('s3cret')
    expect(JSON.stringify(auth)).to.not.include('s3cret')
    device.done()
    token.done()
  })

  it('uses the cached token, then its refresh token, and runs the device flow only when no token is usable', async () => {
    const clock = steppingClock()
    const auth = strategy(clock)
    await cache.cache.set(auth.state, { access_token: 'cached', expires_at: Date.now() / 1000 + 3600 })
    const api = nock('https://api.test')
      .get('/')
      .times(3)
      .reply(function () {
        return [200, this.req.headers.authorization]
      })

    const first = (await session.get('https://api.test/', { auth })).text
    await cache.cache.set(auth.state, { access_token: 'stale', expires_at: Date.now() / 1000 - 1, refresh_token: 'rt-0' })
    const refresh = nock(IDP)
      .post('/token', 'grant_type=refresh_token&client_id=cli&refresh_token=rt-0')
      .matchHeader('accept', 'application/json')
      .reply(200, { access_token: 'refreshed', token_type: 'Bearer', expires_in: 10 })
    const second = (await session.get('https://api.test/', { auth })).text
    // 10 s is within the 30 s early expiry, and there is no refresh token left: a new device flow.
    const flow = [deviceEndpoint('client_id=cli'), tokenEndpoint([granted], clock)]
    const third = (await session.get('https://api.test/', { auth })).text

    expect([first, second, third]).to.deep.equal(['Bearer cached', 'Bearer refreshed', 'Bearer at-1'])
    expect(printed).to.have.length(1)
    refresh.done()
    api.done()
    for (const scope of flow) scope.done()
  })

  it('runs the device flow again when the refresh is refused', async () => {
    const clock = steppingClock()
    const auth = strategy(clock)
    await cache.cache.set(auth.state, { access_token: 'stale', expires_at: Date.now() / 1000 - 1, refresh_token: 'rt-0' })
    const refused = nock(IDP).post('/token', 'grant_type=refresh_token&client_id=cli&refresh_token=rt-0').reply(400, { error: 'invalid_grant' })
    const flow = [deviceEndpoint('client_id=cli'), tokenEndpoint([granted], clock)]
    nock('https://api.test').get('/').matchHeader('authorization', 'Bearer at-1').reply(200)

    await session.get('https://api.test/', { auth })

    expect((await cache.cache.get(auth.state))?.token).to.include({ access_token: 'at-1', refresh_token: 'rt-1' })
    refused.done()
    for (const scope of flow) scope.done()
  })

  it('keys the cache by token URL, grant, client and scope, never by a secret', () => {
    const clock = steppingClock()
    const keyOf = (clientId: string, options: OAuth2DeviceCodeOptions): string =>
      new OAuth2DeviceCode(`${IDP}/device/code`, `${IDP}/token`, clientId, { clock, ...options }).state

    expect(keyOf('cli', { clientSecret: 'one' })).to.equal(keyOf('cli', { clientSecret: 'two' }))
    expect(keyOf('cli', { client_secret: 'one' })).to.equal(keyOf('cli', {}))
    expect(keyOf('cli', {})).to.not.equal(keyOf('other', {}))
    expect(keyOf('cli', { scope: 'a' })).to.not.equal(keyOf('cli', { scope: 'b' }))
  })

  it('refuses an answer without a user code: InvalidTokenResponseError, nothing polled', async () => {
    const clock = steppingClock()
    const device = nock(IDP)
      .post('/device/code')
      .reply(200, { device_code: 'd', verification_uri: `${IDP}/device`, expires_in: 60 })

    const error = await session.get('https://api.test/', { auth: strategy(clock) }).catch((e: unknown) => e)

    expect(error).to.be.instanceOf(InvalidTokenResponseError).and.include({ field: 'user_code' })
    expect(printed).to.deep.equal([])
    device.done()
  })

  for (const [what, build, option] of [
    ['no client id', () => new OAuth2DeviceCode(`${IDP}/device/code`, `${IDP}/token`, ''), 'clientId'],
    ['a device URL that is not http(s)', () => new OAuth2DeviceCode('ftp://idp.test/device', `${IDP}/token`, 'cli'), 'deviceAuthorizationUrl'],
    ['no token URL', () => new OAuth2DeviceCode(`${IDP}/device/code`, '', 'cli'), 'tokenUrl'],
    [
      'an onVerification that is not a function',
      () => new OAuth2DeviceCode(`${IDP}/device/code`, `${IDP}/token`, 'cli', { onVerification: 'print' as never }),
      'onVerification',
    ],
    ['an output without write()', () => new OAuth2DeviceCode(`${IDP}/device/code`, `${IDP}/token`, 'cli', { output: {} as never }), 'output'],
    ['a setting spelt the Python way', () => new OAuth2DeviceCode(`${IDP}/device/code`, `${IDP}/token`, 'cli', { early_expiry: 10 }), 'early_expiry'],
  ] as const) {
    it(`is a ConfigurationError naming ${option} for ${what}`, () => {
      expect(build).to.throw(ConfigurationError).with.property('option', option)
    })
  }
})
