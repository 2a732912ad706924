import { createHash, randomUUID } from 'node:crypto'
import { ConfigurationError } from '../errors.js'
import type { OAuth2Token } from '../oauth2/oauth2-token.js'
import { TokenStoreUnavailableError } from './token-store-unavailable-error.js'
import { withinTimeout } from './store-timeout.js'
import type { SetTokenOptions, StoredToken, TokenLease, TokenStore } from './token-store.js'

/**
 * The part of a node-redis 5 client (`createClient()` from `redis`) that {@link RedisTokenStore} uses.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis'
 * import { RedisTokenStore } from 'oauth-sessions'
 * const client = await createClient({ url: 'redis://localhost:6379' }).connect()
 * const store = new RedisTokenStore({ client })
 * ```
 * @group Tokens
 */
export interface NodeRedisScriptClient {
  /** `EVAL` with node-redis's `{ keys, arguments }` options. */
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>
  /** `EVALSHA` with node-redis's `{ keys, arguments }` options. */
  evalSha(sha1: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>
}

/**
 * The part of an ioredis client (`new Redis()` from `ioredis`) that {@link RedisTokenStore} uses.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis'
 * import { RedisTokenStore } from 'oauth-sessions'
 * const store = new RedisTokenStore({ client: new Redis('redis://localhost:6379') })
 * ```
 * @group Tokens
 */
export interface IoRedisScriptClient {
  /** `EVAL` with ioredis's positional `numkeys, ...keys, ...args`. */
  eval(script: string, numkeys: number, ...args: string[]): Promise<unknown>
  /** `EVALSHA` with ioredis's positional `numkeys, ...keys, ...args`. */
  evalsha(sha1: string, numkeys: number, ...args: string[]): Promise<unknown>
}

/**
 * Options of {@link RedisTokenStore}.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis'
 * import { RedisTokenStore } from 'oauth-sessions'
 * const client = await createClient().connect()
 * const store = new RedisTokenStore({ client, prefix: 'my-app:tokens:', timeoutMs: 2000 })
 * ```
 * @group Tokens
 */
export interface RedisTokenStoreOptions {
  /** A connected node-redis 5 or ioredis client; the store never connects, closes or imports one. */
  client: NodeRedisScriptClient | IoRedisScriptClient
  /** Put before every Redis key the store uses; `'oauth-sessions:'` unless given. */
  prefix?: string
  /** How long one store call may take before it fails with {@link TokenStoreUnavailableError}; 5000 ms unless given. */
  timeoutMs?: number
}

/**
 * What `JSON.stringify` and `util.inspect` show of a {@link RedisTokenStore}: never a token or the client.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis'
 * import { RedisTokenStore } from 'oauth-sessions'
 * const store = new RedisTokenStore({ client: await createClient().connect(), prefix: 'my-app:' })
 * console.log(JSON.stringify(store)) // {"type":"RedisTokenStore","prefix":"my-app:"}
 * ```
 * @group Tokens
 */
export interface RedisTokenStoreSummary {
  /** Always `'RedisTokenStore'`. */
  type: 'RedisTokenStore'
  /** The prefix of every Redis key the store uses. */
  prefix: string
}

// One hash per key: t = the token as JSON, v = the last version (kept after a delete, so versions
// never repeat), u = updatedAt. The lease is a separate string key holding its owner's id.
const GET = `local r = redis.call('HMGET', KEYS[1], 't', 'v', 'u')
if not r[1] then return false end
return r`

// ARGV: token JSON, ifVersion ('' for none), updatedAt.
const SET = `local t = redis.call('HGET', KEYS[1], 't')
local last = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
local current = 0
if t then current = last end
if ARGV[2] ~= '' and tonumber(ARGV[2]) ~= current then return false end
local version = last + 1
redis.call('HSET', KEYS[1], 't', ARGV[1], 'v', version, 'u', ARGV[3])
return version`

const DELETE = `redis.call('HDEL', KEYS[1], 't', 'u')
return 1`

// ARGV: owner, ttl ms. SET NX PX: only when nobody holds it.
const LEASE = `if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
return 0`

// The compare-and-delete of redis.io's distributed-lock pattern; extend is the same check with PEXPIRE.
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`

const EXTEND = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`

interface Script {
  source: string
  sha: string
}

const script = (source: string): Script => ({ source, sha: createHash('sha1').update(source).digest('hex') })
const SCRIPTS = { get: script(GET), set: script(SET), delete: script(DELETE), lease: script(LEASE), release: script(RELEASE), extend: script(EXTEND) }

/** Runs a script by its sha, loading it with EVAL when the server does not know it yet. */
type RunScript = (script: Script, key: string, args: string[]) => Promise<unknown>

function adapt(client: unknown): RunScript {
  const candidate = client as Partial<NodeRedisScriptClient & IoRedisScriptClient> | null
  if (typeof candidate?.evalSha === 'function' && typeof candidate.eval === 'function') {
    const nodeRedis = candidate as NodeRedisScriptClient
    return async ({ source, sha }, key, args) => {
      const options = { keys: [key], arguments: args }
      try {
        return await nodeRedis.evalSha(sha, options)
      } catch (error) {
        if (!isNoScript(error)) throw error
        return nodeRedis.eval(source, options)
      }
    }
  }
  if (typeof candidate?.evalsha === 'function' && typeof candidate.eval === 'function') {
    const ioRedis = candidate as IoRedisScriptClient
    return async ({ source, sha }, key, args) => {
      try {
        return await ioRedis.evalsha(sha, 1, key, ...args)
      } catch (error) {
        if (!isNoScript(error)) throw error
        return ioRedis.eval(source, 1, key, ...args)
      }
    }
  }
  throw new ConfigurationError(
    'client',
    'RedisTokenStore needs a node-redis 5 client (createClient() from "redis") or an ioredis client (new Redis() from "ioredis") as its client option.',
  )
}

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT')
}

