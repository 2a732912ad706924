import { expect } from 'chai'
import nock from 'nock'
import { OAuth2ResourceOwnerPasswordCredentials, Session } from '../../../lib/index.js'
import { type TokenCacheHandle, useTokenCache } from '../../../lib/testing/index.js'

const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`

/** Runs a spec with a fresh token cache and a Session, both put back or closed even when it fails. */
async function withCache(run: (handle: TokenCacheHandle, session: Session) => Promise<void>): Promise<void> {
  const handle = useTokenCache()
  const session = new Session()
  try {
    await run(handle, session)
  } finally {
    await session.close()
    handle.restore()
  }
}

describe('OAuth2ResourceOwnerPasswordCredentials with an expired cached token (requests-auth)', () => {
  it('sends grant_type=refresh_token with the scope and the refresh token, with client Basic auth, and uses the new token', () =>
    withCache(async (handle, session) => {
      const auth = new OAuth2ResourceOwnerPasswordCredentials('https://idp.test/token', 'alice', 'pw', { sessionAuth: ['client-1', 'secret-1'], scope: 'read' })
      handle.cache.addToken(auth.state, { token: 'stale', expiresIn: 1, refreshToken: 'rt-1' })
      const idp = nock('https://idp.test')
        .post('/token', 'grant_type=refresh_token&scope=read&refresh_token=rt-1')
        .matchHeader('authorization', basic('client-1', 'secret-1'))
        .reply(200, { access_token: 'fresh', token_type: 'Bearer', expires_in: 3600, refresh_token: 'rt-2' })
      const api = nock('https://api.test').get('/me').matchHeader('authorization', 'Bearer fresh').reply(200, 'ok')

      const response = await session.get('https://api.test/me', { auth })

      expect(response.status).to.equal(200)
      idp.done()
      api.done()
    }))

  it('keeps the refreshed token and its new refresh token for the next expiry', () =>
    withCache(async (_handle, session) => {
      const auth = new OAuth2ResourceOwnerPasswordCredentials('https://idp.test/token', 'alice', 'pw', { clientId: 'client-1', clientSecret: 'secret-1' })
      const idp = nock('https://idp.test')
        .post('/token', 'grant_type=password&username=alice&password=pw')
        .matchHeader('authorization', basic('client-1', 'secret-1'))
        .reply(200, { access_token: 'first', expires_in: 10, refresh_token: 'rt-1' })
        .post('/token', 'grant_type=refresh_token&refresh_token=rt-1')
        .reply(200, { access_token: 'second', expires_in: 10, refresh_token: 'rt-2' })
        .post('/token', 'grant_type=refresh_token&refresh_token=rt-2')
        .reply(200, { access_token: 'third', expires_in: 3600 })
      const api = nock('https://api.test')
        .get('/me')
        .times(3)
        .reply(function () {
          return [200, this.req.headers.authorization]
        })

      // 10 s lifetimes are within the 30 s early expiry: each request finds its token expired.
      const sent = []
      for (let i = 0; i < 3; i++) sent.push((await session.get('https://api.test/me', { auth })).text)

      expect(sent).to.deep.equal(['Bearer first', 'Bearer second', 'Bearer third'])
      idp.done()
      api.done()
    }))

  it('falls back to the password grant when the refresh token is refused', () =>
    withCache(async (handle, session) => {
      const auth = new OAuth2ResourceOwnerPasswordCredentials('https://idp.test/token', 'alice', 'pw')
      handle.cache.addToken(auth.state, { token: 'stale', expiresIn: 1, refreshToken: 'revoked' })
      const idp = nock('https://idp.test')
        .post('/token', 'grant_type=refresh_token&refresh_token=revoked')
        .reply(400, { error: 'invalid_grant' })
        .post('/token', 'grant_type=password&username=alice&password=pw')
        .reply(200, { access_token: 'regranted', expires_in: 3600 })
      const api = nock('https://api.test').get('/me').matchHeader('authorization', 'Bearer regranted').reply(200, 'ok')

      const response = await session.get('https://api.test/me', { auth })

      expect(response.status).to.equal(200)
      idp.done()
      api.done()
    }))
})
