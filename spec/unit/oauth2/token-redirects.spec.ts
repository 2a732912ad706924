import { expect } from 'chai'
import nock from 'nock'
import { BackendApplicationClient, OAuth2ClientCredentials, OAuth2Session, Session, TokenRedirectRefusedError } from '../../../lib/index.js'
import { useTokenCache } from '../../../lib/testing/index.js'

function clientCredentials(): OAuth2Session {
  return new OAuth2Session('client-1', { client: new BackendApplicationClient('client-1'), clientSecret: 'secret-1' })
}

describe('a token endpoint that redirects', () => {
  it('never re-sends the body to another origin: a 307 there is TokenRedirectRefusedError', async () => {
    let leaked = 0
    const idp = nock('https://idp.example').post('/token').reply(307, '', { Location: 'https://evil.example/collect?client_secret=x' })
    nock('https://evil.example')
      .post('/collect')
      .query(true)
      .optionally()
      .reply(() => {
        leaked += 1
        return [200, { access_token: 'evil' }]
      })

    const error = (await clientCredentials()
      .fetchToken('https://idp.example/token', { includeClientId: true })
      .catch((caught: unknown) => caught)) as TokenRedirectRefusedError

    expect(error).to.be.instanceOf(TokenRedirectRefusedError).and.include({ status: 307, code: 'ERR_TOKEN_REDIRECT_REFUSED' })
    expect(error.location).to.equal('https://evil.example/collect?client_secret=[redacted]')
    expect(leaked).to.equal(0)
    idp.done()
  })

  it('follows a 308 to the same origin with the same body', async () => {
    const idp = nock('https://idp.example')
      .post('/token', 'grant_type=client_credentials')
      .reply(308, '', { Location: '/v2/token' })
      .post('/v2/token', 'grant_type=client_credentials')
      .matchHeader('authorization', /^Basic /)
      .reply(200, { access_token: 'at-1', token_type: 'Bearer' })

    const token = await clientCredentials().fetchToken('https://idp.example/token')

    expect(token.access_token).to.equal('at-1')
    idp.done()
  })

  it('refuses a same-origin 302, which would turn the token request into a GET', async () => {
    const idp = nock('https://idp.example').post('/token').reply(302, '', { Location: '/login' })

    const error = await clientCredentials()
      .fetchToken('https://idp.example/token')
      .catch((caught: unknown) => caught)

    expect(error).to.be.instanceOf(TokenRedirectRefusedError).and.include({ status: 302 })
    idp.done()
  })

  it('refuses it for the requests-auth strategies too', async () => {
    const cache = useTokenCache()
    const idp = nock('https://idp.example').post('/token').reply(307, '', { Location: 'http://idp.example/token' })
    try {
      const session = new Session({ auth: new OAuth2ClientCredentials('https://idp.example/token', 'client-1', 'secret-1') })

      const error = await session.get('https://api.example/data').catch((caught: unknown) => caught)

      expect(error).to.be.instanceOf(TokenRedirectRefusedError)
      idp.done()
    } finally {
      cache.restore()
    }
  })
})
