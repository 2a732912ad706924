import { expect } from 'chai'
import { inspect } from 'node:util'
import { HeaderMap, OAuth2Session } from '../../../lib/index.js'
import { redactUrl } from '../../../lib/security/redact-url.js'
import { isSecretTokenKey } from '../../../lib/security/secret-names.js'

describe('the one list of secret names', () => {
  it('redacts the same names in URLs, in token objects and in headers', () => {
    const url = redactUrl('https://idp.example/cb?device_code=dc-1&assertion=jwt-1&state=s1#access_token=at-1&token_type=Bearer')
    const session = new OAuth2Session('client-1', { token: { access_token: 'at-1', token_type: 'Bearer', id_token: 'it-1', device_code: 'dc-1' } })
    const headers = new HeaderMap({ Authorization: 'Bearer at-1', 'Set-Cookie': 'sid=1', Accept: 'application/json' })

    const shown = inspect(session, { depth: 5 })

    expect(url).to.equal('https://idp.example/cb?device_code=[redacted]&assertion=[redacted]&state=s1#access_token=[redacted]&token_type=Bearer')
    expect(shown).to.include('Bearer').and.not.include('at-1').and.not.include('it-1').and.not.include('dc-1')
    expect(headers.toJSON()).to.deep.equal({ Authorization: '[redacted]', 'Set-Cookie': '[redacted]', Accept: 'application/json' })
  })

  it('treats provider-specific token keys as secret but never token_type', () => {
    expect(['signed_request_token', 'client_secret', 'authorization_code', 'Refresh_Token'].every(isSecretTokenKey)).to.equal(true)
    expect(['token_type', 'expires_in', 'scope'].some(isSecretTokenKey)).to.equal(false)
  })
})
