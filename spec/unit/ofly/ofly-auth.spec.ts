import { expect } from 'chai'
import got from 'got'
import nock from 'nock'
import { readFileSync } from 'node:fs'
import { inspect } from 'node:util'
import { authHooks, combine, ConfigurationError, HeaderApiKey, OflyAuth, OflySession, PreparedRequest, Session } from '../../../lib/index.js'
import { echoReply, type WireEcho } from '../../support/nock-echo.js'

// spec/fixtures/ofly/generate.py: rauth 0.7.2's OflySession.sign, run with fixed clocks.
const vectors = JSON.parse(readFileSync(new URL('../../fixtures/ofly/rauth-vectors.json', import.meta.url), 'utf8')) as {
  name: string
  url: string
  hashMeth: string
  now: string
  params: Record<string, string>
  query: string
}[]
const vector = (name: string): (typeof vectors)[number] => vectors.find((candidate) => candidate.name === name) as (typeof vectors)[number]
const clock = (iso: string) => (): Date => new Date(iso)

describe('OflyAuth signs a prepared request as rauth does', () => {
  for (const name of ['sha1-5ms', 'sha1-no-ms', 'md5-999ms']) {
    it(`reproduces the rauth query byte for byte: ${name}`, () => {
      const { url, hashMeth, now, params, query } = vector(name)
      const { oflyUserid, ...requestParams } = params
      const request = new PreparedRequest('GET', `${url}${Object.keys(requestParams).length ? `?${new URLSearchParams(requestParams)}` : ''}`)
      const auth = new OflyAuth('app-123', 'secret-456', oflyUserid, { hashMeth: hashMeth as 'sha1', now: clock(now) })

      auth.apply(request)

      expect(request.url).to.equal(`${url}?${query}`)
    })
  }

  it('keeps a value with & whole on the wire, so the server reads back what was signed', () => {
    const { url, now, params, query } = vector('sha1-unicode')
    const request = new PreparedRequest('GET', `${url}?title=${encodeURIComponent(params.title as string)}`)
    const auth = new OflyAuth('app-123', 'secret-456', params.oflyUserid, { now: clock(now) })

    auth.apply(request)
    const sent = new URL(request.url).searchParams

    expect(sent.get('title')).to.equal('café & more')
    expect(sent.get('oflyUserid')).to.equal('üser')
    expect(sent.get('oflyApiSig')).to.equal(new URLSearchParams(query.replace(/&title=.*/, '')).get('oflyApiSig'))
  })

  it('signs an already signed request afresh instead of twice', () => {
    const auth = new OflyAuth('app-123', 'secret-456', 'user-1', { now: clock('2026-11-24T17:05:09.005Z') })
    const request = new PreparedRequest('GET', 'https://ws.example.com/userid/albums')

    auth.apply(request)
    auth.apply(request)

    expect(request.url).to.equal(`https://ws.example.com/userid/albums?${vector('sha1-5ms').query}`)
  })

  it('refuses a missing user id when signing, and a bad hash method or app id when built', () => {
    const request = new PreparedRequest('GET', 'https://ws.example.com/x')

    const noUser = (): void => new OflyAuth('app', 'secret').apply(request)
    const badHash = (): unknown => new OflyAuth('app', 'secret', 'u', { hashMeth: 'sha256' as never })
    const noApp = (): unknown => new OflyAuth('', 'secret', 'u')

    expect(noUser).to.throw(ConfigurationError).with.property('option', 'userId')
    expect(badHash).to.throw(ConfigurationError).with.property('option', 'hashMeth')
    expect(noApp).to.throw(ConfigurationError).with.property('option', 'appId')
    expect(request.url).to.equal('https://ws.example.com/x')
  })

  it('never shows the app secret in toJSON, inspect, String or a Session summary', () => {
    const auth = new OflyAuth('app-123', 'ofly-very-secret', 'user-1')

    const shown = [JSON.stringify(auth), inspect(auth), String(auth), inspect(new Session({ auth }), { depth: 5 })].join(' ')

    expect(shown).to.not.include('ofly-very-secret')
    expect(auth.toJSON()).to.deep.equal({ type: 'OflyAuth', appId: 'app-123', appSecret: '[redacted]', userId: 'user-1', hashMeth: 'sha1' })
    expect(auth.appSecret).to.equal('ofly-very-secret')
  })
})

