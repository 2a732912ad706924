import { expect } from 'chai'
import { Redis } from 'ioredis'
import { createClient } from 'redis'
import { RedisTokenStore, type RedisTokenStoreOptions, TokenStoreUnavailableError } from '../../../lib/index.js'
import { type RedisServer, startRedisServer } from '../../support/redis-server.js'

// The second review of #16: a store call that timed out may still run on the server later.

interface Connected extends AsyncDisposable {
  client: RedisTokenStoreOptions['client']
  /** Pauses the server's writes (scripts included) for `ms`, from another connection. */
  pause(ms: number): Promise<void>
}

const clients: Record<string, (socket: string) => Promise<Connected>> = {
  'node-redis 5': async (socket) => {
    const client = createClient({ socket: { path: socket, tls: false } })
    const admin = createClient({ socket: { path: socket, tls: false } })
    client.on('error', () => {})
    admin.on('error', () => {})
    await client.connect()
    await admin.connect()
    return {
      client,
      pause: async (ms) => void (await admin.sendCommand(['CLIENT', 'PAUSE', String(ms), 'WRITE'])),
      [Symbol.asyncDispose]: async () => {
        client.destroy()
        admin.destroy()
      },
    }
  },
  'ioredis 6': async (socket) => {
    const client = new Redis({ path: socket, lazyConnect: true })
    const admin = new Redis({ path: socket, lazyConnect: true })
    client.on('error', () => {})
    admin.on('error', () => {})
    await client.connect()
    await admin.connect()
    return {
      client,
      pause: async (ms) => void (await admin.call('CLIENT', 'PAUSE', String(ms), 'WRITE')),
      [Symbol.asyncDispose]: async () => {
        client.disconnect()
        admin.disconnect()
      },
    }
  },
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

for (const [name, connect] of Object.entries(clients)) {
  describe(`RedisTokenStore with ${name}, answers that come after the timeout (real redis-server)`, () => {
    let redis: RedisServer
    before(async () => {
      redis = await startRedisServer()
    })
    after(async () => {
      await redis?.[Symbol.asyncDispose]()
    })

    it('releases a lease the server granted after the call had timed out, so nobody waits out its TTL', async () => {
      await using connected = await connect(redis.socket)
      const store = new RedisTokenStore({ client: connected.client, prefix: `late-${name}:`, timeoutMs: 100 })
      await connected.pause(400)

      let error: unknown
      try {
        await store.lease('api', 60_000)
      } catch (caught) {
        error = caught
      }
      expect(error).to.be.instanceOf(TokenStoreUnavailableError)

      await sleep(700)
      // The old code left it held for the whole 60 s by an owner nobody knew.
      const next = await store.lease('api', 60_000)
      expect(next, 'the late lease was released').to.not.equal(undefined)
      await next?.release()
    })
  })
}
