import { createCipheriv, createDecipheriv, createHmac, createSecretKey, KeyObject, randomBytes } from 'node:crypto'
import { ConfigurationError } from '../errors.js'
import type { OAuth2Token } from '../oauth2/oauth2-token.js'
import { partialTokenStores } from './file-token-store.js'
import { TokenDecryptionError } from './token-decryption-error.js'
import type { SetTokenOptions, StoredToken, TokenLease, TokenStore } from './token-store.js'

/**
 * An AES-256 key for {@link EncryptedTokenStore}: 32 bytes, as a Buffer or Uint8Array, as base64
 * or base64url text (what `openssl rand -base64 32` prints), or as a secret `KeyObject`.
 *
 * @example
 * ```ts
 * import type { TokenEncryptionKey } from 'oauth-sessions'
 * const key: TokenEncryptionKey = process.env.TOKEN_KEY ?? '' // openssl rand -base64 32
 * ```
 * @group Tokens
 */
export type TokenEncryptionKey = Uint8Array | string | KeyObject

/**
 * Options of {@link EncryptedTokenStore}.
 *
 * @example
 * ```ts
 * import { EncryptedTokenStore, MemoryTokenStore } from 'oauth-sessions'
 * const store = new EncryptedTokenStore(new MemoryTokenStore(), {
 *   key: process.env.TOKEN_KEY ?? '', // every write
 *   previousKeys: [process.env.OLD_TOKEN_KEY ?? ''], // reads of entries written before the rotation
 * })
 * ```
 * @group Tokens
 */
export interface EncryptedTokenStoreOptions {
  /** The key every token is encrypted with, and the first one tried to decrypt. */
  key: TokenEncryptionKey
  /** Older keys, tried to decrypt entries written before a rotation; never used to encrypt. */
  previousKeys?: readonly TokenEncryptionKey[]
}

/**
 * What `JSON.stringify` and `util.inspect` show of an {@link EncryptedTokenStore}: its type and the
 * inner store's own summary, never a key or a token.
 *
 * @example
 * ```ts
 * import { EncryptedTokenStore, MemoryTokenStore } from 'oauth-sessions'
 * const store = new EncryptedTokenStore(new MemoryTokenStore(), { key: process.env.TOKEN_KEY ?? '' })
 * console.log(JSON.stringify(store)) // {"type":"EncryptedTokenStore","inner":{"type":"MemoryTokenStore","count":0,"versions":{}}}
 * ```
 * @group Tokens
 */
export interface EncryptedTokenStoreSummary {
  /** Always `'EncryptedTokenStore'`. */
  type: 'EncryptedTokenStore'
  /** The inner store's `toJSON()`, or its class name when it has none. */
  inner: unknown
}

/** A usable key: the secret and its public id. */
interface Key {
  id: string
  secret: KeyObject
}

const FORMAT = 'v1'
const KEY_BYTES = 32
const IV_BYTES = 12
const TAG_BYTES = 16
const KEY_ID_LABEL = 'oauth-sessions EncryptedTokenStore key id'
const HOW_TO_MAKE = 'make one with `openssl rand -base64 32` (or `crypto.randomBytes(32)`) and keep it outside the store, such as in an environment variable'

/**
 * A {@link TokenStore} that encrypts every token with AES-256-GCM before it reaches the store it
 * wraps ({@link RedisTokenStore}, {@link FileTokenStore} or any other that keeps whole tokens: a
 * {@link JsonTokenFileCache} is refused), so the file or the Redis
 * server holds no token in clear. The key is yours (32 bytes); `previousKeys` lets you rotate it:
 * reads try every key, writes use `key`. Versions, `updatedAt`, `ifVersion`, `delete` and leases
 * are the inner store's, unchanged.
 *
 * The inner store holds `{ token_type: 'encrypted', ciphertext: 'v1.<kid>.<iv>.<ct>.<tag>' }`, the
 * parts in unpadded base64url: `kid` is the first 6 bytes of HMAC-SHA256(key, `"oauth-sessions
 * EncryptedTokenStore key id"`), which names the key without revealing it; `iv` is 12 random bytes
 * per write; `ct` is the token's JSON (UTF-8) encrypted with AES-256-GCM, with the store key (the
 * `key` argument of get and set, UTF-8) as additional authenticated data, so a ciphertext copied
 * to another store key does not decrypt; `tag` is the 16-byte GCM tag.
 *
 * An entry that does not decrypt is a {@link TokenDecryptionError}, not a missing token: treating
 * it as missing would hide a wrong key, and every `ifVersion: 0` write over it would lose.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis'
 * import { EncryptedTokenStore, RedisTokenStore } from 'oauth-sessions'
 * const client = await createClient({ url: process.env.REDIS_URL }).connect()
 * // TOKEN_KEY: the output of `openssl rand -base64 32`, the same in every process
 * const store = new EncryptedTokenStore(new RedisTokenStore({ client }), { key: process.env.TOKEN_KEY ?? '' })
 * await store.set('api', { access_token: 'abc', refresh_token: 'def' })
 * console.log((await store.get('api'))?.token.access_token) // 'abc'; Redis holds only ciphertext
 * ```
 * @group Tokens
 */
