import { expect } from 'chai'
import { OAuth2Service } from '../../../lib/index.js'
import { startSandbox } from '../../../lib/testing/index.js'
import { clearDiscoveryCache } from '../../../lib/oauth2/discovery.js'
import { installClock, runUntilSettled } from '../../support/fake-clock.js'

// OAuth2Service's device flow end to end against the sandbox on 127.0.0.1: discovered endpoints,
// the user approving at the verification page while the service polls on a fake clock, then the
// session it hands back calling the API and logging out at the discovered revocation endpoint.
describe("OAuth2Service's device flow against the sandbox", () => {
  beforeEach(() => clearDiscoveryCache())

  it('discovers the endpoints, polls until the user approves, and returns a session that calls the API and logs out', async () => {
    await using sandbox = await startSandbox()
    await using service = await OAuth2Service.discover(sandbox.oauth2.issuer, { clientId: sandbox.oauth2.clientId, clientSecret: sandbox.oauth2.clientSecret })
    const device = await service.deviceAuthorization({ scope: 'tv' })
    const approve = async () => {
      const answer = await fetch(sandbox.oauth2.verificationUrl, { method: 'POST', body: new URLSearchParams({ user_code: device.userCode }) })
      expect(answer.status).to.equal(200)
    }
    const pending: string[] = []

    const session = await (async () => {
      using clock = installClock()
      const polled = service.pollDeviceToken(device, {
        timeout: null,
        onPending: async ({ error }) => {
          pending.push(error)
          if (pending.length === 1) await approve()
        },
      })
      return await runUntilSettled(clock, polled)
    })()

    expect(pending).to.deep.equal(['authorization_pending'])
    expect(session.token).to.deep.include({ token_type: 'Bearer', scope: ['tv'] })
    expect(session.token.refresh_token).to.be.a('string')
    expect((await session.get(`${sandbox.oauth2.baseUrl}me`)).status).to.equal(200)
    const access = session.accessToken as string
    await session.revokeToken()
    expect(session.authorized).to.equal(false)
    expect((await service.introspectToken(access)).active).to.equal(false)
  })
})
