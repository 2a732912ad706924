import { expect } from 'chai'
import nock from 'nock'
import { inspect } from 'node:util'
import { CredentialRedirectRefusedError, OAuth1Service } from '../../../lib/index.js'
import { redirectCollector } from '../../support/redirect-collector.js'

describe("OAuth1Service's raw token requests answered with a redirect (rauth)", () => {
  const oauth1 = () =>
    new OAuth1Service({
      consumerKey: 'ck',
      consumerSecret: 'consumer-secret-41b0',
      requestTokenUrl: 'https://api.test/oauth/request_token',
      accessTokenUrl: 'https://api.test/oauth/access_token',
      authorizeUrl: 'https://api.test/oauth/authorize',
    })

  it('OAuth1Service.getRawAccessToken refuses a cross-origin 307: the oauth_verifier is not re-sent', async () => {
    const api = nock('https://api.test').post('/oauth/access_token').reply(307, '', { Location: 'https://evil.test/collect' })
    const evil = redirectCollector('https://evil.test/collect')

    const error = await oauth1()
      .getRawAccessToken('rt', 'rts', 'POST', { data: { oauth_verifier: 'verifier-0e5c' } })
      .catch((caught: unknown) => caught)

    expect(error).to.be.instanceOf(CredentialRedirectRefusedError).and.include({ status: 307 })
    expect(evil.hits).to.equal(0)
    expect(inspect(error)).to.not.include('verifier-0e5c').and.not.include('consumer-secret-41b0')
    api.done()
  })

  it('OAuth1Service.getRawRequestToken refuses an https to http 308', async () => {
    const api = nock('https://api.test').post('/oauth/request_token').reply(308, '', { Location: 'http://api.test/oauth/request_token' })
    const evil = redirectCollector('http://api.test/oauth/request_token')

    const error = await oauth1()
      .getRequestToken('POST', { data: { oauth_callback: 'oob' } })
      .catch((caught: unknown) => caught)

    expect(error).to.be.instanceOf(CredentialRedirectRefusedError).and.include({ status: 308 })
    expect(evil.hits).to.equal(0)
    api.done()
  })
})