describe('OflyAuth on the wire', () => {
  const now = '2026-11-24T17:05:09.005Z'
  const auth = (): OflyAuth => new OflyAuth('app-123', 'secret-456', 'user-1', { now: clock(now) })
  const expectedQuery = (url: string, params: Record<string, string> = {}): string =>
    OflySession.sign(url, 'app-123', 'secret-456', 'sha1', { ...params, oflyUserid: 'user-1' }, new Date(now))

  it('signs Session requests, params and session params included', async () => {
    const session = new Session({ auth: auth(), baseUrl: 'https://ws.example.com/', params: { format: 'json' } })
    const scope = nock('https://ws.example.com').get(/.*/).reply(echoReply)

    const echo = (await session.get('userid/albums', { params: { page: '2' } })).json<WireEcho>()

    expect(echo.path).to.equal(`/userid/albums?${expectedQuery('https://ws.example.com/userid/albums', { format: 'json', page: '2' })}`)
    scope.done()
    await session.close()
  })

  it('signs plain got requests through authHooks', async () => {
    const client = got.extend(authHooks(auth()))
    const scope = nock('https://ws.example.com').get(/.*/).reply(echoReply)

    const echo = await client('https://ws.example.com/userid/albums', { searchParams: { format: 'json' } }).json<WireEcho>()

    expect(echo.path).to.equal(`/userid/albums?${expectedQuery('https://ws.example.com/userid/albums', { format: 'json' })}`)
    scope.done()
  })

  it('works with combine, next to another strategy', async () => {
    const session = new Session({ auth: combine(new HeaderApiKey('key-1'), auth()) })
    const scope = nock('https://ws.example.com').get(/.*/).reply(echoReply)

    const echo = (await session.get('https://ws.example.com/userid/albums')).json<WireEcho>()

    expect(echo.headers['x-api-key']).to.equal('key-1')
    expect(echo.path).to.equal(`/userid/albums?${expectedQuery('https://ws.example.com/userid/albums')}`)
    scope.done()
    await session.close()
  })

  for (const [name, send] of [
    [
      'a Session',
      async (url: string) => {
        const session = new Session({ auth: auth() })
        try {
          return (await session.get(url)).json<WireEcho>()
        } finally {
          await session.close()
        }
      },
    ],
    ['plain got', (url: string) => got(url, authHooks(auth())).json<WireEcho>()],
  ] as const) {
    it(`signs a same-origin redirect hop again for its own URL, and leaves a cross-origin hop unsigned, with ${name}`, async () => {
      const api = nock('https://ws.example.com')
        .get(/^\/userid\/old/)
        .reply(302, '', { Location: '/userid/new?page=3' })
        .get(/^\/userid\/away/)
        .reply(302, '', { Location: 'https://elsewhere.example.com/landing?x=1' })
        .get(/^\/userid\/new/)
        .reply(echoReply)
      const elsewhere = nock('https://elsewhere.example.com').get(/.*/).reply(echoReply)

      const same = await send('https://ws.example.com/userid/old')
      const crossed = await send('https://ws.example.com/userid/away')

      expect(same.path).to.equal(`/userid/new?${expectedQuery('https://ws.example.com/userid/new', { page: '3' })}`)
      expect(crossed.path).to.equal('/landing?x=1')
      api.done()
      elsewhere.done()
    })
  }
})

describe('OflySession with OflyAuth', () => {
  it('signs with an OflyAuth as its auth, after the auth option when one is given', async () => {
    const session = new OflySession('app-123', 'secret-456', 'user-1', {
      auth: new HeaderApiKey('key-1'),
      now: clock('2026-11-24T17:05:09.005Z'),
    })
    const scope = nock('https://ws.example.com').get(/.*/).reply(echoReply)

    const echo = (await session.get('https://ws.example.com/userid/albums')).json<WireEcho>()

    expect(session.ofly).to.be.instanceOf(OflyAuth)
    expect(echo.headers['x-api-key']).to.equal('key-1')
    expect(echo.path).to.equal(`/userid/albums?${vector('sha1-5ms').query}`)
    scope.done()
    await session.close()
  })

  it('signs for the user id set on the session after it was built', async () => {
    const session = new OflySession('app-123', 'secret-456', undefined, { now: clock('2026-11-24T17:05:09.005Z') })
    const scope = nock('https://ws.example.com').get(/.*/).reply(echoReply)

    session.userId = 'user-1'
    const echo = (await session.get('https://ws.example.com/userid/albums')).json<WireEcho>()

    expect(session.ofly.userId).to.equal('user-1')
    expect(echo.path).to.equal(`/userid/albums?${vector('sha1-5ms').query}`)
    scope.done()
    await session.close()
  })
})
