import { expect } from 'chai'
import nock from 'nock'
import { inspect } from 'node:util'
import { ConfigurationError, InvalidGrantError, LegacyApplicationClient, OAuth2Service, OAuth2Session } from '../../../lib/index.js'

const endpoints = {
  name: 'example',
  clientId: '123',
  clientSecret: 's3cret-456',
  accessTokenUrl: 'https://example.test/token',
  authorizeUrl: 'https://example.test/authorize',
  baseUrl: 'https://example.test/api/',
}

function thrownBy(run: () => unknown): unknown {
  try {
    run()
  } catch (error) {
    return error
  }
  return undefined
}

describe('OAuth2Session refuses unusable options before any request', () => {
  it('refuses token (requests-oauthlib) and accessToken (rauth) together, naming accessToken', () => {
    const error = thrownBy(() => new OAuth2Session('client-1', { token: { access_token: 'a' }, accessToken: 'b' }))

    expect(error).to.be.instanceOf(ConfigurationError).and.include({ option: 'accessToken' })
  })

  it('asks for a code when fetchToken of the web flow has neither code nor authorizationResponse', async () => {
    let sent = false
    // Optional: the mock is there to catch a request that must not be made.
    const scope = nock('https://idp.test')
      .post('/token')
      .optionally()
      .reply(() => {
        sent = true
        return [200, {}]
      })
    const session = new OAuth2Session('client-1')

    const error = await session.fetchToken('https://idp.test/token').catch((e: unknown) => e)

    expect(error).to.be.instanceOf(ConfigurationError).and.include({ option: 'code' })
    expect(sent).to.equal(false)
    scope.done()
    await session.close()
  })

  it('asks for the password of the password grant, naming the missing one', async () => {
    const session = new OAuth2Session(undefined, { client: new LegacyApplicationClient('client-1') })

    const noPassword = await session.fetchToken('https://idp.test/token', { username: 'alice' }).catch((e: unknown) => e)
    const noUser = await session.fetchToken('https://idp.test/token', { password: 'pw' }).catch((e: unknown) => e)

    expect(noPassword).to.be.instanceOf(ConfigurationError).and.include({ option: 'password' })
    expect(noUser).to.be.instanceOf(ConfigurationError).and.include({ option: 'username' })
    await session.close()
  })

  it('remembers the state of the last authorization URL', () => {
    const session = new OAuth2Session('client-1', { redirectUri: 'https://app.test/cb' })

    const [url, state] = session.authorizationUrl('https://idp.test/authorize')

    expect(session.state).to.equal(state)
    expect(new URL(url).searchParams.get('state')).to.equal(state)
  })
})

describe('OAuth2Service edges (rauth)', () => {
  it('turns an error body without a token into the typed OAuth 2 error', async () => {
    const idp = nock('https://example.test').post('/token').reply(400, { error: 'invalid_grant', error_description: 'code used' })
    await using service = new OAuth2Service(endpoints)

    const error = await service.getAccessToken('POST', { data: { code: 'used' } }).catch((e: unknown) => e)

    expect(error).to.be.instanceOf(InvalidGrantError).and.include({ status: 400, errorDescription: 'code used' })
    idp.done()
  })

  it('refuses data it cannot add the client credentials to', async () => {
    await using service = new OAuth2Service(endpoints)

    const error = await service.getRawAccessToken('POST', { data: 'code=x' } as never).catch((e: unknown) => e)

    expect(error).to.be.instanceOf(ConfigurationError).and.include({ option: 'data' })
  })

  it('falls back to form decoding when a JSON Content-Type carries a form body', async () => {
    const idp = nock('https://example.test').post('/token').reply(200, 'access_token=tok-form&token_type=bearer', { 'Content-Type': 'application/json' })
    await using service = new OAuth2Service(endpoints)

    const token = await service.getAccessToken('POST', { data: { code: 'c' } })

    expect(token).to.equal('tok-form')
    idp.done()
  })

  it('shows its name, never its secret, and still gives the secret to code that asks', () => {
    const service = new OAuth2Service(endpoints)

    expect(String(service)).to.equal('<OAuth2Service example>')
    expect(inspect(service)).to.not.include('s3cret-456')
    expect(service.clientSecret).to.equal('s3cret-456')
  })
})
