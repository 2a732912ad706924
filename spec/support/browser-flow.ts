import { Session } from '../../lib/index.js'
import { BrowserMock, type TokenCacheHandle, useTokenCache } from '../../lib/testing/index.js'
import { freePort } from './free-port.js'

/** What each spec of a browser-flow suite gets fresh: the browser mock, an empty token cache, a Session and a free redirect port. */
export interface BrowserFlow {
  readonly browser: BrowserMock
  readonly cache: TokenCacheHandle
  readonly session: Session
  readonly port: number
}

/**
 * Registers the set-up of a requests-auth browser-flow suite: before each spec a BrowserMock is
 * installed, the token cache emptied, a Session made and a free port found for the redirect
 * listener; after it all of that is undone. Call it inside `describe`.
 */
export function useBrowserFlow(): BrowserFlow {
  let current: { browser: BrowserMock; cache: TokenCacheHandle; session: Session; port: number } | undefined
  const get = () => {
    if (current === undefined) throw new Error('useBrowserFlow: read it inside a spec, not while the suite is declared')
    return current
  }
  beforeEach(async () => {
    const browser = new BrowserMock().install()
    current = { browser, cache: useTokenCache(), session: new Session(), port: await freePort() }
  })
  afterEach(async () => {
    const flow = current
    current = undefined
    if (flow === undefined) return
    flow.cache.restore()
    flow.browser.restore()
    await flow.session.close()
  })
  return {
    get browser() {
      return get().browser
    },
    get cache() {
      return get().cache
    },
    get session() {
      return get().session
    },
    get port() {
      return get().port
    },
  }
}
