import { generateKeyPairSync } from 'node:crypto'
import { expect } from 'chai'
import { decodeJwt, jwtVerify } from 'jose'
import nock from 'nock'
import {
  type DeviceClock,
  OAuth2ClientCredentials,
  OAuth2DeviceCode,
  OAuth2Implicit,
  OAuth2ResourceOwnerPasswordCredentials,
  Session,
} from '../../../lib/index.js'
import { type TokenCacheHandle, useTokenCache } from '../../../lib/testing/index.js'
import { configurationError } from '../../support/expect-configuration-error.js'
import { recordPosts, type Seen } from '../../support/recorded-posts.js'

const IDP = 'https://idp.test'
const TOKEN = { access_token: 'at-1', token_type: 'Bearer', expires_in: 3600, refresh_token: 'rt-1' }
const INSTANT: DeviceClock = { now: () => Date.now(), sleep: async () => {} }
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })

/** Mocks `times` POSTs to `path` answering `answer`, recording what each sent. */
function record(path: string, answer: object, seen: Seen[], times = 1): nock.Scope {
  return recordPosts(seen, IDP, path, answer, times)
}

describe('clientAuth on the requests-auth strategies', () => {
  let cache: TokenCacheHandle
  beforeEach(() => {
    cache = useTokenCache()
  })
  afterEach(() => {
    cache.restore()
    nock.cleanAll()
  })

  it('OAuth2ClientCredentials with private_key_jwt: a fresh assertion at the token endpoint and at revoke()', async () => {
    const seen: Seen[] = []
    const token = record('/token', TOKEN, seen)
    // The cached refresh token, then the access token.
    const revoke = record('/revoke', {}, seen, 2)
    await using session = new Session()
    nock('https://api.test').get('/').reply(200)
    const auth = new OAuth2ClientCredentials(`${IDP}/token`, 'svc', '', {
      clientAuth: 'private_key_jwt',
      clientAssertionKey: rsa.privateKey,
      revocationUrl: `${IDP}/revoke`,
    })

    await session.get('https://api.test/', { auth })
    await auth.revoke()

    const [atToken, atRevoke] = seen as [Seen, Seen]
    expect(atToken.authorization).to.equal(undefined)
    expect([...atToken.body.keys()]).to.deep.equal(['grant_type', 'client_assertion_type', 'client_assertion'])
    await jwtVerify(atToken.body.get('client_assertion') as string, rsa.publicKey, { issuer: 'svc', subject: 'svc', audience: `${IDP}/token` })
    expect(decodeJwt(atRevoke.body.get('client_assertion') as string).aud).to.equal(`${IDP}/revoke`)
    expect(decodeJwt(atRevoke.body.get('client_assertion') as string).jti).not.to.equal(decodeJwt(atToken.body.get('client_assertion') as string).jti)
    token.done()
    revoke.done()
  })

  it('OAuth2ClientCredentials keeps requests-auth Basic (raw) without clientAuth, and form-encodes with client_secret_basic', async () => {
    const seen: Seen[] = []
    const scope = record('/token', TOKEN, seen, 2)
    await using session = new Session()
    nock('https://api.test').get('/').times(2).reply(200)

    await session.get('https://api.test/', { auth: new OAuth2ClientCredentials(`${IDP}/token`, 'svc', 'a+b') })
    await session.get('https://api.test/', { auth: new OAuth2ClientCredentials(`${IDP}/token`, 'svc2', 'a+b', { clientAuth: 'client_secret_basic' }) })

    expect(seen.map((request) => request.authorization)).to.deep.equal([
      `Basic ${Buffer.from('svc:a+b').toString('base64')}`,
      `Basic ${Buffer.from('svc2:a%2Bb').toString('base64')}`,
    ])
    scope.done()
  })

  it('OAuth2ResourceOwnerPasswordCredentials with client_secret_post, on the grant and on the refresh', async () => {
    const seen: Seen[] = []
    const scope = record('/token', { ...TOKEN, expires_in: 1 }, seen, 2)
    await using session = new Session()
    nock('https://api.test').get('/').times(2).reply(200)
    const auth = new OAuth2ResourceOwnerPasswordCredentials(`${IDP}/token`, 'alice', 'pw', {
      clientId: 'app',
      clientSecret: 'app-secret',
      clientAuth: 'client_secret_post',
      earlyExpiry: 0,
    })

    await session.get('https://api.test/', { auth })
    await cache.cache.set(auth.state, { access_token: 'at-1', refresh_token: 'rt-1', expires_at: 1 })
    await session.get('https://api.test/', { auth })

    for (const request of seen) {
      expect(request.authorization).to.equal(undefined)
      expect(request.body.get('client_id')).to.equal('app')
      expect(request.body.get('client_secret')).to.equal('app-secret')
    }
    expect(seen.map((request) => request.body.get('grant_type'))).to.deep.equal(['password', 'refresh_token'])
    scope.done()
  })

  it('OAuth2DeviceCode with client_secret_jwt at the device and token endpoints', async () => {
    const seen: Seen[] = []
    const device = record('/device', { device_code: 'dc', user_code: 'UC', verification_uri: `${IDP}/verify`, expires_in: 60, interval: 1 }, seen)
    const token = record('/token', TOKEN, seen)
    await using session = new Session()
    nock('https://api.test').get('/').reply(200)
    const auth = new OAuth2DeviceCode(`${IDP}/device`, `${IDP}/token`, 'tv', {
      clientSecret: 'tv-secret',
      clientAuth: 'client_secret_jwt',
      clock: INSTANT,
      onVerification: () => {},
    })

    await session.get('https://api.test/', { auth })

    const secret = new TextEncoder().encode('tv-secret')
    for (const [request, path] of [
      [seen[0], '/device'],
      [seen[1], '/token'],
    ] as const) {
      expect(request?.body.has('client_secret')).to.equal(false)
      await jwtVerify(request?.body.get('client_assertion') as string, secret, { issuer: 'tv', audience: `${IDP}${path}` })
    }
    device.done()
    token.done()
  })

  it('refuses clientAuth on a strategy that sends no client credentials of its own, and bad combinations, naming the option', () => {
    expect(configurationError(() => new OAuth2Implicit(`${IDP}/auth`, { clientAuth: 'none' })).option).to.equal('clientAuth')
    expect(configurationError(() => new OAuth2ClientCredentials(`${IDP}/token`, 'svc', '', { clientAuth: 'private_key_jwt' })).option).to.equal(
      'clientAssertionKey',
    )
    expect(configurationError(() => new OAuth2ClientCredentials(`${IDP}/token`, 'svc', '', { clientAuth: 'client_secret_post' })).option).to.equal(
      'clientSecret',
    )
    expect(configurationError(() => new OAuth2ClientCredentials(`${IDP}/token`, 'svc', '')).option).to.equal('clientSecret')
  })

  it('never sends the clientAuth options as token parameters', async () => {
    const seen: Seen[] = []
    const scope = record('/token', TOKEN, seen)
    await using session = new Session()
    nock('https://api.test').get('/').reply(200)

    await session.get('https://api.test/', {
      auth: new OAuth2ClientCredentials(`${IDP}/token`, 'svc', '', {
        clientAuth: 'private_key_jwt',
        clientAssertionKey: rsa.privateKey,
        clientAssertionKid: 'k1',
      }),
    })

    expect([...(seen[0] as Seen).body.keys()].filter((name) => name.startsWith('clientA'))).to.deep.equal([])
    scope.done()
  })
})
