import { expect } from 'chai'
import nock from 'nock'
import { OAuth2Session } from '../../../lib/index.js'
import { clearDiscoveryCache } from '../../../lib/oauth2/discovery.js'

// The endpoints of revocation, introspection and the device flow come from discovery when no
// option and no `url` names them (DESIGN §8).
const ORIGIN = 'https://as.example'
const JSON_TYPE = { 'Content-Type': 'application/json' }

async function discovered(): Promise<OAuth2Session> {
  nock(ORIGIN)
    .get('/.well-known/oauth-authorization-server')
    .reply(
      200,
      {
        issuer: ORIGIN,
        authorization_endpoint: `${ORIGIN}/authorize`,
        token_endpoint: `${ORIGIN}/token`,
        revocation_endpoint: `${ORIGIN}/oauth/revoke`,
        introspection_endpoint: `${ORIGIN}/oauth/introspect`,
        device_authorization_endpoint: `${ORIGIN}/oauth/device`,
      },
      JSON_TYPE,
    )
  return OAuth2Session.discover(ORIGIN, 'client-1', { clientSecret: 'secret-1' })
}

describe('the discovered revocation, introspection and device endpoints', () => {
  beforeEach(() => clearDiscoveryCache())

  it('revokes and introspects at the endpoints the metadata names', async () => {
    const session = await discovered()
    const revoke = nock(ORIGIN).post('/oauth/revoke', 'token=rt-1&token_type_hint=refresh_token').reply(200, '')
    const introspect = nock(ORIGIN).post('/oauth/introspect', 'token=at-1&token_type_hint=access_token').reply(200, { active: false }, JSON_TYPE)

    await session.revokeToken('rt-1', { tokenTypeHint: 'refresh_token' })
    const info = await session.introspectToken('at-1', { tokenTypeHint: 'access_token' })

    expect(info.active).to.equal(false)
    revoke.done()
    introspect.done()
  })

  it('asks the discovered device authorization endpoint', async () => {
    const session = await discovered()
    const device = nock(ORIGIN)
      .post('/oauth/device')
      .reply(200, { device_code: 'dc', user_code: 'UC-1', verification_uri: `${ORIGIN}/device`, expires_in: 600 }, JSON_TYPE)

    const answer = await session.deviceAuthorization()

    expect(answer.userCode).to.equal('UC-1')
    device.done()
  })
})
