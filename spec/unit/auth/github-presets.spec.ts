import { expect } from 'chai'
import nock from 'nock'
import { ConfigurationError, GitHubAuthorizationCode, GitHubDeviceCode, Session, TokenMissingError, TokenRequestError } from '../../../lib/index.js'
import { BrowserMock, type TokenCacheHandle, useTokenCache } from '../../../lib/testing/index.js'
import { steppingClock } from '../../support/fake-clock.js'
import { freePort } from '../../support/free-port.js'

const GRANT = 'urn:ietf:params:oauth:grant-type:device_code'
const FORM = 'application/x-www-form-urlencoded;charset=UTF-8'

describe('GitHub presets on the wire (nock; nothing reaches github.com)', () => {
  let cache: TokenCacheHandle
  let session: Session
  beforeEach(() => {
    cache = useTokenCache()
    session = new Session()
  })
  afterEach(async () => {
    await session.close()
    cache.restore()
    nock.cleanAll()
  })

  it('GitHubDeviceCode: client_id in the body, Accept JSON on both requests, polling through GitHub 200 answers', async () => {
    const clock = steppingClock()
    const printed: string[] = []
    const github = nock('https://github.com')
      .post('/login/device/code', 'client_id=Iv1.abc&scope=read%3Auser')
      .matchHeader('accept', 'application/json')
      .matchHeader('content-type', FORM)
      .matchHeader('authorization', (value) => value === undefined)
      .reply(200, { device_code: 'dc-1', user_code: 'WDJB-MJHT', verification_uri: 'https://github.com/login/device', expires_in: 899, interval: 5 })
    const poll = `grant_type=${encodeURIComponent(GRANT)}&device_code=dc-1&client_id=Iv1.abc`
    for (const answer of [
      { error: 'authorization_pending' },
      { error: 'slow_down', interval: 10 },
      { access_token: 'gho_1', token_type: 'bearer', scope: 'read:user' },
    ]) {
      github.post('/login/oauth/access_token', poll).matchHeader('accept', 'application/json').matchHeader('content-type', FORM).reply(200, answer)
    }
    const api = nock('https://api.github.com').get('/user').matchHeader('authorization', 'Bearer gho_1').reply(200, { login: 'octocat' })
    const auth = new GitHubDeviceCode('Iv1.abc', { scope: ['read:user'], clock, output: { write: (text) => printed.push(text) } })

    const user = (await session.get('https://api.github.com/user', { auth })).json()

    expect(user).to.deep.equal({ login: 'octocat' })
    expect(clock.waits).to.deep.equal([5000, 5000, 10_000])
    expect(printed).to.deep.equal(['Open https://github.com/login/device and enter the code WDJB-MJHT\n'])
    expect(auth).to.include({ deviceAuthorizationUrl: 'https://github.com/login/device/code', tokenUrl: 'https://github.com/login/oauth/access_token' })
    github.done()
    api.done()
  })

  it('GitHubDeviceCode: with a client secret (a GitHub App refreshing), both go in the body, as GitHub documents', async () => {
    const auth = new GitHubDeviceCode('Iv1.abc', { clientSecret: 'app-secret' })
    await cache.cache.set(auth.state, { access_token: 'old', expires_at: Date.now() / 1000 - 1, refresh_token: 'ghr_1' })
    const github = nock('https://github.com')
      .post('/login/oauth/access_token', 'grant_type=refresh_token&client_id=Iv1.abc&client_secret=app-secret&refresh_token=ghr_1')
      .matchHeader('accept', 'application/json')
      .matchHeader('authorization', (value) => value === undefined)
      .reply(200, { access_token: 'ghu_2', token_type: 'bearer', expires_in: 28_800, refresh_token: 'ghr_2' })
    nock('https://api.github.com').get('/user').matchHeader('authorization', 'Bearer ghu_2').reply(200)

    await session.get('https://api.github.com/user', { auth })

    github.done()
  })

  it('GitHubDeviceCode is a ConfigurationError naming clientId without one', () => {
    expect(() => new GitHubDeviceCode(''))
      .to.throw(ConfigurationError)
      .with.property('option', 'clientId')
  })

  describe('GitHubAuthorizationCode', () => {
    let browser: BrowserMock
    let port: number
    beforeEach(async () => {
      browser = new BrowserMock().install()
      port = await freePort()
    })
    afterEach(() => browser.restore())

    it('sends the browser to GitHub without the secret, and exchanges the code with it, asking for JSON', async () => {
      const auth = new GitHubAuthorizationCode('Iv1.abc', 'web-secret', { scope: 'read:user', redirectUriPort: port })
      browser.addResponse({ openedUrl: auth.grantUrl, replyUrl: `http://localhost:${port}/?code=c0de&state=${auth.flowState}` })
      const redirect = encodeURIComponent(`http://localhost:${port}/`)
      const github = nock('https://github.com')
        .post(
          '/login/oauth/access_token',
          `grant_type=authorization_code&redirect_uri=${redirect}&client_id=Iv1.abc&client_secret=web-secret&scope=read%3Auser&response_type=code&code=c0de`,
        )
        .matchHeader('accept', 'application/json')
        .reply(200, { access_token: 'gho_web', token_type: 'bearer', scope: 'read:user' })
      nock('https://api.github.com').get('/user').matchHeader('authorization', 'Bearer gho_web').reply(200)

      await session.get('https://api.github.com/user', { auth })

      expect(auth.grantUrl).to.match(/^https:\/\/github\.com\/login\/oauth\/authorize\?client_id=Iv1\.abc&scope=read%3Auser&response_type=code&state=/)
      expect(auth.grantUrl).to.not.include('web-secret')
      github.done()
    })

    it("reads GitHub's HTTP 200 refusal as the typed error, not a missing token", async () => {
      const auth = new GitHubAuthorizationCode('Iv1.abc', 'web-secret', { redirectUriPort: port })
      browser.addResponse({ openedUrl: auth.grantUrl, replyUrl: `http://localhost:${port}/?code=used&state=${auth.flowState}` })
      const github = nock('https://github.com')
        .post('/login/oauth/access_token')
        .reply(200, 'error=bad_verification_code&error_description=The+code+passed+is+incorrect+or+expired.', {
          'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
        })

      const error = await session.get('https://api.github.com/user', { auth }).catch((e: unknown) => e)

      expect(error).to.be.instanceOf(TokenRequestError).and.not.be.instanceOf(TokenMissingError)
      expect(error).to.include({ error: 'bad_verification_code', errorDescription: 'The code passed is incorrect or expired.' })
      github.done()
    })

    it('is a ConfigurationError naming clientSecret without one', () => {
      expect(() => new GitHubAuthorizationCode('Iv1.abc', ''))
        .to.throw(ConfigurationError)
        .with.property('option', 'clientSecret')
    })
  })
})