export class EncryptedTokenStore implements TokenStore {
  readonly #inner: TokenStore
  readonly #key: Key
  /** `key` first, then `previousKeys`. */
  readonly #keys: readonly Key[]

  constructor(inner: TokenStore, options: EncryptedTokenStoreOptions) {
    const methods = ['get', 'set', 'delete', 'lease'] as const
    if (typeof inner !== 'object' || inner === null || methods.some((name) => typeof inner[name] !== 'function')) {
      throw new ConfigurationError(
        'inner',
        'EncryptedTokenStore wraps a TokenStore (get, set, delete, lease), such as new EncryptedTokenStore(new RedisTokenStore({ client }), { key }).',
      )
    }
    if (partialTokenStores.has(inner)) throw lossyInner(inner)
    if (typeof options !== 'object' || options === null) {
      throw new ConfigurationError(
        '(options)',
        `EncryptedTokenStore needs an options object with a key: new EncryptedTokenStore(inner, { key }); ${HOW_TO_MAKE}.`,
      )
    }
    const { previousKeys = [] } = options
    if (!Array.isArray(previousKeys)) {
      throw new ConfigurationError('previousKeys', 'EncryptedTokenStore previousKeys must be a list of keys, such as [process.env.OLD_TOKEN_KEY].')
    }
    this.#inner = inner
    this.#key = readKey(options.key, 'key')
    this.#keys = [this.#key, ...previousKeys.map((key, index) => readKey(key, `previousKeys.${index}`))]
  }

