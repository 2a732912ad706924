import { expect } from 'chai'
import { readFileSync } from 'node:fs'
import { inspect } from 'node:util'
import {
  AzureActiveDirectoryImplicit,
  AzureActiveDirectoryImplicitIdToken,
  ConfigurationError,
  EntraIdImplicit,
  OAuth2AuthorizationCode,
  OAuth2AuthorizationCodePKCE,
  OAuth2ClientCredentials,
  OAuth2Implicit,
  OktaAuthorizationCode,
  OktaAuthorizationCodePKCE,
  OktaClientCredentials,
  OktaImplicit,
  OktaImplicitIdToken,
  OktaResourceOwnerPasswordCredentials,
  WakaTimeAuthorizationCode,
} from '../../../lib/index.js'

interface UrlFixture {
  flow: 'code' | 'pkce' | 'implicit' | 'client_credentials'
  authorizationUrl?: string
  tokenUrl?: string
  clientId?: string
  options: Record<string, unknown>
  state: string
  grantUrl?: string
}

// Transcribed from requests-auth over Python's urllib (spec/fixtures/requests-auth/generate.py).
const fixtures = JSON.parse(readFileSync(new URL('../../fixtures/requests-auth/urls.json', import.meta.url), 'utf8')) as UrlFixture[]

describe('requests-auth browser flows: authorization URLs and states', () => {
  for (const fixture of fixtures) {
    it(`${fixture.flow} ${fixture.authorizationUrl ?? fixture.tokenUrl} ${JSON.stringify(fixture.options)} matches requests-auth`, () => {
      let strategy: { state: string; grantUrl?: string; flowState?: string }
      if (fixture.flow === 'code') strategy = new OAuth2AuthorizationCode(fixture.authorizationUrl as string, 'https://provide_access_token', fixture.options)
      else if (fixture.flow === 'pkce')
        strategy = new OAuth2AuthorizationCodePKCE(fixture.authorizationUrl as string, 'https://provide_access_token', fixture.options)
      else if (fixture.flow === 'implicit') strategy = new OAuth2Implicit(fixture.authorizationUrl as string, fixture.options)
      else strategy = new OAuth2ClientCredentials(fixture.tokenUrl as string, fixture.clientId as string, 'test_pwd', fixture.options)

      // The cache key is requests-auth's state; the state sent is random per flow (#14), in requests-auth's place in the URL.
      expect(strategy.state).to.equal(fixture.state)
      if (fixture.grantUrl !== undefined)
        expect(strategy.grantUrl?.replace(`state=${strategy.flowState}&`, `state=${fixture.state}&`)).to.equal(fixture.grantUrl)
    })
  }

  it('builds the redirect URI from domain, port and endpoint', () => {
    const auth = new OAuth2Implicit('https://idp.example/authorize', {
      redirectUriDomain: 'app.local',
      redirectUriPort: 8123,
      redirectUriEndpoint: 'oauth/callback',
    })

    expect(auth.redirectUri).to.equal('http://app.local:8123/oauth/callback')
  })

  it('takes the token field from the response type: id_token for id_token, access_token otherwise', () => {
    expect(new OAuth2Implicit('https://idp.example/authorize', { responseType: 'id_token' }).tokenFieldName).to.equal('id_token')
    expect(new OAuth2Implicit('https://idp.example/authorize?response_type=id_token').tokenFieldName).to.equal('id_token')
    expect(new OAuth2Implicit('https://idp.example/authorize').tokenFieldName).to.equal('access_token')
    expect(new OAuth2Implicit('https://idp.example/authorize', { responseType: 'id_token', tokenFieldName: 'custom' }).tokenFieldName).to.equal('custom')
  })

  it('keeps a client secret out of the authorization URL (it only goes to the token endpoint)', () => {
    const auth = new OAuth2AuthorizationCode('https://idp.example/authorize', 'https://idp.example/token', {
      clientId: 'app',
      clientSecret: 's3cr3t-value',
      username: 'app',
      password: 'basic-pa55',
    })

    expect(auth.grantUrl).to.include('client_id=app').and.not.include('s3cr3t-value')
    for (const shown of [JSON.stringify(auth), inspect(auth, { depth: 5, showHidden: true }), String(auth)]) {
      expect(shown).to.not.include('s3cr3t-value').and.not.include('basic-pa55')
    }
  })

  it('refuses bad input before any network traffic', () => {
    expect(() => new OAuth2AuthorizationCode('', 'https://idp.example/token')).to.throw(ConfigurationError, 'Authorization URL is mandatory')
    expect(() => new OAuth2AuthorizationCode('https://idp.example/authorize', 'not a url')).to.throw(ConfigurationError, 'absolute URL')
    expect(() => new OAuth2Implicit('ftp://idp.example/authorize')).to.throw(ConfigurationError, 'http(s)')
    expect(() => new OAuth2Implicit('https://idp.example/authorize', { headerValue: 'Bearer' })).to.throw(ConfigurationError, '{token}')
    expect(() => new OAuth2Implicit('https://idp.example/authorize', { redirectUriPort: 70_000 })).to.throw(ConfigurationError, 'redirectUriPort')
    expect(() => new OAuth2Implicit('https://idp.example/authorize', { redirectUriDomain: 'http://localhost' })).to.throw(ConfigurationError, 'bare host name')
    expect(() => new OAuth2AuthorizationCodePKCE('https://idp.example/authorize', 'https://idp.example/token', { timeout: 0 })).to.throw(
      ConfigurationError,
      'timeout',
    )
    expect(() => new OAuth2Implicit('https://idp.example/authorize', { redirectUriPort: '5000' as unknown as number })).to.throw(
      ConfigurationError,
      'redirectUriPort: expected number',
    )
    expect(() => new OAuth2Implicit('https://idp.example/authorize', { earlyExpiry: -1 })).to.throw(ConfigurationError, 'earlyExpiry')
    expect(() => new OAuth2ClientCredentials('https://idp.example/token', 'id', 'secret', { audience: { nested: true } })).to.throw(
      ConfigurationError,
      'audience',
    )
    const wrongType = (() => {
      try {
        return new OAuth2AuthorizationCode('https://idp.example/authorize', 'https://idp.example/token', { password: 12345678 as unknown as string })
      } catch (error) {
        return error as Error
      }
    })()
    expect(wrongType).to.be.instanceOf(ConfigurationError).and.have.property('message').that.includes('password').and.not.include('12345678')
    for (const make of [
      () => new OAuth2Implicit('https://idp.example/authorize', { headerValue: 'Bearer eyJ-pasted-token' }),
      () => new OAuth2ClientCredentials('/token?api_key=pasted-key', 'id', 'secret'),
    ]) {
      expect(make)
        .to.throw(ConfigurationError)
        .that.satisfies((error: Error) => !error.message.includes('pasted'))
    }
  })
})

