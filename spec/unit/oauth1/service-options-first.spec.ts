import { expect } from 'chai'
import nock from 'nock'
import { OAuth1Service, OAuth1Session, parseJsonToken } from '../../../lib/index.js'

const TOKEN_ANSWER = 'oauth_token=tok&oauth_token_secret=tok-secret'

function service(): OAuth1Service {
  return new OAuth1Service({
    consumerKey: 'ck',
    consumerSecret: 'consumer-secret',
    requestTokenUrl: 'https://api.test/oauth/request_token',
    accessTokenUrl: 'https://api.test/oauth/access_token',
  })
}

/**
 * A signed GET carrying `name=value`: rauth moves oauth_callback and oauth_verifier from the
 * params into the OAuth parameters, here the Authorization header.
 */
function signedGet(path: string, name: string, value: string, reply: string | object = TOKEN_ANSWER): nock.Scope {
  return nock('https://api.test')
    .get(path)
    .matchHeader('authorization', (header) => header.startsWith('OAuth ') && header.includes(`${name}="${value}"`) && header.includes('oauth_signature='))
    .reply(200, reply, typeof reply === 'string' ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {})
}

describe('OAuth1Service methods with the options object first (issue #15, item 7; DESIGN §3)', () => {
  it("getRawRequestToken({ params }) sends rauth's default GET", async () => {
    const scope = signedGet('/oauth/request_token', 'oauth_callback', 'oob')

    const response = await service().getRawRequestToken({ params: { oauth_callback: 'oob' } })

    expect(response.status).to.equal(200)
    scope.done()
  })

  it("getRequestToken({ params, decoder }) sends rauth's default GET and decodes the answer", async () => {
    const scope = signedGet('/oauth/request_token', 'oauth_callback', 'oob', { oauth_token: 'tok', oauth_token_secret: 'tok-secret' })

    const token = await service().getRequestToken({ params: { oauth_callback: 'oob' }, decoder: parseJsonToken })

    expect(token).to.deep.equal(['tok', 'tok-secret'])
    scope.done()
  })

  it("getRawAccessToken(token, secret, { params }) sends rauth's default GET", async () => {
    const scope = signedGet('/oauth/access_token', 'oauth_verifier', 'v-1')

    const response = await service().getRawAccessToken('rt', 'rts', { params: { oauth_verifier: 'v-1' } })

    expect(response.status).to.equal(200)
    scope.done()
  })

  it("getAccessToken(token, secret, { params }) sends rauth's default GET and returns the pair", async () => {
    const scope = signedGet('/oauth/access_token', 'oauth_verifier', 'v-2')

    const token = await service().getAccessToken('rt', 'rts', { params: { oauth_verifier: 'v-2' } })

    expect(token).to.deep.equal(['tok', 'tok-secret'])
    scope.done()
  })

  it("getAuthSession(token, secret, { params }) sends rauth's default GET and signs with the new token", async () => {
    const scope = signedGet('/oauth/access_token', 'oauth_verifier', 'v-3')

    const session = await service().getAuthSession('rt', 'rts', { params: { oauth_verifier: 'v-3' } })

    expect(session).to.be.instanceOf(OAuth1Session)
    expect(session.accessToken).to.equal('tok')
    expect(session.accessTokenResponse?.status).to.equal(200)
    scope.done()
  })

  it('still takes the method first, as rauth documents', async () => {
    const scope = nock('https://api.test')
      .post('/oauth/access_token')
      .matchHeader('authorization', /oauth_verifier="v-4"/)
      .reply(200, TOKEN_ANSWER, { 'Content-Type': 'application/x-www-form-urlencoded' })

    const token = await service().getAccessToken('rt', 'rts', 'POST', { data: { oauth_verifier: 'v-4' } })

    expect(token).to.deep.equal(['tok', 'tok-secret'])
    scope.done()
  })
})
