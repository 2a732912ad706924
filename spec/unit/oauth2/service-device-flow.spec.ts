import { DEVICE_GRANT, DEVICE_IDP, deviceAnswer } from '../../support/device-fixtures.js'
import { expect } from 'chai'
import nock from 'nock'
import { MemoryTokenStore, OAuth2Service, OAuth2Session, type DeviceAuthorization } from '../../../lib/index.js'
import { clearDiscoveryCache } from '../../../lib/oauth2/discovery.js'
import { configurationRejection } from '../../support/expect-configuration-error.js'
import { installClock, runUntilSettled } from '../../support/fake-clock.js'
import { trafficCounter } from '../../support/traffic-counter.js'

// The device flow (RFC 8628) on OAuth2Service, rauth style: deviceAuthorization() as the session's,
// and pollDeviceToken() that hands back the session holding the token, as getAuthSession() does.
const IDP = DEVICE_IDP
const GRANT = DEVICE_GRANT
const JSON_TYPE = { 'Content-Type': 'application/json' }
const CLIENT = { user: 'tv', pass: 'tv-secret' }

const device = (now: number): DeviceAuthorization => deviceAnswer(now)

const service = (extra: Partial<ConstructorParameters<typeof OAuth2Service>[0]> = {}) =>
  new OAuth2Service({
    clientId: 'tv',
    clientSecret: 'tv-secret',
    accessTokenUrl: `${IDP}/token`,
    deviceAuthorizationUrl: `${IDP}/device/code`,
    baseUrl: `${IDP}/api/`,
    ...extra,
  })

