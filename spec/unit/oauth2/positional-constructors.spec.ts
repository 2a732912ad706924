import { expect } from 'chai'
import nock from 'nock'
import { OAuth1Service, OAuth1Session, OAuth2, OAuth2Service, OAuth2Session, type SignatureMethod } from '../../../lib/index.js'
import { configurationError } from '../../support/expect-configuration-error.js'

describe("requests-oauth2's six-argument OAuth2 (issue #15, item 8)", () => {
  it('uses the authorization and token paths given as the fifth and sixth arguments', async () => {
    const handler = new OAuth2('id', 'secret', 'https://graph.facebook.test/', 'https://app.example/cb', 'dialog/oauth', 'oauth/access_token')
    const scope = nock('https://graph.facebook.test')
      .post('/oauth/access_token', { redirect_uri: 'https://app.example/cb', client_id: 'id', client_secret: 'secret', code: 'c' })
      .reply(200, { access_token: 'at' })
    try {
      const url = handler.authorizeUrl('email')
      const answer = await handler.getToken('c')

      expect(url).to.equal('https://graph.facebook.test/dialog/oauth?redirect_uri=https%3A%2F%2Fapp.example%2Fcb&client_id=id&scope=email')
      expect(answer).to.deep.equal({ access_token: 'at' })
      expect(handler).to.include({ authorizationUrl: 'dialog/oauth', tokenUrl: 'oauth/access_token' })
      scope.done()
    } finally {
      await handler.close()
    }
  })

  it('takes the authorization path alone, and options after the two paths', async () => {
    const five = new OAuth2('id', 'secret', 'https://idp.test/', 'https://app.example/cb', 'authorize')
    const seven = new OAuth2('id', 'secret', 'https://idp.test/', 'https://app.example/cb', 'authorize', 'token', { sessionOptions: { timeout: 1_000 } })

    expect(five).to.include({ authorizationUrl: 'authorize', tokenUrl: 'oauth/token' })
    expect(seven).to.include({ authorizationUrl: 'authorize', tokenUrl: 'token' })
    await Promise.all([five.close(), seven.close()])
  })

  it('refuses a path given both positionally and as an option', () => {
    const error = configurationError(
      () => new OAuth2('id', 'secret', 'https://idp.test/', 'https://app.example/cb', 'authorize', 'token', { tokenUrl: 'other' } as never),
    )

    expect(error.option).to.equal('tokenUrl')
  })
})

describe("rauth's positional OAuth2Session(clientId, clientSecret, accessToken, service, accessTokenKey) (issue #15, item 8)", () => {
  it('reads the five arguments in rauth order and sends the token under accessTokenKey', async () => {
    const service = new OAuth2Service({ clientId: 'id', clientSecret: 'secret' })
    const session = new OAuth2Session('id', 'secret', 'at-1', service, 'oauth_token')
    const scope = nock('https://api.test').get('/me').query({ oauth_token: 'at-1' }).reply(200, 'ok')
    try {
      expect(session).to.include({ clientId: 'id', clientSecret: 'secret', accessToken: 'at-1', accessTokenKey: 'oauth_token' })
      expect(session.service).to.equal(service)

      await session.get('https://api.test/me', { bearerAuth: false })

      scope.done()
    } finally {
      await session.close()
      await service.close()
    }
  })

  it('takes the token alone, with the secret left undefined, and options last', async () => {
    const session = new OAuth2Session('id', undefined, 'at-2', undefined, undefined, { baseUrl: 'https://api.test/' })
    const scope = nock('https://api.test').get('/me').matchHeader('authorization', 'Bearer at-2').reply(200, 'ok')
    try {
      await session.get('me')

      expect(session.clientSecret).to.equal(undefined)
      scope.done()
    } finally {
      await session.close()
    }
  })

  it("keeps requests-oauthlib's OAuth2Session(clientId, options)", () => {
    const session = new OAuth2Session('id', { scope: ['a', 'b'], redirectUri: 'https://app.example/cb' })

    expect(session).to.include({ clientId: 'id', redirectUri: 'https://app.example/cb' })
    expect(session.scope).to.deep.equal(['a', 'b'])
  })

  it('refuses a value given both positionally and as an option, naming it', () => {
    const error = configurationError(() => new OAuth2Session('id', 'secret', 'at', undefined, undefined, { clientSecret: 'other' }))

    expect(error.option).to.equal('clientSecret')
    expect(error.message).to.not.include('other').and.not.include("secret'")
  })

  it('refuses a positional argument of the wrong type, naming its option', () => {
    const error = configurationError(() => new OAuth2Session('id', 'secret', 42 as unknown as string))

    expect(error.option).to.equal('accessToken')
  })
})

describe("rauth's positional OAuth1Session(key, secret, token, tokenSecret, signature, service) (issue #15, item 8)", () => {
  it('takes a signature method name as the fifth argument and the service as the sixth', async () => {
    const service = new OAuth1Service({ consumerKey: 'ck', consumerSecret: 'cs' })
    const session = new OAuth1Session('ck', 'cs', 'at', 'ats', 'PLAINTEXT', service)
    const scope = nock('https://api.test')
      .get('/me')
      .matchHeader('authorization', (header) => header.includes('oauth_signature_method="PLAINTEXT"') && header.includes('oauth_signature="cs%26ats"'))
      .reply(200, 'ok')
    try {
      await session.get('https://api.test/me')

      expect(session.signatureMethod).to.equal('PLAINTEXT')
      expect(session.service).to.equal(service)
      scope.done()
    } finally {
      await session.close()
      await service.close()
    }
  })

  it('takes a signature object as the fifth argument, and options after the service', async () => {
    const custom: SignatureMethod = { name: 'X-TEST', sign: () => 'fixed' }
    const session = new OAuth1Session('ck', 'cs', 'at', 'ats', custom, undefined, { baseUrl: 'https://api.test/' })
    const scope = nock('https://api.test')
      .get('/me')
      .matchHeader('authorization', (header) => header.includes('oauth_signature_method="X-TEST"') && header.includes('oauth_signature="fixed"'))
      .reply(200, 'ok')
    try {
      await session.get('me')

      expect(session.signature).to.equal(custom)
      scope.done()
    } finally {
      await session.close()
    }
  })

  it("keeps requests-oauthlib's options object in fifth place", () => {
    const session = new OAuth1Session('ck', 'cs', 'at', 'ats', { signatureMethod: 'HMAC-SHA256', callbackUri: 'oob' })

    expect(session.signatureMethod).to.equal('HMAC-SHA256')
  })

  it('refuses a signature given both positionally and as an option', () => {
    const error = configurationError(() => new OAuth1Session('ck', 'cs', 'at', 'ats', 'PLAINTEXT', undefined, { signatureMethod: 'HMAC-SHA1' }))

    expect(error.option).to.equal('signature')
  })

  it('refuses an unknown signature method name, naming it', () => {
    const error = configurationError(() => new OAuth1Session('ck', 'cs', 'at', 'ats', 'HMAC-MD5' as never))

    expect(error.option).to.equal('signature')
  })
})
