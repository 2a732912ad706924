import { expect } from 'chai'
import nock from 'nock'
import { MismatchingStateError, OAuth2Session } from '../../../lib/index.js'
import { trafficCounter } from '../../support/traffic-counter.js'

const TOKEN_URL = 'https://idp.example/token'

function callbackSession(): OAuth2Session {
  // requests-oauthlib's two-request pattern: the callback handler rebuilds the session with the saved state.
  return new OAuth2Session('client-1', { state: 'saved-state', redirectUri: 'https://app.example/cb', pkce: false })
}

describe("the constructor's state", () => {
  it('refuses a callback with another state or with none, before any token request', async () => {
    const traffic = trafficCounter()
    try {
      const wrong = await callbackSession()
        .fetchToken(TOKEN_URL, { authorizationResponse: 'https://app.example/cb?code=c1&state=forged' })
        .catch((error: unknown) => error)
      const missing = await callbackSession()
        .fetchToken(TOKEN_URL, { authorizationResponse: 'https://app.example/cb?code=c1' })
        .catch((error: unknown) => error)

      expect(wrong).to.be.instanceOf(MismatchingStateError)
      expect(missing).to.be.instanceOf(MismatchingStateError)
      expect(traffic.count).to.equal(0)
    } finally {
      traffic.stop()
    }
  })

  it('exchanges the code of a callback that carries it', async () => {
    const scope = nock('https://idp.example')
      .post('/token', (body: Record<string, string>) => body.code === 'c1' && body.grant_type === 'authorization_code')
      .reply(200, { access_token: 'at-1', token_type: 'Bearer' })

    const token = await callbackSession().fetchToken(TOKEN_URL, { authorizationResponse: 'https://app.example/cb?code=c1&state=saved-state' })

    expect(token.access_token).to.equal('at-1')
    scope.done()
  })
})