  async get(key: string): Promise<StoredToken | undefined> {
    const stored = await this.#inner.get(key)
    if (stored === undefined) return undefined
    return { token: this.#decrypt(key, stored.token), version: stored.version, updatedAt: stored.updatedAt }
  }

  async set(key: string, token: OAuth2Token, options?: SetTokenOptions): Promise<StoredToken | undefined> {
    if (typeof token !== 'object' || token === null || Array.isArray(token)) {
      throw new ConfigurationError('token', 'EncryptedTokenStore.set() takes a token object, such as { access_token, refresh_token }.')
    }
    const json = JSON.stringify(token)
    const ciphertext = this.#encrypt(key, json)
    const stored = await this.#inner.set(key, { token_type: 'encrypted', ciphertext }, options)
    if (stored === undefined) return undefined
    // A store that kept only part of what it was given (no ciphertext) would serve an entry no get can read.
    if (stored.token?.token_type !== 'encrypted' || stored.token.ciphertext !== ciphertext) throw lossyInner(this.#inner)
    return { token: JSON.parse(json) as OAuth2Token, version: stored.version, updatedAt: stored.updatedAt }
  }

  delete(key: string): Promise<void> {
    return this.#inner.delete(key)
  }

  lease(key: string, ttlMs: number): Promise<TokenLease | undefined> {
    return this.#inner.lease(key, ttlMs)
  }

  /** What the store is, without a key or a token: its type and the inner store's summary. */
  toJSON(): EncryptedTokenStoreSummary {
    const inner = this.#inner as TokenStore & { toJSON?: () => unknown }
    let summary: unknown = { type: inner.constructor.name }
    try {
      if (typeof inner.toJSON === 'function') summary = inner.toJSON()
    } catch {
      // A summary never throws.
    }
    return { type: 'EncryptedTokenStore', inner: summary }
  }

  /** @internal keeps the keys out of `console.log` and `util.inspect`. */
  [Symbol.for('nodejs.util.inspect.custom')](): EncryptedTokenStoreSummary {
    return this.toJSON()
  }

  #encrypt(storeKey: string, json: string): string {
    const iv = randomBytes(IV_BYTES)
    const cipher = createCipheriv('aes-256-gcm', this.#key.secret, iv, { authTagLength: TAG_BYTES })
    cipher.setAAD(Buffer.from(storeKey, 'utf8'))
    const ciphertext = Buffer.concat([cipher.update(json, 'utf8'), cipher.final()])
    return [FORMAT, this.#key.id, iv.toString('base64url'), ciphertext.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.')
  }

  #decrypt(storeKey: string, value: OAuth2Token): OAuth2Token {
    if (value.token_type !== 'encrypted' || typeof value.ciphertext !== 'string') throw new TokenDecryptionError(storeKey, 'not_encrypted')
    const parts = value.ciphertext.split('.')
    const [format, id, ...encoded] = parts
    if (parts.length !== 5 || format !== FORMAT) throw new TokenDecryptionError(storeKey, 'malformed')
    const [iv, ciphertext, tag] = encoded.map(base64url)
    if (iv?.length !== IV_BYTES || ciphertext === undefined || tag?.length !== TAG_BYTES) throw new TokenDecryptionError(storeKey, 'malformed')
    const candidates = this.#keys.filter((key) => key.id === id)
    if (candidates.length === 0) throw new TokenDecryptionError(storeKey, 'unknown_key')
    for (const { secret } of candidates) {
      let json: string
      try {
        const decipher = createDecipheriv('aes-256-gcm', secret, iv, { authTagLength: TAG_BYTES })
        decipher.setAAD(Buffer.from(storeKey, 'utf8'))
        decipher.setAuthTag(tag)
        json = Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8')
      } catch {
        continue
      }
      return parseToken(storeKey, json)
    }
    throw new TokenDecryptionError(storeKey, 'authentication_failed')
  }
}

/** The error for an inner store that does not keep whole tokens (it names no token). */
function lossyInner(inner: TokenStore): ConfigurationError {
  return new ConfigurationError(
    'inner',
    `EncryptedTokenStore needs an inner store that keeps whole tokens; ${(inner as object).constructor?.name ?? 'this store'} keeps only part of one ` +
      '(a JsonTokenFileCache keeps requests-auth fields: no room for the ciphertext). Wrap a FileTokenStore, a RedisTokenStore or a MemoryTokenStore.',
  )
}

/** The bytes of one ciphertext part, or undefined unless it is canonical unpadded base64url (so no two texts decode alike). */
function base64url(part: string): Buffer | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(part)) return undefined
  const bytes = Buffer.from(part, 'base64url')
  return bytes.toString('base64url') === part ? bytes : undefined
}

function parseToken(storeKey: string, json: string): OAuth2Token {
  let token: unknown
  try {
    token = JSON.parse(json)
  } catch {
    throw new TokenDecryptionError(storeKey, 'malformed')
  }
  if (typeof token !== 'object' || token === null || Array.isArray(token)) throw new TokenDecryptionError(storeKey, 'malformed')
  return token as OAuth2Token
}

/** A key option as a 32-byte secret KeyObject and its id; anything else is a ConfigurationError that never shows the value. */
function readKey(value: unknown, option: string): Key {
  const refuse = (what: string): never => {
    throw new ConfigurationError(option, `EncryptedTokenStore ${option} must be a 32-byte AES-256 key (${what}): ${HOW_TO_MAKE}.`)
  }
  let secret: KeyObject
  if (value instanceof KeyObject) {
    if (value.type !== 'secret' || value.symmetricKeySize !== KEY_BYTES) refuse(`got a ${value.type} KeyObject, not a secret one of 32 bytes`)
    secret = value
  } else if (value instanceof Uint8Array) {
    if (value.length !== KEY_BYTES) refuse(`got ${value.length} bytes`)
    secret = createSecretKey(Buffer.from(value))
  } else if (typeof value === 'string') {
    const text = value.trim()
    if (!/^(?:[A-Za-z0-9+/]{43}=?|[A-Za-z0-9_-]{43})$/.test(text))
      refuse('got text that is not 32 bytes in base64 or base64url; for hex, pass Buffer.from(hex, "hex")')
    secret = createSecretKey(Buffer.from(text, 'base64'))
  } else {
    secret = refuse(`got ${value === null ? 'null' : typeof value}; pass a Buffer, base64 text or a secret KeyObject`)
  }
  const id = createHmac('sha256', secret).update(KEY_ID_LABEL).digest().subarray(0, 6).toString('base64url')
  return { id, secret }
}
