import { expect } from 'chai'
import { type DeviceAuthorization, type DevicePollProgress, OAuth2Session, Session } from '../../../lib/index.js'
import { startSandbox, type Sandbox } from '../../../lib/testing/index.js'
import { installClock, runUntilSettled } from '../../support/fake-clock.js'

/** What the poller did: when each poll was answered (fake ms after the start) and what onPending was told. */
interface PollRecord {
  at: number[]
  progress: Array<Pick<DevicePollProgress, 'attempt' | 'interval' | 'error'>>
}

/**
 * Polls the sandbox's token endpoint on a fake clock, with the session's own pollDeviceToken,
 * until the user (a second Session, as a browser) approves the user code at the verification
 * page after `approveAfter` pending polls. The sandbox runs in this process and reads the same
 * fake Date, so its device code expires on fake time too.
 */
async function pollUntilApproved(
  sandbox: Sandbox,
  switches: string,
  approveAfter: number,
): Promise<PollRecord & { device: DeviceAuthorization; accessToken: string }> {
  await using session = new OAuth2Session(sandbox.oauth2.clientId, {
    scope: 'tv',
    deviceAuthorizationUrl: `${sandbox.oauth2.deviceAuthorizationUrl}?${switches}`,
    autoRefreshUrl: sandbox.oauth2.tokenUrl,
    timeout: null,
  })
  await using browser = new Session({ timeout: null })
  const device = await session.deviceAuthorization()
  using clock = installClock()
  const start = Date.now()
  const record: PollRecord = { at: [], progress: [] }

  const token = await runUntilSettled(
    clock,
    session.pollDeviceToken(device, {
      onPending: async ({ attempt, interval, error }) => {
        record.at.push(Date.now() - start)
        record.progress.push({ attempt, interval, error })
        if (attempt === approveAfter) await browser.post(device.verificationUri, { data: { user_code: device.userCode } }).then((r) => r.raiseForStatus())
      },
    }),
  )
  record.at.push(Date.now() - start)

  expect(session.token.access_token).to.equal(token.access_token)
  return { ...record, device, accessToken: String(token.access_token) }
}

/** The sandbox's answer to the token, at its protected API. */
async function meStatus(sandbox: Sandbox, accessToken: string): Promise<number> {
  return (await fetch(`${sandbox.oauth2.baseUrl}me`, { headers: { authorization: `Bearer ${accessToken}` } })).status
}

// The sandbox's slow_down=N and interval=none switches drive OAuth2Session's RFC 8628 §3.5 poller
// on injected (fake) time: no spec sleeps. The same rules against oidc-provider (with a
// provider.use() middleware for slow_down) are in spec/integration/oauth2/device-flow-oidc-provider.spec.ts.
describe("RFC 8628 §3.5 polling against the sandbox's device flow", function () {
  this.timeout(20_000)

  it('takes 5 s when the answer has no interval, and keeps it across authorization_pending', async () => {
    await using sandbox = await startSandbox()

    const run = await pollUntilApproved(sandbox, 'interval=none', 3)

    expect(run.device.interval).to.equal(5)
    expect(run.at).to.deep.equal([5000, 10_000, 15_000, 20_000])
    expect(run.progress).to.deep.equal([
      { attempt: 1, interval: 5, error: 'authorization_pending' },
      { attempt: 2, interval: 5, error: 'authorization_pending' },
      { attempt: 3, interval: 5, error: 'authorization_pending' },
    ])
    expect(await meStatus(sandbox, run.accessToken)).to.equal(200)
  })

  it('adds 5 s after each slow_down, for good: authorization_pending afterwards keeps the longer interval', async () => {
    await using sandbox = await startSandbox()

    const run = await pollUntilApproved(sandbox, 'interval=none&slow_down=2', 3)

    expect(run.at).to.deep.equal([5000, 15_000, 30_000, 45_000])
    expect(run.progress).to.deep.equal([
      { attempt: 1, interval: 10, error: 'slow_down' },
      { attempt: 2, interval: 15, error: 'slow_down' },
      { attempt: 3, interval: 15, error: 'authorization_pending' },
    ])
    expect(await meStatus(sandbox, run.accessToken)).to.equal(200)
  })

  it("adds the 5 s to the provider's own interval, not to the default", async () => {
    await using sandbox = await startSandbox()

    const run = await pollUntilApproved(sandbox, 'interval=2&slow_down=1', 2)

    expect(run.device.interval).to.equal(2)
    expect(run.at).to.deep.equal([2000, 9000, 16_000])
    expect(run.progress.map(({ interval, error }) => [interval, error])).to.deep.equal([
      [7, 'slow_down'],
      [7, 'authorization_pending'],
    ])
  })

  it('answers slow_down on the wire for the first N polls only, and leaves interval out with interval=none', async () => {
    await using sandbox = await startSandbox()
    const post = async (url: string, form: Record<string, string>) =>
      (await fetch(url, { method: 'POST', body: new URLSearchParams(form) })).json() as Promise<Record<string, unknown>>
    const device = await post(`${sandbox.oauth2.deviceAuthorizationUrl}?interval=none&slow_down=1`, { client_id: sandbox.oauth2.clientId })
    const poll = () =>
      post(sandbox.oauth2.tokenUrl, {
        client_id: sandbox.oauth2.clientId,
        grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
        device_code: String(device.device_code),
      })

    const answers = [(await poll()).error, (await poll()).error, (await poll()).error]

    expect(device).to.not.have.property('interval')
    expect(device).to.include({ expires_in: 600 })
    expect(answers).to.deep.equal(['slow_down', 'authorization_pending', 'authorization_pending'])
  })
})
