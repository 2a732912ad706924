import { expect } from 'chai'
import nock from 'nock'
import {
  BackendApplicationClient,
  InsecureTransportError,
  OAuth1Session,
  OAuth2ClientCredentials,
  OAuth2Service,
  OAuth2Session,
  Session,
  TokenMissingError,
} from '../../../lib/index.js'
import { useTokenCache } from '../../../lib/testing/index.js'
import { configurationRejection } from '../../support/expect-configuration-error.js'
import { trafficCounter } from '../../support/traffic-counter.js'

const now = (): number => Date.now() / 1000

describe('token answers: expires_in wins over a provider expires_at', () => {
  it('computes expires_at from expires_in for OAuth2Session and requests-auth, as oauthlib does', async () => {
    const cache = useTokenCache()
    const answer = { access_token: 'at-1', token_type: 'Bearer', expires_in: 3600, expires_at: 1_700_000_000 }
    const idp = nock('https://idp.example').post('/token').twice().reply(200, answer)
    nock('https://api.example').get('/data').times(3).matchHeader('authorization', 'Bearer at-1').reply(200, 'ok')
    try {
      const session = new OAuth2Session('client-1', { client: new BackendApplicationClient('client-1'), clientSecret: 'secret-1' })
      const requestsAuth = new Session({ auth: new OAuth2ClientCredentials('https://idp.example/token', 'client-1', 'secret-1') })

      const token = await session.fetchToken('https://idp.example/token')
      for (let call = 0; call < 3; call += 1) await requestsAuth.get('https://api.example/data')

      expect(token.expires_at).to.be.closeTo(now() + 3600, 5)
      idp.done()
    } finally {
      cache.restore()
    }
  })

  it('keeps a stored token’s own expires_at when a session is built with it', () => {
    const session = new OAuth2Session('client-1', { token: { access_token: 'at-1', expires_in: 3600, expires_at: 1_700_000_000 } })

    expect(session.token.expires_at).to.equal(1_700_000_000)
  })
})

describe('token answers: a token that is not text', () => {
  it('says the field is there but not text, and lists the other keys', async () => {
    const scope = nock('https://idp.example').post('/token').reply(200, { access_token: 5, token_type: 'Bearer' })
    const session = new OAuth2Session('client-1', { client: new BackendApplicationClient('client-1'), clientSecret: 'secret-1' })

    const error = (await session.fetchToken('https://idp.example/token').catch((caught: unknown) => caught)) as TokenMissingError

    expect(error).to.be.instanceOf(TokenMissingError)
    expect(error.keys).to.deep.equal(['token_type'])
    expect(error.message).to.include("its 'access_token' is not text")
    scope.done()
  })
})

describe("rauth's OAuth2Service token request", () => {
  it('refuses a plain-http token URL outside loopback before sending the client secret', async () => {
    const service = new OAuth2Service({ clientId: 'client-1', clientSecret: 'secret-1', accessTokenUrl: 'http://idp.example/token' })
    const traffic = trafficCounter()
    try {
      const error = await service.getAccessToken('POST', { data: { code: 'c' } }).catch((caught: unknown) => caught)

      expect(error).to.be.instanceOf(InsecureTransportError)
      expect(traffic.count).to.equal(0)
    } finally {
      traffic.stop()
    }
  })

  it('takes its options first, since rauth’s method has a default', async () => {
    const service = new OAuth2Service({ clientId: 'client-1', clientSecret: 'secret-1', accessTokenUrl: 'https://idp.example/token' })
    const scope = nock('https://idp.example')
      .post('/token', { code: 'c', client_id: 'client-1', client_secret: 'secret-1' })
      .reply(200, { access_token: 'at-1' }, { 'Content-Type': 'application/json' })
    try {
      const session = await service.getAuthSession({ data: { code: 'c' } })

      expect(session.accessToken).to.equal('at-1')
      scope.done()
    } finally {
      await service.close()
    }
  })
})

describe('refreshToken settings', () => {
  it('refuses the settings of fetchToken instead of sending them as parameters', async () => {
    const session = new OAuth2Session('client-1', { token: { access_token: 'a', refresh_token: 'rt-1' } })

    const error = await configurationRejection(() => session.refreshToken('https://idp.example/token', { clientSecret: 'secret-1', includeClientId: true }))

    expect(error.option).to.equal('clientSecret')
    expect(error.message).to.not.include('secret-1')
  })
})

describe('per-request options given as null', () => {
  it('are no options, as undefined is', async () => {
    const scope = nock('https://api.example').get('/me').times(3).reply(200, 'ok')
    const sessions = [new Session(), new OAuth2Session('client-1', { accessToken: 'at-1' }), new OAuth1Session('key', 'secret')]

    const texts = await Promise.all(sessions.map(async (session) => (await session.get('https://api.example/me', null as never)).text))

    expect(texts).to.deep.equal(['ok', 'ok', 'ok'])
    scope.done()
  })
})
