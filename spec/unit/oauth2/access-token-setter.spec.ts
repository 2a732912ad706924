import { expect } from 'chai'
import nock from 'nock'
import { OAuth2Session } from '../../../lib/index.js'
import { configurationError } from '../../support/expect-configuration-error.js'
import { echoReply, type WireEcho } from '../../support/nock-echo.js'

describe("OAuth2Session.accessToken is settable, as rauth's access_token attribute", () => {
  it('replaces the access token of the token and keeps its other fields', async () => {
    const session = new OAuth2Session('client-1', { token: { access_token: 'at-old', refresh_token: 'rt-1', token_type: 'Bearer' } })
    const api = nock('https://api.example').get('/me').reply(echoReply)

    session.accessToken = 'at-new'
    const echo = (await session.get('https://api.example/me')).json<WireEcho>()

    expect(session.token).to.include({ access_token: 'at-new', refresh_token: 'rt-1', token_type: 'Bearer' })
    expect(echo.headers.authorization).to.equal('Bearer at-new')
    api.done()
  })

  it('gives a session without a token one (rauth sets access_token on a bare session)', () => {
    const session = new OAuth2Session('client-1')

    session.accessToken = 'at-1'

    expect(session.authorized).to.equal(true)
    expect(session.token).to.deep.equal({ access_token: 'at-1' })
  })

  it('refuses anything but text, naming accessToken and never the value, and keeps the old token', () => {
    const session = new OAuth2Session('client-1', { accessToken: 'at-kept' })

    for (const value of [42, undefined, { token: 'at-object' }, '']) {
      const error = configurationError(() => {
        session.accessToken = value as never
      })
      expect(error.option).to.equal('accessToken')
      expect(error.message).to.not.include('at-object')
    }
    expect(session.accessToken).to.equal('at-kept')
  })
})
