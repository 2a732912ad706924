import { expect } from 'chai'
import nock from 'nock'
import { inspect } from 'node:util'
import { AbortError, ConfigurationError, MismatchingStateError, OAuth2Handler, OAuth2Session } from '../../../lib/index.js'
import { trafficCounter } from '../../support/traffic-counter.js'

const TOKEN_URL = 'https://idp.test/token'

describe('authorization callbacks and refreshes the attacker review broke (#14, attacks 2, 9, 14)', () => {
  it('refuses any callback while the state is still a generator no authorization URL called (as requests-oauthlib)', async () => {
    const session = new OAuth2Session('cid', { state: () => 'GEN', pkce: false })
    const traffic = trafficCounter()
    try {
      for (const callback of ['https://app.test/cb?code=EVIL', 'https://app.test/cb?code=EVIL&state=GEN']) {
        const error = await session.fetchToken(TOKEN_URL, { authorizationResponse: callback }).catch((e: unknown) => e)
        expect(error, callback).to.be.instanceOf(MismatchingStateError)
      }
      expect(traffic.count).to.equal(0)
    } finally {
      traffic.stop()
      await session.close()
    }
  })

  it('refuses a callback that repeats state or code (RFC 6749 §3.1), whichever copy matches', async () => {
    const traffic = trafficCounter()
    try {
      const cases: [query: string, ErrorClass: typeof MismatchingStateError | typeof ConfigurationError][] = [
        ['code=c&state=EVIL&state=SAVED', MismatchingStateError],
        ['code=c&state=SAVED&state=EVIL', MismatchingStateError],
        ['code=c&state=SAVED&code=d', ConfigurationError],
      ]
      for (const [query, ErrorClass] of cases) {
        const session = new OAuth2Session('cid', { state: 'SAVED', pkce: false })
        const error = await session.fetchToken(TOKEN_URL, { authorizationResponse: `https://app.test/cb?${query}` }).catch((e: unknown) => e)
        expect(error, query).to.satisfy((e: unknown) => e instanceof MismatchingStateError || e instanceof ConfigurationError)
        // A repeated state is a state mismatch, whichever copy matches; a repeated code is bad input.
        expect(error, query).to.be.instanceOf(ErrorClass)
        expect((error as Error).message, query).to.include('more than once')
        await session.close()
      }
      expect(traffic.count).to.equal(0)
    } finally {
      traffic.stop()
    }
  })

  it('ends a refreshToken() call that joins a running automatic refresh when its own signal aborts', async () => {
    // The automatic refresh's token endpoint answers after a while; the explicit call must not wait for it.
    nock('https://idp.test').post('/token').delay(400).reply(200, { access_token: 'new', token_type: 'Bearer', refresh_token: 'rt-2', expires_in: 3600 })
    nock('https://api.test').get('/me').reply(200, 'ok')
    const session = new OAuth2Session('cid', {
      token: { access_token: 'old', token_type: 'Bearer', refresh_token: 'rt-1', expires_at: 1 },
      autoRefreshUrl: TOKEN_URL,
      tokenUpdater: () => undefined,
    })
    try {
      const automatic = session.get('https://api.test/me')
      await new Promise((resolve) => setTimeout(resolve, 20))
      const started = Date.now()
      const error = await session.refreshToken(TOKEN_URL, { signal: AbortSignal.timeout(50) }).catch((e: unknown) => e)

      expect(error).to.be.instanceOf(AbortError)
      expect(Date.now() - started).to.be.below(300)
      expect((await automatic).text).to.equal('ok')
      expect(session.token.refresh_token).to.equal('rt-2')
    } finally {
      await session.close()
    }
  })

  it('keeps a credential in baseUrl out of util.inspect, as toJSON does', async () => {
    const session = new OAuth2Session('cid', {
      token: { access_token: 'ATOKENzz', token_type: 'Bearer' },
      baseUrl: 'https://h.test/?my_tk=ATOKENzz&access_token=ATOKENzz',
      accessTokenKey: 'my_tk',
    })
    try {
      expect(inspect(session, { depth: 10 })).to.not.include('ATOKENzz')
      expect(JSON.stringify(session)).to.not.include('ATOKENzz')
    } finally {
      await session.close()
    }
  })
})

describe("requests-oauth2's handler in logs (#14, attack 10)", () => {
  it('shows site and redirect URI redacted', () => {
    const handler = new OAuth2Handler('client', 'secret-h', 'https://bot:pw-site-3@idp.test/?access_token=tok-site-3', 'https://app.test/cb?code=code-site-3')
    const shown = `${JSON.stringify(handler)} ${inspect(handler)}`
    expect(shown).to.include('idp.test').and.not.include('pw-site-3').and.not.include('tok-site-3').and.not.include('code-site-3').and.not.include('secret-h')
  })
})
