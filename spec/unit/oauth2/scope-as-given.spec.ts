import { expect } from 'chai'
import nock from 'nock'
import { BackendApplicationClient, LegacyApplicationClient, OAuth2Session } from '../../../lib/index.js'

const TOKEN_URL = 'https://idp.example/token'

/** Answers one token request and records its form body. */
function tokenBodies(times = 1): { bodies: URLSearchParams[]; scope: nock.Scope } {
  const bodies: URLSearchParams[] = []
  const scope = nock('https://idp.example')
    .post('/token')
    .times(times)
    .reply(200, (_uri, body) => {
      bodies.push(new URLSearchParams(String(body)))
      return { access_token: 'at-1', token_type: 'Bearer', refresh_token: 'rt-1' }
    })
  return { bodies, scope }
}

describe('a scope given as text is sent as given; a list is joined with spaces (oauthlib list_to_scope)', () => {
  for (const [given, sent] of [
    ['a,b', 'a,b'],
    ['user:email,repo', 'user:email,repo'],
    ['openid  profile', 'openid  profile'],
    [['a', 'b'], 'a b'],
  ] as const) {
    it(`sends ${JSON.stringify(given)} as '${sent}' in the authorization URL, the password and client credentials grants and a refresh`, async () => {
      const { bodies, scope } = tokenBodies(3)
      const web = new OAuth2Session('client-1', { scope: given, redirectUri: 'https://app.example/cb', pkce: false })
      const password = new OAuth2Session('client-1', { scope: given, client: new LegacyApplicationClient('client-1') })
      const backend = new OAuth2Session('client-1', { scope: given, client: new BackendApplicationClient('client-1'), relaxTokenScope: true })

      const [url] = web.authorizationUrl('https://idp.example/authorize')
      await password.fetchToken(TOKEN_URL, { username: 'u', password: 'p' })
      await backend.fetchToken(TOKEN_URL)
      await password.refreshToken(TOKEN_URL)

      expect(new URL(url).searchParams.get('scope')).to.equal(sent)
      expect(bodies.map((body) => body.get('scope'))).to.deep.equal([sent, sent, sent])
      expect(web.scope).to.deep.equal(given)
      scope.done()
    })
  }

  it('compares a granted scope with the one asked for by its items, so a comma list granted back is no scope change', async () => {
    const scope = nock('https://idp.example').post('/token').reply(200, { access_token: 'at-1', token_type: 'Bearer', scope: 'repo,gist' })
    const session = new OAuth2Session('client-1', { scope: 'repo,gist', client: new BackendApplicationClient('client-1') })

    const token = await session.fetchToken(TOKEN_URL)

    expect(token.scope).to.deep.equal(['repo', 'gist'])
    scope.done()
  })
})
