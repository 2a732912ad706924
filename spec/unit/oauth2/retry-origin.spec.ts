import { expect } from 'chai'
import got from 'got'
import nock from 'nock'
import { authHooks, OAuth2Session } from '../../../lib/index.js'

const INVALID = { 'WWW-Authenticate': 'Bearer error="invalid_token"' }

function refreshingSession(): OAuth2Session {
  return new OAuth2Session('client-1', {
    token: { access_token: 'old-token', refresh_token: 'rt-1', token_type: 'Bearer' },
    autoRefreshUrl: 'https://idp.example/token',
    tokenUpdater: () => undefined,
  })
}

/**
 * api.example redirects to other.example, which answers 401 invalid_token: records the
 * Authorization other.example saw, and counts refreshes at the token endpoint.
 */
function redirectToCollector(): { seen: (string | undefined)[]; readonly refreshes: number; done(): void } {
  const seen: (string | undefined)[] = []
  let refreshes = 0
  const api = nock('https://api.example').get('/me').reply(302, '', { Location: 'https://other.example/collect' })
  const other = nock('https://other.example')
    .get('/collect')
    .reply(function () {
      seen.push(this.req.headers.authorization as string | undefined)
      return [401, 'no', INVALID]
    })
  nock('https://idp.example')
    .post('/token')
    .optionally()
    .reply(() => {
      refreshes += 1
      return [200, { access_token: 'new-token', token_type: 'Bearer' }]
    })
  return {
    seen,
    get refreshes() {
      return refreshes
    },
    done: () => {
      api.done()
      other.done()
    },
  }
}

describe('a 401 after a redirect to another origin', () => {
  it('is returned as it is: no refresh, and the target never sees a new token (Session)', async () => {
    const wire = redirectToCollector()

    const response = await refreshingSession().get('https://api.example/me')

    expect(response.status).to.equal(401)
    expect(wire.seen).to.deep.equal([undefined])
    expect(wire.refreshes, 'no refresh was sent').to.equal(0)
    wire.done()
  })

  it('is returned as it is through authHooks on plain got', async () => {
    const wire = redirectToCollector()
    const client = got.extend(authHooks(refreshingSession().auth as never), { throwHttpErrors: false, retry: { limit: 0 } })

    const response = await client('https://api.example/me')

    expect(response.statusCode).to.equal(401)
    expect(wire.seen).to.deep.equal([undefined])
    expect(wire.refreshes, 'no refresh was sent').to.equal(0)
    wire.done()
  })

  it('still refreshes and retries once on the original origin', async () => {
    const api = nock('https://api.example')
      .get('/me')
      .matchHeader('authorization', 'Bearer old-token')
      .reply(401, 'no', INVALID)
      .get('/me')
      .matchHeader('authorization', 'Bearer new-token')
      .reply(200, 'ok')
    const idp = nock('https://idp.example').post('/token').reply(200, { access_token: 'new-token', token_type: 'Bearer' })

    const response = await refreshingSession().get('https://api.example/me')

    expect(response.text).to.equal('ok')
    api.done()
    idp.done()
  })
})
