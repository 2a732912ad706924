import { expect } from 'chai'
import nock from 'nock'
import {
  BackendApplicationClient,
  EncryptedTokenStore,
  MemoryTokenStore,
  OAuth2Session,
  type OAuth2Token,
  ReauthorizationRequiredError,
  type StoredToken,
  TimeoutError,
  TokenDecryptionError,
  TokenStoreUnavailableError,
} from '../../../lib/index.js'
import { API, expired, KEY, rotatingEndpoint, TOKEN_URL, valid, worker } from '../../support/shared-token-fixtures.js'

/** A memory store whose next `failSets` writes fail, as a store that is up for reads and leases but full or read-only. */
class SetFailingStore extends MemoryTokenStore {
  failSets = 0
  override async set(key: string, token: OAuth2Token, options?: { ifVersion?: number }): Promise<StoredToken | undefined> {
    if (this.failSets > 0) {
      this.failSets -= 1
      throw new TokenStoreUnavailableError('SetFailingStore', 'set', 'The store is read-only.')
    }
    return super.set(key, token, options)
  }
}

/** A memory store whose reads fail once `failGets` is set. */
class GetFailingStore extends MemoryTokenStore {
  failGets = false
  override async get(key: string): Promise<StoredToken | undefined> {
    if (this.failGets) throw new TokenStoreUnavailableError('GetFailingStore', 'get', 'The store is down.')
    return super.get(key)
  }
}

/** A store of someone else's whose get answers what it is told to. */
class HostileStore extends MemoryTokenStore {
  constructor(readonly answer: () => unknown) {
    super()
  }
  override async get(): Promise<StoredToken | undefined> {
    return this.answer() as StoredToken | undefined
  }
}

