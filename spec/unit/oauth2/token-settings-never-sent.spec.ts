import { expect } from 'chai'
import nock from 'nock'
import { BackendApplicationClient, OAuth2Session } from '../../../lib/index.js'
import { configurationRejection } from '../../support/expect-configuration-error.js'
import { trafficCounter } from '../../support/traffic-counter.js'

const TOKEN_URL = 'https://idp.example/token'

function clientCredentials(): OAuth2Session {
  return new OAuth2Session('client-1', { client: new BackendApplicationClient('client-1'), clientSecret: 'secret-1' })
}

describe('fetchToken and refreshToken never post Session settings as token parameters', () => {
  // requests-oauthlib's fetch_token(verify=False, proxies={...}, cert=...) applies them to the request;
  // a line-by-line port passed them on and they went on the wire (verify=false&proxies=%5Bobject+Object%5D).
  const settings: [string, unknown][] = [
    ['verify', false],
    ['proxies', { https: 'http://proxy.example:3128' }],
    ['cert', 'client.pem'],
    ['ca', 'ca.pem'],
    ['maxRedirects', 3],
    ['trustEnv', false],
    ['baseUrl', 'https://idp.example/'],
    ['retry', { limit: 2 }],
    ['maxTokenResponseSize', 1024],
  ]

  for (const [name, value] of settings) {
    it(`refuses '${name}' in fetchToken and refreshToken, naming it, before any traffic`, async () => {
      const session = new OAuth2Session('client-1', { token: { access_token: 'at-0', refresh_token: 'rt-0' }, pkce: false })
      const traffic = trafficCounter()
      try {
        const fetched = await configurationRejection(() => clientCredentials().fetchToken(TOKEN_URL, { [name]: value }))
        const refreshed = await configurationRejection(() => session.refreshToken(TOKEN_URL, { [name]: value }))

        for (const error of [fetched, refreshed]) {
          expect(error.option).to.equal(name)
          expect(error.message).to.include('Session setting').and.include(`{ ${name} }`)
        }
        expect(traffic.count).to.equal(0)
      } finally {
        traffic.stop()
      }
    })
  }

  it('still sends a real extra parameter next to the settings it applies', async () => {
    const scope = nock('https://idp.example')
      .post('/token', (body: Record<string, string>) => body.audience === 'api' && !('timeout' in body))
      .reply(200, { access_token: 'at-1', token_type: 'Bearer' })

    const token = await clientCredentials().fetchToken(TOKEN_URL, { audience: 'api', timeout: 5_000 })

    expect(token.access_token).to.equal('at-1')
    scope.done()
  })
})
