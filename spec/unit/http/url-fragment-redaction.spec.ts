import { expect } from 'chai'
import nock from 'nock'
import { inspect } from 'node:util'
import { ConnectionError, HTTPError, PreparedRequest, Session } from '../../../lib/index.js'
import { startServer } from '../../support/servers.js'

// Implicit-grant redirects carry the token in the fragment (RFC 6749 §4.2.2): a URL summary in a
// message, a log or JSON must not show it, whether or not the URL also has a query.
const SECRET = 's3cret-fragment-token'

function shown(value: unknown): string {
  return `${String(value)} ${JSON.stringify(value)} ${inspect(value, { depth: 10 })}`
}

describe('URL summaries redact a token in the fragment', () => {
  it('redacts #access_token= after a query in a PreparedRequest summary, keeping the state', () => {
    const request = new PreparedRequest('GET', `https://app.test/cb?x=1#access_token=${SECRET}&state=st-1`)

    expect(shown(request)).to.not.include(SECRET)
    expect(String(request)).to.equal('<PreparedRequest [GET] https://app.test/cb?x=1#access_token=[redacted]&state=st-1>')
  })

  it('redacts #access_token= in a PreparedRequest summary when the URL has no query', () => {
    const request = new PreparedRequest('GET', `https://app.test/cb#access_token=${SECRET}&state=st-1`)

    expect(shown(request)).to.not.include(SECRET)
    expect(String(request)).to.equal('<PreparedRequest [GET] https://app.test/cb#access_token=[redacted]&state=st-1>')
  })

  it('redacts both the user-info password and a fragment token when the URL has no query', () => {
    const request = new PreparedRequest('GET', `https://user:pw-1@app.test/cb#id_token=${SECRET}`)

    expect(shown(request)).to.not.include(SECRET).and.not.include('pw-1')
  })

  it('keeps the token out of Response.redactedUrl and the HTTPError message of a fragment URL', async () => {
    const scope = nock('https://app.test').get('/cb').reply(404)
    const session = new Session()

    const response = await session.get(`https://app.test/cb#access_token=${SECRET}`)
    const error = (() => {
      try {
        response.raiseForStatus()
      } catch (e) {
        return e
      }
    })()

    expect(error).to.be.instanceOf(HTTPError)
    expect(response.redactedUrl).to.not.include(SECRET)
    expect(shown(response)).to.not.include(SECRET)
    expect((error as Error).message).to.not.include(SECRET)
    scope.done()
    await session.close()
  })

  it('keeps the token out of a ConnectionError message for a fragment URL', async () => {
    const closed = await startServer()
    await closed.close()
    const session = new Session()

    const error = await session.get(`${closed.url}/cb#access_token=${SECRET}`).catch((e: unknown) => e)

    expect(error).to.be.instanceOf(ConnectionError)
    expect(shown(error)).to.not.include(SECRET)
    await session.close()
  })
})