describe('OAuth2Service.deviceAuthorization and pollDeviceToken (RFC 8628)', () => {
  beforeEach(() => clearDiscoveryCache())

  it('asks the deviceAuthorizationUrl with Basic client authentication and the scope, and returns the checked answer', async () => {
    await using tv = service()
    const scope = nock(IDP)
      .post('/device/code', 'scope=openid+profile')
      .basicAuth(CLIENT)
      .reply(200, { device_code: 'dc', user_code: 'ABCD-EFGH', verification_uri: `${IDP}/device`, expires_in: 600, interval: 3 }, JSON_TYPE)

    const answer = await tv.deviceAuthorization({ scope: ['openid', 'profile'] })

    expect(answer).to.include({ deviceCode: 'dc', userCode: 'ABCD-EFGH', verificationUri: `${IDP}/device`, expiresIn: 600, interval: 3 })
    scope.done()
  })

  it('takes a url argument first, as the session does', async () => {
    await using tv = service({ deviceAuthorizationUrl: undefined })
    const scope = nock(IDP)
      .post('/other/device')
      .basicAuth(CLIENT)
      .reply(200, { device_code: 'dc', user_code: 'ABCD-EFGH', verification_uri: `${IDP}/device`, expires_in: 600 }, JSON_TYPE)

    const answer = await tv.deviceAuthorization(`${IDP}/other/device`)

    expect(answer.interval).to.equal(5)
    scope.done()
  })

  it('polls accessTokenUrl through authorization_pending and returns a session with the whole token, which it sends and refreshes', async () => {
    using clock = installClock()
    await using tv = service()
    const sentAt: number[] = []
    const body = `grant_type=${encodeURIComponent(GRANT)}&device_code=dev-code-1`
    const scope = nock(IDP)
      .post('/token', body)
      .basicAuth(CLIENT)
      .reply(() => {
        sentAt.push(Date.now())
        return [400, { error: 'authorization_pending' }]
      })
      .post('/token', body)
      .basicAuth(CLIENT)
      .reply(() => {
        sentAt.push(Date.now())
        return [200, { access_token: 'at-1', refresh_token: 'rt-1', token_type: 'Bearer', expires_in: 3600 }]
      })
      .get('/api/me')
      .matchHeader('authorization', 'Bearer at-1')
      .reply(200, { name: 'tv' })
    const start = Date.now()

    const session = await runUntilSettled(clock, tv.pollDeviceToken(device(start), { timeout: null }))
    const me = await session.get('me')

    expect(sentAt.map((at) => at - start)).to.deep.equal([5000, 10_000])
    expect(session).to.be.instanceOf(OAuth2Session)
    expect(session.token).to.include({ access_token: 'at-1', refresh_token: 'rt-1' })
    expect(session.autoRefreshUrl).to.equal(`${IDP}/token`)
    expect(me.json()).to.deep.equal({ name: 'tv' })
    expect(tv.getSession('at-1')).to.equal(session)
    // The service's unauthenticated session is not the one that got the token.
    expect(tv.getSession().authorized).to.equal(false)
    scope.done()
  })

  it('takes tokenUrl and onPending as the session does', async () => {
    using clock = installClock()
    await using tv = service()
    const seen: string[] = []
    const scope = nock(IDP)
      .post('/other/token')
      .basicAuth(CLIENT)
      .reply(400, { error: 'slow_down' })
      .post('/other/token')
      .basicAuth(CLIENT)
      .reply(200, { access_token: 'at-2', token_type: 'Bearer' })

    const session = await runUntilSettled(
      clock,
      tv.pollDeviceToken(device(Date.now()), { tokenUrl: `${IDP}/other/token`, timeout: null, onPending: ({ error }) => void seen.push(error) }),
    )

    expect(seen).to.deep.equal(['slow_down'])
    expect(session.accessToken).to.equal('at-2')
    scope.done()
  })

  it("writes the token to the sessionOptions' tokenStore, as getAuthSession does", async () => {
    using clock = installClock()
    const store = new MemoryTokenStore()
    await using tv = service({ sessionOptions: { tokenStore: store, tokenKey: 'tv:living-room' } })
    const scope = nock(IDP).post('/token').basicAuth(CLIENT).reply(200, { access_token: 'at-3', refresh_token: 'rt-3', token_type: 'Bearer' })

    await runUntilSettled(clock, tv.pollDeviceToken(device(Date.now()), { timeout: null }))

    expect((await store.get('tv:living-room'))?.token).to.include({ access_token: 'at-3', refresh_token: 'rt-3' })
    scope.done()
  })

  it('takes both endpoints from the metadata of a discovered service', async () => {
    using clock = installClock()
    nock(IDP)
      .get('/.well-known/oauth-authorization-server')
      .reply(200, { issuer: IDP, token_endpoint: `${IDP}/oauth/token`, device_authorization_endpoint: `${IDP}/oauth/device` }, JSON_TYPE)
    await using tv = await OAuth2Service.discover(IDP, { clientId: 'tv', clientSecret: 'tv-secret' })
    const scope = nock(IDP)
      .post('/oauth/device')
      .basicAuth(CLIENT)
      .reply(200, { device_code: 'dev-code-1', user_code: 'ABCD-EFGH', verification_uri: `${IDP}/device`, expires_in: 600 }, JSON_TYPE)
      .post('/oauth/token', `grant_type=${encodeURIComponent(GRANT)}&device_code=dev-code-1`)
      .basicAuth(CLIENT)
      .reply(200, { access_token: 'at-4', token_type: 'Bearer' }, JSON_TYPE)

    const answer = await tv.deviceAuthorization()
    const session = await runUntilSettled(clock, tv.pollDeviceToken(answer, { timeout: null }))

    expect(session.accessToken).to.equal('at-4')
    expect(session.metadata?.issuer).to.equal(IDP)
    scope.done()
  })

  it('names deviceAuthorizationUrl or accessTokenUrl when it has neither, and a wrong option, before any traffic', async () => {
    const traffic = trafficCounter()
    try {
      await using bare = new OAuth2Service({ clientId: 'tv', clientSecret: 'tv-secret' })

      const noDevice = await configurationRejection(() => bare.deviceAuthorization())
      const noToken = await configurationRejection(() => bare.pollDeviceToken(device(Date.now())))
      const wrong = await configurationRejection(() => service().pollDeviceToken(device(Date.now()), { tokenUrl: 'not a url' }))
      const badUrl = () => new OAuth2Service({ clientId: 'tv', clientSecret: 's', deviceAuthorizationUrl: 'ftp://idp.test/device' })

      expect(noDevice.option).to.equal('deviceAuthorizationUrl')
      expect(noToken.option).to.equal('accessTokenUrl')
      expect(wrong.option).to.equal('tokenUrl')
      expect(badUrl).to.throw('deviceAuthorizationUrl')
      expect(traffic.count).to.equal(0)
    } finally {
      traffic.stop()
    }
  })
})
