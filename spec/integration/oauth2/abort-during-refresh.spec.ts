import { expect } from 'chai'
import { performance } from 'node:perf_hooks'
import { AbortError, OAuth2Session, TimeoutError } from '../../../lib/index.js'
import { startServer } from '../../support/servers.js'

/** A token endpoint that answers each refresh after `delayMs`, rotating the refresh token. */
async function slowRefresher(delayMs: number) {
  let refreshes = 0
  const server = await startServer((request, response) => {
    if (request.url === '/token') {
      refreshes += 1
      setTimeout(() => {
        response.writeHead(200, { 'Content-Type': 'application/json' })
        response.end(JSON.stringify({ access_token: `fresh-${refreshes}`, token_type: 'Bearer', expires_in: 3600, refresh_token: `rt-${refreshes}` }))
      }, delayMs)
      return
    }
    response.end(request.headers.authorization ?? 'none')
  })
  return Object.assign(server, { refreshes: () => refreshes })
}

/** A session whose token expired long ago, refreshed automatically at `${url}/token`. */
function expiredSession(url: string): OAuth2Session {
  return new OAuth2Session('client-1', {
    token: { access_token: 'stale', token_type: 'Bearer', refresh_token: 'rt-0', expires_at: 1 },
    autoRefreshUrl: `${url}/token`,
    tokenUpdater: () => undefined,
    insecureTransport: true,
  })
}

describe('an abort or deadline while an automatic refresh runs (#14, attack 14)', () => {
  it('ends the waiting request at once with AbortError, and the refresh it joined still lands', async () => {
    await using idp = await slowRefresher(300)
    const session = expiredSession(idp.url)
    try {
      const controller = new AbortController()
      setTimeout(() => controller.abort(), 50)
      const started = performance.now()
      const error = await session.get(`${idp.url}/api`, { signal: controller.signal }).catch((e: unknown) => e)

      expect(error).to.be.instanceOf(AbortError)
      expect(performance.now() - started, 'the abort, not an earlier failure, ended it').to.be.at.least(40)
      expect(performance.now() - started).to.be.below(250)
      // The refresh token was spent: its answer is kept, not thrown away with the aborted request.
      const answer = await session.get(`${idp.url}/api`)
      expect(answer.text).to.equal('Bearer fresh-1')
      expect(session.token.refresh_token).to.equal('rt-1')
      expect(idp.refreshes()).to.equal(1)
    } finally {
      await session.close()
    }
  })

  it('counts the wait for a refresh against the deadline', async () => {
    await using idp = await slowRefresher(400)
    const session = expiredSession(idp.url)
    try {
      const error = await session.get(`${idp.url}/api`, { deadline: 100 }).catch((e: unknown) => e)

      expect(error).to.be.instanceOf(TimeoutError).and.include({ phase: 'deadline' })
      const answer = await session.get(`${idp.url}/api`)
      expect(answer.text).to.equal('Bearer fresh-1')
    } finally {
      await session.close()
    }
  })
})
