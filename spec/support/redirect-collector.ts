import nock from 'nock'

/**
 * An optional interceptor at `location` (any query) that counts the requests reaching it: where a
 * refused redirect would have gone, so a spec can prove nothing was sent there.
 */
export function redirectCollector(location: string, method: 'post' | 'get' = 'post'): { readonly hits: number } {
  const target = new URL(location)
  let hits = 0
  nock(target.origin)
    [method](target.pathname)
    .query(true)
    .optionally()
    .reply(() => {
      hits += 1
      return [200, 'access_token=stolen&oauth_token=stolen&oauth_token_secret=stolen']
    })
  return {
    get hits() {
      return hits
    },
  }
}
