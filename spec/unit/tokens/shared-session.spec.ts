import { inspect } from 'node:util'
import { expect } from 'chai'
import nock from 'nock'
import {
  BackendApplicationClient,
  ConfigurationError,
  InvalidGrantError,
  LegacyApplicationClient,
  MemoryTokenStore,
  OAuth2Service,
  OAuth2Session,
  type OAuth2Token,
  ReauthorizationRequiredError,
  ScopeChangedWarning,
  type TokenLease,
  type TokenStore,
  TokenStoreUnavailableError,
  TimeoutError,
  tokenKeyFor,
} from '../../../lib/index.js'
import { API, DownStore, expired, KEY, rotatingEndpoint, TOKEN_URL, valid, worker } from '../../support/shared-token-fixtures.js'

describe('OAuth2Session with a tokenStore (#16)', () => {
  it('refreshes once for every session that shares an expired token, and each uses the new one', async () => {
    const store = new MemoryTokenStore()
    await store.set(KEY, expired(1))
    const spent: string[] = []
    const idp = rotatingEndpoint(spent, 30)
    nock(API).get('/me').times(12).matchHeader('authorization', 'Bearer at-2').reply(200, 'ok')
    const updates: OAuth2Token[] = []
    const sessions = [0, 1, 2].map(() => worker(store, { tokenUpdater: (token: OAuth2Token) => void updates.push(token) }))

    const answers = await Promise.all(sessions.flatMap((session) => [0, 1, 2, 3].map(() => session.get(`${API}/me`))))

    expect(answers.map((answer) => answer.status)).to.deep.equal(new Array(12).fill(200))
    expect(spent).to.deep.equal(['rt-1'])
    expect(updates.map((token) => token.refresh_token)).to.deep.equal(['rt-2'])
    const stored = await store.get(KEY)
    expect(stored?.version).to.equal(2)
    expect(stored?.token.refresh_token).to.equal('rt-2')
    for (const session of sessions) expect(session.token.access_token).to.equal('at-2')
    nock.removeInterceptor(idp)
  })

  it('starts from the stored token when built without one, and sends no token request', async () => {
    const store = new MemoryTokenStore()
    await store.set(KEY, valid(7))
    const api = nock(API).get('/me').matchHeader('authorization', 'Bearer at-7').reply(200, 'ok')

    const session = worker(store)
    const answer = await session.get(`${API}/me`)

    expect(answer.text).to.equal('ok')
    expect(session.token.access_token).to.equal('at-7')
    api.done()
  })

  it('sends no token at all when neither the session nor the store has one, as without a store', async () => {
    const api = nock(API)
      .get('/public')
      .reply(function () {
        return [200, this.req.headers.authorization === undefined ? 'no token' : 'token']
      })

    const answer = await worker(new MemoryTokenStore()).get(`${API}/public`)

    expect(answer.text).to.equal('no token')
    api.done()
  })

  it("takes a peer's newer token instead of refreshing the expired one it holds", async () => {
    const store = new MemoryTokenStore()
    await store.set(KEY, valid(5))
    const api = nock(API).get('/me').matchHeader('authorization', 'Bearer at-5').reply(200, 'ok')
    const session = worker(store, { token: expired(4) })

    await session.get(`${API}/me`)

    expect(session.token.refresh_token).to.equal('rt-5')
    api.done()
  })

  it('waits while a peer holds the lease, then uses the token the peer wrote, without a refresh of its own', async () => {
    const store = new MemoryTokenStore()
    const first = await store.set(KEY, expired(1))
    const peerLease = (await store.lease(KEY, 10_000)) as TokenLease
    const api = nock(API).get('/me').matchHeader('authorization', 'Bearer at-9').reply(200, 'ok')
    const session = worker(store)

    const answer = session.get(`${API}/me`)
    await new Promise((resolve) => setTimeout(resolve, 100))
    await store.set(KEY, valid(9), { ifVersion: first?.version ?? 0 })
    await peerLease.release()

    expect((await answer).text).to.equal('ok')
    api.done()
  })

  it('gives up waiting after refreshWaitMs: TokenStoreUnavailableError (wait) by default, or its own refresh with proceed', async () => {
    const store = new MemoryTokenStore()
    await store.set(KEY, expired(1))
    await store.lease(KEY, 60_000)

    const started = Date.now()
    const error = await worker(store, { refreshWaitMs: 200 })
      .get(`${API}/me`)
      .catch((caught: unknown) => caught)

    expect(error).to.be.instanceOf(TokenStoreUnavailableError)
    expect((error as TokenStoreUnavailableError).operation).to.equal('wait')
    expect((error as Error).message).to.include('refreshWaitMs')
    expect(Date.now() - started).to.be.below(2000)

    const spent: string[] = []
    const idp = rotatingEndpoint(spent)
    nock(API).get('/me').matchHeader('authorization', 'Bearer at-2').reply(200, 'ok')
    const answer = await worker(store, { refreshWaitMs: 100, onStoreUnavailable: 'proceed' }).get(`${API}/me`)
    expect(answer.text).to.equal('ok')
    expect(spent).to.deep.equal(['rt-1'])
    nock.removeInterceptor(idp)
  })

  it('takes over the lease of a holder that died once its TTL passes', async () => {
    const store = new MemoryTokenStore()
    await store.set(KEY, expired(1))
    await store.lease(KEY, 300) // never released: its holder died
    const spent: string[] = []
    const idp = rotatingEndpoint(spent)
    nock(API).get('/me').matchHeader('authorization', 'Bearer at-2').reply(200, 'ok')

    const answer = await worker(store).get(`${API}/me`)

    expect(answer.text).to.equal('ok')
    expect(spent).to.deep.equal(['rt-1'])
    nock.removeInterceptor(idp)
  })

  it('raises ReauthorizationRequiredError for a refused refresh when the store holds nothing newer', async () => {
    const store = new MemoryTokenStore()
    await store.set(KEY, expired(1))
    const idp = nock('https://idp.example').post('/token').reply(400, { error: 'invalid_grant', error_description: 'grant revoked' })

    const error = (await worker(store)
      .get(`${API}/me`)
      .catch((caught: unknown) => caught)) as ReauthorizationRequiredError

    expect(error).to.be.instanceOf(ReauthorizationRequiredError)
    expect(error).to.be.instanceOf(InvalidGrantError)
    expect(error.code).to.equal('ERR_REAUTHORIZATION_REQUIRED')
    expect(error.error).to.equal('invalid_grant')
    expect(error.errorDescription).to.equal('grant revoked')
    expect(error.status).to.equal(400)
    expect(error.tokenKey).to.equal(KEY)
    expect(error.message).to.not.include('rt-1')
    // The lease was released: the next attempt may take it at once.
    const lease = await store.lease(KEY, 1000)
    expect(lease).to.not.equal(undefined)
    idp.done()
  })

  it('does not send a refused refresh token again: later requests raise ReauthorizationRequiredError at once, until a peer writes a new token', async () => {
    const store = new MemoryTokenStore()
    await store.set(KEY, expired(1))
    const idp = nock('https://idp.example').post('/token').once().reply(400, { error: 'invalid_grant' })
    const session = worker(store)

    for (let attempt = 0; attempt < 3; attempt++) {
      const error = await session.get(`${API}/me`).catch((caught: unknown) => caught)
      expect(error, `attempt ${attempt}`).to.be.instanceOf(ReauthorizationRequiredError)
    }
    idp.done()
    const current = await store.get(KEY)
    await store.set(KEY, valid(5), { ifVersion: current?.version ?? 0 })
    nock(API).get('/me').matchHeader('authorization', 'Bearer at-5').reply(200, 'ok')

    expect((await session.get(`${API}/me`)).text).to.equal('ok')
  })

  it('uses the token a peer wrote while its own refresh was being refused, instead of raising', async () => {
    const store = new MemoryTokenStore()
    await store.set(KEY, expired(1))
    const idp = nock('https://idp.example')
      .post('/token')
      .reply(async () => {
        // A peer whose lease had run out rotated the grant meanwhile.
        const current = await store.get(KEY)
        await store.set(KEY, valid(3), { ifVersion: current?.version ?? 0 })
        return [400, { error: 'invalid_grant' }]
      })
    const api = nock(API).get('/me').matchHeader('authorization', 'Bearer at-3').reply(200, 'ok')

    const answer = await worker(store).get(`${API}/me`)

    expect(answer.text).to.equal('ok')
    idp.done()
    api.done()
  })

  it('never throws TokenUpdated with a store: the store is where the new token goes', async () => {
    const store = new MemoryTokenStore()
    await store.set(KEY, expired(1))
    const spent: string[] = []
    const idp = rotatingEndpoint(spent)
    nock(API).get('/me').reply(200, 'ok')

    const answer = await worker(store).get(`${API}/me`)

    expect(answer.text).to.equal('ok')
    expect((await store.get(KEY))?.token.access_token).to.equal('at-2')
    nock.removeInterceptor(idp)
  })

  it('fails with TokenStoreUnavailableError before any traffic when the store is down and the token has a refresh token', async () => {
    const store = new DownStore()

    const error = await worker(store, { token: expired(1) })
      .get(`${API}/me`)
      .catch((caught: unknown) => caught)

    expect(error).to.be.instanceOf(TokenStoreUnavailableError)
    expect(store.calls).to.be.greaterThan(0)
  })

  it('keeps using a valid token it holds while the store is down', async () => {
    const api = nock(API).get('/me').times(2).matchHeader('authorization', 'Bearer at-1').reply(200, 'ok')
    const session = worker(new DownStore(), { token: valid(1) })

    await session.get(`${API}/me`)
    await new Promise((resolve) => setTimeout(resolve, 1100))
    const answer = await session.get(`${API}/me`)

    expect(answer.text).to.equal('ok')
    api.done()
  })

  it("picks up a peer's newer token within a second even while its own is valid", async () => {
    const store = new MemoryTokenStore()
    const first = await store.set(KEY, valid(1))
    nock(API).get('/me').matchHeader('authorization', 'Bearer at-1').reply(200, 'one')
    nock(API).get('/me').matchHeader('authorization', 'Bearer at-2').reply(200, 'two')
    const session = worker(store)

    expect((await session.get(`${API}/me`)).text).to.equal('one')
    await store.set(KEY, valid(2), { ifVersion: first?.version ?? 0 })
    await new Promise((resolve) => setTimeout(resolve, 1100))

    expect((await session.get(`${API}/me`)).text).to.equal('two')
  })

  it('answers a 401 invalid_token with the peer token when the store has a newer one, and refreshes when not', async () => {
    const store = new MemoryTokenStore()
    const first = await store.set(KEY, valid(1))
    const session = worker(store)
    nock(API)
      .get('/me')
      .matchHeader('authorization', 'Bearer at-1')
      .reply(async () => {
        await store.set(KEY, valid(2), { ifVersion: first?.version ?? 0 })
        return [401, '', { 'WWW-Authenticate': 'Bearer error="invalid_token"' }]
      })
    nock(API).get('/me').matchHeader('authorization', 'Bearer at-2').reply(200, 'peer token')

    expect((await session.get(`${API}/me`)).text).to.equal('peer token')

    const spent: string[] = []
    const idp = rotatingEndpoint(spent)
    nock(API).get('/me').matchHeader('authorization', 'Bearer at-2').reply(401, '', { 'WWW-Authenticate': 'Bearer error="invalid_token"' })
    nock(API).get('/me').matchHeader('authorization', 'Bearer at-2').reply(200, 'refreshed')
    // The refreshed pair is numbered after the spent ones: rt-2 gives at-2 again, so only the refresh itself is checked.
    expect((await session.get(`${API}/me`)).text).to.equal('refreshed')
    expect(spent).to.deep.equal(['rt-2'])
    nock.removeInterceptor(idp)
  })

  it('bounds the refresh by a deadline inside the lease, and releases the lease', async () => {
    const store = new MemoryTokenStore()
    await store.set(KEY, expired(1))
    const idp = nock('https://idp.example').post('/token').delay(3000).reply(200, { access_token: 'late', token_type: 'Bearer' })

    const started = Date.now()
    const error = await worker(store, { refreshLeaseMs: 1000 })
      .get(`${API}/me`)
      .catch((caught: unknown) => caught)

    expect(error).to.be.instanceOf(TimeoutError)
    expect((error as TimeoutError).phase).to.equal('deadline')
    expect(Date.now() - started).to.be.below(1500)
    expect(await store.lease(KEY, 1000)).to.not.equal(undefined)
    idp.done()
  })

  it('stores the rotated token when the scope changed, then raises ScopeChangedWarning', async () => {
    const store = new MemoryTokenStore()
    await store.set(KEY, expired(1))
    nock('https://idp.example').post('/token').reply(200, { access_token: 'at-2', refresh_token: 'rt-2', token_type: 'Bearer', scope: 'read' })

    const error = await worker(store, { scope: ['read', 'write'] })
      .get(`${API}/me`)
      .catch((caught: unknown) => caught)

    expect(error).to.be.instanceOf(ScopeChangedWarning)
    expect((await store.get(KEY))?.token.refresh_token).to.equal('rt-2')
  })

  it('shares one refresh between an explicit refreshToken() and the store', async () => {
    const store = new MemoryTokenStore()
    await store.set(KEY, expired(1))
    const spent: string[] = []
    const idp = rotatingEndpoint(spent)
    const session = worker(store, { token: expired(1) })

    const [a, b] = await Promise.all([session.refreshToken(TOKEN_URL), worker(store).refreshToken(TOKEN_URL)])

    // The second session waited for the first one's lease and took the token it wrote.
    expect(spent).to.deep.equal(['rt-1'])
    expect((await store.get(KEY))?.token.refresh_token).to.equal('rt-2')
    expect([a.access_token, b.access_token]).to.deep.equal(['at-2', 'at-2'])
    nock.removeInterceptor(idp)
  })

  it('writes the token of a refresh with an explicit refresh token to the store', async () => {
    const store = new MemoryTokenStore()
    const idp = nock('https://idp.example').post('/token').reply(200, { access_token: 'at-8', refresh_token: 'rt-8', token_type: 'Bearer', expires_in: 60 })

    await worker(store).refreshToken(TOKEN_URL, { refreshToken: 'rt-7' })

    expect((await store.get(KEY))?.token.refresh_token).to.equal('rt-8')
    idp.done()
  })

  it('answers a 401 as before when nothing can renew the token: the response, no error', async () => {
    const store = new MemoryTokenStore()
    await store.set(KEY, { access_token: 'at-1', token_type: 'Bearer' })
    nock(API).get('/me').reply(401, 'no', { 'WWW-Authenticate': 'Bearer error="invalid_token"' })

    const answer = await worker(store).get(`${API}/me`)

    expect(answer.status).to.equal(401)
  })

  it("gives OAuth2Service's sessions the store through sessionOptions: one built without a token starts from it", async () => {
    const store = new MemoryTokenStore()
    await store.set(KEY, valid(3))
    const api = nock(API).get('/me').matchHeader('authorization', 'Bearer at-3').reply(200, 'ok')
    const service = new OAuth2Service({
      clientId: 'client-1',
      clientSecret: 'secret',
      accessTokenUrl: TOKEN_URL,
      authorizeUrl: 'https://idp.example/authorize',
      sessionOptions: { tokenStore: store, tokenKey: KEY, autoRefreshUrl: TOKEN_URL },
    })

    const answer = await service.getSession().get(`${API}/me`)

    expect(answer.text).to.equal('ok')
    api.done()
  })

  it("writes the token of OAuth2Service's getAuthSession to the store, for the other processes' sessions", async () => {
    const store = new MemoryTokenStore()
    const idp = nock('https://idp.example').post('/token').reply(200, { access_token: 'svc-at', token_type: 'Bearer', expires_in: 3600 })
    const api = nock(API).get('/me').matchHeader('authorization', 'Bearer svc-at').reply(200, 'ok')
    const make = () =>
      new OAuth2Service({
        clientId: 'client-1',
        clientSecret: 'secret',
        accessTokenUrl: TOKEN_URL,
        authorizeUrl: 'https://idp.example/authorize',
        sessionOptions: { tokenStore: store, tokenKey: KEY },
      })

    await make().getAuthSession({ data: { code: 'c', redirect_uri: 'https://app.example/cb' } })
    const answer = await make().getSession().get(`${API}/me`)

    expect((await store.get(KEY))?.token.access_token).to.equal('svc-at')
    expect(answer.text).to.equal('ok')
    idp.done()
    api.done()
  })

  it('tells tokenUpdater of automatic renewals only, as without a store: fetchToken and refreshToken return theirs', async () => {
    const store = new MemoryTokenStore()
    const updates: OAuth2Token[] = []
    const tokenUpdater = (token: OAuth2Token) => void updates.push(token)
    nock('https://idp.example').post('/token').reply(200, { access_token: 'cc-1', token_type: 'Bearer', expires_in: 3600 })
    const spent: string[] = []
    const idp = rotatingEndpoint(spent)

    await new OAuth2Session('svc', { client: new BackendApplicationClient('svc'), tokenStore: store, tokenUpdater }).fetchToken(TOKEN_URL)
    await store.set(KEY, expired(1))
    await worker(store, { tokenUpdater }).refreshToken(TOKEN_URL)

    expect(updates).to.deep.equal([])
    expect(spent).to.deep.equal(['rt-1'])
    nock.removeInterceptor(idp)
  })

  it("keeps a store of your own's error message out of the typed error: it may quote a token", async () => {
    const leaky: TokenStore = {
      get: async () => {
        throw new Error('cannot read at-secret-123')
      },
      set: async () => undefined,
      delete: async () => undefined,
      lease: async () => undefined,
    }

    const error = await worker(leaky, { token: expired(1) })
      .get(`${API}/me`)
      .catch((caught: unknown) => caught)

    expect(error).to.be.instanceOf(TokenStoreUnavailableError)
    expect(inspect(error, { depth: 5 })).to.not.include('at-secret-123')
  })

  it('raises a store that cannot be read for a session without a token even under proceed, instead of sending no token', async () => {
    const error = await worker(new DownStore(), { onStoreUnavailable: 'proceed' })
      .get(`${API}/me`)
      .catch((caught: unknown) => caught)

    expect(error).to.be.instanceOf(TokenStoreUnavailableError)
  })

  it("never writes over a peer's newer token under proceed: the write is a compare-and-set on the version it replaces", async () => {
    const store = new MemoryTokenStore()
    await store.set(KEY, expired(1))
    await store.lease(KEY, 60_000) // a peer's lease that outlives the wait
    const idp = nock('https://idp.example')
      .post('/token')
      .reply(async () => {
        // The peer finishes its own refresh while this one is out.
        const current = await store.get(KEY)
        await store.set(KEY, valid(9), { ifVersion: current?.version ?? 0 })
        return [200, { access_token: 'at-2', refresh_token: 'rt-2', token_type: 'Bearer', expires_in: 3600 }]
      })
    nock(API).get('/me').reply(200, 'ok')

    await worker(store, { refreshWaitMs: 50, onStoreUnavailable: 'proceed' }).get(`${API}/me`)

    expect((await store.get(KEY))?.token.access_token).to.equal('at-9')
    idp.done()
  })

  describe('client credentials', () => {
    const grantWorker = (store: TokenStore, options: Record<string, unknown> = {}) =>
      new OAuth2Session('svc', { client: new BackendApplicationClient('svc'), tokenStore: store, clientSecret: 'svc-secret', ...options })

    it('takes a valid token from the store in fetchToken, and fetches and stores one when there is none', async () => {
      const store = new MemoryTokenStore()
      const idp = nock('https://idp.example').post('/token').reply(200, { access_token: 'cc-1', token_type: 'Bearer', expires_in: 3600 })

      const fetched = await grantWorker(store).fetchToken(TOKEN_URL)
      const taken = await grantWorker(store).fetchToken(TOKEN_URL)

      expect(fetched.access_token).to.equal('cc-1')
      expect(taken.access_token).to.equal('cc-1')
      const key = tokenKeyFor({ tokenUrl: TOKEN_URL, clientId: 'svc', grantType: 'client_credentials' })
      expect((await store.get(key))?.version).to.equal(1)
      idp.done()
    })

    it('re-grants once for every session when the shared token expires', async () => {
      const store = new MemoryTokenStore()
      let grants = 0
      const idp = nock('https://idp.example').post('/token').times(3)
      idp.reply(() => {
        grants += 1
        return [200, { access_token: `cc-${grants}`, token_type: 'Bearer', expires_in: grants === 1 ? 0 : 3600 }]
      })
      nock(API)
        .get('/jobs')
        .times(6)
        .reply(function () {
          return [this.req.headers.authorization === 'Bearer cc-2' ? 200 : 500, String(this.req.headers.authorization)]
        })
      const sessions = [grantWorker(store), grantWorker(store), grantWorker(store)]
      await sessions[0]?.fetchToken(TOKEN_URL)
      // expires_in 0: expired from the next millisecond on.
      await new Promise((resolve) => setTimeout(resolve, 10))
      await Promise.all(sessions.slice(1).map((session) => session.fetchToken(TOKEN_URL)))

      const answers = await Promise.all(sessions.flatMap((session) => [session.get(`${API}/jobs`), session.get(`${API}/jobs`)]))

      expect(answers.map((answer) => answer.text)).to.deep.equal(new Array(6).fill('Bearer cc-2'))
      expect(grants).to.equal(2)
      nock.removeInterceptor(idp)
    })

    it('proceeds without the store by default when it is down: a second token is harmless', async () => {
      const idp = nock('https://idp.example').post('/token').reply(200, { access_token: 'cc-1', token_type: 'Bearer', expires_in: 3600 })

      const token = await grantWorker(new DownStore()).fetchToken(TOKEN_URL)

      expect(token.access_token).to.equal('cc-1')
      idp.done()
    })
  })

  describe('options', () => {
    it('names the default key by endpoint, client, grant, subject and scope (any order), never by a secret', () => {
      const session = new OAuth2Session('client-1', {
        tokenStore: new MemoryTokenStore(),
        tokenSubject: 'alice',
        autoRefreshUrl: TOKEN_URL,
        scope: ['b', 'a'],
        clientSecret: 'do-not-hash',
      })

      expect(session.tokenKey).to.equal(
        tokenKeyFor({ tokenUrl: 'https://IDP.example:443/token', clientId: 'client-1', grantType: 'authorization_code', subject: 'alice', scope: 'a b' }),
      )
      expect(new OAuth2Session('client-1', { tokenStore: new MemoryTokenStore(), tokenSubject: 'bob', autoRefreshUrl: TOKEN_URL }).tokenKey).to.not.equal(
        new OAuth2Session('client-1', { tokenStore: new MemoryTokenStore(), tokenSubject: 'carol', autoRefreshUrl: TOKEN_URL }).tokenKey,
      )
      expect(session.tokenKey).to.match(/^oauth2:[A-Za-z0-9_-]{43}$/)
      expect(tokenKeyFor({ tokenUrl: TOKEN_URL, grantType: 'x', subject: 'u1' })).to.not.equal(
        tokenKeyFor({ tokenUrl: TOKEN_URL, grantType: 'x', subject: 'u2' }),
      )
      expect(new OAuth2Session('client-1', { tokenStore: new MemoryTokenStore(), tokenKey: 'mine' }).tokenKey).to.equal('mine')
    })

    it("refuses a shared user token without tokenKey or tokenSubject: users would be sent each other's tokens", () => {
      for (const client of [undefined, new LegacyApplicationClient('client-1')]) {
        expect(() => new OAuth2Session('client-1', { client, tokenStore: new MemoryTokenStore(), autoRefreshUrl: TOKEN_URL })).to.throw(
          ConfigurationError,
          /tokenKey .*or tokenSubject/,
        )
      }
      expect(() => new OAuth2Session('svc', { client: new BackendApplicationClient('svc'), tokenStore: new MemoryTokenStore() })).to.not.throw()
    })

    it('refuses store settings without a store, and a store that is not one, before any traffic', () => {
      for (const options of [{ tokenKey: 'k' }, { tokenSubject: 'u' }, { onStoreUnavailable: 'proceed' }, { refreshLeaseMs: 5000 }, { refreshWaitMs: 10 }]) {
        expect(() => new OAuth2Session('c', options as never), JSON.stringify(options)).to.throw(ConfigurationError, /needs tokenStore/)
      }
      expect(() => new OAuth2Session('c', { tokenStore: {} as never })).to.throw(ConfigurationError, /TokenStore/)
      expect(() => new OAuth2Session('c', { tokenStore: new MemoryTokenStore(), tokenKey: 'k', refreshLeaseMs: 10 })).to.throw(
        ConfigurationError,
        /refreshLeaseMs/,
      )
      expect(() => new OAuth2Session('c', { tokenStore: new MemoryTokenStore(), tokenKey: 'k', onStoreUnavailable: 'retry' as never })).to.throw(
        ConfigurationError,
        /onStoreUnavailable/,
      )
    })

    it('says a key is needed when a shared token must be renewed and no endpoint names one', async () => {
      const session = new OAuth2Session('c', { client: new BackendApplicationClient('c'), tokenStore: new MemoryTokenStore(), token: expired(1) })

      const error = await session.refreshToken(TOKEN_URL).catch((caught: unknown) => caught)

      expect(error).to.be.instanceOf(ConfigurationError)
      expect((error as ConfigurationError).message).to.include('tokenKey')
    })
  })
})
