import { expect } from 'chai'
import nock from 'nock'
import { inspect } from 'node:util'
import { ConfigurationError, OAuth2, OAuth2Service, TokenMissingError } from '../../../lib/index.js'
import { echoReply, type WireEcho } from '../../support/nock-echo.js'

const endpoints = {
  name: 'example',
  clientId: '123',
  clientSecret: '456',
  accessTokenUrl: 'https://example.com/token',
  authorizeUrl: 'https://example.com/authorize',
  baseUrl: 'https://example.com/api/',
}

describe('OAuth2Service (rauth)', () => {
  it('builds the authorize URL with client_id after your parameters', () => {
    const service = new OAuth2Service(endpoints)

    const url = service.getAuthorizeUrl({ redirect_uri: 'http://example.com/', response_type: 'code' })

    expect(url).to.equal('https://example.com/authorize?redirect_uri=http%3A%2F%2Fexample.com%2F&response_type=code&client_id=123')
  })

  it('posts data with the client credentials and returns a session that sends the token on relative URLs', async () => {
    const service = new OAuth2Service(endpoints)
    const idp = nock('https://example.com')
      .post('/token', 'code=foobar&grant_type=authorization_code&redirect_uri=http%3A%2F%2Fexample.com%2F&client_id=123&client_secret=456')
      .reply(200, 'access_token=tok-1&token_type=bearer', { 'Content-Type': 'application/x-www-form-urlencoded' })
      .get('/api/foo')
      .query({ format: 'json' })
      .reply(echoReply)

    const session = await service.getAuthSession('POST', { data: { code: 'foobar', grant_type: 'authorization_code', redirect_uri: 'http://example.com/' } })
    const echo = (await session.get('foo', { params: { format: 'json' } })).json<WireEcho>()

    expect(echo.headers.authorization).to.equal('Bearer tok-1')
    expect(session.accessTokenResponse?.status).to.equal(200)
    expect(service.getSession('tok-1')).to.equal(session)
    idp.done()
    await service.close()
  })

  it('sends the client credentials in the query for GET, and decodes JSON by Content-Type', async () => {
    const service = new OAuth2Service(endpoints)
    const idp = nock('https://example.com').get('/token').query({ code: 'c', client_id: '123', client_secret: '456' }).reply(200, { access_token: 'json-tok' })

    const token = await service.getAccessToken('GET', { params: { code: 'c' } })

    expect(token).to.equal('json-tok')
    idp.done()
    await service.close()
  })

  it('names the keys of an answer without the token, and honours key and decoder', async () => {
    const service = new OAuth2Service(endpoints)
    const idp = nock('https://example.com')
      .post('/token')
      .twice()
      .reply(200, { data: { token: 'nested' }, expires: 10 })

    const error = await service.getAccessToken('POST', { data: { code: 'c' } }).catch((e: unknown) => e)
    const nested = await service.getAccessToken('POST', {
      data: { code: 'c' },
      decoder: (text) => (JSON.parse(text) as { data: Record<string, unknown> }).data,
      key: 'token',
    })

    expect(error).to.be.instanceOf(TokenMissingError)
    expect((error as TokenMissingError).keys).to.deep.equal(['data', 'expires'])
    expect(nested).to.equal('nested')
    idp.done()
    await service.close()
  })

  it('round-trips through serialize/fromJSON and redacts the secret in toJSON and inspect', () => {
    const service = new OAuth2Service({ ...endpoints, clientSecret: 'very-secret' })

    expect(OAuth2Service.fromJSON(JSON.stringify(service.serialize())).serialize()).to.deep.equal(service.serialize())
    expect(service.toJSON()).to.include({ clientSecret: '[redacted]' })
    expect(inspect(service)).to.not.include('very-secret')
  })

  it('refuses bad options before any traffic', () => {
    expect(() => new OAuth2Service({ ...endpoints, accessTokenUrl: 'nope' }))
      .to.throw(ConfigurationError)
      .with.property('option', 'accessTokenUrl')
  })
})

describe('OAuth2 (requests-oauth2 0.2.0)', () => {
  it('builds the authorize URL as site + quoted path + redirect_uri, client_id, scope, extras', () => {
    const handler = new OAuth2('id', 'secret', 'https://graph.facebook.com/', 'https://app.example/cb', {
      authorizationUrl: 'dialog/oauth',
      tokenUrl: 'oauth/access_token',
    })

    expect(handler.authorizeUrl('email')).to.equal(
      'https://graph.facebook.com/dialog/oauth?redirect_uri=https%3A%2F%2Fapp.example%2Fcb&client_id=id&scope=email',
    )
    expect(handler.authorizeUrl('', { response_type: 'code' })).to.equal(
      'https://graph.facebook.com/dialog/oauth?redirect_uri=https%3A%2F%2Fapp.example%2Fcb&client_id=id&scope=&response_type=code',
    )
  })

  it('posts the code and returns JSON as an object, a form answer as lists, and never throws for a provider error', async () => {
    const handler = new OAuth2('id', 'secret', 'https://provider.example/', 'https://app.example/cb')
    const scope = nock('https://provider.example')
      .post('/oauth/token', 'redirect_uri=https%3A%2F%2Fapp.example%2Fcb&client_id=id&client_secret=secret&code=c1')
      .reply(200, { access_token: 'j' })
      .post('/oauth/token')
      .reply(200, 'access_token=f&expires=5108', { 'Content-Type': 'text/plain' })
      .post('/oauth/token')
      .reply(400, { error: 'invalid_grant' })
      .post('/oauth/token')
      .reply(500, '')

    const json = await handler.getToken('c1')
    const form = await handler.getToken('c2')
    const failed = await handler.getToken('c3')
    const empty = await handler.getToken('c4')

    expect(json).to.deep.equal({ access_token: 'j' })
    expect(form).to.deep.equal({ access_token: ['f'], expires: ['5108'] })
    expect(failed).to.deep.equal({ error: 'invalid_grant' })
    expect(empty).to.equal(null)
    scope.done()
    await handler.close()
  })
})
