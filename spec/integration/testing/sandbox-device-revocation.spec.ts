import { expect } from 'chai'
import { startSandbox, type Sandbox } from '../../../lib/testing/index.js'

/** A form POST with the platform's fetch, so the sandbox is checked by a client that is not ours. */
async function post(url: string, form: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  const answer = await fetch(url, { method: 'POST', body: new URLSearchParams(form) })
  const text = await answer.text()
  return { status: answer.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) }
}

const client = (sandbox: Sandbox) => ({ client_id: sandbox.oauth2.clientId, client_secret: sandbox.oauth2.clientSecret })
const poll = (sandbox: Sandbox, deviceCode: string) =>
  post(sandbox.oauth2.tokenUrl, { ...client(sandbox), grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: deviceCode })
const me = async (sandbox: Sandbox, accessToken: string) =>
  (await fetch(`${sandbox.oauth2.baseUrl}me`, { headers: { authorization: `Bearer ${accessToken}` } })).status

describe("the sandbox's device flow, revocation, introspection and discovery", () => {
  it('answers a device authorization (RFC 8628 §3.2) and authorization_pending until the user code is approved at the verification page', async () => {
    await using sandbox = await startSandbox()

    const device = await post(`${sandbox.oauth2.deviceAuthorizationUrl}?interval=2&expires_in=60`, { client_id: sandbox.oauth2.clientId, scope: 'tv' })

    expect(device.status).to.equal(200)
    expect(device.body).to.include({ verification_uri: sandbox.oauth2.verificationUrl, interval: 2, expires_in: 60 })
    expect(device.body.user_code).to.match(/^[A-Z]{4}-[A-Z]{4}$/)
    expect(device.body.device_code).to.be.a('string')
    const deviceCode = String(device.body.device_code)
    expect((await poll(sandbox, deviceCode)).body.error).to.equal('authorization_pending')
    expect((await fetch(sandbox.oauth2.verificationUrl)).headers.get('content-type')).to.match(/^text\/html/)
    expect((await post(sandbox.oauth2.verificationUrl, { user_code: 'BBBB-BBBB' })).status).to.equal(400)

    const approved = await post(sandbox.oauth2.verificationUrl, { user_code: String(device.body.user_code).toLowerCase() })
    const granted = await poll(sandbox, deviceCode)

    expect(approved.status).to.equal(200)
    expect(granted.status).to.equal(200)
    expect(granted.body).to.include({ token_type: 'Bearer', scope: 'tv' })
    expect(await me(sandbox, String(granted.body.access_token))).to.equal(200)
    // A device code is spent once.
    expect((await poll(sandbox, deviceCode)).body.error).to.equal('invalid_grant')
  })

  it('answers access_denied once the user refuses, and expired_token once the codes expired', async () => {
    await using sandbox = await startSandbox()
    const refused = await post(sandbox.oauth2.deviceAuthorizationUrl, { client_id: sandbox.oauth2.clientId })
    const expiring = await post(`${sandbox.oauth2.deviceAuthorizationUrl}?expires_in=1`, { client_id: sandbox.oauth2.clientId })

    await post(sandbox.oauth2.verificationUrl, { user_code: String(refused.body.user_code), deny: '1' })
    await new Promise((resolve) => setTimeout(resolve, 1100))

    expect(refused.body.interval).to.equal(1)
    expect((await poll(sandbox, String(refused.body.device_code))).body.error).to.equal('access_denied')
    expect((await poll(sandbox, String(expiring.body.device_code))).body.error).to.equal('expired_token')
    expect((await post(sandbox.oauth2.deviceAuthorizationUrl, { client_id: 'someone-else' })).status).to.equal(401)
  })

  it('revokes a refresh token with its grant (RFC 7009), and introspection (RFC 7662) then says inactive', async () => {
    await using sandbox = await startSandbox()
    const token = await post(sandbox.oauth2.tokenUrl, {
      ...client(sandbox),
      grant_type: 'password',
      username: sandbox.oauth2.username,
      password: sandbox.oauth2.password,
      scope: 'read',
    })
    const access = String(token.body.access_token)
    const active = await post(sandbox.oauth2.introspectionUrl, { ...client(sandbox), token: access })

    const revoked = await post(sandbox.oauth2.revocationUrl, { ...client(sandbox), token: String(token.body.refresh_token), token_type_hint: 'refresh_token' })

    expect(active.body).to.include({ active: true, scope: 'read', client_id: sandbox.oauth2.clientId, username: sandbox.oauth2.username, token_type: 'Bearer' })
    expect(active.body.exp).to.be.a('number')
    expect(revoked.status).to.equal(200)
    expect((await post(sandbox.oauth2.introspectionUrl, { ...client(sandbox), token: access })).body).to.deep.equal({ active: false })
    expect(await me(sandbox, access)).to.equal(401)
    // Unknown tokens are revoked without complaint (RFC 7009 §2.2); both endpoints want the client.
    expect((await post(sandbox.oauth2.revocationUrl, { ...client(sandbox), token: 'never-issued' })).status).to.equal(200)
    expect((await post(sandbox.oauth2.revocationUrl, { client_id: sandbox.oauth2.clientId, token: access })).status).to.equal(401)
    expect((await post(sandbox.oauth2.introspectionUrl, { token: access })).status).to.equal(401)
  })

  it('serves its metadata at both well-known URLs, with its origin as the issuer and the new endpoints', async () => {
    await using sandbox = await startSandbox()

    for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
      const metadata = (await (await fetch(`${sandbox.url}${path}`)).json()) as Record<string, unknown>

      expect(metadata, path).to.include({
        issuer: sandbox.oauth2.issuer,
        token_endpoint: sandbox.oauth2.tokenUrl,
        device_authorization_endpoint: sandbox.oauth2.deviceAuthorizationUrl,
        revocation_endpoint: sandbox.oauth2.revocationUrl,
        introspection_endpoint: sandbox.oauth2.introspectionUrl,
      })
    }
    expect(sandbox.oauth2.issuer).to.equal(sandbox.url)
  })
})
