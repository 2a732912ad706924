import { expect } from 'chai'
import nock from 'nock'
import { ConfigurationError, InvalidMetadataError, OAuth2Session } from '../../../lib/index.js'
import { clearDiscoveryCache } from '../../../lib/oauth2/discovery.js'
import { trafficCounter } from '../../support/traffic-counter.js'

// serialize() / fromJSON() carry the endpoints of DESIGN §8 (revocationUrl, introspectionUrl,
// deviceAuthorizationUrl, issuer) and the discovered metadata; the JSON is hostile on the way in,
// so the metadata is checked again by discovery's own validator.
const ORIGIN = 'https://as.example'
const JSON_TYPE = { 'Content-Type': 'application/json' }
const UNCACHED = { ...JSON_TYPE, 'Cache-Control': 'no-store' }
const METADATA = {
  issuer: ORIGIN,
  authorization_endpoint: `${ORIGIN}/authorize`,
  token_endpoint: `${ORIGIN}/token`,
  revocation_endpoint: `${ORIGIN}/oauth/revoke`,
  device_authorization_endpoint: `${ORIGIN}/oauth/device`,
  authorization_response_iss_parameter_supported: true,
  scopes_supported: ['openid'],
}

async function discovered(): Promise<OAuth2Session> {
  nock(ORIGIN).get('/.well-known/oauth-authorization-server').reply(200, METADATA, UNCACHED)
  return OAuth2Session.discover(ORIGIN, 'client-1', { clientSecret: 'secret-1' })
}

/** The serialized JSON of a discovered session, with `change` applied to its metadata. */
async function tampered(change: (metadata: Record<string, unknown>) => unknown): Promise<string> {
  const session = await discovered()
  const data = JSON.parse(JSON.stringify(session.serialize())) as Record<string, unknown>
  data.metadata = change(data.metadata as Record<string, unknown>)
  await session.close()
  return JSON.stringify(data)
}

describe('OAuth2Session serialize() and fromJSON()', () => {
  beforeEach(() => clearDiscoveryCache())

  it('carries revocationUrl, introspectionUrl, deviceAuthorizationUrl, issuer and issuerParameterRequired through JSON text', async () => {
    const session = new OAuth2Session('client-1', {
      revocationUrl: `${ORIGIN}/revoke`,
      introspectionUrl: `${ORIGIN}/introspect`,
      deviceAuthorizationUrl: `${ORIGIN}/device/code`,
      issuer: ORIGIN,
      issuerParameterRequired: true,
    })
    const device = nock(ORIGIN)
      .post('/device/code', 'client_id=client-1')
      .reply(200, { device_code: 'dc', user_code: 'UC-1', verification_uri: `${ORIGIN}/device`, expires_in: 600 }, JSON_TYPE)

    const restored = OAuth2Session.fromJSON(JSON.stringify(session.serialize()))
    const answer = await restored.deviceAuthorization()

    expect(restored).to.include({
      revocationUrl: `${ORIGIN}/revoke`,
      introspectionUrl: `${ORIGIN}/introspect`,
      issuer: ORIGIN,
      issuerParameterRequired: true,
    })
    expect(answer.userCode).to.equal('UC-1')
    device.done()
  })

  it('carries the discovered metadata: the restored session has it, frozen, and takes its endpoints from it', async () => {
    const session = await discovered()
    const revoke = nock(ORIGIN).post('/oauth/revoke', 'token=rt-1&token_type_hint=refresh_token').reply(200, '')

    const restored = OAuth2Session.fromJSON(JSON.stringify(session.serialize()))
    await restored.revokeToken('rt-1', { tokenTypeHint: 'refresh_token' })
    const [url] = restored.authorizationUrl()

    expect(restored.metadata).to.deep.equal(METADATA)
    expect(Object.isFrozen(restored.metadata)).to.equal(true)
    expect(Object.isFrozen(restored.metadata?.scopes_supported)).to.equal(true)
    expect(restored).to.include({ issuer: ORIGIN, issuerParameterRequired: true, autoRefreshUrl: `${ORIGIN}/token` })
    expect(url.startsWith(`${ORIGIN}/authorize?`)).to.equal(true)
    revoke.done()
    await session.close()
  })

  it('leaves the metadata out, and fromJSON gives none, for a session that was not discovered', () => {
    const session = new OAuth2Session('client-1')

    const data = session.serialize()

    expect(data.metadata).to.equal(undefined)
    expect(OAuth2Session.fromJSON(JSON.stringify(data)).metadata).to.equal(undefined)
  })

  const attacks: Array<[string, string, (metadata: Record<string, unknown>) => unknown]> = [
    ['an endpoint moved to plain http elsewhere', 'token_endpoint', (m) => ({ ...m, token_endpoint: 'http://evil.example/token' })],
    ['an endpoint with user info', 'revocation_endpoint', (m) => ({ ...m, revocation_endpoint: 'https://user:pass@as.example/revoke' })],
    ['a flag that is not a boolean', 'authorization_response_iss_parameter_supported', (m) => ({ ...m, authorization_response_iss_parameter_supported: 'no' })],
    ['a list that is not of strings', 'scopes_supported', (m) => ({ ...m, scopes_supported: [{ evil: true }] })],
    ['no issuer', 'issuer', ({ issuer: _issuer, ...m }) => m],
    ['an issuer that is not an https URL', 'issuer', (m) => ({ ...m, issuer: 'javascript:alert(1)' })],
  ]
  for (const [what, field, change] of attacks) {
    it(`refuses metadata with ${what}: InvalidMetadataError naming ${field}, before any traffic`, async () => {
      const json = await tampered(change)
      const traffic = trafficCounter()
      try {
        const error = (() => {
          try {
            OAuth2Session.fromJSON(json)
          } catch (thrown) {
            return thrown
          }
        })()

        expect(error).to.be.instanceOf(InvalidMetadataError).and.include({ field, code: 'ERR_INVALID_METADATA' })
        expect(traffic.count).to.equal(0)
      } finally {
        traffic.stop()
      }
    })
  }

  it('refuses metadata that is not a JSON object, and a tampered endpoint option, as typed errors', async () => {
    const asList = await tampered(() => ['not', 'metadata'])
    const asText = await tampered(() => 'https://as.example')
    const data = JSON.parse(JSON.stringify(new OAuth2Session('client-1').serialize())) as Record<string, unknown>

    expect(() => OAuth2Session.fromJSON(asList)).to.throw(InvalidMetadataError, 'not a JSON object')
    expect(() => OAuth2Session.fromJSON(asText)).to.throw(InvalidMetadataError, 'not a JSON object')
    expect(() => OAuth2Session.fromJSON({ ...data, revocationUrl: 'javascript:alert(1)' }))
      .to.throw(ConfigurationError)
      .with.property('option', 'revocationUrl')
  })

  it('shows the endpoint options redacted in toJSON()', () => {
    const session = new OAuth2Session('client-1', { clientSecret: 'sekrit-1', revocationUrl: `${ORIGIN}/revoke?client_secret=sekrit-1` })

    const shown = JSON.stringify(session)

    expect(shown).to.include('revocationUrl')
    expect(shown).not.to.include('sekrit-1')
  })
})
