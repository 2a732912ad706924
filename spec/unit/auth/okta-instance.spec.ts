import { expect } from 'chai'
import nock from 'nock'
import {
  OktaAuthorizationCode,
  OktaAuthorizationCodePKCE,
  OktaClientCredentials,
  OktaImplicit,
  OktaImplicitIdToken,
  OktaResourceOwnerPasswordCredentials,
  Session,
} from '../../../lib/index.js'
import { useTokenCache } from '../../../lib/testing/index.js'
import { configurationError } from '../../support/expect-configuration-error.js'

const clientId = '54239d18-c68c-4c47-8bdd-ce71ea1d50cd'

describe('Okta presets: the instance is an authority (host, optional port)', () => {
  for (const instance of ['127.0.0.1:8443', 'localhost:8443', 'testserver.okta-emea.com:443', '[::1]:8443', 'testserver.okta-emea.com']) {
    it(`builds every endpoint on https://${instance}`, () => {
      const base = `https://${instance}/oauth2/default/v1`

      expect(new OktaImplicit(instance, clientId).grantUrl.startsWith(`${base}/authorize?`)).to.equal(true)
      expect(new OktaImplicitIdToken(instance, clientId).grantUrl.startsWith(`${base}/authorize?`)).to.equal(true)
      expect(new OktaAuthorizationCode(instance, clientId).tokenUrl).to.equal(`${base}/token`)
      expect(new OktaAuthorizationCodePKCE(instance, clientId).tokenUrl).to.equal(`${base}/token`)
      expect(new OktaClientCredentials(instance, clientId, 'secret', { scope: 's1' }).tokenUrl).to.equal(`${base}/token`)
      expect(new OktaResourceOwnerPasswordCredentials(instance, 'user', 'pw', clientId, 'secret').tokenUrl).to.equal(`${base}/token`)
    })
  }

  it('fetches a client-credentials token from an Okta-like server on 127.0.0.1:8443', async () => {
    const cache = useTokenCache()
    const session = new Session()
    try {
      const idp = nock('https://127.0.0.1:8443')
        .post('/oauth2/aus1/v1/token', { grant_type: 'client_credentials', scope: 'api.read' })
        .basicAuth({ user: clientId, pass: 'okta-secret' })
        .reply(200, { access_token: 'okta-token', token_type: 'Bearer', expires_in: 3600 })
      const api = nock('https://api.example').get('/me').matchHeader('authorization', 'Bearer okta-token').reply(200, 'ok')
      const okta = new OktaClientCredentials('127.0.0.1:8443', clientId, 'okta-secret', { scope: 'api.read', authorizationServer: 'aus1' })

      const answer = await session.get('https://api.example/me', { auth: okta })

      expect(answer.text).to.equal('ok')
      idp.done()
      api.done()
    } finally {
      cache.restore()
      await session.close()
    }
  })

  const refused: [string, string, RegExp][] = [
    ['a scheme', 'https://testserver.okta-emea.com', /without the scheme/],
    ['a scheme and a port', 'https://127.0.0.1:8443', /without the scheme/],
    ['a path', 'testserver.okta-emea.com/oauth2/default', /without a path/],
    ['a path after a port', '127.0.0.1:8443/', /without a path/],
    ['a query', 'testserver.okta-emea.com?x=1', /without a path/],
    ['a fragment', 'testserver.okta-emea.com#x', /without a path/],
    ['user info', 'admin:hunter2@testserver.okta-emea.com', /user name/],
    ['a port that is not a number', 'testserver.okta-emea.com:https', /port/],
    ['port 0', '127.0.0.1:0', /port/],
    ['a port above 65535', '127.0.0.1:65536', /port/],
    ['an empty port', '127.0.0.1:', /port/],
    ['white space', 'testserver .okta-emea.com', /host name/],
    ['an unbracketed IPv6 address', '::1', /host name/],
  ]
  for (const [what, instance, message] of refused) {
    it(`refuses an instance with ${what}, naming the option and not echoing it`, () => {
      const error = configurationError(() => new OktaClientCredentials(instance, clientId, 'secret', { scope: 's1' }))

      expect(error.option).to.equal('instance')
      expect(error.message).to.match(message)
      expect(error.message).to.include('"testserver.okta-emea.com" or "127.0.0.1:8443"')
      if (instance.includes('hunter2')) expect(error.message).to.not.include('hunter2')
    })
  }

  it('still refuses an empty instance as mandatory', () => {
    expect(configurationError(() => new OktaImplicit('', clientId)).message).to.include('mandatory')
  })
})
