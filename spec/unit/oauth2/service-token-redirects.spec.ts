import { expect } from 'chai'
import nock from 'nock'
import { inspect } from 'node:util'
import { CredentialRedirectRefusedError, OAuth2Service } from '../../../lib/index.js'
import { redirectCollector } from '../../support/redirect-collector.js'

describe("OAuth2Service's raw token request answered with a redirect (rauth)", () => {
  const oauth2 = () =>
    new OAuth2Service({
      clientId: 'id-1',
      clientSecret: 'client-secret-77a1',
      accessTokenUrl: 'https://idp.test/token',
      authorizeUrl: 'https://idp.test/authorize',
    })

  for (const [status, location] of [
    [307, 'https://evil.test/collect'],
    [308, 'http://idp.test/token'],
  ] as const) {
    it(`OAuth2Service.getRawAccessToken refuses a ${status} to ${location}: the client secret and code are not re-sent`, async () => {
      const idp = nock('https://idp.test').post('/token').reply(status, '', { Location: location })
      const evil = redirectCollector(location)

      const error = (await oauth2()
        .getRawAccessToken({ data: { code: 'code-3d9f', grant_type: 'authorization_code' } })
        .catch((caught: unknown) => caught)) as CredentialRedirectRefusedError

      expect(error).to.be.instanceOf(CredentialRedirectRefusedError).and.include({ status, location })
      expect(evil.hits).to.equal(0)
      expect(`${error.message} ${inspect(error)}`)
        .to.not.include('client-secret-77a1')
        .and.not.include('code-3d9f')
      idp.done()
    })
  }

  it('OAuth2Service.getAccessToken (and so getAuthSession) refuses it too', async () => {
    const idp = nock('https://idp.test').post('/token').reply(307, '', { Location: 'https://evil.test/collect' })
    const evil = redirectCollector('https://evil.test/collect')

    const error = await oauth2()
      .getAuthSession({ data: { code: 'c' } })
      .catch((caught: unknown) => caught)

    expect(error).to.be.instanceOf(CredentialRedirectRefusedError)
    expect(evil.hits).to.equal(0)
    idp.done()
  })

  it('OAuth2Service still follows a same-origin 307 with the body, and a GET token request its 302', async () => {
    const idp = nock('https://idp.test')
      .post('/token')
      .reply(307, '', { Location: '/v2/token' })
      .post('/v2/token', (body) => body.client_secret === 'client-secret-77a1' && body.code === 'c')
      .reply(200, { access_token: 'at-1' })
      .get('/token')
      .query(true)
      .reply(302, '', { Location: 'https://cdn.test/token' })
    const cdn = nock('https://cdn.test').get('/token').reply(200, { access_token: 'at-2' })
    const service = oauth2()

    const posted = await service.getAccessToken({ data: { code: 'c' } })
    const got = await service.getAccessToken('GET', { params: { code: 'c' } })

    expect([posted, got]).to.deep.equal(['at-1', 'at-2'])
    idp.done()
    cdn.done()
  })
})
