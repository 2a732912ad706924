import { expect } from 'chai'
import { ConfigurationError, OAuth1Session, OAuth2Session } from '../../../lib/index.js'
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
})
