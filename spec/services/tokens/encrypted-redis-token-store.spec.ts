import { randomBytes } from 'node:crypto'
import { expect } from 'chai'
import { Redis } from 'ioredis'
import { createClient } from 'redis'
import { EncryptedTokenStore, RedisTokenStore, type RedisTokenStoreOptions, TokenDecryptionError } from '../../../lib/index.js'
import { type RedisServer, startRedisServer } from '../../support/redis-server.js'

const ACCESS = 'redis-access-0d7c3e'
const REFRESH = 'redis-refresh-a5e812'

/** A connected client of one kind, with a raw command for reading what Redis holds; closed by `await using`. */
interface Connected extends AsyncDisposable {
  client: RedisTokenStoreOptions['client']
  command(args: string[]): Promise<unknown>
}

const clients: Record<string, (socket: string) => Promise<Connected>> = {
  'node-redis 5': async (socket) => {
    const client = createClient({ socket: { path: socket, tls: false } })
    client.on('error', () => {})
    await client.connect()
    return { client, command: (args) => client.sendCommand(args), [Symbol.asyncDispose]: async () => client.destroy() }
  },
  'ioredis 6': async (socket) => {
    const client = new Redis({ path: socket, lazyConnect: true })
    client.on('error', () => {})
    await client.connect()
    return { client, command: ([name = '', ...args]) => client.call(name, ...args), [Symbol.asyncDispose]: async () => client.disconnect() }
  },
}

describe('EncryptedTokenStore over a RedisTokenStore (real redis-server)', () => {
  let redis: RedisServer
  before(async () => {
    redis = await startRedisServer()
  })
  after(async () => {
    await redis?.[Symbol.asyncDispose]()
  })

  for (const [name, connect] of Object.entries(clients)) {
    it(`with ${name}: Redis holds no token text, another client with the key reads it, with versions, compare-and-set and leases`, async () => {
      await using connected = await connect(redis.socket)
      await using other = await connect(redis.socket)
      const key = randomBytes(32)
      const prefix = `encrypted-${name.replace(/\W/g, '')}:`
      const store = new EncryptedTokenStore(new RedisTokenStore({ client: connected.client, prefix }), { key })
      const peer = new EncryptedTokenStore(new RedisTokenStore({ client: other.client, prefix }), { key: key.toString('base64') })

      const first = await store.set('api', { access_token: ACCESS, refresh_token: REFRESH, expires_at: 1_900_000_000 })
      const keys = (await connected.command(['KEYS', `${prefix}*`])) as string[]
      const held = JSON.stringify(await Promise.all(keys.map((redisKey) => connected.command(['HGETALL', redisKey]))))

      expect(keys).to.deep.equal([`${prefix}token:api`])
      expect(held).to.include('v1.').and.not.include(ACCESS).and.not.include(REFRESH)
      expect(await peer.get('api')).to.deep.equal(first)

      const lease = await peer.lease('api', 10_000)
      expect(await store.lease('api', 10_000)).to.equal(undefined)
      expect((await peer.set('api', { access_token: 'next' }, { ifVersion: first?.version }))?.version).to.equal(2)
      expect(await store.set('api', { access_token: 'late' }, { ifVersion: first?.version })).to.equal(undefined)
      await lease?.release()
      expect((await store.get('api'))?.token).to.deep.equal({ access_token: 'next' })

      const stranger = new EncryptedTokenStore(new RedisTokenStore({ client: other.client, prefix }), { key: randomBytes(32) })
      const error = await stranger.get('api').catch((caught: unknown) => caught)
      expect(error).to.be.instanceOf(TokenDecryptionError).and.include({ reason: 'unknown_key', storeKey: 'api' })
      await store.delete('api')
      expect(await peer.get('api')).to.equal(undefined)
    })
  }
})
