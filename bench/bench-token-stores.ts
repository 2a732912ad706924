/** The token stores the tokens benchmark compares, opened the same way in the bench and in its storm workers. */
import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import { createClient } from 'redis'
import { EncryptedTokenStore, FileTokenStore, MemoryTokenStore, RedisTokenStore, type TokenStore } from '../lib/index.js'

export type StoreKind = 'memory' | 'file' | 'redis' | 'ioredis' | 'encrypted-redis'

export const STORE_NAMES: Record<StoreKind, string> = {
  memory: 'MemoryTokenStore',
  file: 'FileTokenStore (temp dir)',
  redis: 'RedisTokenStore, node-redis 5',
  ioredis: 'RedisTokenStore, ioredis 6',
  'encrypted-redis': 'EncryptedTokenStore over Redis (node-redis 5)',
}

/** An open store and how to close its client. */
export interface OpenStore {
  store: TokenStore
  close(): Promise<void>
}

/** The key of the encrypted store: one per bench run, never written anywhere. */
const encryptionKey = randomBytes(32)

/**
 * Opens a store of `kind`: `file` is the token file's path, `socket` the redis-server's unix socket,
 * `prefix` the Redis key prefix (each bench part uses its own).
 */
export async function openStore(kind: StoreKind, where: { file: string; socket: string; prefix: string }): Promise<OpenStore> {
  switch (kind) {
    case 'memory':
      return { store: new MemoryTokenStore(), close: async () => undefined }
    case 'file':
      return { store: new FileTokenStore(where.file), close: async () => undefined }
    case 'redis':
    case 'encrypted-redis': {
      const client = createClient({ socket: { path: where.socket, tls: false } })
      client.on('error', () => {})
      await client.connect()
      const redis = new RedisTokenStore({ client, prefix: where.prefix })
      const store = kind === 'redis' ? redis : new EncryptedTokenStore(redis, { key: encryptionKey })
      return { store, close: async () => client.destroy() }
    }
    case 'ioredis': {
      const client = new Redis({ path: where.socket, lazyConnect: true })
      client.on('error', () => {})
      await client.connect()
      return { store: new RedisTokenStore({ client, prefix: where.prefix }), close: async () => client.disconnect() }
    }
  }
}
