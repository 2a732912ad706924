import { expect } from 'chai'
import nock from 'nock'
import { MemoryTokenStore, OAuth2Session, UnsupportedTokenTypeError } from '../../../lib/index.js'

// Review of #17: adopt: true must not put a token the session cannot send in place of its own.
const IDP = 'https://idp.test'
const ID_TOKEN = 'urn:ietf:params:oauth:token-type:id_token'

describe('exchangeToken with adopt: true (review)', () => {
  afterEach(() => nock.cleanAll())

  it('refuses to adopt an issued token that is no Bearer token (token_type N_A): UnsupportedTokenTypeError, and the session and its store keep their token', async () => {
    const store = new MemoryTokenStore()
    const own = { access_token: 'own-token', refresh_token: 'own-rt', token_type: 'Bearer' }
    const scope = nock(IDP).post('/token').reply(200, { access_token: 'an-id-token', token_type: 'N_A', issued_token_type: ID_TOKEN })
    await store.set('user:1', own)
    const session = new OAuth2Session('gateway', {
      clientSecret: 'gw-secret',
      autoRefreshUrl: `${IDP}/token`,
      token: own,
      tokenStore: store,
      tokenKey: 'user:1',
    })

    const error = await session
      .exchangeToken({ subjectToken: 'own-token', subjectTokenType: 'access_token', requestedTokenType: 'id_token', adopt: true })
      .catch((e: unknown) => e)

    expect(error).to.be.instanceOf(UnsupportedTokenTypeError)
    expect(session.token).to.include({ access_token: 'own-token', refresh_token: 'own-rt' })
    expect((await store.get('user:1'))?.token).to.include({ access_token: 'own-token', refresh_token: 'own-rt' })
    scope.done()
    await session.close()
  })
})