describe('OAuth2Session with a tokenStore: review (#16)', () => {
  it('keeps a rotated refresh token that the store would not take, and renews with it rather than the spent one', async () => {
    const store = new SetFailingStore()
    await store.set(KEY, expired(1))
    const spent: string[] = []
    const idp = rotatingEndpoint(spent)
    nock(API).get('/me').matchHeader('authorization', 'Bearer at-2').reply(200, 'ok')
    nock(API).get('/me').matchHeader('authorization', 'Bearer at-2').reply(401, '', { 'www-authenticate': 'Bearer error="invalid_token"' })
    nock(API).get('/me').matchHeader('authorization', 'Bearer at-3').reply(200, 'ok again')
    const session = worker(store)
    store.failSets = 1
    const warnings: string[] = []
    const onWarning = (warning: Error): void => void warnings.push(warning.message)
    process.on('warning', onWarning)
    try {
      expect((await session.get(`${API}/me`)).text).to.equal('ok')
      // The store refused rt-2; rt-1 (still in the store) is spent. The next renewal must spend rt-2.
      expect((await session.get(`${API}/me`)).text).to.equal('ok again')
    } finally {
      process.off('warning', onWarning)
      nock.removeInterceptor(idp)
    }
    expect(spent).to.deep.equal(['rt-1', 'rt-2'])
    expect((await store.get(KEY))?.token.refresh_token).to.equal('rt-3')
  })

  it('does not swap a rotated token the store would not take for the older one the store still holds', async () => {
    const store = new SetFailingStore()
    await store.set(KEY, valid(1))
    const spent: string[] = []
    const idp = rotatingEndpoint(spent)
    nock(API).get('/me').matchHeader('authorization', 'Bearer at-1').reply(401, '', { 'www-authenticate': 'Bearer error="invalid_token"' })
    nock(API).get('/me').matchHeader('authorization', 'Bearer at-2').times(2).reply(200, 'ok')
    const session = worker(store)
    store.failSets = 1
    const onWarning = (): void => undefined
    process.on('warning', onWarning)
    try {
      expect((await session.get(`${API}/me`)).text).to.equal('ok')
      // Past the once-a-second re-check: the store still holds at-1 (refused) and rt-1 (spent).
      await new Promise((resolve) => setTimeout(resolve, 1100))
      expect((await session.get(`${API}/me`)).text).to.equal('ok')
    } finally {
      process.off('warning', onWarning)
      nock.removeInterceptor(idp)
    }
    expect(session.token.refresh_token).to.equal('rt-2')
    // The re-check offered the unwritten token again once the store took writes: the peers now hold rt-2 too.
    expect((await store.get(KEY))?.token.refresh_token).to.equal('rt-2')
  })

  it('does not ask for reauthorization when the store cannot be read again after a refusal: a peer may have rotated the grant', async () => {
    const store = new GetFailingStore()
    await store.set(KEY, expired(1))
    const idp = nock('https://idp.example')
      .post('/token')
      .reply(() => {
        store.failGets = true
        return [400, { error: 'invalid_grant', error_description: 'grant revoked' }]
      })

    const error = await worker(store)
      .get(`${API}/me`)
      .catch((caught: unknown) => caught)

    expect(error).to.not.be.instanceOf(ReauthorizationRequiredError)
    expect(error).to.be.instanceOf(TokenStoreUnavailableError)
    expect((error as Error).message).to.not.include('rt-1')
    expect(idp.isDone()).to.equal(true)
  })

  for (const operation of ['get', 'lease', 'set'] as const) {
    it(`bounds a store whose ${operation} never answers: TokenStoreUnavailableError within the lease, no hang`, async () => {
      const store = new MemoryTokenStore()
      await store.set(KEY, expired(1))
      store[operation] = () => new Promise<never>(() => undefined)
      const spent: string[] = []
      const idp = rotatingEndpoint(spent)
      nock(API).get('/me').reply(200, 'ok')
      const started = Date.now()
      let timer: NodeJS.Timeout | undefined
      const hung = new Promise((resolve) => {
        timer = setTimeout(() => resolve('hung'), 4000)
      })
      const onWarning = (): void => undefined
      process.on('warning', onWarning)
      try {
        const outcome = await Promise.race([
          worker(store, { refreshLeaseMs: 1000, refreshWaitMs: 1000 })
            .get(`${API}/me`)
            .then((answer) => answer.text)
            .catch((caught: unknown) => caught),
          hung,
        ])
        expect(outcome).to.not.equal('hung')
        // A set that never answers leaves the renewed token in use here; a get or lease that never answers fails typed.
        if (operation === 'set') expect(outcome).to.equal('ok')
        else expect(outcome).to.be.instanceOf(TokenStoreUnavailableError)
        expect(Date.now() - started).to.be.below(2500)
      } finally {
        clearTimeout(timer)
        process.off('warning', onWarning)
        nock.removeInterceptor(idp)
        nock.cleanAll()
      }
    })
  }

  it("gives a store's own typed error (a wrong encryption key) as it is, and client credentials do not overwrite the token they cannot read", async () => {
    const inner = new MemoryTokenStore()
    await new EncryptedTokenStore(inner, { key: Buffer.alloc(32, 1) }).set(KEY, expired(1))
    const wrongKey = new EncryptedTokenStore(inner, { key: Buffer.alloc(32, 2) })
    const before = await inner.get(KEY)

    const refreshing = await worker(wrongKey, { token: expired(1) })
      .get(`${API}/me`)
      .catch((caught: unknown) => caught)
    const idp = nock('https://idp.example').post('/token').reply(200, { access_token: 'cc-1', token_type: 'Bearer', expires_in: 3600 })
    const granting = await new OAuth2Session('client-1', {
      client: new BackendApplicationClient('client-1'),
      tokenStore: wrongKey,
      tokenKey: KEY,
      clientSecret: 's-1',
    })
      .fetchToken(TOKEN_URL)
      .catch((caught: unknown) => caught)
    // No grant was sent: the token the store holds cannot be read, and is not overwritten.
    const granted = idp.isDone()
    nock.cleanAll()

    expect(refreshing).to.be.instanceOf(TokenDecryptionError)
    expect(granting).to.be.instanceOf(TokenDecryptionError)
    expect(granted).to.equal(false)
    expect(await inner.get(KEY)).to.deep.equal(before)
  })

  it('answers a 401 for a token already replaced with the new one, without another refresh', async () => {
    const store = new MemoryTokenStore()
    await store.set(KEY, valid(1))
    const spent: string[] = []
    const idp = rotatingEndpoint(spent)
    const refused = { 'www-authenticate': 'Bearer error="invalid_token"' }
    // Both requests go out with at-1; the second one's 401 arrives after the first 401's refresh ended.
    nock(API).get('/a').matchHeader('authorization', 'Bearer at-1').reply(401, '', refused)
    nock(API).get('/b').matchHeader('authorization', 'Bearer at-1').delay(150).reply(401, '', refused)
    nock(API).get('/a').matchHeader('authorization', 'Bearer at-2').reply(200, 'a')
    nock(API).get('/b').matchHeader('authorization', 'Bearer at-2').reply(200, 'b')
    const session = worker(store)
    try {
      const answers = await Promise.all([session.get(`${API}/a`), session.get(`${API}/b`)])
      expect(answers.map((answer) => answer.text)).to.deep.equal(['a', 'b'])
    } finally {
      nock.removeInterceptor(idp)
      nock.cleanAll()
    }
    expect(spent).to.deep.equal(['rt-1'])
  })

  it('ends the refresh inside the lease even when the re-read under the lease was slow', async () => {
    const store = new MemoryTokenStore()
    await store.set(KEY, expired(1))
    let reads = 0
    const get = store.get.bind(store)
    store.get = async (key: string) => {
      reads += 1
      // The re-read under the lease (after the first load and the re-read before the lease) takes half of it.
      if (reads === 3) await new Promise((resolve) => setTimeout(resolve, 500))
      return get(key)
    }
    const idp = nock('https://idp.example').post('/token').delay(500).reply(200, { access_token: 'late', token_type: 'Bearer', expires_in: 3600 })
    nock(API).get('/me').optionally().reply(200, 'ok')
    const leasedAt = Date.now()

    const outcome = await worker(store, { refreshLeaseMs: 1000 })
      .get(`${API}/me`)
      .catch((caught: unknown) => caught)

    // The lease (1000 ms) must not run out while the refresh is out: it ends before, or fails with its deadline.
    expect(outcome).to.be.instanceOf(TimeoutError)
    expect(Date.now() - leasedAt).to.be.below(1000)
    idp.done()
    nock.cleanAll()
  })

  for (const [what, answer] of [
    ['a string', () => 'garbage'],
    ['a record without a token', () => ({ version: 1, updatedAt: 0 })],
    ['a record whose token is not an object', () => ({ token: 'at-1', version: 1, updatedAt: 0 })],
    ['a record without a version', () => ({ token: valid(1), updatedAt: 0 })],
  ] as const) {
    it(`answers a store whose get returns ${what} with TokenStoreUnavailableError, before any traffic`, async () => {
      for (const session of [worker(new HostileStore(answer)), worker(new HostileStore(answer), { token: expired(1) })]) {
        const error = await session.get(`${API}/me`).catch((caught: unknown) => caught)
        expect(error).to.be.instanceOf(TokenStoreUnavailableError)
        expect((error as TokenStoreUnavailableError).operation).to.equal('get')
        expect((error as Error).message).to.not.include('at-1')
      }
    })
  }

  it('answers a store whose lease returns something that is not a lease with TokenStoreUnavailableError, before any traffic', async () => {
    const store = new MemoryTokenStore()
    await store.set(KEY, expired(1))
    store.lease = async () => true as unknown as undefined

    const error = await worker(store)
      .get(`${API}/me`)
      .catch((caught: unknown) => caught)

    expect(error).to.be.instanceOf(TokenStoreUnavailableError)
    expect((error as TokenStoreUnavailableError).operation).to.equal('lease')
  })

  it('answers a store that throws a plain Error on get with TokenStoreUnavailableError, and quotes nothing of it', async () => {
    const store = new HostileStore(() => {
      throw new Error('cannot parse {"access_token":"at-secret"}')
    })

    const error = await worker(store)
      .get(`${API}/me`)
      .catch((caught: unknown) => caught)

    expect(error).to.be.instanceOf(TokenStoreUnavailableError)
    expect((error as Error).message).to.not.include('at-secret')
  })
})
