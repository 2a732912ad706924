import { expect } from 'chai'
import nock from 'nock'
import { OAuth2Session } from '../../../lib/index.js'

describe('OAuth2Session 401 invalid_token retry with bearerAuth: false, on a URL with encoded parameters', () => {
  it('changes only the token parameter of the retried URL, keeping the others byte for byte', async () => {
    const session = new OAuth2Session('client-1', {
      token: { access_token: 'revoked', refresh_token: 'rt-1', token_type: 'Bearer', expires_at: Math.floor(Date.now() / 1000) + 3600 },
      autoRefreshUrl: 'https://idp.test/token',
      tokenUpdater: () => undefined,
      bearerAuth: false,
    })
    const paths: string[] = []
    const api = nock('https://api.test')
      .get('/search')
      .query(true)
      .times(2)
      .reply(function () {
        paths.push(this.req.path)
        return paths.length === 1 ? [401, '', { 'WWW-Authenticate': 'Bearer error="invalid_token"' }] : [200, 'ok']
      })
    const idp = nock('https://idp.test').post('/token').reply(200, { access_token: 'fresh', token_type: 'Bearer' })

    await session.get('https://api.test/search?q=a%20b&range=1:5&tilde=%7E')

    expect(paths).to.deep.equal(['/search?q=a%20b&range=1:5&tilde=%7E&access_token=revoked', '/search?q=a%20b&range=1:5&tilde=%7E&access_token=fresh'])
    api.done()
    idp.done()
    await session.close()
  })
})
