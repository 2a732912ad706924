import { expect } from 'chai'
import nock from 'nock'
import { inspect } from 'node:util'
import { ConnectionError, HTTPError, OAuth2Session, QueryApiKey, type Response, Session } from '../../../lib/index.js'
import { startServer } from '../../support/servers.js'

// rauth's accessTokenKey and requests-auth's QueryApiKey put a credential in the query under a
// name the caller chose: every URL summary (errors, Response, PreparedRequest) must know that name.
const TOKEN = 'tok-custom-key-7f3a9'
const API_KEY = 'key-custom-param-5c1e2'

function shown(value: unknown): string {
  return `${String(value)} ${JSON.stringify(value)} ${inspect(value, { depth: 10 })} ${(value as Error).stack ?? ''}`
}

function raised(response: Response): unknown {
  try {
    response.raiseForStatus()
  } catch (error) {
    return error
  }
  return undefined
}

describe('a credential under a query parameter name of its own', () => {
  it("redacts an OAuth2Session's token under a custom accessTokenKey in the Response, its request and the HTTPError", async () => {
    const scope = nock('https://api.test').get('/me').query({ tk: TOKEN, page: '2' }).reply(404)
    const session = new OAuth2Session('client-1', { accessToken: TOKEN, accessTokenKey: 'tk', bearerAuth: false })

    const response = await session.get('https://api.test/me', { params: { page: 2 } })
    const error = raised(response)

    expect(error).to.be.instanceOf(HTTPError)
    expect(response.redactedUrl).to.equal('https://api.test/me?page=2&tk=[redacted]')
    expect(shown(response)).to.not.include(TOKEN)
    expect(shown(response.request)).to.not.include(TOKEN)
    expect(shown(error)).to.not.include(TOKEN)
    scope.done()
    await session.close()
  })

  it('redacts the custom accessTokenKey in a ConnectionError', async () => {
    const closed = await startServer()
    await closed.close()
    const session = new OAuth2Session('client-1', { accessToken: TOKEN, accessTokenKey: 'tk', bearerAuth: false })

    const error = await session.get(`${closed.url}/me`).catch((e: unknown) => e)

    expect(error).to.be.instanceOf(ConnectionError)
    expect(shown(error)).to.not.include(TOKEN)
    await session.close()
  })

  it('keeps the mark on a redirect hop whose Location echoes the token back', async () => {
    const scope = nock('https://api.test')
      .get('/me')
      .query({ tk: TOKEN })
      .reply(302, '', { Location: `/next?tk=${TOKEN}` })
      .get('/next')
      .query({ tk: TOKEN })
      .reply(500)
    const session = new OAuth2Session('client-1', { accessToken: TOKEN, accessTokenKey: 'tk', bearerAuth: false })

    const response = await session.get('https://api.test/me')

    expect(shown(raised(response))).to.not.include(TOKEN)
    expect(shown(response.history[0])).to.not.include(TOKEN)
    expect(shown(response)).to.not.include(TOKEN)
    scope.done()
    await session.close()
  })

  it('keeps the mark itself on a redirect hop: a value too short to scrub is still redacted by its name', async () => {
    // Values under six characters are never scrubbed (scrubSecrets), so only the copied mark redacts this one.
    const short = 'k9x2'
    const scope = nock('https://api.test')
      .get('/me')
      .query({ tk: short })
      .reply(302, '', { Location: '/next?tk=k9x2&page=2' })
      .get('/next')
      .query({ tk: short, page: '2' })
      .reply(500)
    const session = new OAuth2Session('client-1', { accessToken: short, accessTokenKey: 'tk', bearerAuth: false })

    const response = await session.get('https://api.test/me')

    expect(response.history[0]?.redactedUrl).to.equal('https://api.test/me?tk=[redacted]')
    expect(response.redactedUrl).to.equal('https://api.test/next?tk=[redacted]&page=2')
    expect(response.request.redactedUrl).to.equal('https://api.test/next?tk=[redacted]&page=2')
    scope.done()
    await session.close()
  })

  it('redacts a QueryApiKey under a custom parameter name in the Response, its request and the HTTPError', async () => {
    const scope = nock('https://api.test').get('/v1/items').query({ sig: API_KEY }).reply(403)
    const session = new Session({ auth: new QueryApiKey(API_KEY, 'sig') })

    const response = await session.get('https://api.test/v1/items')
    const error = raised(response)

    expect(error).to.be.instanceOf(HTTPError)
    expect(response.redactedUrl).to.equal('https://api.test/v1/items?sig=[redacted]')
    expect(shown(response)).to.not.include(API_KEY)
    expect(shown(response.request)).to.not.include(API_KEY)
    expect(shown(error)).to.not.include(API_KEY)
    scope.done()
    await session.close()
  })

  it('redacts a QueryApiKey under a custom parameter name in a ConnectionError', async () => {
    const closed = await startServer()
    await closed.close()
    const session = new Session({ auth: new QueryApiKey(API_KEY, 'sig') })

    const error = await session.get(`${closed.url}/v1/items`).catch((e: unknown) => e)

    expect(error).to.be.instanceOf(ConnectionError)
    expect(shown(error)).to.not.include(API_KEY)
    await session.close()
  })
})