const text = (value: unknown): string | undefined => (value === null || value === undefined ? undefined : String(value))

/**
 * A {@link TokenStore} in Redis, shared by every process and host that uses the same server and
 * prefix: compare-and-set versions and leases are Lua scripts, so they are atomic across all of
 * them. Bring your own client (node-redis 5 or ioredis, both optional peer dependencies); the
 * store never imports, connects or closes one. Each call fails with
 * {@link TokenStoreUnavailableError} when the server does not answer within `timeoutMs`.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis'
 * import { RedisTokenStore } from 'oauth-sessions'
 * const client = await createClient({ url: process.env.REDIS_URL }).connect()
 * const store = new RedisTokenStore({ client, prefix: 'my-app:' })
 * const stored = await store.set('api', { access_token: 'abc' })
 * await store.set('api', { access_token: 'def' }, { ifVersion: stored?.version }) // undefined if someone wrote first
 * ```
 * @group Tokens
 */
export class RedisTokenStore implements TokenStore {
  /** The prefix of every Redis key this store uses. */
  readonly prefix: string
  readonly #run: RunScript
  readonly #timeoutMs: number

  constructor(options: RedisTokenStoreOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new ConfigurationError('(options)', 'RedisTokenStore needs an options object: new RedisTokenStore({ client }).')
    }
    const { prefix = 'oauth-sessions:', timeoutMs = 5000 } = options
    if (typeof prefix !== 'string') throw new ConfigurationError('prefix', 'RedisTokenStore prefix must be a string, such as "my-app:tokens:".')
    if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      throw new ConfigurationError('timeoutMs', 'RedisTokenStore timeoutMs must be a positive number of milliseconds, such as 5000.')
    }
    this.#run = adapt(options.client)
    this.prefix = prefix
    this.#timeoutMs = timeoutMs
  }

  async get(key: string): Promise<StoredToken | undefined> {
    const reply = await this.#call('get', SCRIPTS.get, this.#tokenKey(key), [])
    if (!Array.isArray(reply)) return undefined
    const [token, version, updatedAt] = reply.map(text)
    let parsed: unknown
    try {
      parsed = JSON.parse(token ?? '')
    } catch {
      parsed = undefined
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new TokenStoreUnavailableError(
        'RedisTokenStore',
        'get',
        `RedisTokenStore: the Redis key for "${key}" does not hold a token; delete it or use another prefix.`,
      )
    }
    return { token: parsed as OAuth2Token, version: Number(version), updatedAt: Number(updatedAt) }
  }

  async set(key: string, token: OAuth2Token, options: SetTokenOptions = {}): Promise<StoredToken | undefined> {
    const { ifVersion } = options
    if (ifVersion !== undefined && (!Number.isSafeInteger(ifVersion) || ifVersion < 0)) {
      throw new ConfigurationError('ifVersion', 'RedisTokenStore.set() ifVersion must be a whole number of 0 or more (a version get() or set() returned).')
    }
    const updatedAt = Date.now()
    const copy = { ...token }
    const reply = await this.#call('set', SCRIPTS.set, this.#tokenKey(key), [
      JSON.stringify(copy),
      ifVersion === undefined ? '' : String(ifVersion),
      String(updatedAt),
    ])
    if (reply === null || reply === undefined) return undefined
    return { token: copy, version: Number(reply), updatedAt }
  }

  async delete(key: string): Promise<void> {
    await this.#call('delete', SCRIPTS.delete, this.#tokenKey(key), [])
  }

  async lease(key: string, ttlMs: number): Promise<TokenLease | undefined> {
    const ttl = leaseMs(ttlMs, 'ttlMs')
    const owner = randomUUID()
    const leaseKey = `${this.prefix}lease:${key}`
    // A lease the server grants after the call timed out has no holder here: it is released, not left to block its key for ttlMs.
    const releaseLate = (late: unknown): void => {
      if (Number(late) === 1) this.#call('release', SCRIPTS.release, leaseKey, [owner]).catch(() => undefined)
    }
    const reply = await this.#call('lease', SCRIPTS.lease, leaseKey, [owner, ttl], releaseLate)
    if (Number(reply) !== 1) return undefined
    return {
      extend: async (ms: number): Promise<boolean> => Number(await this.#call('extend', SCRIPTS.extend, leaseKey, [owner, leaseMs(ms, 'ms')])) === 1,
      release: async (): Promise<void> => {
        await this.#call('release', SCRIPTS.release, leaseKey, [owner])
      },
    }
  }

  /** What the store is, without a token or a client: its type and key prefix. */
  toJSON(): RedisTokenStoreSummary {
    return { type: 'RedisTokenStore', prefix: this.prefix }
  }

  /** @internal keeps the client (and its credentials) out of `console.log` and `util.inspect`. */
  [Symbol.for('nodejs.util.inspect.custom')](): RedisTokenStoreSummary {
    return this.toJSON()
  }

  #tokenKey(key: string): string {
    return `${this.prefix}token:${key}`
  }

  /** One script call, bounded by timeoutMs; any failure becomes a TokenStoreUnavailableError. */
  async #call(operation: string, script: Script, key: string, args: string[], onLateReply?: (reply: unknown) => void): Promise<unknown> {
    try {
      return await withinTimeout(
        () => this.#run(script, key, args),
        this.#timeoutMs,
        () =>
          new TokenStoreUnavailableError(
            'RedisTokenStore',
            operation,
            `RedisTokenStore.${operation}() got no answer from Redis within ${this.#timeoutMs} ms; check that the server is up and the client connected, or raise timeoutMs.`,
          ),
        onLateReply,
      )
    } catch (error) {
      if (error instanceof TokenStoreUnavailableError) throw error
      // Only the error's class: a client's error may carry the command's arguments (a token).
      const kind = error instanceof Error ? error.name : typeof error
      throw new TokenStoreUnavailableError(
        'RedisTokenStore',
        operation,
        `RedisTokenStore.${operation}() failed in the Redis client (${kind}); check that the server is up and the client connected.`,
      )
    }
  }
}

function leaseMs(ms: number, option: string): string {
  // A whole number Redis can read as PX: String() writes 1e21 as "1e+21", which it refuses.
  if (typeof ms !== 'number' || !Number.isSafeInteger(Math.ceil(ms)) || ms <= 0) {
    throw new ConfigurationError(option, `RedisTokenStore lease ${option} must be a positive number of milliseconds, such as 10000.`)
  }
  return String(Math.ceil(ms))
}
