import { expect } from 'chai'
import { createDecipheriv, createHmac, createSecretKey, generateKeyPairSync, randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { inspect } from 'node:util'
import {
  ConfigurationError,
  EncryptedTokenStore,
  type EncryptedTokenStoreOptions,
  MemoryTokenStore,
  type OAuth2Token,
  TokenDecryptionError,
  type TokenStore,
} from '../../../lib/index.js'
import { configurationError } from '../../support/expect-configuration-error.js'
import { rejection } from '../../support/rejection.js'

const ACCESS = 'access-5c1e7b'
const REFRESH = 'refresh-8a2f90'
const TOKEN: OAuth2Token = { access_token: ACCESS, refresh_token: REFRESH, token_type: 'Bearer', expires_at: 1_900_000_000, scope: ['read'] }

/** The python3 `cryptography` (AESGCM) vectors of spec/fixtures/tokens/generate_encrypted.py. */
const vectors = JSON.parse(readFileSync(new URL('../../fixtures/tokens/encrypted-token-vectors.json', import.meta.url), 'utf8')) as {
  key: string
  oldKey: string
  kid: string
  oldKid: string
  cases: { storeKey: string; token: OAuth2Token; stored: OAuth2Token }[]
}

function shown(value: unknown): string {
  return `${String(value)} ${JSON.stringify(value)} ${inspect(value, { depth: 10 })} ${inspect(value, { depth: 10, showHidden: true })}`
}

/** The ciphertext text the inner store holds under `key`. */
async function ciphertextOf(inner: TokenStore, key: string): Promise<string> {
  const stored = await inner.get(key)
  expect(stored?.token).to.have.keys('token_type', 'ciphertext')
  return String(stored?.token.ciphertext)
}

/** The documented format, decrypted with node:crypto directly: the spec's own reading, not the store's. */
function decryptByHand(key: Buffer, storeKey: string, ciphertext: string): unknown {
  const [format, kid, iv, body, tag] = ciphertext.split('.')
  expect(format).to.equal('v1')
  expect(kid).to.equal(createHmac('sha256', key).update('oauth-sessions EncryptedTokenStore key id').digest().subarray(0, 6).toString('base64url'))
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv ?? '', 'base64url'), { authTagLength: 16 })
  decipher.setAAD(Buffer.from(storeKey, 'utf8'))
  decipher.setAuthTag(Buffer.from(tag ?? '', 'base64url'))
  return JSON.parse(Buffer.concat([decipher.update(Buffer.from(body ?? '', 'base64url')), decipher.final()]).toString('utf8'))
}

/** `text` with the character at `index` replaced by another base64url character. */
function flip(text: string, index: number): string {
  const replacement = text[index] === 'A' ? 'B' : 'A'
  return `${text.slice(0, index)}${replacement}${text.slice(index + 1)}`
}

