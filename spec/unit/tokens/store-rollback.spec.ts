import { expect } from 'chai'
import nock from 'nock'
import { MemoryTokenStore, OAuth2Session, type OAuth2Token, type StoredToken } from '../../../lib/index.js'

// The second review of #16: a store that goes back in time. A Redis server restored from its last
// snapshot (RDB) serves the tokens of minutes ago under their old, lower versions; with a rotating
// provider their refresh tokens are spent. The session's own token, of a higher version, is the live one.

const TOKEN_URL = 'https://idp.example/token'
const API = 'https://api.example'
const KEY = 'shared'

const expired = (n: number): OAuth2Token => ({ access_token: `at-${n}`, refresh_token: `rt-${n}`, token_type: 'Bearer', expires_at: 1 })
const valid = (n: number): OAuth2Token => ({ access_token: `at-${n}`, refresh_token: `rt-${n}`, token_type: 'Bearer', expires_at: Date.now() / 1000 + 3600 })

/** A memory store that can be put back to an older entry, as a restored snapshot does. */
class RestorableStore extends MemoryTokenStore {
  restore(key: string, stored: StoredToken): void {
    this.entries.set(key, stored)
  }
}

/** A provider that rotates refresh tokens and refuses (invalid_grant) any it has seen. */
function rotatingEndpoint(spent: string[]): void {
  nock('https://idp.example')
    .post('/token')
    .times(5)
    .reply((_uri, body) => {
      const refreshToken = new URLSearchParams(String(body)).get('refresh_token') ?? ''
      if (spent.includes(refreshToken)) return [400, { error: 'invalid_grant', error_description: 'grant revoked' }]
      spent.push(refreshToken)
      const n = spent.length + 1
      return [200, { access_token: `at-${n}`, refresh_token: `rt-${n}`, token_type: 'Bearer', expires_in: 3600 }]
    })
}

describe('OAuth2Session with a tokenStore restored to an older version', () => {
  afterEach(() => nock.cleanAll())

  it('keeps its newer token at the periodic look at the store, instead of taking the restored one', async () => {
    const store = new RestorableStore()
    await store.set(KEY, expired(1))
    rotatingEndpoint([])
    const session = new OAuth2Session('client-1', { tokenStore: store, tokenKey: KEY, autoRefreshUrl: TOKEN_URL })
    nock(API).get('/me').times(2).matchHeader('authorization', 'Bearer at-2').reply(200, 'ok')
    expect((await session.get(`${API}/me`)).text).to.equal('ok')
    expect((await store.get(KEY))?.version).to.equal(2)

    store.restore(KEY, { token: valid(1), version: 1, updatedAt: Date.now() - 60_000 })
    await new Promise((resolve) => setTimeout(resolve, 1100)) // past the once-a-second look at the store

    // The old code took at-1 (version 1 is not 2), and its spent rt-1 with it.
    expect((await session.get(`${API}/me`)).text).to.equal('ok')
    expect(session.token.refresh_token).to.equal('rt-2')
  })
})
