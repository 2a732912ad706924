import { expect } from 'chai'
import { readFileSync } from 'node:fs'
import nock from 'nock'
import { BearerAuth, Session, type AuthStrategy, type LinkEntry } from '../../../lib/index.js'
import { echoReply, type WireEcho } from '../../support/nock-echo.js'

// Recorded from requests.utils.parse_header_links (requests 2.34) for each header.
const fixtures = JSON.parse(readFileSync(new URL('../../fixtures/link-headers.requests.json', import.meta.url), 'utf8')) as [string, LinkEntry[]][]

describe('Response.links', () => {
  for (const [header, expected] of fixtures) {
    it(`parses ${JSON.stringify(header.slice(0, 40))}... as requests does`, async () => {
      const session = new Session()
      const scope = nock('https://api.test').get('/l').reply(200, '', { Link: header })

      const response = await session.get('https://api.test/l')

      const byKey = Object.fromEntries(expected.map((link) => [link.rel || link.url, link]))
      expect(response.links).to.deep.equal(byKey)
      scope.done()
      await session.close()
    })
  }

  it('is empty without a Link header', async () => {
    const session = new Session()
    const scope = nock('https://api.test').get('/l').reply(200)

    const response = await session.get('https://api.test/l')

    expect(response.links).to.deep.equal({})
    scope.done()
    await session.close()
  })
})

describe('prepareRequest and send', () => {
  it('prepares with session defaults and credentials, and sends what was prepared', async () => {
    const session = new Session({ headers: { 'X-Default': 'd' }, params: { v: '1' }, auth: new BearerAuth('tok') })
    const scope = nock('https://api.test').post('/p').query({ v: '1' }).reply(echoReply)

    const prepared = await session.prepareRequest('post', 'https://api.test/p', { json: { a: 1 } })
    prepared.headers.set('X-Added', 'later')
    const response = await session.send(prepared)

    const echo = response.json<WireEcho>()
    expect(prepared.method).to.equal('POST')
    expect(echo.headers).to.include({ 'x-default': 'd', 'x-added': 'later', authorization: 'Bearer tok', 'content-type': 'application/json' })
    expect(echo.body).to.equal('{"a":1}')
    scope.done()
    await session.close()
  })

  it('does not apply credentials a second time on send', async () => {
    let applied = 0
    const counting: AuthStrategy = {
      apply(request) {
        applied++
        request.headers.set('X-Count', applied)
      },
    }
    const session = new Session({ auth: counting })
    const scope = nock('https://api.test').get('/c').reply(echoReply)

    const prepared = await session.prepareRequest('GET', 'https://api.test/c')
    const response = await session.send(prepared)

    expect(applied).to.equal(1)
    expect(response.json<WireEcho>().headers['x-count']).to.equal('1')
    scope.done()
    await session.close()
  })
})
