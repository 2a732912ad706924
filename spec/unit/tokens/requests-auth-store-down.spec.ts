import { expect } from 'chai'
import nock from 'nock'
import {
  OAuth2ClientCredentials,
  OAuth2ResourceOwnerPasswordCredentials,
  Session,
  TokenStoreUnavailableError,
  setTokenCache,
  tokenCache,
} from '../../../lib/index.js'
import { DownStore } from '../../support/shared-token-fixtures.js'

/** A process cache whose every call fails, as a stopped redis-server does. */
const down = new DownStore()

describe('requests-auth strategies with a shared cache that is down (#16)', () => {
  it('gets a client-credentials token anyway: a second one is harmless', async () => {
    const previous = tokenCache()
    setTokenCache(down)
    const idp = nock('https://idp.example').post('/token').reply(200, { access_token: 'at-1', expires_in: 3600 })
    const api = nock('https://api.example').get('/data').matchHeader('authorization', 'Bearer at-1').reply(200, 'ok')
    try {
      const session = new Session({ auth: new OAuth2ClientCredentials('https://idp.example/token', 'client-1', 'secret-1') })

      expect((await session.get('https://api.example/data')).text).to.equal('ok')
      idp.done()
      api.done()
    } finally {
      setTokenCache(previous)
    }
  })

  it('fails with TokenStoreUnavailableError before any traffic for a grant that issues refresh tokens', async () => {
    const previous = tokenCache()
    setTokenCache(down)
    try {
      const session = new Session({ auth: new OAuth2ResourceOwnerPasswordCredentials('https://idp.example/token', 'alice', 'pw') })

      const error = await session.get('https://api.example/data').catch((caught: unknown) => caught)

      expect(error).to.be.instanceOf(TokenStoreUnavailableError)
    } finally {
      setTokenCache(previous)
    }
  })
})
