import nock from 'nock'

/** What a nock echo interceptor saw on the wire. */
export interface WireEcho {
  method: string
  path: string
  headers: Record<string, string | string[]>
  body: string
}

/** A nock reply function that answers with the request as it arrived on the wire. */
export function echoReply(this: nock.ReplyFnContext, _uri: string, body: nock.Body): [number, WireEcho] {
  return [
    200,
    {
      method: this.req.method,
      path: this.req.path,
      headers: this.req.headers as Record<string, string | string[]>,
      body: typeof body === 'string' ? body : body === undefined ? '' : JSON.stringify(body),
    },
  ]
}

/**
 * Intercepts `times` requests with `method` to `origin` (any path) and answers with what was
 * received, so a spec can assert on the exact wire format.
 */
export function echoOnce(origin: string, method = 'POST', times = 1): nock.Scope {
  return nock(origin).intercept(/.*/, method).times(times).reply(echoReply)
}
