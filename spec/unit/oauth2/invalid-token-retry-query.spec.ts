import { expect } from 'chai'
import nock from 'nock'
import { OAuth2Session } from '../../../lib/index.js'

const future = (): number => Math.floor(Date.now() / 1000) + 3600

describe('OAuth2Session 401 invalid_token retry with bearerAuth: false (token in the query)', () => {
  it('refreshes, and retries with the new token in the query and the revoked one removed', async () => {
    const session = new OAuth2Session('client-1', {
      token: { access_token: 'revoked', refresh_token: 'rt-1', token_type: 'Bearer', expires_at: future() },
      autoRefreshUrl: 'https://idp.test/token',
      tokenUpdater: () => undefined,
      bearerAuth: false,
    })
    const paths: string[] = []
    const api = nock('https://api.test')
      .get('/me')
      .query({ a: '1', access_token: 'revoked' })
      .reply(function () {
        paths.push(this.req.path)
        return [401, '', { 'WWW-Authenticate': 'Bearer error="invalid_token"' }]
      })
      .get('/me')
      .query({ a: '1', access_token: 'fresh' })
      .reply(function () {
        paths.push(this.req.path)
        return [200, 'ok']
      })
    const idp = nock('https://idp.test')
      .post('/token', (body) => body.grant_type === 'refresh_token' && body.refresh_token === 'rt-1')
      .reply(200, { access_token: 'fresh', token_type: 'Bearer', expires_in: 3600 })

    const response = await session.get('https://api.test/me', { params: { a: 1 } })

    expect(response.status).to.equal(200)
    expect(paths).to.deep.equal(['/me?a=1&access_token=revoked', '/me?a=1&access_token=fresh'])
    expect(response.request.headers.get('authorization')).to.equal(undefined)
    expect(session.token.access_token).to.equal('fresh')
    api.done()
    idp.done()
    await session.close()
  })

  it('removes the old token under a custom accessTokenKey, keeping other parameters of that URL', async () => {
    const session = new OAuth2Session('client-1', {
      token: { access_token: 'revoked', refresh_token: 'rt-1', token_type: 'Bearer', expires_at: future() },
      autoRefreshUrl: 'https://idp.test/token',
      tokenUpdater: () => undefined,
      bearerAuth: false,
      accessTokenKey: 'oauth_token',
    })
    const paths: string[] = []
    const api = nock('https://api.test')
      .get('/feed')
      .query(true)
      .times(2)
      .reply(function () {
        paths.push(this.req.path)
        return paths.length === 1 ? [401, '', { 'WWW-Authenticate': 'Bearer realm="x", error="invalid_token"' }] : [200, 'ok']
      })
    const idp = nock('https://idp.test').post('/token').reply(200, { access_token: 'fresh', token_type: 'Bearer' })

    const response = await session.get('https://api.test/feed?page=2&access_token=unrelated')

    expect(response.status).to.equal(200)
    expect(paths).to.deep.equal(['/feed?page=2&access_token=unrelated&oauth_token=revoked', '/feed?page=2&access_token=unrelated&oauth_token=fresh'])
    api.done()
    idp.done()
    await session.close()
  })
})
