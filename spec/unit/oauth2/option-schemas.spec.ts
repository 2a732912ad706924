import { expect } from 'chai'
import nock from 'nock'
import { AbortError, BackendApplicationClient, OAuth2Service, OAuth2Session, OflyService, OflySession } from '../../../lib/index.js'
import { configurationError, configurationRejection } from '../../support/expect-configuration-error.js'
import { trafficCounter } from '../../support/traffic-counter.js'

function clientCredentials(): OAuth2Session {
  return new OAuth2Session('client-1', { client: new BackendApplicationClient('client-1'), clientSecret: 'secret-1' })
}

describe('OAuth2Session options from schemas', () => {
  it('names the camelCase form of a snake_case option, and never the value', async () => {
    const error = await configurationRejection(
      () => new OAuth2Session('id', { client_secret_value: 'x', redirect_uri: 'https://app.example/cb-secret' } as never),
    )

    expect(error.message).to.include("'redirect_uri'").and.include("'redirectUri'").and.not.include('cb-secret')
  })

  it('refuses a scope that is neither text nor a list of text (was a TypeError)', async () => {
    const error = await configurationRejection(() => new OAuth2Session('id', { scope: 42 as never }))

    expect(error.option).to.equal('scope')
  })

  it('refuses a token whose accessTokenKey field is not text, as an option and when set, keeping the old token', () => {
    const given = { oauth_token: 42 } as never
    const fromOption = configurationError(() => new OAuth2Session('id', { accessTokenKey: 'oauth_token', token: given }))
    const session = new OAuth2Session('id', { accessTokenKey: 'oauth_token', token: { oauth_token: 'ot-1' } })
    const fromSetter = configurationError(() => {
      session.token = given
    })

    expect([fromOption.option, fromSetter.option]).to.deep.equal(['token.oauth_token', 'token.oauth_token'])
    expect(fromOption.message).to.include('Invalid OAuth2Session options').and.not.include('42')
    expect(fromSetter.message).to.include('OAuth2Session.token').and.not.include('42')
    expect(session.token).to.deep.equal({ oauth_token: 'ot-1' })
  })

  it('knows its own per-request options, and names withholdToken for withhold_token before any traffic', async () => {
    const session = new OAuth2Session('id', { accessToken: 'at-1' })
    const traffic = trafficCounter()
    try {
      const error = await configurationRejection(() => session.get('https://api.example/me', { withhold_token: true } as never))

      expect(error.message).to.include("'withholdToken'")
      expect(traffic.count).to.equal(0)
    } finally {
      traffic.stop()
    }
  })
})

describe('fetchToken and refreshToken extras: wire values only', () => {
  it('refuses a request setting among the token parameters instead of sending it', async () => {
    const error = await configurationRejection(() => clientCredentials().fetchToken('https://idp.example/token', { allowRedirects: false }))

    expect(error.option).to.equal('allowRedirects')
  })

  it('refuses a value that cannot go on the wire', async () => {
    const error = await configurationRejection(() => clientCredentials().fetchToken('https://idp.example/token', { audience: { api: 'x' } }))

    expect(error.option).to.equal('audience')
  })

  it("points requests-oauthlib's refresh_token keyword to refreshToken", async () => {
    const session = new OAuth2Session('id', { token: { access_token: 'a', refresh_token: 'rt-0' } })

    const error = await configurationRejection(() => session.refreshToken('https://idp.example/token', { refresh_token: 'rt-1' }))

    expect(error.message).to.include("'refreshToken'").and.not.include('rt-1')
  })

  it('uses a signal to end the request and never sends it as a parameter', async () => {
    const scope = nock('https://idp.example')
      .post('/token', (body: Record<string, string>) => body.grant_type === 'client_credentials' && body.audience === 'api' && !('signal' in body))
      .reply(200, { access_token: 'at-1', token_type: 'Bearer' })
    const aborted = new AbortController()
    aborted.abort()

    const token = await clientCredentials().fetchToken('https://idp.example/token', { audience: 'api', signal: new AbortController().signal })
    const error = await clientCredentials()
      .fetchToken('https://idp.example/token', { signal: aborted.signal })
      .catch((caught: unknown) => caught)

    expect(token.access_token).to.equal('at-1')
    expect(error).to.be.instanceOf(AbortError)
    scope.done()
  })
})

describe('service and Ofly options from schemas', () => {
  it('checks the session options a service is given, naming the nested camelCase form', async () => {
    const error = await configurationRejection(
      () => new OAuth2Service({ clientId: 'id', clientSecret: 'secret', sessionOptions: { token_updater: () => undefined } as never }),
    )

    expect(error.message).to.include("'sessionOptions.token_updater'").and.include("'sessionOptions.tokenUpdater'")
  })

  it("knows OflySession's per-request userId and hashMeth, and names hashMeth for hash_meth before any traffic", async () => {
    const session = new OflySession('app', 'secret', 'user-1')

    const error = await configurationRejection(() => session.get('https://api.example/me', { hash_meth: 'md5' } as never))
    const unknownService = await configurationRejection(() => new OflyService({ appId: 'app', appSecret: 'secret', app_secret: 'x' } as never))

    expect(error.message).to.include("'hashMeth'")
    expect(unknownService.message).to.include("'appSecret'").and.not.include("'x'")
  })
})

describe('OAuth2Session settings assigned after construction (#14, constructor options)', () => {
  it('refuses a wrong autoRefreshUrl or tokenUpdater with ConfigurationError naming it, and keeps the old value', () => {
    const session = new OAuth2Session('client-1', { autoRefreshUrl: 'https://idp.test/token', tokenUpdater: () => undefined })
    for (const value of ['not a url', 5, 'ftp://idp.test/token']) {
      const error = configurationError(() => {
        session.autoRefreshUrl = value as string
      })
      expect(error.option).to.equal('autoRefreshUrl')
    }
    expect(session.autoRefreshUrl).to.equal('https://idp.test/token')
    const error = configurationError(() => {
      session.tokenUpdater = 'fn' as never
    })
    expect(error.option).to.equal('tokenUpdater')
    expect(session.tokenUpdater).to.be.a('function')

    session.autoRefreshUrl = undefined
    session.tokenUpdater = undefined
    expect(session.autoRefreshUrl).to.equal(undefined)
  })
})
