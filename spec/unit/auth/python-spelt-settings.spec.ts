import { expect } from 'chai'
import nock from 'nock'
import {
  AzureActiveDirectoryImplicit,
  OAuth2AuthorizationCode,
  OAuth2AuthorizationCodePKCE,
  OAuth2ClientCredentials,
  OAuth2Implicit,
  OAuth2ResourceOwnerPasswordCredentials,
  OktaAuthorizationCode,
  OktaClientCredentials,
  Session,
} from '../../../lib/index.js'
import { useTokenCache } from '../../../lib/testing/index.js'
import { configurationError } from '../../support/expect-configuration-error.js'

const AUTHORIZE = 'https://idp.example/authorize'
const TOKEN = 'https://idp.example/token'

/** Each strategy built with one option, so each Python-spelt setting is tried on each. */
const strategies: [string, (options: Record<string, unknown>) => unknown][] = [
  ['OAuth2AuthorizationCode', (o) => new OAuth2AuthorizationCode(AUTHORIZE, TOKEN, o)],
  ['OAuth2AuthorizationCodePKCE', (o) => new OAuth2AuthorizationCodePKCE(AUTHORIZE, TOKEN, o)],
  ['OAuth2Implicit', (o) => new OAuth2Implicit(AUTHORIZE, o)],
  ['OAuth2ClientCredentials', (o) => new OAuth2ClientCredentials(TOKEN, 'id', 'secret', o)],
  ['OAuth2ResourceOwnerPasswordCredentials', (o) => new OAuth2ResourceOwnerPasswordCredentials(TOKEN, 'alice', 'pw', o)],
  ['OktaAuthorizationCode', (o) => new OktaAuthorizationCode('testserver.okta-emea.com', 'client', o)],
  ['OktaClientCredentials', (o) => new OktaClientCredentials('testserver.okta-emea.com', 'client', 'secret', { scope: 'read', ...o })],
  ['AzureActiveDirectoryImplicit', (o) => new AzureActiveDirectoryImplicit('tenant', 'client', o)],
]

/** requests-auth's documented keyword arguments that are settings, with a value of the right type. */
const settings: [string, string, unknown][] = [
  ['redirect_uri_port', 'redirectUriPort', 5001],
  ['redirect_uri_domain', 'redirectUriDomain', 'localhost.localdomain'],
  ['redirect_uri_endpoint', 'redirectUriEndpoint', 'callback'],
  ['early_expiry', 'earlyExpiry', 0],
  ['header_name', 'headerName', 'X-Token'],
  ['header_value', 'headerValue', 'token {token}'],
  ['token_field_name', 'tokenFieldName', 'id_token'],
  ['code_field_name', 'codeFieldName', 'auth_code'],
  ['session_auth', 'sessionAuth', ['id', 'secret']],
  ['authorization_server', 'authorizationServer', 'aus1234'],
]

describe('requests-auth strategies with a setting spelt the Python way (issue #15, item 4)', () => {
  for (const [name, make] of strategies) {
    for (const [python, camel, value] of settings) {
      it(`${name} refuses ${python} and names ${camel}, instead of sending it to the provider`, () => {
        const error = configurationError(() => make({ [python]: value }))

        expect(error.option).to.equal(python)
        expect(error.message).to.include(name).and.include(`unknown option '${python}': did you mean '${camel}'?`)
      })
    }
  }

  it('never quotes the value of a misspelt setting', () => {
    const error = configurationError(() => new OAuth2ClientCredentials(TOKEN, 'id', 'secret', { header_value: 'Bearer sk_live_pasted' }))

    expect(error.message).to.not.include('sk_live_pasted')
  })

  it('still sends requests-auth parameters that keep their wire names in the authorization URL', () => {
    const auth = new OAuth2Implicit(AUTHORIZE, { client_id: 'app', response_type: 'id_token', prompt: 'none', login_hint: 'a@b.c' })

    const query = new URL(auth.grantUrl).searchParams

    expect(query.get('client_id')).to.equal('app')
    expect(query.get('response_type')).to.equal('id_token')
    expect(query.get('prompt')).to.equal('none')
    expect(query.get('login_hint')).to.equal('a@b.c')
    expect(auth.tokenFieldName).to.equal('id_token')
  })

  it('still sends client_id, client_secret and other unknown keys in the token body', async () => {
    const handle = useTokenCache()
    const session = new Session()
    try {
      const auth = new OAuth2ResourceOwnerPasswordCredentials(TOKEN, 'alice', 'pw', { client_id: 'app', client_secret: 'app-secret', audience: 'api://x' })
      const scope = nock('https://idp.example')
        .post('/token', { grant_type: 'password', username: 'alice', password: 'pw', client_id: 'app', client_secret: 'app-secret', audience: 'api://x' })
        .reply(200, { access_token: 'at', token_type: 'Bearer', expires_in: 3600 })
      nock('https://api.example').get('/').reply(200, 'ok')

      const response = await session.get('https://api.example/', { auth })

      expect(response.request.headers.get('authorization')).to.equal('Bearer at')
      scope.done()
    } finally {
      handle.restore()
      await session.close()
    }
  })
})
