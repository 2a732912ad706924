import { inspect } from 'node:util'
import { expect } from 'chai'
import { Redis } from 'ioredis'
import { createClient } from 'redis'
import { ConfigurationError, RedisTokenStore, type RedisTokenStoreOptions, TokenStoreUnavailableError } from '../../../lib/index.js'
import { type RedisServer, startRedisServer } from '../../support/redis-server.js'
import { rejection } from '../../support/rejection.js'

/** A connected client of one kind on `socket`, closed by `await using`. */
interface Connected extends AsyncDisposable {
  client: RedisTokenStoreOptions['client']
}

const clients: Record<string, (socket: string) => Promise<Connected>> = {
  'node-redis 5': async (socket) => {
    const client = createClient({ socket: { path: socket, tls: false, reconnectStrategy: () => 50 } })
    client.on('error', () => {}) // reconnects while the server is down; the store reports it
    await client.connect()
    return { client, [Symbol.asyncDispose]: async () => client.destroy() }
  },
  'ioredis 6': async (socket) => {
    const client = new Redis({ path: socket, retryStrategy: () => 50, lazyConnect: true })
    client.on('error', () => {})
    await client.connect()
    return { client, [Symbol.asyncDispose]: async () => client.disconnect() }
  },
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

for (const [name, connect] of Object.entries(clients)) {
  describe(`RedisTokenStore with ${name} (real redis-server)`, () => {
    let redis: RedisServer
    before(async () => {
      redis = await startRedisServer()
    })
    after(async () => {
      await redis?.[Symbol.asyncDispose]()
    })

    let prefixCount = 0
    const freshPrefix = (): string => `spec-${++prefixCount}:`

    it('gets what it set, as a copy, with versions that grow and never repeat after a delete', async () => {
      await using connected = await connect(redis.socket)
      const store = new RedisTokenStore({ client: connected.client, prefix: freshPrefix() })
      expect(await store.get('api')).to.equal(undefined)
      const first = await store.set('api', { access_token: 'a1', expires_in: 3600, token_type: 'bearer' })
      expect(first?.version).to.equal(1)
      const read = await store.get('api')
      expect(read).to.deep.equal(first)
      expect(read?.token).to.deep.equal({ access_token: 'a1', expires_in: 3600, token_type: 'bearer' })
      expect(read?.updatedAt).to.be.closeTo(Date.now(), 5000)
      expect((await store.set('api', { access_token: 'a2' }))?.version).to.equal(2)
      await store.delete('api')
      expect(await store.get('api')).to.equal(undefined)
      expect(await store.set('api', { access_token: 'x' }, { ifVersion: 2 })).to.equal(undefined)
      const again = await store.set('api', { access_token: 'a3' }, { ifVersion: 0 })
      expect(again?.version).to.equal(3)
      expect((await store.get('api'))?.token.access_token).to.equal('a3')
    })

    it('compare-and-set: of many concurrent ifVersion writes from two clients, exactly one wins', async () => {
      await using one = await connect(redis.socket)
      await using two = await connect(redis.socket)
      const prefix = freshPrefix()
      const stores = [new RedisTokenStore({ client: one.client, prefix }), new RedisTokenStore({ client: two.client, prefix })]
      const base = await stores[0]?.set('api', { access_token: 'old' })
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, index) => stores[index % 2]?.set('api', { access_token: `new-${index}` }, { ifVersion: base?.version })),
      )
      const winners = results.filter((result) => result !== undefined)
      expect(winners).to.have.length(1)
      expect(winners[0]?.version).to.equal(2)
      expect((await stores[1]?.get('api'))?.token).to.deep.equal(winners[0]?.token)
      expect(await stores[0]?.set('api', { access_token: 'late' }, { ifVersion: 0 })).to.equal(undefined)
    })

    it('leases are exclusive across clients; only the owner releases or extends; a lease expires', async () => {
      await using one = await connect(redis.socket)
      await using two = await connect(redis.socket)
      const prefix = freshPrefix()
      const a = new RedisTokenStore({ client: one.client, prefix })
      const b = new RedisTokenStore({ client: two.client, prefix })
      const held = await a.lease('api', 10_000)
      expect(held).to.not.equal(undefined)
      expect(await b.lease('api', 10_000)).to.equal(undefined)
      expect(await a.lease('api', 10_000)).to.equal(undefined)
      expect(await held?.extend(10_000)).to.equal(true)
      await held?.release()
      const short = await b.lease('api', 150)
      expect(short).to.not.equal(undefined)
      await held?.release() // the old holder's release leaves b's lease alone
      expect(await a.lease('api', 10_000)).to.equal(undefined)
      await sleep(300)
      const after = await a.lease('api', 10_000)
      expect(after).to.not.equal(undefined)
      expect(await short?.extend(10_000)).to.equal(false) // expired and taken
      await short?.release()
      expect(await b.lease('api', 10_000)).to.equal(undefined)
      await after?.release()
      expect(await b.lease('api', 10_000)).to.not.equal(undefined)
    })

    it('keeps stores with different prefixes apart', async () => {
      await using connected = await connect(redis.socket)
      const a = new RedisTokenStore({ client: connected.client, prefix: freshPrefix() })
      const b = new RedisTokenStore({ client: connected.client, prefix: freshPrefix() })
      await a.set('api', { access_token: 'only-a' })
      expect(await b.get('api')).to.equal(undefined)
      expect((await b.set('api', { access_token: 'only-b' }, { ifVersion: 0 }))?.version).to.equal(1)
      expect((await a.get('api'))?.token.access_token).to.equal('only-a')
      expect(await a.lease('api', 10_000)).to.not.equal(undefined)
      expect(await b.lease('api', 10_000)).to.not.equal(undefined)
    })

    it('shows its prefix only in JSON and inspect, never a token or the client', async () => {
      await using connected = await connect(redis.socket)
      const store = new RedisTokenStore({ client: connected.client, prefix: 'shown:' })
      await store.set('api', { access_token: 'secret-access-token' })
      expect(JSON.parse(JSON.stringify(store))).to.deep.equal({ type: 'RedisTokenStore', prefix: 'shown:' })
      const shown = inspect(store, { depth: 10 })
      expect(shown).to.include('shown:')
      expect(shown).to.not.include('secret-access-token')
      expect(shown).to.not.include(redis.socket)
    })

    it('fails with TokenStoreUnavailableError within timeoutMs while redis is stopped, and works again after a restart', async () => {
      await using own = await startRedisServer()
      await using connected = await connect(own.socket)
      const store = new RedisTokenStore({ client: connected.client, prefix: freshPrefix(), timeoutMs: 400 })
      await store.set('api', { access_token: 'before' })
      await own.stop()
      for (const call of [() => store.get('api'), () => store.set('api', { access_token: 'secret-during' }), () => store.lease('api', 1000)]) {
        const started = Date.now()
        const error = await rejection(call())
        expect(Date.now() - started).to.be.below(1500)
        expect(error).to.be.instanceOf(TokenStoreUnavailableError)
        expect((error as TokenStoreUnavailableError).code).to.equal('ERR_TOKEN_STORE_UNAVAILABLE')
        expect((error as TokenStoreUnavailableError).store).to.equal('RedisTokenStore')
        expect(inspect(error)).to.not.include('secret-during')
      }
      await own.start()
      let recovered: unknown
      for (const deadline = Date.now() + 8000; Date.now() < deadline; await sleep(100)) {
        recovered = await store.set('api', { access_token: 'after' }).catch((error: unknown) => error)
        if (!(recovered instanceof Error)) break
      }
      expect(recovered).to.not.be.instanceOf(Error)
      expect((await store.get('api'))?.token.access_token).to.equal('after')
    })
  })
}

describe('RedisTokenStore options', () => {
  it('refuses a client that is neither node-redis nor ioredis, and a bad timeoutMs, with a ConfigurationError', () => {
    const bad = [
      [{ client: {} }, 'client'],
      [{ client: { evalSha: async () => 1, eval: async () => 1 }, timeoutMs: 0 }, 'timeoutMs'],
    ] as const
    for (const [options, option] of bad) {
      let caught: unknown
      try {
        new RedisTokenStore(options as unknown as RedisTokenStoreOptions)
      } catch (error) {
        caught = error
      }
      expect(caught).to.be.instanceOf(ConfigurationError)
      expect((caught as ConfigurationError).option).to.equal(option)
    }
  })

  it('never imports redis or ioredis itself: a store runs on any client of the right shape', async () => {
    const calls: unknown[][] = []
    const client = {
      evalsha: async (...args: unknown[]) => {
        calls.push(args)
        return null
      },
      eval: async () => null,
    }
    const store = new RedisTokenStore({ client, prefix: 'p:' })
    expect(await store.get('k')).to.equal(undefined)
    expect(calls[0]?.slice(1)).to.deep.equal([1, 'p:token:k'])
  })
})
