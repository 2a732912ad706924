import { expect } from 'chai'
import nock from 'nock'
import { InvalidGrantError, OAuth2Session } from '../../../lib/index.js'
import {
  doubanComplianceFix,
  ebayComplianceFix,
  facebookComplianceFix,
  fitbitComplianceFix,
  instagramComplianceFix,
  linkedinComplianceFix,
  mailchimpComplianceFix,
  plentymarketsComplianceFix,
  slackComplianceFix,
  weiboComplianceFix,
} from '../../../lib/compliance.js'
import { echoReply, type WireEcho } from '../../support/nock-echo.js'

/** Answers the next token request with a recorded provider response. */
function tokenAnswer(status: number, body: string | object, contentType: string): nock.Scope {
  return nock('https://provider.example')
    .post('/token')
    .reply(status, typeof body === 'string' ? body : JSON.stringify(body), { 'Content-Type': contentType })
}

describe('compliance fixes, each against a recorded quirky response', () => {
  it('facebook: a text/plain form token with expires becomes a Bearer token with expires_in', async () => {
    const session = facebookComplianceFix(new OAuth2Session('app', { pkce: false }))
    const scope = tokenAnswer(200, 'access_token=EAAB...fb&expires=5183999', 'text/plain; charset=UTF-8')

    const token = await session.fetchToken('https://provider.example/token', { code: 'c' })

    expect(token).to.include({ access_token: 'EAAB...fb', token_type: 'Bearer', expires_in: 5183999 })
    scope.done()
  })

  it('linkedin: adds token_type and sends oauth2_access_token on protected requests', async () => {
    const session = linkedinComplianceFix(new OAuth2Session('client', { pkce: false }))
    const idp = tokenAnswer(200, { access_token: 'AQX...li', expires_in: 5184000 }, 'application/json')
    const api = nock('https://api.linkedin.example').get('/v1/people/~').query({ oauth2_access_token: 'AQX...li' }).reply(echoReply)

    const token = await session.fetchToken('https://provider.example/token', { code: 'c' })
    const echo = (await session.get('https://api.linkedin.example/v1/people/~')).json<WireEcho>()

    expect(token.token_type).to.equal('Bearer')
    expect(echo.path).to.equal('/v1/people/~?oauth2_access_token=AQX...li')
    idp.done()
    api.done()
  })

  it('linkedin: moves the token to oauth2_access_token, with no Authorization header, as requests-oauthlib places it in the query', async () => {
    const session = linkedinComplianceFix(new OAuth2Session('client', { accessToken: 'AQX-1' }))
    const api = nock('https://api.linkedin.example').get('/v1/people/~').query({ format: 'json', oauth2_access_token: 'AQX-1' }).reply(echoReply)

    const echo = (await session.get('https://api.linkedin.example/v1/people/~', { params: { format: 'json' } })).json<WireEcho>()

    expect(echo.headers).to.not.have.property('authorization')
    expect(echo.path).to.equal('/v1/people/~?format=json&oauth2_access_token=AQX-1')
    expect(session.bearerAuth).to.equal(false)
    api.done()
  })

  it('linkedin: a retry after a 401 invalid_token carries the new token once, in oauth2_access_token', async () => {
    const session = linkedinComplianceFix(
      new OAuth2Session('client', {
        token: { access_token: 'AQX-old', refresh_token: 'rt-1', token_type: 'Bearer' },
        autoRefreshUrl: 'https://provider.example/token',
        tokenUpdater: () => {},
      }),
    )
    const idp = tokenAnswer(200, { access_token: 'AQX-new', expires_in: 5184000 }, 'application/json')
    const api = nock('https://api.linkedin.example')
      .get('/v1/people/~')
      .query({ oauth2_access_token: 'AQX-old' })
      .reply(401, {}, { 'WWW-Authenticate': 'Bearer error="invalid_token"' })
      .get('/v1/people/~')
      .query({ oauth2_access_token: 'AQX-new' })
      .reply(echoReply)

    const echo = (await session.get('https://api.linkedin.example/v1/people/~')).json<WireEcho>()

    expect(echo.path).to.equal('/v1/people/~?oauth2_access_token=AQX-new')
    expect(echo.headers).to.not.have.property('authorization')
    idp.done()
    api.done()
  })

  it('slack: puts the token in the form body, or the query for other bodies, unless one is given', async () => {
    const session = slackComplianceFix(new OAuth2Session('client', { accessToken: 'xoxp-1' }))
    const api = nock('https://slack.example')
      .post('/api/chat.postMessage', 'channel=C1&token=xoxp-1')
      .reply(200, { ok: true })
      .post('/api/files.upload', '{"a":1}')
      .query({ token: 'xoxp-1' })
      .reply(200, { ok: true })
      .get('/api/auth.test')
      .query({ token: 'other' })
      .reply(200, { ok: true })

    await session.post('https://slack.example/api/chat.postMessage', { data: { channel: 'C1' } })
    await session.post('https://slack.example/api/files.upload', { json: { a: 1 } })
    await session.get('https://slack.example/api/auth.test', { params: { token: 'other' } })

    api.done()
  })

  it('fitbit: an errors list becomes a typed error', async () => {
    const session = fitbitComplianceFix(new OAuth2Session('client', { token: { access_token: 'a', refresh_token: 'r' } }))
    const scope = tokenAnswer(400, { errors: [{ errorType: 'invalid_grant', message: 'Refresh token invalid: r.' }], success: false }, 'application/json')

    const error = await session.refreshToken('https://provider.example/token').catch((e: unknown) => e)

    expect(error).to.be.instanceOf(InvalidGrantError).and.include({ errorDescription: 'Refresh token invalid: r.' })
    scope.done()
  })

  it('instagram: adds access_token to the query unless present', async () => {
    const session = instagramComplianceFix(new OAuth2Session('client', { accessToken: 'IG-1' }))
    const api = nock('https://api.instagram.example').get('/v1/users/self').query({ access_token: 'IG-1' }).reply(200, {})

    await session.get('https://api.instagram.example/v1/users/self')

    api.done()
  })

  it('mailchimp: drops a null scope and reads expires_in 0 as 3600', async () => {
    const session = mailchimpComplianceFix(new OAuth2Session('client', { pkce: false }))
    const scope = tokenAnswer(200, { access_token: 'mc', token_type: 'bearer', expires_in: 0, scope: null }, 'application/json')

    const token = await session.fetchToken('https://provider.example/token', { code: 'c' })

    expect(token).to.include({ access_token: 'mc', expires_in: 3600 })
    expect(token).to.not.have.property('scope')
    scope.done()
  })

  it('weibo and douban: add the missing token_type', async () => {
    const weibo = weiboComplianceFix(new OAuth2Session('client', { pkce: false }))
    const douban = doubanComplianceFix(new OAuth2Session('client', { pkce: false }))
    const scope = nock('https://provider.example')
      .post('/token')
      .reply(200, { access_token: 'wb', remind_in: '157679999', expires_in: 157679999, uid: '12341234' })
      .post('/token')
      .reply(200, { access_token: 'db', douban_user_name: 'x', douban_user_id: '1', expires_in: 604800, refresh_token: 'r' })

    const weiboToken = await weibo.fetchToken('https://provider.example/token', { code: 'c' })
    const doubanToken = await douban.fetchToken('https://provider.example/token', { code: 'c' })

    expect(weiboToken.token_type).to.equal('Bearer')
    expect(doubanToken.token_type).to.equal('Bearer')
    scope.done()
  })

  it('plentymarkets: camelCase token keys become snake_case', async () => {
    const session = plentymarketsComplianceFix(new OAuth2Session('client', { pkce: false }))
    const scope = tokenAnswer(200, { accessToken: 'pm', tokenType: 'Bearer', expiresIn: 86400, refreshToken: 'pr' }, 'application/json')

    const token = await session.fetchToken('https://provider.example/token', { code: 'c' })

    expect(token).to.include({ access_token: 'pm', token_type: 'Bearer', expires_in: 86400, refresh_token: 'pr' })
    scope.done()
  })

  it("ebay: 'Application Access Token' and 'User Access Token' are Bearer tokens", async () => {
    const session = ebayComplianceFix(new OAuth2Session('client', { pkce: false }))
    const scope = nock('https://provider.example')
      .post('/token')
      .reply(200, { access_token: 'v^1.1#a', expires_in: 7200, token_type: 'Application Access Token' })
      .post('/token')
      .reply(200, { access_token: 'v^1.1#u', expires_in: 7200, token_type: 'User Access Token' })

    const app = await session.fetchToken('https://provider.example/token', { code: 'c' })
    session.token = { ...session.token, refresh_token: 'r' }
    const user = await session.refreshToken('https://provider.example/token')

    expect([app.token_type, user.token_type]).to.deep.equal(['Bearer', 'Bearer'])
    scope.done()
  })
})
