import { expect } from 'chai'
import { setImmediate as realTurn } from 'node:timers/promises'
import { AccessDeniedError, OAuth2Session } from '../../../lib/index.js'
import { type FakeClock, installClock } from '../../support/fake-clock.js'
import { userAtDevicePages } from '../../support/oidc-login.js'
import { closeAfterAll, startOidcProvider } from '../../support/servers.js'

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code'

/**
 * The device flow of OAuth2Session against oidc-provider's own device endpoints and pages. The
 * poller waits on a fake clock, moved by the spec; the provider and the user's browser run on real
 * I/O meanwhile (fake Date included, which they both read consistently).
 */
describe('the device flow against oidc-provider', function () {
  this.timeout(30_000)
  let issuer: string
  /** The (fake) times of the token requests the provider received. */
  const polls: number[] = []
  /** How many next token requests the middleware answers with slow_down. */
  let slowDowns = 0
  const closeLater = closeAfterAll()

  before(async () => {
    const provider = await closeLater(
      startOidcProvider(
        () => ({
          clients: [{ client_id: 'tv-app', token_endpoint_auth_method: 'none', grant_types: [DEVICE_GRANT], response_types: [], redirect_uris: [] }],
          features: { deviceFlow: { enabled: true }, devInteractions: { enabled: true } },
          cookies: { keys: ['oauth-sessions-spec-key'] },
          findAccount: (_ctx: unknown, id: string) => ({ accountId: id, claims: () => ({ sub: id }) }),
        }),
        (oidc) => {
          // oidc-provider never answers slow_down: this middleware does, in its place, for the
          // token requests the spec asks for; every other request reaches the real provider.
          oidc.use(async (ctx, next) => {
            if (ctx.path === '/token' && ctx.method === 'POST') {
              polls.push(Date.now())
              if (slowDowns > 0) {
                slowDowns -= 1
                ctx.status = 400
                ctx.type = 'json'
                ctx.body = { error: 'slow_down', error_description: 'poll less often' }
                return
              }
            }
            await next()
          })
        },
      ),
    )
    issuer = provider.issuer
  })

  beforeEach(() => {
    polls.length = 0
    slowDowns = 0
  })

  /** Watches a poll: resolves on the next onPending, after the poller armed its next wait. */
  function pendingWatch(): { onPending: () => void; next: () => Promise<void> } {
    let resolve: (() => void) | undefined
    let arrived = 0
    let taken = 0
    return {
      onPending: () => {
        arrived += 1
        resolve?.()
      },
      next: async () => {
        taken += 1
        while (arrived < taken) await new Promise<void>((done) => (resolve = done))
        // The poller arms its next wait right after onPending returns.
        await realTurn()
      },
    }
  }

  /** Moves the fake clock by `ms`, firing the poller's wait. */
  async function tick(clock: FakeClock, ms: number): Promise<void> {
    await clock.tickAsync(ms)
  }

  it('polls while the user enters the code, logs in and consents, then keeps the token', async () => {
    await using session = new OAuth2Session('tv-app', { scope: 'openid', deviceAuthorizationUrl: `${issuer}/device/auth`, timeout: null })
    const device = await session.deviceAuthorization()
    using clock = installClock()
    const start = Date.now()
    const watch = pendingWatch()
    const polling = session.pollDeviceToken(device, { tokenUrl: `${issuer}/token`, onPending: watch.onPending })
    polling.catch(() => {})

    await realTurn()
    await tick(clock, 5000)
    await watch.next()
    const success = await userAtDevicePages(issuer, device, 'approve')
    await tick(clock, 5000)
    const token = await polling

    expect(device).to.include({ interval: 5 })
    expect(device.verificationUri).to.equal(`${issuer}/device`)
    expect(device.verificationUriComplete).to.equal(`${issuer}/device?user_code=${encodeURIComponent(device.userCode)}`)
    expect(success).to.include('Sign-in Success')
    expect(polls.map((at) => at - start)).to.deep.equal([5000, 10_000])
    expect(token.access_token).to.be.a('string')
    expect(session.token.access_token).to.equal(token.access_token)
  })

  it('adds 5 s to the interval after a slow_down (from a middleware: oidc-provider never sends it)', async () => {
    await using session = new OAuth2Session('tv-app', { scope: 'openid', deviceAuthorizationUrl: `${issuer}/device/auth`, timeout: null })
    const device = await session.deviceAuthorization()
    using clock = installClock()
    const start = Date.now()
    slowDowns = 1
    const watch = pendingWatch()
    const polling = session.pollDeviceToken(device, { tokenUrl: `${issuer}/token`, onPending: watch.onPending })
    polling.catch(() => {})

    await realTurn()
    await tick(clock, 5000)
    await watch.next() // slow_down: the interval is 10 s from now on
    await tick(clock, 10_000)
    await watch.next() // authorization_pending from the provider itself
    await userAtDevicePages(issuer, device, 'approve')
    await tick(clock, 10_000)
    const token = await polling

    expect(polls.map((at) => at - start)).to.deep.equal([5000, 15_000, 25_000])
    expect(token.access_token).to.be.a('string')
  })

  it('ends with AccessDeniedError when the user aborts at the confirmation page', async () => {
    await using session = new OAuth2Session('tv-app', { scope: 'openid', deviceAuthorizationUrl: `${issuer}/device/auth`, timeout: null })
    const device = await session.deviceAuthorization()
    using clock = installClock()
    const watch = pendingWatch()
    const polling = session.pollDeviceToken(device, { tokenUrl: `${issuer}/token`, onPending: watch.onPending })
    polling.catch(() => {})

    await realTurn()
    await tick(clock, 5000)
    await watch.next()
    await userAtDevicePages(issuer, device, 'abort')
    await tick(clock, 5000)
    const error = await polling.catch((e: unknown) => e)

    expect(error).to.be.instanceOf(AccessDeniedError).and.include({ error: 'access_denied', status: 400 })
    expect(session.token).to.deep.equal({})
  })
})
