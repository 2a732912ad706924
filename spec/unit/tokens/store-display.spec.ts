import { expect } from 'chai'
import { inspect } from 'node:util'
import { JsonTokenFileCache, MemoryTokenStore, TokenMemoryCache, type TokenStore } from '../../../lib/index.js'
import { tempTokenFileEachSpec } from '../../support/temp-token-file.js'

const ACCESS = 'access-7f3b2c'
const REFRESH = 'refresh-9d4e1a'

function shown(value: unknown): string {
  return `${String(value)} ${JSON.stringify(value)} ${inspect(value, { depth: 10 })} ${inspect(value, { depth: 10, showHidden: true })}`
}

describe('token stores in logs', () => {
  const files = tempTokenFileEachSpec('oauth-sessions-display-')

  const stores: [string, () => TokenStore][] = [
    ['MemoryTokenStore', () => new MemoryTokenStore()],
    ['TokenMemoryCache', () => new TokenMemoryCache()],
    ['JsonTokenFileCache', () => new JsonTokenFileCache(files.path)],
  ]
  for (const [name, make] of stores) {
    it(`${name} shows its keys, count and versions, never a token, in JSON and util.inspect`, async () => {
      const store = make()
      await store.set('api', { access_token: ACCESS, refresh_token: REFRESH, expires_at: 9_999_999_999 })
      await store.set('api', { access_token: `${ACCESS}-2`, refresh_token: `${REFRESH}-2` })
      await store.set('other', { access_token: ACCESS })

      const json = JSON.parse(JSON.stringify(store)) as Record<string, unknown>

      expect(json).to.deep.include({ type: name, count: 2, versions: { api: 2, other: 1 } })
      expect(inspect(store)).to.include(name).and.include('api').and.include('other')
      expect(shown(store)).to.not.include(ACCESS).and.not.include(REFRESH)
    })
  }

  it('JsonTokenFileCache names its file', () => {
    const path = files.path

    expect(JSON.parse(JSON.stringify(new JsonTokenFileCache(path)))).to.deep.include({ type: 'JsonTokenFileCache', path, count: 0 })
  })
})
