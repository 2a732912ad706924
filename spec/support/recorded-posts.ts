import nock from 'nock'

// A mocked form endpoint (token, device, revoke) that writes down what each request sent:
//
//   const seen: Seen[] = []
//   const token = recordPosts(seen, 'https://idp.test', '/token', { access_token: 'at-1', token_type: 'Bearer' })
//   … expect(seen[0]?.body.get('client_assertion_type')).to.equal(…)

/** What one POST sent: its Authorization header and its form body. */
export interface Seen {
  authorization: string | undefined
  body: URLSearchParams
}

/** Mocks `times` POSTs to `origin` + `path`, each answered 200 with `answer`, recording what each sent in `seen`. */
export function recordPosts(seen: Seen[], origin: string, path: string, answer: object, times = 1): nock.Scope {
  return nock(origin)
    .post(path)
    .times(times)
    .reply(200, function (_uri, body) {
      seen.push({ authorization: this.req.headers.authorization, body: new URLSearchParams(String(body)) })
      return answer
    })
}
