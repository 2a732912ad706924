import nock from 'nock'

/**
 * Counts every request nock saw that no interceptor matched: with the net closed (the root hook),
 * that is any traffic at all, requests to a loopback server included. A request an interceptor
 * answered is not counted, so a spec that counts 0 also ends its scopes with `done()`.
 * `stop()` in a `finally`. spec/unit/http/option-schemas.spec.ts checks each of these.
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
