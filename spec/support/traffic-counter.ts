import nock from 'nock'

/**
 * Counts every request nock saw that no interceptor matched: with the net closed (the root hook),
 * that is any traffic at all. `stop()` in a `finally`.
 */
export function trafficCounter(): { readonly count: number; stop(): void } {
  let count = 0
  const listener = (): void => {
    count++
  }
  nock.emitter.on('no match', listener)
  return {
    get count() {
      return count
    },
    stop: () => nock.emitter.removeListener('no match', listener),
  }
}
