import { expect } from 'chai'
import nock from 'nock'
import { inspect } from 'node:util'
import {
  ConfigurationError,
  OAuth1Service,
  OAuth1Session,
  parseJsonToken,
  TokenMissingError,
  TokenRequestDeniedError,
  VerifierMissingError,
} from '../../../lib/index.js'

function oauthParams(header: string | undefined): Record<string, string> {
  const params: Record<string, string> = {}
  for (const match of (header ?? '').matchAll(/([a-z_]+)="([^"]*)"/g)) params[match[1] as string] = decodeURIComponent(match[2] as string)
  return params
}

describe('OAuth1Session flow helpers (requests-oauthlib)', () => {
  it('fetches a request token with a signed POST carrying oauth_callback, then forgets the callback', async () => {
    const session = new OAuth1Session('client-key', 'secret', undefined, undefined, { callbackUri: 'https://127.0.0.1/callback' })
    let header = ''
    const scope = nock('https://api.test')
      .post('/oauth/request_token')
      .reply(function () {
        header = String(this.req.headers.authorization)
        return [200, 'oauth_token=kjerht2309u&oauth_token_secret=lsdajfh923874', { 'Content-Type': 'application/x-www-form-urlencoded' }]
      })

    const token = await session.fetchRequestToken('https://api.test/oauth/request_token')

    expect(token).to.deep.equal({ oauth_token: 'kjerht2309u', oauth_token_secret: 'lsdajfh923874' })
    expect(oauthParams(header)).to.include({ oauth_callback: 'https://127.0.0.1/callback', oauth_consumer_key: 'client-key' })
    expect(session.oauth.callbackUri).to.equal(undefined)
    expect(session.authorizationUrl('https://api.test/oauth/authorize')).to.equal(
      'https://api.test/oauth/authorize?oauth_token=kjerht2309u&oauth_callback=https%3A%2F%2F127.0.0.1%2Fcallback',
    )
    expect(session.authorizationUrl('https://api.test/oauth/authorize', 'other', { foo: 'bar' })).to.equal(
      'https://api.test/oauth/authorize?oauth_token=other&oauth_callback=https%3A%2F%2F127.0.0.1%2Fcallback&foo=bar',
    )
    scope.done()
    await session.close()
  })

  it('joins a list of realms with spaces for the request-token request', async () => {
    const session = new OAuth1Session('client-key', 'secret')
    let header = ''
    const scope = nock('https://api.test')
      .post('/rt')
      .reply(function () {
        header = String(this.req.headers.authorization)
        return [200, 'oauth_token=t&oauth_token_secret=s']
      })

    await session.fetchRequestToken('https://api.test/rt', ['photos', 'videos'])

    expect(header.startsWith('OAuth realm="photos videos", ')).to.equal(true)
    scope.done()
    await session.close()
  })

  it('parses the authorization redirect and fetches the access token with the verifier, then drops the verifier', async () => {
    const session = new OAuth1Session('client-key', 'secret')
    let header = ''
    const scope = nock('https://api.test')
      .post('/oauth/access_token')
      .reply(function () {
        header = String(this.req.headers.authorization)
        return [200, 'oauth_token=sdf0o9823sjdfsdf&oauth_token_secret=2kjshdfp92i34asdasd']
      })

    const parsed = session.parseAuthorizationResponse(
      'https://127.0.0.1/callback?oauth_token=kjerht2309uf&oauth_token_secret=lsdajfh923874&oauth_verifier=w34o8967345',
    )
    const token = await session.fetchAccessToken('https://api.test/oauth/access_token')

    expect(parsed).to.deep.equal({ oauth_token: 'kjerht2309uf', oauth_token_secret: 'lsdajfh923874', oauth_verifier: 'w34o8967345' })
    expect(oauthParams(header)).to.include({ oauth_token: 'kjerht2309uf', oauth_verifier: 'w34o8967345' })
    expect(token).to.deep.equal({ oauth_token: 'sdf0o9823sjdfsdf', oauth_token_secret: '2kjshdfp92i34asdasd' })
    expect(session.token).to.deep.equal(token)
    expect(session.authorized).to.equal(true)
    scope.done()
    await session.close()
  })

  it('throws VerifierMissingError without a verifier, before any traffic', async () => {
    const session = new OAuth1Session('client-key', 'secret', 'request-token', 'request-secret')

    const error = await session.fetchAccessToken('https://api.test/oauth/access_token').catch((e: unknown) => e)

    expect(error).to.be.instanceOf(VerifierMissingError)
  })

  it('throws TokenRequestDeniedError with status and body for a non-2xx answer', async () => {
    const session = new OAuth1Session('client-key', 'secret')
    const scope = nock('https://api.test').post('/rt').reply(403, 'Desktop applications only support the oauth_callback value oob')

    const error = await session.fetchRequestToken('https://api.test/rt').catch((e: unknown) => e)

    expect(error).to.be.instanceOf(TokenRequestDeniedError).and.include({ status: 403 })
    expect((error as TokenRequestDeniedError).body).to.include('oauth_callback value oob')
    scope.done()
    await session.close()
  })

  it('throws TokenMissingError naming the keys, never the values, when oauth_token is absent', async () => {
    const session = new OAuth1Session('client-key', 'secret')
    const scope = nock('https://api.test').post('/rt').reply(200, 'error=temporarily_unavailable&secret_value=hunter2')

    const error = await session.fetchRequestToken('https://api.test/rt').catch((e: unknown) => e)

    expect(error).to.be.instanceOf(TokenMissingError)
    expect((error as TokenMissingError).keys).to.deep.equal(['error', 'secret_value'])
    expect((error as Error).message).to.not.include('hunter2')
    scope.done()
    await session.close()
  })

  it('sets the token through the setter and reports authorized as requests-oauthlib does', () => {
    const session = new OAuth1Session('client-key', 'secret')

    const before = session.authorized
    session.token = { oauth_token: 'tok', oauth_token_secret: 'sec' }

    expect(before).to.equal(false)
    expect(session.authorized).to.equal(true)
    expect(session.accessToken).to.equal('tok')
    expect(() => (session.token = {})).to.throw(TokenMissingError)
  })

  it('accepts requests-oauthlib option names as aliases, and refuses both spellings at once', () => {
    const aliased = new OAuth1Session('client-key', undefined, undefined, undefined, { clientSecret: 's', resourceOwnerKey: 't', resourceOwnerSecret: 'ts' })

    expect(aliased.authorized).to.equal(true)
    expect(() => new OAuth1Session('client-key', 'secret', undefined, undefined, { clientSecret: 'other' }))
      .to.throw(ConfigurationError)
      .with.property('option', 'clientSecret')
  })

  it('round-trips through serialize/fromJSON and keeps secrets out of toJSON, inspect and String', () => {
    const session = new OAuth1Session('client-key', 'consumer-secret', 'tok', 'token-secret', {
      baseUrl: 'https://api.test/1.1/',
      signatureMethod: 'HMAC-SHA256',
    })

    const restored = OAuth1Session.fromJSON(JSON.stringify(session.serialize()))
    const shown = `${inspect(session, { depth: 5 })} ${String(session)}`

    expect(restored.serialize()).to.deep.equal(session.serialize())
    expect(() => OAuth1Session.fromJSON(JSON.stringify(session))).to.throw(ConfigurationError, 'serialize()')
    expect(restored.signatureMethod).to.equal('HMAC-SHA256')
    expect(shown).to.not.include('consumer-secret')
    expect(shown).to.not.include('token-secret')
  })
})

