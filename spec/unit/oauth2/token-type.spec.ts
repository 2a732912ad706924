import { expect } from 'chai'
import nock from 'nock'
import { BackendApplicationClient, OAuth2ClientCredentials, OAuth2Session, OAuthSessionsError, Session, tokenCache } from '../../../lib/index.js'
import { trafficCounter } from '../../support/traffic-counter.js'

const TOKEN_URL = 'https://idp.test/token'
const API = 'https://api.test/me'

/** `code` of what a call threw, or `undefined` when it did not throw. */
async function thrownBy(call: () => Promise<unknown>): Promise<unknown> {
  return call().then(
    () => undefined,
    (error: unknown) => error,
  )
}

describe('token_type (issue #14, attack 11): only Bearer is sent as Bearer', () => {
  for (const type of ['MAC', 'DPoP', 'pop', 'N_A', '']) {
    it(`refuses a '${type}' token with UnsupportedTokenTypeError before sending anything`, async () => {
      const session = new OAuth2Session('client', { token: { access_token: 'mac-token', token_type: type } })
      const traffic = trafficCounter()
      try {
        const error = await thrownBy(() => session.get(API))

        expect(error).to.be.instanceOf(OAuthSessionsError).and.include({ name: 'UnsupportedTokenTypeError', code: 'ERR_UNSUPPORTED_TOKEN_TYPE' })
        expect((error as Error).message).to.not.include('mac-token')
        expect(traffic.count).to.equal(0)
      } finally {
        traffic.stop()
        await session.close()
      }
    })
  }

  it('refuses a MAC token a provider just issued when it would be used, not when it is received (as oauthlib)', async () => {
    const scope = nock('https://idp.test').post('/token').reply(200, { access_token: 'fresh', token_type: 'mac', mac_key: 'k', mac_algorithm: 'hmac-sha-256' })
    const session = new OAuth2Session(undefined, { client: new BackendApplicationClient('client'), clientSecret: 'secret' })
    const traffic = trafficCounter()
    try {
      const token = await session.fetchToken(TOKEN_URL)
      const error = await thrownBy(() => session.get(API))

      expect(token).to.include({ access_token: 'fresh', token_type: 'mac' })
      expect(error).to.have.property('code', 'ERR_UNSUPPORTED_TOKEN_TYPE')
      expect(traffic.count).to.equal(0)
      scope.done()
    } finally {
      traffic.stop()
      await session.close()
    }
  })

  for (const type of ['Bearer', 'bearer', 'BEARER', undefined]) {
    it(`sends a token of type ${String(type)} as 'Authorization: Bearer'`, async () => {
      const scope = nock('https://api.test').get('/me').matchHeader('authorization', 'Bearer abc').reply(200, 'ok')
      const session = new OAuth2Session('client', { token: { access_token: 'abc', ...(type === undefined ? {} : { token_type: type }) } })
      try {
        const response = await session.get(API)

        expect(response.status).to.equal(200)
        scope.done()
      } finally {
        await session.close()
      }
    })
  }

  it('refuses a DPoP token from a requests-auth grant before the API request', async () => {
    const scope = nock('https://idp.test').post('/token').reply(200, { access_token: 'dpop-token', token_type: 'DPoP', expires_in: 60 })
    const tokens = new Session()
    const strategy = new OAuth2ClientCredentials(TOKEN_URL, 'client', 'secret', { session: tokens })
    const api = new Session({ auth: strategy })
    const traffic = trafficCounter()
    try {
      const error = await thrownBy(() => api.get(API))

      expect(error).to.have.property('code', 'ERR_UNSUPPORTED_TOKEN_TYPE')
      expect((error as Error).message).to.not.include('dpop-token')
      expect(traffic.count).to.equal(0)
      scope.done()
    } finally {
      traffic.stop()
      await tokenCache().delete(strategy.state)
      await api.close()
      await tokens.close()
    }
  })

  it('lets a requests-auth strategy with its own headerValue send whatever type the provider named', async () => {
    const idp = nock('https://idp.test').post('/token').reply(200, { access_token: 'gh-token', token_type: 'token' })
    const apiScope = nock('https://api.test').get('/me').matchHeader('authorization', 'token gh-token').reply(200, 'ok')
    const tokens = new Session()
    const strategy = new OAuth2ClientCredentials(TOKEN_URL, 'client', 'secret', { session: tokens, headerValue: 'token {token}' })
    const api = new Session({ auth: strategy })
    try {
      expect((await api.get(API)).status).to.equal(200)
      idp.done()
      apiScope.done()
    } finally {
      await tokenCache().delete(strategy.state)
      await api.close()
      await tokens.close()
    }
  })
})
