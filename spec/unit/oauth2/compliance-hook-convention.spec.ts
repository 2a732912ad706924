import { expect } from 'chai'
import nock from 'nock'
import { BackendApplicationClient, HeaderMap, OAuth2Session, type RequestHook } from '../../../lib/index.js'
import { echoReply, type WireEcho } from '../../support/nock-echo.js'

/** requests-oauthlib's hook shape, ported line by line: `def hook(url, headers, data): return url, headers, data`. */
function addVersion(url: string, headers: HeaderMap, data: unknown): [string, HeaderMap, typeof data] {
  headers.set('X-Api-Version', '2')
  return [url, headers, data]
}

describe("compliance hooks in Python's calling convention", () => {
  it('calls a protected_request hook as (url, headers, body) and sends the triple it returns', async () => {
    const session = new OAuth2Session('client-1', { accessToken: 'at-1' })
    const seen: unknown[][] = []
    session.registerComplianceHook('protected_request', (url, headers, body) => {
      seen.push([url, headers instanceof HeaderMap, body])
      return [`${url}?v=2`, headers, `${String(body)}&extra=1`]
    })
    session.registerComplianceHook('protected_request', addVersion as RequestHook)
    const api = nock('https://api.example').post('/items').query({ v: '2' }).reply(echoReply)

    const echo = (await session.post('https://api.example/items', { data: { a: '1' } })).json<WireEcho>()

    expect(seen).to.deep.equal([['https://api.example/items', true, 'a=1']])
    expect(echo.body).to.equal('a=1&extra=1')
    expect(echo.headers['x-api-version']).to.equal('2')
    expect(echo.headers.authorization).to.equal('Bearer at-1')
    api.done()
  })

  it('calls access_token_request and refresh_token_request hooks as (url, headers, body) too', async () => {
    const session = new OAuth2Session('client-1', {
      client: new BackendApplicationClient('client-1'),
      clientSecret: 'secret-1',
      token: { access_token: 'at-0', refresh_token: 'rt-0' },
    })
    const bodies: string[] = []
    const record: RequestHook = (url, headers, body) => {
      bodies.push(String(body))
      return [url, headers, body]
    }
    session.registerComplianceHook('access_token_request', record)
    session.registerComplianceHook('refresh_token_request', record)
    const idp = nock('https://idp.example').post('/token').twice().reply(200, { access_token: 'at-1', token_type: 'Bearer' })

    await session.fetchToken('https://idp.example/token')
    await session.refreshToken('https://idp.example/token', { refreshToken: 'rt-0' })

    expect(bodies).to.deep.equal(['grant_type=client_credentials', 'grant_type=refresh_token&refresh_token=rt-0'])
    idp.done()
  })

  it('runs protected_request hooks only when there is a token to send', async () => {
    const withToken = new OAuth2Session('client-1', { accessToken: 'at-1' })
    const withoutToken = new OAuth2Session('client-1')
    let calls = 0
    const count: RequestHook = (url, headers, body) => {
      calls++
      return [url, headers, body]
    }
    withToken.registerComplianceHook('protected_request', count)
    withoutToken.registerComplianceHook('protected_request', count)
    const api = nock('https://api.example').get('/public').times(3).reply(200, {})

    await withoutToken.get('https://api.example/public')
    await withToken.get('https://api.example/public', { withholdToken: true })
    const before = calls
    await withToken.get('https://api.example/public')

    expect(before).to.equal(0)
    expect(calls).to.equal(1)
    api.done()
  })
})
