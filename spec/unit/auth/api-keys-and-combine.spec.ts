import { expect } from 'chai'
import nock from 'nock'
import { inspect } from 'node:util'
import { Basic, BearerAuth, combine, ConfigurationError, HeaderApiKey, MultiAuth, QueryApiKey, Session, type AuthStrategy } from '../../../lib/index.js'
import { configurationError } from '../../support/expect-configuration-error.js'
import { echoReply, type WireEcho } from '../../support/nock-echo.js'

describe('HeaderApiKey and QueryApiKey (requests-auth)', () => {
  it('sends the key in X-API-Key by default, or the header named', async () => {
    const session = new Session()
    const scope = nock('https://api.test').get('/k').twice().reply(echoReply)

    const byDefault = (await session.get('https://api.test/k', { auth: new HeaderApiKey('my_api_key') })).json<WireEcho>()
    const named = (await session.get('https://api.test/k', { auth: new HeaderApiKey('my_api_key', 'X-Custom') })).json<WireEcho>()

    expect(byDefault.headers['x-api-key']).to.equal('my_api_key')
    expect(named.headers['x-custom']).to.equal('my_api_key')
    scope.done()
    await session.close()
  })

  it("adds the key to the query as requests-auth's _add_parameters does (recorded with Python's urllib)", async () => {
    const session = new Session()
    let path = ''
    const scope = nock('https://api.test')
      .get(/.*/)
      .reply(function () {
        path = this.req.path
        return [200, 'ok']
      })

    await session.get('https://api.test/p?a=1&api_key=old&b=&a=2&c=x y', { auth: new QueryApiKey('k e~y*') })

    // python3: urlencode(parse_qs(query) | {'api_key': [key]}, doseq=True)
    expect(path).to.equal('/p?a=1&a=2&api_key=k+e~y%2A&c=x+y')
    scope.done()
    await session.close()
  })

  it('refuses an empty key, and keeps keys out of inspect and JSON', () => {
    const header = new HeaderApiKey('secret-key-1')
    const query = new QueryApiKey('secret-key-2', 'key')

    expect(() => new HeaderApiKey('')).to.throw(ConfigurationError, 'API Key is mandatory.')
    expect(`${inspect(header)} ${JSON.stringify(query)} ${inspect(query)}`).to.not.match(/secret-key/)
  })
})

describe('HeaderApiKey and QueryApiKey given something that is not text', () => {
  const SECRET = 'key-never-shown-7b2e'
  const wrong: [label: string, make: () => unknown, option: string][] = [
    ['HeaderApiKey(5)', () => new HeaderApiKey(5 as never), 'apiKey'],
    ['HeaderApiKey({ key })', () => new HeaderApiKey({ key: SECRET } as never), 'apiKey'],
    ['QueryApiKey(5)', () => new QueryApiKey(5 as never), 'apiKey'],
    ['HeaderApiKey(key, 5)', () => new HeaderApiKey(SECRET, 5 as never), 'headerName'],
    ['HeaderApiKey(key, "X\\r\\nY")', () => new HeaderApiKey(SECRET, `X\r\nY-${SECRET}`), 'headerName'],
    ['HeaderApiKey(key, "X Key")', () => new HeaderApiKey(SECRET, 'X Key'), 'headerName'],
    ['QueryApiKey(key, 5)', () => new QueryApiKey(SECRET, 5 as never), 'queryParameterName'],
  ]
  for (const [label, make, option] of wrong) {
    it(`refuses ${label} with a ConfigurationError naming ${option}, before any request`, () => {
      const error = configurationError(make)

      expect(error.option).to.equal(option)
      expect(error.message).to.not.include(SECRET)
    })
  }

  it('still takes a missing header or parameter name (Python None) as the default', () => {
    expect(new HeaderApiKey('k', null as never).headerName).to.equal('X-API-Key')
    expect(new QueryApiKey('k', undefined).queryParameterName).to.equal('api_key')
  })
})

describe('combining strategies (requests-auth + / &)', () => {
  it('applies every strategy with and(), in order, and flattens nested combinations', async () => {
    const session = new Session()
    const scope = nock('https://api.test').get('/c').query({ key: 'q' }).reply(echoReply)
    const tenant: AuthStrategy = {
      apply(request) {
        request.headers.set('X-Tenant', 'acme')
      },
    }

    const auth = new HeaderApiKey('h').and(new QueryApiKey('q', 'key')).and(new Basic('user', 'pw'), tenant)
    const echo = (await session.get('https://api.test/c', { auth })).json<WireEcho>()

    expect(auth).to.be.instanceOf(MultiAuth)
    expect(auth.strategies).to.have.length(4)
    expect(echo.headers).to.include({ 'x-api-key': 'h', authorization: `Basic ${Buffer.from('user:pw').toString('base64')}`, 'x-tenant': 'acme' })
    scope.done()
    await session.close()
  })

  it('lets a later strategy win on the same header, as applying them in order does', async () => {
    const session = new Session()
    const scope = nock('https://api.test').get('/o').reply(echoReply)

    const echo = (await session.get('https://api.test/o', { auth: combine(new Basic('u', 'p'), new BearerAuth('tok')) })).json<WireEcho>()

    expect(echo.headers.authorization).to.equal('Bearer tok')
    scope.done()
    await session.close()
  })

  it('shows each part redacted', () => {
    const shown = JSON.stringify(combine(new HeaderApiKey('k-secret'), new Basic('user', 'p-secret')))

    expect(shown).to.include('HeaderApiKey').and.include('user')
    expect(shown).to.not.include('secret')
  })
})

describe('API keys under custom header names', () => {
  it('are redacted when the request that carries them is inspected or serialised', async () => {
    const session = new Session()
    const scope = nock('https://api.test').get('/k').reply(200, 'ok')

    const response = await session.get('https://api.test/k', { auth: new HeaderApiKey('custom-header-secret', 'X-Custom-Key') })
    const shown = `${inspect(response.request)} ${JSON.stringify(response.request)} ${JSON.stringify(response.request.headers.clone())}`

    expect(response.request.headers.get('x-custom-key')).to.equal('custom-header-secret')
    expect(shown).to.not.include('custom-header-secret')
    expect(shown).to.include('X-Custom-Key')
    scope.done()
    await session.close()
  })
})
