import { expect } from 'chai'
import { ConfigurationError, OAuth1Session, OAuth2AuthorizationCode, OAuth2ClientCredentials, OAuth2Handler, OAuth2Session } from '../../../lib/index.js'
import { configurationError, configurationRejection } from '../../support/expect-configuration-error.js'

describe('malformed URLs given by the caller', () => {
  it('are ConfigurationErrors naming the argument, not raw TypeErrors', async () => {
    const oauth2 = new OAuth2Session('client-1')
    const oauth1 = new OAuth1Session('key', 'secret')

    const errors = [
      configurationError(() => oauth2.authorizationUrl('idp.example.com/authorize')),
      configurationError(() => oauth1.authorizationUrl('::bad')),
      configurationError(() => oauth1.parseAuthorizationResponse('::bad')),
      await configurationRejection(() => oauth2.fetchToken('https://idp.example/token', { authorizationResponse: 'cb?code=secret-code' })),
    ]

    expect(errors.map((error) => error.option)).to.deep.equal(['url', 'url', 'url', 'authorizationResponse'])
    for (const error of errors) expect(error).to.be.instanceOf(ConfigurationError)
    expect(errors[3]?.message).to.not.include('secret-code')
  })

  it('never quote the value: a malformed URL cannot be redacted reliably, and its query or user info may be a secret', async () => {
    const secret = 'SECRET-41c7'
    const handler = new OAuth2Handler('client-1', 'client-secret', `http://[${secret}`, 'http://localhost/cb')

    const errors = [
      configurationError(() => new OAuth2ClientCredentials(`/t?${secret}`, 'client-1', 'client-secret')),
      configurationError(() => new OAuth2ClientCredentials(`/t?client_secret=${secret}`, 'client-1', 'client-secret')),
      configurationError(() => new OAuth2AuthorizationCode(`https://user:${secret}@[::1/authorize`, 'https://idp.example/token')),
      configurationError(() => new OAuth2Session('client-1').authorizationUrl(`idp.example.com/authorize?${secret}`)),
      await configurationRejection(() => handler.getToken('code')),
    ]

    expect(errors.map((error) => error.option)).to.deep.equal(['tokenUrl', 'tokenUrl', 'authorizationUrl', 'url', 'url'])
    for (const error of errors) expect(`${error.message} ${error.stack}`).to.include('absolute URL').and.not.include(secret)
    expect(errors[0]?.message).to.include('no scheme')
    expect(errors[4]?.message).to.include('does not parse')
    await handler.close()
  })
})