describe('OAuth1Service (rauth)', () => {
  const endpoints = {
    consumerKey: 'ck',
    consumerSecret: 'cs',
    requestTokenUrl: 'https://api.test/oauth/request_token',
    accessTokenUrl: 'https://api.test/oauth/access_token',
    authorizeUrl: 'https://api.test/oauth/authorize',
    baseUrl: 'https://api.test/1/',
  }

  it('gets a request token with GET by default, moving oauth_callback from params to the header', async () => {
    const service = new OAuth1Service(endpoints)
    let seen = { path: '', header: '' }
    const scope = nock('https://api.test')
      .get('/oauth/request_token')
      .reply(function () {
        seen = { path: this.req.path, header: String(this.req.headers.authorization) }
        return [200, 'oauth_token=rt&oauth_token_secret=rts']
      })

    const [token, secret] = await service.getRequestToken('GET', { params: { oauth_callback: 'oob' } })

    expect([token, secret]).to.deep.equal(['rt', 'rts'])
    expect(seen.path).to.equal('/oauth/request_token')
    expect(oauthParams(seen.header)).to.include({ oauth_callback: 'oob' })
    expect(service.getAuthorizeUrl('rt', { force_login: 'true' })).to.equal('https://api.test/oauth/authorize?force_login=true&oauth_token=rt')
    scope.done()
    await service.close()
  })

  it('uses an explicit decoder and key names, and names the keys when one is missing', async () => {
    const service = new OAuth1Service(endpoints)
    const scope = nock('https://api.test')
      .post('/oauth/request_token')
      .reply(200, { token: 'rt', token_secret: 'rts' }, { 'Content-Type': 'text/plain' })
      .post('/oauth/request_token')
      .reply(200, { unexpected: 'x' }, { 'Content-Type': 'application/json' })

    const pair = await service.getRequestToken('POST', { decoder: parseJsonToken, keyToken: 'token', keyTokenSecret: 'token_secret' })
    const error = await service.getRequestToken('POST').catch((e: unknown) => e)

    expect(pair).to.deep.equal(['rt', 'rts'])
    expect(error).to.be.instanceOf(TokenMissingError)
    expect((error as TokenMissingError).keys).to.deep.equal(['unexpected'])
    scope.done()
    await service.close()
  })

  it('gets an auth session whose relative URLs resolve against baseUrl, and memoises sessions per token', async () => {
    const service = new OAuth1Service(endpoints)
    const scope = nock('https://api.test')
      .get('/oauth/access_token')
      .reply(200, 'oauth_token=at&oauth_token_secret=ats')
      .get('/1/account/verify_credentials.json')
      .reply(200, { id: 1 })

    const session = await service.getAuthSession('rt', 'rts', 'GET', { data: { oauth_verifier: 'v' } })
    const me = await session.get('account/verify_credentials.json')

    expect(me.json()).to.deep.equal({ id: 1 })
    expect(session.accessToken).to.equal('at')
    expect(session.service).to.equal(service)
    expect(session.accessTokenResponse?.status).to.equal(200)
    expect(service.getSession(['at', 'ats'])).to.equal(session)
    scope.done()
    await service.close()
  })

  it('round-trips through serialize/fromJSON with the secret, and keeps it out of toJSON and inspect', () => {
    const service = new OAuth1Service({ ...endpoints, name: 'api', consumerSecret: 'very-secret' })

    const restored = OAuth1Service.deserialize(JSON.stringify(service.serialize()))

    expect(restored.serialize()).to.deep.equal(service.serialize())
    expect(JSON.stringify(service)).to.include('[redacted]')
    expect(restored.consumerSecret).to.equal('very-secret')
    expect(inspect(service)).to.not.include('very-secret')
  })

  it('refuses a missing consumer key and a malformed URL before any traffic', () => {
    expect(() => new OAuth1Service({ ...endpoints, consumerKey: '' }))
      .to.throw(ConfigurationError)
      .with.property('option', 'consumerKey')
    expect(() => new OAuth1Service({ ...endpoints, accessTokenUrl: 'not a url' }))
      .to.throw(ConfigurationError)
      .with.property('option', 'accessTokenUrl')
  })

  it('says which endpoint is missing when a step needs it', async () => {
    const service = new OAuth1Service({ consumerKey: 'ck', consumerSecret: 'cs' })

    const error = await service.getRequestToken().catch((e: unknown) => e)

    expect(error).to.be.instanceOf(ConfigurationError).and.include({ option: 'requestTokenUrl' })
  })
})
