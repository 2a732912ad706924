import { expect } from 'chai'
import nock from 'nock'
import { ConfigurationError, MismatchingStateError, OAuth2Session } from '../../../lib/index.js'

const TOKEN_URL = 'https://idp.example/token'

describe('state and PKCE verifier are single use', () => {
  it('refuses the same callback twice, and sends the verifier with one exchange only', async () => {
    const verifiers: (string | null)[] = []
    const scope = nock('https://idp.example')
      .post('/token')
      .reply(200, (_uri, body) => {
        verifiers.push(new URLSearchParams(String(body)).get('code_verifier'))
        return { access_token: 'at-1', token_type: 'Bearer' }
      })
    const session = new OAuth2Session('client-1', { redirectUri: 'https://app.example/cb' })
    const [, state] = session.authorizationUrl('https://idp.example/authorize')
    const callback = `https://app.example/cb?code=c1&state=${state}`

    await session.fetchToken(TOKEN_URL, { authorizationResponse: callback })
    const replayed = await session.fetchToken(TOKEN_URL, { authorizationResponse: callback }).catch((error: unknown) => error)
    const second = await session.fetchToken(TOKEN_URL, { code: 'c2' }).catch((error: unknown) => error)

    expect(replayed).to.be.instanceOf(MismatchingStateError)
    // The spent verifier is not sent again, and with PKCE on a code without one is refused before any traffic.
    expect(second).to.be.instanceOf(ConfigurationError).and.include({ option: 'codeVerifier' })
    expect(verifiers).to.have.length(1)
    expect(verifiers[0]).to.be.a('string').with.length(64)
    scope.done()
  })

  it('takes a new callback once a new authorization URL was made', async () => {
    const scope = nock('https://idp.example').post('/token').twice().reply(200, { access_token: 'at-1', token_type: 'Bearer' })
    const session = new OAuth2Session('client-1', { redirectUri: 'https://app.example/cb', pkce: false })

    const [, first] = session.authorizationUrl('https://idp.example/authorize')
    await session.fetchToken(TOKEN_URL, { authorizationResponse: `https://app.example/cb?code=c1&state=${first}` })
    const [, second] = session.authorizationUrl('https://idp.example/authorize')
    const token = await session.fetchToken(TOKEN_URL, { authorizationResponse: `https://app.example/cb?code=c2&state=${second}` })

    expect(token.access_token).to.equal('at-1')
    scope.done()
  })
})
