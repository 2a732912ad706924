import { expect } from 'chai'
import nock from 'nock'
import { readFileSync } from 'node:fs'
import { JsonTokenFileCache, MemoryTokenStore, OAuth2ClientCredentials, Session, setTokenCache, tokenCache } from '../../../lib/index.js'
import { tempTokenFileEachSpec } from '../../support/temp-token-file.js'

describe('MemoryTokenStore', () => {
  it('numbers each write under a key and compares versions before writing', async () => {
    const store = new MemoryTokenStore()

    const first = await store.set('k', { access_token: 'a' })
    const second = await store.set('k', { access_token: 'b' }, { ifVersion: 1 })
    const lost = await store.set('k', { access_token: 'c' }, { ifVersion: 1 })
    const absentOnly = await store.set('k', { access_token: 'd' }, { ifVersion: 0 })

    expect(first?.version).to.equal(1)
    expect(second?.version).to.equal(2)
    expect(lost).to.equal(undefined)
    expect(absentOnly).to.equal(undefined)
    expect((await store.get('k'))?.token.access_token).to.equal('b')
    await store.delete('k')
    expect(await store.get('k')).to.equal(undefined)
  })

  it('keeps a stored token apart from the object it was given', async () => {
    const store = new MemoryTokenStore()
    const token = { access_token: 'a' }

    await store.set('k', token)
    token.access_token = 'changed'

    expect((await store.get('k'))?.token.access_token).to.equal('a')
  })

  it('grants one lease per key at a time; only its holder releases it, and an expired one can be taken', async () => {
    const store = new MemoryTokenStore()

    const lease = await store.lease('k', 60_000)
    const second = await store.lease('k', 60_000)
    const other = await store.lease('other', 60_000)
    const expired = await store.lease('short', -1)
    const takeover = await store.lease('short', 60_000)

    expect(lease).to.not.equal(undefined)
    expect(second).to.equal(undefined)
    expect(other).to.not.equal(undefined)
    expect(takeover).to.not.equal(undefined)
    expect(await expired?.extend(1000)).to.equal(false)
    await expired?.release()
    expect(await store.lease('short', 60_000), 'the stale holder did not release the new lease').to.equal(undefined)
    expect(await lease?.extend(1000)).to.equal(true)
    await lease?.release()
    expect(await store.lease('k', 60_000)).to.not.equal(undefined)
  })
})

describe('setTokenCache with any TokenStore', () => {
  it('keeps the requests-auth tokens in the store given, and reuses them', async () => {
    const previous = tokenCache()
    const store = new MemoryTokenStore()
    setTokenCache(store)
    const idp = nock('https://idp.example').post('/token').once().reply(200, { access_token: 'at-1', expires_in: 3600 })
    const api = nock('https://api.example').get('/data').twice().matchHeader('authorization', 'Bearer at-1').reply(200, 'ok')
    try {
      const strategy = new OAuth2ClientCredentials('https://idp.example/token', 'client-1', 'secret-1')
      const session = new Session({ auth: strategy })

      await session.get('https://api.example/data')
      await session.get('https://api.example/data')

      const stored = await store.get(strategy.state)
      expect(stored?.token.access_token).to.equal('at-1')
      expect(stored?.token.expires_at).to.be.closeTo(Date.now() / 1000 + 3600, 5)
      idp.done()
      api.done()
    } finally {
      setTokenCache(previous)
    }
  })
})

describe('JsonTokenFileCache on disk', () => {
  const files = tempTokenFileEachSpec('oauth-sessions-store-')

  it("keeps requests-auth's [token, expiry, refresh token] format", async () => {
    const { path } = files
    const cache = new JsonTokenFileCache(path)

    await cache.addToken('with-refresh', { token: 'at-1', expiresAt: 2_000_000_000, refreshToken: 'rt-1' })
    await cache.set('plain', { access_token: 'at-2', expires_at: 2_000_000_001 })

    // requests-auth stores (token, expiry, None): no refresh token is written as null.
    expect(JSON.parse(readFileSync(path, 'utf8'))).to.deep.equal({ 'with-refresh': ['at-1', 2_000_000_000, 'rt-1'], plain: ['at-2', 2_000_000_001, null] })
    expect((await new JsonTokenFileCache(path).get('with-refresh'))?.token).to.deep.equal({
      access_token: 'at-1',
      expires_at: 2_000_000_000,
      refresh_token: 'rt-1',
    })
  })
})

describe('MemoryTokenStore versions and copies', () => {
  it('never repeats a version after a delete, so ifVersion cannot be fooled', async () => {
    const store = new MemoryTokenStore()
    await store.set('k', { access_token: 'a' })
    await store.delete('k')

    const again = await store.set('k', { access_token: 'b' })
    const stale = await store.set('k', { access_token: 'c' }, { ifVersion: 1 })

    expect(again?.version).to.equal(2)
    expect(stale).to.equal(undefined)
  })

  it('hands out copies: changing what get() returned leaves the store as it was', async () => {
    const store = new MemoryTokenStore()
    await store.set('k', { access_token: 'a' })

    const read = await store.get('k')
    if (read) read.token.access_token = 'changed'

    expect((await store.get('k'))?.token.access_token).to.equal('a')
  })
})

describe('the requests-auth cache on a slow store', () => {
  it('reads the store again inside the single flight, so a refresh token is never spent twice', async () => {
    class SlowStore extends MemoryTokenStore {
      override async get(key: string) {
        const value = await super.get(key)
        await new Promise((resolve) => setTimeout(resolve, 60))
        return value
      }
    }
    const previous = tokenCache()
    const store = new SlowStore()
    setTokenCache(store)
    const refreshTokens: string[] = []
    const idp = nock('https://idp.example')
      .post('/token', (body: Record<string, string>) => {
        refreshTokens.push(body.refresh_token ?? body.grant_type ?? '')
        return true
      })
      .reply(200, { access_token: 'at-2', expires_in: 3600, refresh_token: 'rt-2' })
    nock('https://api.example').get('/data').twice().matchHeader('authorization', 'Bearer at-2').reply(200, 'ok')
    try {
      const strategy = new OAuth2ClientCredentials('https://idp.example/token', 'client-1', 'secret-1')
      await store.set(strategy.state, { access_token: 'at-1', expires_at: 1, refresh_token: 'rt-1' })
      const session = new Session({ auth: strategy })

      const first = session.get('https://api.example/data')
      await new Promise((resolve) => setTimeout(resolve, 30))
      const second = session.get('https://api.example/data')
      await Promise.all([first, second])

      expect(refreshTokens).to.deep.equal(['rt-1'])
      idp.done()
    } finally {
      setTokenCache(previous)
    }
  })
})