describe('EncryptedTokenStore', () => {
  const key = randomBytes(32)

  describe('over a MemoryTokenStore', () => {
    it('gets back what it set, with the inner store versions and updatedAt', async () => {
      const inner = new MemoryTokenStore()
      const store = new EncryptedTokenStore(inner, { key })

      const first = await store.set('api', TOKEN)
      const read = await store.get('api')
      const held = await inner.get('api')
      const second = await store.set('api', { access_token: `${ACCESS}-2` })

      expect(first).to.deep.include({ token: TOKEN, version: 1 })
      expect(read).to.deep.equal(first)
      expect(read).to.deep.include({ version: held?.version, updatedAt: held?.updatedAt })
      expect(second?.version).to.equal(2)
      expect((await store.get('api'))?.token).to.deep.equal({ access_token: `${ACCESS}-2` })
      expect(await store.get('missing')).to.equal(undefined)
    })

    it('hands the inner store only an encrypted envelope: no access or refresh token in its JSON, a fresh IV per write', async () => {
      const inner = new MemoryTokenStore()
      const store = new EncryptedTokenStore(inner, { key })

      await store.set('api', TOKEN)
      const once = await ciphertextOf(inner, 'api')
      await store.set('api', TOKEN)
      const twice = await ciphertextOf(inner, 'api')

      const held = JSON.stringify(await inner.get('api'))
      expect(held).to.not.include(ACCESS).and.not.include(REFRESH).and.not.include('access_token')
      expect((await inner.get('api'))?.token.token_type).to.equal('encrypted')
      expect(once).to.match(/^v1\.[\w-]{8}\.[\w-]{16}\.[\w-]+\.[\w-]{22}$/)
      expect(once.split('.')[2]).to.not.equal(twice.split('.')[2])
      expect(once).to.not.equal(twice)
    })

    it('writes the documented format: node:crypto createDecipheriv reads it with the store key as AAD', async () => {
      const inner = new MemoryTokenStore()
      await new EncryptedTokenStore(inner, { key }).set('github:user/42 ünïcode', TOKEN)

      expect(decryptByHand(key, 'github:user/42 ünïcode', await ciphertextOf(inner, 'github:user/42 ünïcode'))).to.deep.equal(TOKEN)
    })

    it('reads what python3 cryptography AESGCM wrote in the documented format, with the key and with previousKeys', async () => {
      const inner = new MemoryTokenStore()
      const store = new EncryptedTokenStore(inner, { key: vectors.key, previousKeys: [vectors.oldKey] })

      for (const { storeKey, stored } of vectors.cases) await inner.set(storeKey, stored)

      for (const { storeKey, token } of vectors.cases) expect((await store.get(storeKey))?.token).to.deep.equal(token)
      await store.set('api', TOKEN)
      expect((await ciphertextOf(inner, 'api')).split('.')[1]).to.equal(vectors.kid)
    })
  })

  describe('an entry that does not decrypt', () => {
    const parts: [name: string, index: number, reason: string][] = [
      ['the format', 0, 'malformed'],
      ['the key id', 1, 'unknown_key'],
      ['the IV', 2, 'authentication_failed'],
      ['the ciphertext', 3, 'authentication_failed'],
      ['the tag', 4, 'authentication_failed'],
    ]
    for (const [name, index, reason] of parts) {
      it(`is a TokenDecryptionError (${reason}) when ${name} is changed, naming the store key and no token text`, async () => {
        const inner = new MemoryTokenStore()
        const store = new EncryptedTokenStore(inner, { key })
        await store.set('api', TOKEN)
        const ciphertext = await ciphertextOf(inner, 'api')
        const split = ciphertext.split('.')
        split[index] = flip(split[index] ?? '', 1)
        await inner.set('api', { token_type: 'encrypted', ciphertext: split.join('.') })

        const error = await rejection(store.get('api'))

        expect(error).to.be.instanceOf(TokenDecryptionError).and.include({ code: 'ERR_TOKEN_DECRYPTION', storeKey: 'api', reason })
        const message = (error as Error).message
        expect(message).to.include('"api"').and.include('previousKeys')
        expect(shown(error)).to.not.include(ACCESS).and.not.include(REFRESH).and.not.include(split[3])
      })
    }

    it('is malformed when the tag is cut short, a part is missing or a part is not canonical base64url', async () => {
      const inner = new MemoryTokenStore()
      const store = new EncryptedTokenStore(inner, { key })
      await store.set('api', TOKEN)
      const [format, kid, iv, body, tag] = (await ciphertextOf(inner, 'api')).split('.')
      const broken = [
        [format, kid, iv, body, tag?.slice(0, 16)],
        [format, kid, iv, body],
        [format, kid, iv, body, tag, tag],
        [format, kid, iv, `${body}=`, tag],
        [format, kid, iv, body, `${tag?.slice(0, 21)}B`], // the last character's spare bits set: decodes to the same bytes
      ]

      for (const parts of broken) {
        await inner.set('api', { token_type: 'encrypted', ciphertext: parts.join('.') })
        expect(await rejection(store.get('api')))
          .to.be.instanceOf(TokenDecryptionError)
          .and.include({ reason: 'malformed' })
      }
    })

    it('is not_encrypted when the inner store holds a plain token, which is never shown', async () => {
      const inner = new MemoryTokenStore()
      await inner.set('api', TOKEN)

      const error = await rejection(new EncryptedTokenStore(inner, { key }).get('api'))

      expect(error).to.be.instanceOf(TokenDecryptionError).and.include({ reason: 'not_encrypted', storeKey: 'api' })
      expect(shown(error)).to.not.include(ACCESS).and.not.include(REFRESH)
    })

    it('is unknown_key when read with another key', async () => {
      const inner = new MemoryTokenStore()
      await new EncryptedTokenStore(inner, { key }).set('api', TOKEN)

      const error = await rejection(new EncryptedTokenStore(inner, { key: randomBytes(32) }).get('api'))

      expect(error).to.be.instanceOf(TokenDecryptionError).and.include({ reason: 'unknown_key' })
    })

    it('is authentication_failed when its ciphertext is copied to another store key (the store key is the AAD)', async () => {
      const inner = new MemoryTokenStore()
      const store = new EncryptedTokenStore(inner, { key })
      await store.set('alice', TOKEN)
      await store.set('mallory', { access_token: 'mallory-token' })

      const stolen = await inner.get('alice')
      await inner.set('mallory', stolen?.token ?? {})

      expect(await rejection(store.get('mallory')))
        .to.be.instanceOf(TokenDecryptionError)
        .and.include({ reason: 'authentication_failed', storeKey: 'mallory' })
      expect((await store.get('alice'))?.token).to.deep.equal(TOKEN)
    })
  })

  describe('key rotation', () => {
    it('reads entries of a previous key, writes with the new one, which the old key alone cannot read', async () => {
      const oldKey = randomBytes(32)
      const newKey = randomBytes(32)
      const inner = new MemoryTokenStore()
      const before = new EncryptedTokenStore(inner, { key: oldKey })
      await before.set('api', TOKEN)
      const oldKid = (await ciphertextOf(inner, 'api')).split('.')[1]

      const after = new EncryptedTokenStore(inner, { key: newKey, previousKeys: [oldKey] })
      const read = await after.get('api')
      await after.set('api', { ...read?.token, access_token: `${ACCESS}-rotated` }, { ifVersion: read?.version })
      const newKid = (await ciphertextOf(inner, 'api')).split('.')[1]

      expect(read?.token).to.deep.equal(TOKEN)
      expect(newKid).to.not.equal(oldKid)
      expect(decryptByHand(newKey, 'api', await ciphertextOf(inner, 'api'))).to.include({ access_token: `${ACCESS}-rotated` })
      expect(await rejection(before.get('api')))
        .to.be.instanceOf(TokenDecryptionError)
        .and.include({ reason: 'unknown_key' })
    })

    it('takes the same key in every form: Buffer, Uint8Array, base64 (with a trailing newline), base64url, KeyObject', async () => {
      const inner = new MemoryTokenStore()
      const forms: EncryptedTokenStoreOptions['key'][] = [
        key,
        new Uint8Array(key),
        `${key.toString('base64')}\n`,
        key.toString('base64url'),
        createSecretKey(key),
      ]
      await new EncryptedTokenStore(inner, { key }).set('api', TOKEN)

      for (const form of forms) expect((await new EncryptedTokenStore(inner, { key: form }).get('api'))?.token).to.deep.equal(TOKEN)
    })
  })

  describe('bad options', () => {
    /** An inner store that records every call. */
    function countingStore(): { store: TokenStore; calls: string[] } {
      const calls: string[] = []
      const memory = new MemoryTokenStore()
      const store: TokenStore = {
        get(key) {
          calls.push('get')
          return memory.get(key)
        },
        set(key, token, options) {
          calls.push('set')
          return memory.set(key, token, options)
        },
        delete(key) {
          calls.push('delete')
          return memory.delete(key)
        },
        lease(key, ttl) {
          calls.push('lease')
          return memory.lease(key, ttl)
        },
      }
      return { store, calls }
    }
    const secretText = 'c2VjcmV0LWtleS10aGF0LWlzLXRvby1zaG9ydA=='
    const { privateKey } = generateKeyPairSync('ed25519')
    const wrong: [label: string, options: unknown, option: string][] = [
      ['a 16-byte Buffer', { key: randomBytes(16) }, 'key'],
      ['base64 of too few bytes', { key: secretText }, 'key'],
      ['64 hex digits', { key: randomBytes(32).toString('hex') }, 'key'],
      ['an empty string', { key: '' }, 'key'],
      ['a number', { key: 42 }, 'key'],
      ['no key', {}, 'key'],
      ['a 16-byte secret KeyObject', { key: createSecretKey(randomBytes(16)) }, 'key'],
      ['a private KeyObject', { key: privateKey }, 'key'],
      ['a bad previous key', { key, previousKeys: [key, secretText] }, 'previousKeys.1'],
      ['previousKeys that is not a list', { key, previousKeys: key }, 'previousKeys'],
      ['no options', undefined, '(options)'],
    ]
    for (const [label, options, option] of wrong) {
      it(`refuses ${label} with a ConfigurationError naming ${option}, before any store call, never echoing it`, () => {
        const { store, calls } = countingStore()

        const error = configurationError(() => new EncryptedTokenStore(store, options as EncryptedTokenStoreOptions))

        expect(error.option).to.equal(option)
        if (option.startsWith('key') || option.startsWith('previousKeys.')) expect(error.message).to.include('openssl rand -base64 32')
        expect(error.message).to.not.include(secretText)
        expect(calls).to.deep.equal([])
      })
    }

    it('refuses an inner value that is not a TokenStore, and a token that is not an object', async () => {
      expect(configurationError(() => new EncryptedTokenStore({ get() {} } as never, { key })).option).to.equal('inner')
      const { store, calls } = countingStore()
      const error = await rejection(new EncryptedTokenStore(store, { key }).set('api', 'abc' as never))
      expect(error).to.be.instanceOf(ConfigurationError).and.include({ option: 'token' })
      expect(calls).to.deep.equal([])
    })
  })

  it('shows only its type and the inner summary in JSON and util.inspect, never the key or a token', async () => {
    const inner = new MemoryTokenStore()
    const store = new EncryptedTokenStore(inner, { key: key.toString('base64'), previousKeys: [randomBytes(32)] })
    await store.set('api', TOKEN)

    expect(JSON.parse(JSON.stringify(store))).to.deep.equal({
      type: 'EncryptedTokenStore',
      inner: { type: 'MemoryTokenStore', count: 1, versions: { api: 1 } },
    })
    expect(inspect(store)).to.include('EncryptedTokenStore').and.include('MemoryTokenStore')
    const text = shown(store)
    for (const secret of [key.toString('base64'), key.toString('base64url'), key.toString('hex'), ACCESS, REFRESH]) expect(text).to.not.include(secret)
    const custom: TokenStore = { get: inner.get.bind(inner), set: inner.set.bind(inner), delete: inner.delete.bind(inner), lease: inner.lease.bind(inner) }
    expect(JSON.parse(JSON.stringify(new EncryptedTokenStore(custom, { key })))).to.deep.equal({ type: 'EncryptedTokenStore', inner: { type: 'Object' } })
  })

  describe('what passes through to the inner store', () => {
    it('ifVersion: a stale or a 0 version loses the race and leaves the entry as it was', async () => {
      const inner = new MemoryTokenStore()
      const store = new EncryptedTokenStore(inner, { key })
      const first = await store.set('api', TOKEN)
      const before = await ciphertextOf(inner, 'api')

      expect(await store.set('api', { access_token: 'late' }, { ifVersion: 0 })).to.equal(undefined)
      expect(await store.set('api', { access_token: 'late' }, { ifVersion: (first?.version ?? 0) + 1 })).to.equal(undefined)
      expect(await ciphertextOf(inner, 'api')).to.equal(before)
      expect((await store.set('api', { access_token: 'won' }, { ifVersion: first?.version }))?.version).to.equal(2)
      expect((await store.set('other', TOKEN, { ifVersion: 0 }))?.version).to.equal(1)
    })

    it('leases are the inner store: held through one, refused through the other until released', async () => {
      const inner = new MemoryTokenStore()
      const store = new EncryptedTokenStore(inner, { key })

      const lease = await store.lease('api', 10_000)
      expect(lease).to.not.equal(undefined)
      expect(await inner.lease('api', 10_000)).to.equal(undefined)
      expect(await lease?.extend(10_000)).to.equal(true)
      await lease?.release()
      const next = await inner.lease('api', 10_000)
      expect(next).to.not.equal(undefined)
      expect(await store.lease('api', 10_000)).to.equal(undefined)
      await next?.release()
    })

    it('delete forgets the entry in the inner store, and versions go on after it', async () => {
      const inner = new MemoryTokenStore()
      const store = new EncryptedTokenStore(inner, { key })
      await store.set('api', TOKEN)

      await store.delete('api')

      expect(await inner.get('api')).to.equal(undefined)
      expect(await store.get('api')).to.equal(undefined)
      expect((await store.set('api', TOKEN))?.version).to.equal(2)
    })
  })
})
