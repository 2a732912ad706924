import { expect } from 'chai'
import { MemoryTokenStore, OAuth2Session, type TokenStore } from '../../../lib/index.js'
import { startServer } from '../../support/servers.js'

/**
 * Two requests go out with the same token; the provider has already expired it. The first 401
 * renews the token; the second 401 comes back only after that renewal is done. It refused the old
 * token, not the new one: the session retries with the new one instead of renewing again (with a
 * rotating refresh token and peers, a renewal per late 401 is a refresh per request in flight).
 */
describe('OAuth2Session: a 401 for a token already replaced', () => {
  for (const [name, store] of [
    ['a plain session', undefined],
    ['a session with a token store', new MemoryTokenStore()],
  ] as Array<[string, TokenStore | undefined]>) {
    it(`${name} renews once and retries the late 401 with the new token`, async () => {
      let refreshes = 0
      let newTokenSeen: () => void = () => {}
      const newTokenUsed = new Promise<void>((resolve) => (newTokenSeen = resolve))
      await using server = await startServer((request, response) => {
        if (request.url === '/token') {
          refreshes++
          response.writeHead(200, { 'content-type': 'application/json' })
          response.end(JSON.stringify({ access_token: `at-${refreshes}`, refresh_token: `rt-${refreshes}`, token_type: 'Bearer', expires_in: 3600 }))
          return
        }
        const sent = request.headers.authorization
        const refuse = (): void => {
          response.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"' }).end()
        }
        if (sent !== 'Bearer at-0') {
          newTokenSeen()
          response.end('ok')
        } else if (request.url === '/late') newTokenUsed.then(refuse)
        else refuse()
      })
      const token = { access_token: 'at-0', refresh_token: 'rt-0', token_type: 'Bearer', expires_in: 3600 }
      if (store !== undefined) await store.set('user:1', token)
      const session = new OAuth2Session('client', {
        ...(store === undefined ? { token, tokenUpdater: () => {} } : { tokenStore: store, tokenKey: 'user:1' }),
        autoRefreshUrl: `${server.url}/token`,
      })

      const [late, early] = await Promise.all([session.get(`${server.url}/late`), session.get(`${server.url}/early`)])

      expect([late.status, early.status]).to.deep.equal([200, 200])
      expect(refreshes).to.equal(1)
      await session.close()
    })
  }
})