describe('requests-auth presets', () => {
  const instance = 'testserver.okta-emea.com'
  const clientId = '54239d18-c68c-4c47-8bdd-ce71ea1d50cd'
  const tenant = '45239d18-c68c-4c47-8bdd-ce71ea1d50cd'
  const nonce = '7362CAEA-9CA5-4B43-9BA3-34D7C303EBA7'
  const redirect = 'redirect_uri=http%3A%2F%2Flocalhost%3A5000%2F'

  function withoutState(url: string): string {
    return url.replace(/state=[A-Za-z0-9]{43}&/, 'state=*&')
  }

  it('Okta implicit: default authorization server, openid profile email, access token', () => {
    const okta = new OktaImplicit(instance, clientId, { nonce })

    expect(withoutState(okta.grantUrl)).to.equal(
      `https://${instance}/oauth2/default/v1/authorize?client_id=${clientId}&scope=openid+profile+email&response_type=token&state=*&${redirect}&nonce=${nonce}`,
    )
    expect(okta.tokenFieldName).to.equal('access_token')
  })

  it('Okta implicit ID token: response_type id_token and the id_token field', () => {
    const okta = new OktaImplicitIdToken(instance, clientId, { nonce, authorizationServer: 'aus1' })

    expect(withoutState(okta.grantUrl)).to.equal(
      `https://${instance}/oauth2/aus1/v1/authorize?client_id=${clientId}&response_type=id_token&scope=openid+profile+email&state=*&${redirect}&nonce=${nonce}`,
    )
    expect(okta.tokenFieldName).to.equal('id_token')
  })

  it('Okta authorization code (and PKCE): scope openid, the token endpoint next to authorize, a UUID nonce by default', () => {
    const code = new OktaAuthorizationCode(instance, clientId)
    const pkce = new OktaAuthorizationCodePKCE(instance, clientId, { scope: ['openid', 'offline_access'] })

    expect(code.tokenUrl).to.equal(`https://${instance}/oauth2/default/v1/token`)
    expect(withoutState(code.grantUrl)).to.match(
      new RegExp(
        `^https://${instance.replaceAll('.', '\\.')}/oauth2/default/v1/authorize\\?client_id=${clientId}&scope=openid&response_type=code&state=\\*&${redirect}&nonce=[0-9a-f-]{36}$`,
      ),
    )
    expect(pkce.grantUrl).to.include('scope=openid+offline_access&response_type=code')
    expect(new OktaAuthorizationCode(instance, clientId).grantUrl).to.not.equal(code.grantUrl)
    expect(new OktaAuthorizationCode(instance, clientId).state).to.equal(code.state)
  })

  it('Okta client credentials needs a scope; Okta password grant defaults to openid', () => {
    expect(() => new OktaClientCredentials(instance, clientId, 'secret')).to.throw(ConfigurationError, 'scope is mandatory')
    expect(new OktaClientCredentials(instance, clientId, 'secret', { scope: ['s1', 's2'] }).tokenUrl).to.equal(`https://${instance}/oauth2/default/v1/token`)
    expect(new OktaResourceOwnerPasswordCredentials(instance, 'user', 'pw', clientId, 'secret').tokenUrl).to.equal(
      `https://${instance}/oauth2/default/v1/token`,
    )
    expect(() => new OktaImplicit('https://testserver.okta-emea.com', clientId)).to.throw(ConfigurationError, 'host name')
  })

  it('Entra ID (Azure AD) implicit: the tenant authorize endpoint, as requests-auth builds it', () => {
    const aad = new AzureActiveDirectoryImplicit(tenant, clientId, { nonce })
    const fixture = fixtures.find((entry) => entry.authorizationUrl?.includes('login.microsoftonline.com'))

    expect(aad.grantUrl.replace(`state=${aad.flowState}&`, `state=${aad.state}&`)).to.equal(fixture?.grantUrl)
    expect(EntraIdImplicit).to.equal(AzureActiveDirectoryImplicit)
  })

  it('Entra ID implicit ID token asks for id_token', () => {
    const aad = new AzureActiveDirectoryImplicitIdToken(tenant, clientId, { nonce })

    expect(withoutState(aad.grantUrl)).to.equal(
      `https://login.microsoftonline.com/${tenant}/oauth2/authorize?client_id=${clientId}&response_type=id_token&state=*&${redirect}&nonce=${nonce}`,
    )
    expect(aad.tokenFieldName).to.equal('id_token')
    expect(() => new AzureActiveDirectoryImplicit('', clientId)).to.throw(ConfigurationError, 'tenant_id is mandatory')
  })

  it('WakaTime: its endpoints, scopes joined with commas, the secret kept for the token request', () => {
    const wakaTime = new WakaTimeAuthorizationCode('aPJQV0op6Pu3b66MWDi9b1wB', 'waka_sec_0c5MB', ['email', 'read_stats'])

    expect(withoutState(wakaTime.grantUrl)).to.equal(
      `https://wakatime.com/oauth/authorize?client_id=aPJQV0op6Pu3b66MWDi9b1wB&scope=email%2Cread_stats&response_type=code&state=*&${redirect}`,
    )
    expect(wakaTime.tokenUrl).to.equal('https://wakatime.com/oauth/token')
    expect(() => new WakaTimeAuthorizationCode('id', 'secret', [])).to.throw(ConfigurationError, 'Scope is mandatory')
    expect(() => new WakaTimeAuthorizationCode('id', '', 'email')).to.throw(ConfigurationError, 'client_secret')
  })
})
