import { expect } from 'chai'
import {
  AccessDeniedError,
  type DeviceAuthorization,
  type DeviceClock,
  OAuth2ClientCredentials,
  OAuth2DeviceCode,
  type OAuth2DeviceCodeOptions,
  Session,
} from '../../../lib/index.js'
import { type TokenCacheHandle, useTokenCache } from '../../../lib/testing/index.js'
import { userAtDevicePages } from '../../support/oidc-login.js'
import { closeAfterAll, startOidcProvider } from '../../support/servers.js'

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code'

/**
 * A clock whose waits the spec ends: each `sleep` is noted and resolves when the spec calls
 * `release()`. The provider and the user's browser run on real time meanwhile.
 */
function gatedClock(): DeviceClock & { waits: number[]; release: () => Promise<void> } {
  let now = Date.now()
  const waits: number[] = []
  const gates: (() => void)[] = []
  let armed: (() => void) | undefined
  return {
    waits,
    now: () => now,
    sleep: (ms) =>
      new Promise<void>((resolve) => {
        waits.push(ms)
        gates.push(() => {
          now += ms
          resolve()
        })
        armed?.()
      }),
    release: async () => {
      while (gates.length === 0) await new Promise<void>((resolve) => (armed = resolve))
      gates.shift()?.()
    },
  }
}

/**
 * OAuth2DeviceCode against oidc-provider's own device endpoints and pages (`features.deviceFlow`),
 * then its revoke() and introspect() against the provider's revocation and introspection endpoints.
 */
describe('OAuth2DeviceCode and strategy revocation against oidc-provider', function () {
  this.timeout(30_000)
  let issuer: string
  /** How many next token requests the middleware answers with slow_down (oidc-provider never does). */
  let slowDowns = 0
  let cache: TokenCacheHandle
  const closeLater = closeAfterAll()

  before(async () => {
    const provider = await closeLater(
      startOidcProvider(
        () => ({
          clients: [
            {
              client_id: 'tv-app',
              token_endpoint_auth_method: 'none',
              grant_types: [DEVICE_GRANT, 'refresh_token'],
              response_types: [],
              redirect_uris: [],
            },
            {
              client_id: 'svc',
              client_secret: 'svc-secret',
              token_endpoint_auth_method: 'client_secret_basic',
              grant_types: ['client_credentials'],
              response_types: [],
              redirect_uris: [],
            },
          ],
          features: {
            deviceFlow: { enabled: true },
            devInteractions: { enabled: true },
            clientCredentials: { enabled: true },
            revocation: { enabled: true },
            introspection: { enabled: true },
          },
          cookies: { keys: ['oauth-sessions-spec-key'] },
          findAccount: (_ctx: unknown, id: string) => ({ accountId: id, claims: () => ({ sub: id }) }),
        }),
        (oidc) => {
          oidc.use(async (ctx, next) => {
            if (ctx.path === '/token' && ctx.method === 'POST' && slowDowns > 0) {
              slowDowns -= 1
              ctx.status = 400
              ctx.type = 'json'
              ctx.body = { error: 'slow_down', error_description: 'poll less often' }
              return
            }
            await next()
          })
        },
      ),
    )
    issuer = provider.issuer
  })

  beforeEach(() => {
    slowDowns = 0
    cache = useTokenCache()
  })
  afterEach(() => cache.restore())

  /** A device strategy on a gated clock; resolves `shown` with the device the user is told about. */
  function deviceStrategy(clock: DeviceClock, options: OAuth2DeviceCodeOptions = {}): { auth: OAuth2DeviceCode; shown: Promise<DeviceAuthorization> } {
    let show: (device: DeviceAuthorization) => void = () => {}
    const shown = new Promise<DeviceAuthorization>((resolve) => (show = resolve))
    const auth = new OAuth2DeviceCode(`${issuer}/device/auth`, `${issuer}/token`, 'tv-app', {
      scope: 'openid',
      clock,
      onVerification: show,
      revocationUrl: `${issuer}/token/revocation`,
      introspectionUrl: `${issuer}/token/introspection`,
      ...options,
    })
    return { auth, shown }
  }

  it('gets a token while the user enters the code at the provider, then introspects and revokes it, forgetting it', async () => {
    await using session = new Session({ timeout: null })
    const clock = gatedClock()
    const { auth, shown } = deviceStrategy(clock)
    const me = session.get(`${issuer}/me`, { auth, allowRedirects: false })
    me.catch(() => {})

    const device = await shown
    await clock.release() // first poll: authorization_pending from the provider itself
    const page = await userAtDevicePages(issuer, device, 'approve')
    await clock.release() // second poll: the token
    const response = await me
    const token = (await cache.cache.get(auth.state))?.token.access_token as string
    const before = await auth.introspect()
    await auth.revoke()
    const after = await auth.introspect(token)

    expect(page).to.include('Sign-in Success')
    expect(clock.waits).to.deep.equal([5000, 5000])
    expect(response.request.headers.get('authorization')).to.equal(`Bearer ${token}`)
    expect(before).to.include({ active: true, client_id: 'tv-app' })
    expect(await cache.cache.get(auth.state)).to.equal(undefined)
    expect(after).to.deep.equal({ active: false })
  })

  it('adds 5 s to the interval after a slow_down (from a middleware on the real provider)', async () => {
    await using session = new Session({ timeout: null })
    const clock = gatedClock()
    const { auth, shown } = deviceStrategy(clock)
    slowDowns = 1
    const me = session.get(`${issuer}/me`, { auth, allowRedirects: false })
    me.catch(() => {})

    const device = await shown
    await clock.release() // slow_down: 10 s from now on
    await clock.release() // authorization_pending
    await userAtDevicePages(issuer, device, 'approve')
    await clock.release()
    await me

    expect(clock.waits).to.deep.equal([5000, 10_000, 10_000])
    expect((await cache.cache.get(auth.state))?.token.access_token).to.be.a('string')
  })

  it('ends with AccessDeniedError when the user aborts at the confirmation page, caching nothing', async () => {
    await using session = new Session({ timeout: null })
    const clock = gatedClock()
    const { auth, shown } = deviceStrategy(clock)
    const me = session.get(`${issuer}/me`, { auth })
    me.catch(() => {})

    const device = await shown
    await clock.release()
    await userAtDevicePages(issuer, device, 'abort')
    await clock.release()
    const error = await me.catch((e: unknown) => e)

    expect(error).to.be.instanceOf(AccessDeniedError).and.include({ error: 'access_denied', status: 400 })
    expect(await cache.cache.get(auth.state)).to.equal(undefined)
  })

  it('client credentials with Basic: introspect() and revoke() of the cached token', async () => {
    await using session = new Session({ timeout: null })
    const auth = new OAuth2ClientCredentials(`${issuer}/token`, 'svc', 'svc-secret', {
      revocationUrl: `${issuer}/token/revocation`,
      introspectionUrl: `${issuer}/token/introspection`,
    })
    await session.get(`${issuer}/me`, { auth, allowRedirects: false })
    const token = (await cache.cache.get(auth.state))?.token.access_token as string

    const before = await auth.introspect()
    await auth.revoke()
    const after = await auth.introspect(token)

    expect(before).to.include({ active: true, client_id: 'svc' })
    expect(after).to.deep.equal({ active: false })
    expect(await cache.cache.get(auth.state)).to.equal(undefined)
  })
})
