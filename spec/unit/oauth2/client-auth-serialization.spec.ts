import { generateKeyPairSync } from 'node:crypto'
import { inspect } from 'node:util'
import { expect } from 'chai'
import { exportJWK, jwtVerify } from 'jose'
import nock from 'nock'
import { type AuthStrategy, BackendApplicationClient, OAuth2Service, OAuth2Session } from '../../../lib/index.js'
import { configurationError } from '../../support/expect-configuration-error.js'

const TOKEN = { access_token: 'at-1', token_type: 'Bearer', expires_in: 3600 }
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' })
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })

/** Records the form body of one POST to https://idp.test/token. */
function tokenEndpoint(bodies: URLSearchParams[]): nock.Scope {
  return nock('https://idp.test')
    .post('/token')
    .reply(200, (_uri, body) => {
      bodies.push(new URLSearchParams(String(body)))
      return TOKEN
    })
}

describe('serialize() and fromJSON() carry clientAuth', () => {
  afterEach(() => nock.cleanAll())

  it('OAuth2Session: the method, its options and the key as a JWK; the restored assertion verifies with the public key', async () => {
    const session = new OAuth2Session('svc', {
      client: new BackendApplicationClient('svc'),
      clientAuth: 'private_key_jwt',
      clientAssertionKey: ec.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string,
      clientAssertionKid: 'k-1',
      clientAssertionAudience: 'https://aud.test',
      clientAssertionLifetime: 30,
    })
    const bodies: URLSearchParams[] = []
    const scope = tokenEndpoint(bodies)

    const json = JSON.parse(JSON.stringify(session.serialize())) as Record<string, unknown>
    const restored = OAuth2Session.fromJSON(json, { client: new BackendApplicationClient('svc') })
    await restored.fetchToken('https://idp.test/token')

    expect(json).to.include({
      clientAuth: 'private_key_jwt',
      clientAssertionKid: 'k-1',
      clientAssertionAudience: 'https://aud.test',
      clientAssertionLifetime: 30,
    })
    expect(json.clientAssertionKey).to.deep.include({ ...ec.privateKey.export({ format: 'jwk' }), alg: 'ES256' })
    const { payload, protectedHeader } = await jwtVerify(bodies[0]?.get('client_assertion') as string, ec.publicKey, {
      issuer: 'svc',
      audience: 'https://aud.test',
    })
    expect(protectedHeader).to.include({ alg: 'ES256', kid: 'k-1' })
    expect((payload.exp as number) - (payload.iat as number)).to.equal(30)
    scope.done()
  })

  it('keeps a JWK key its alg (PS256 on an RSA key, not the default RS256), and client_secret_basic its encoding', async () => {
    const jwk = { ...(await exportJWK(rsa.privateKey)), alg: 'PS256', kid: 'pss' }
    const jwt = new OAuth2Session('svc', { clientAuth: 'private_key_jwt', clientAssertionKey: jwk })
    const basic = new OAuth2Session('svc', { clientSecret: 's', clientAuth: 'client_secret_basic', clientAuthEncoding: 'raw' })

    const restoredJwt = OAuth2Session.fromJSON(JSON.stringify(jwt.serialize())).serialize()
    const restoredBasic = OAuth2Session.fromJSON(JSON.stringify(basic.serialize())).serialize()

    expect(restoredJwt.clientAssertionKey).to.deep.include({ alg: 'PS256', kid: 'pss', d: jwk.d })
    expect(restoredBasic).to.include({ clientAuth: 'client_secret_basic', clientAuthEncoding: 'raw', clientSecret: 's' })
  })

  it('never shows the key in toJSON or inspect', () => {
    const session = new OAuth2Session('svc', { clientAuth: 'private_key_jwt', clientAssertionKey: ec.privateKey })
    const service = new OAuth2Service({ clientId: 'svc', clientAuth: 'private_key_jwt', clientAssertionKey: ec.privateKey })
    const d = (ec.privateKey.export({ format: 'jwk' }) as { d: string }).d

    for (const shown of [JSON.stringify(session), inspect(session, { depth: 10 }), JSON.stringify(service), inspect(service, { depth: 10 })]) {
      expect(shown).not.to.include(d)
    }
    expect(session.toJSON()).not.to.have.property('clientAssertionKey')
    expect(service.toJSON().clientAssertionKey).to.equal('[redacted]')
  })

  it('leaves out a strategy clientAuth (pass it again to fromJSON), and takes one given over the serialized method', () => {
    const strategy: AuthStrategy = { apply() {} }
    const withStrategy = new OAuth2Session('svc', { clientAuth: strategy }).serialize()
    const serialized = new OAuth2Session('svc', { clientSecret: 's', clientAuth: 'client_secret_post' }).serialize()

    expect(Object.keys(withStrategy).filter((key) => key.startsWith('clientA'))).to.deep.equal([])
    expect(OAuth2Session.fromJSON(serialized, { clientAuth: strategy }).serialize().clientAuth).to.equal(undefined)
  })

  it('reads hostile JSON as the constructor reads options: a public JWK, an unknown method, a nested key are ConfigurationErrors naming the option', () => {
    const base = new OAuth2Session('svc', { clientAuth: 'private_key_jwt', clientAssertionKey: ec.privateKey }).serialize()
    const { d: _d, ...publicJwk } = base.clientAssertionKey as Record<string, string>

    expect(configurationError(() => OAuth2Session.fromJSON({ ...base, clientAssertionKey: publicJwk })).option).to.equal('clientAssertionKey')
    expect(configurationError(() => OAuth2Session.fromJSON({ ...base, clientAssertionKey: { kty: { nested: 'x' } } })).option).to.equal('clientAssertionKey')
    expect(configurationError(() => OAuth2Session.fromJSON({ ...base, clientAuth: 'client_secret_magic' })).option).to.equal('clientAuth')
    expect(configurationError(() => OAuth2Session.fromJSON({ ...base, clientAuth: { apply: 'x' } })).option).to.equal('clientAuth')
  })

  it('OAuth2Service: a secretless private_key_jwt service round-trips, and its restored getAuthSession assertion verifies', async () => {
    const service = new OAuth2Service({
      clientId: 'svc',
      accessTokenUrl: 'https://idp.test/token',
      clientAuth: 'private_key_jwt',
      clientAssertionKey: ec.privateKey,
      clientAssertionKid: 'k-2',
    })
    const bodies: URLSearchParams[] = []
    const scope = tokenEndpoint(bodies)

    const json = JSON.stringify(service.serialize())
    const restored = OAuth2Service.fromJSON(json)
    await restored.getAuthSession({ data: { grant_type: 'client_credentials' } })

    expect(JSON.parse(json)).to.include({ clientAuth: 'private_key_jwt', clientAssertionKid: 'k-2' }).and.not.have.property('clientSecret')
    const { protectedHeader } = await jwtVerify(bodies[0]?.get('client_assertion') as string, ec.publicKey, { issuer: 'svc' })
    expect(protectedHeader.kid).to.equal('k-2')
    expect(configurationError(() => OAuth2Service.fromJSON({ ...JSON.parse(json), clientAssertionKey: 'not a pem' })).option).to.equal('clientAssertionKey')
    scope.done()
  })
})
