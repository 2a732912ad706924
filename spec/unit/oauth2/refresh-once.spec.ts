import { expect } from 'chai'
import nock from 'nock'
import { OAuth2Session, ScopeChangedWarning } from '../../../lib/index.js'

const TOKEN_URL = 'https://idp.example/token'

describe('a refresh token is spent once and never lost', () => {
  it('shares one refresh between an explicit refreshToken() and the automatic one', async () => {
    const spent: string[] = []
    const idp = nock('https://idp.example')
      .post('/token')
      .reply(200, (_uri, body) => {
        spent.push(new URLSearchParams(String(body)).get('refresh_token') ?? '')
        return { access_token: 'at-2', refresh_token: 'rt-2', token_type: 'Bearer', expires_in: 3600 }
      })
    nock('https://api.example').get('/me').matchHeader('authorization', 'Bearer at-2').reply(200, 'ok')
    const session = new OAuth2Session('client-1', {
      token: { access_token: 'at-1', refresh_token: 'rt-1', token_type: 'Bearer', expires_at: 1 },
      autoRefreshUrl: TOKEN_URL,
      tokenUpdater: () => undefined,
    })

    const [response, token] = await Promise.all([session.get('https://api.example/me'), session.refreshToken(TOKEN_URL)])

    expect(spent).to.deep.equal(['rt-1'])
    expect(response.text).to.equal('ok')
    expect(token.refresh_token).to.equal('rt-2')
    idp.done()
  })

  it('keeps the rotated refresh token when the refreshed scope is narrower, and hands the token to ScopeChangedWarning', async () => {
    const idp = nock('https://idp.example').post('/token').reply(200, { access_token: 'at-2', refresh_token: 'rt-2', token_type: 'Bearer', scope: 'read' })
    const session = new OAuth2Session('client-1', { scope: ['read', 'write'], token: { access_token: 'at-1', refresh_token: 'rt-1', token_type: 'Bearer' } })

    const error = (await session.refreshToken(TOKEN_URL).catch((caught: unknown) => caught)) as ScopeChangedWarning

    expect(error).to.be.instanceOf(ScopeChangedWarning)
    expect(error.token?.refresh_token).to.equal('rt-2')
    expect(session.token.refresh_token).to.equal('rt-2')
    expect(Object.keys(error)).to.not.include('token')
    idp.done()
  })
})
