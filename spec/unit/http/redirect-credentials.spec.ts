import { expect } from 'chai'
import got from 'got'
import nock from 'nock'
import { authHooks, BearerAuth, combine, Session, type AuthStrategy } from '../../../lib/index.js'
import { echoReply, type WireEcho } from '../../support/nock-echo.js'

// DESIGN §4: one rule for the Session and the got adapter. Authorization, Cookie,
// Proxy-Authorization and every header marked secret are dropped when the origin changes and on
// https → http; Proxy-Authorization never follows a redirect.
const secretHeader: AuthStrategy = {
  apply(request) {
    request.headers.set('X-Tenant-Key', 'tenant-secret', { secret: true })
    request.headers.set('X-Trace', 'trace-1')
  },
}
const strategy = (): AuthStrategy => combine(new BearerAuth('tok'), secretHeader)
const callerHeaders = { Cookie: 'sid=caller', 'Proxy-Authorization': 'Basic cHJveHk6cHc=' }

/** What the first hop carries: every credential a later hop is checked not to. */
const sent = { authorization: 'Bearer tok', cookie: 'sid=caller', 'proxy-authorization': callerHeaders['Proxy-Authorization'], 'x-tenant-key': 'tenant-secret' }

/** The first hop: it redirects to `location` only when it carries each of `credentials`. */
function start(location: string, credentials: Record<string, string> = sent): nock.Scope {
  let scope = nock('https://api.test').get('/start')
  for (const [name, value] of Object.entries(credentials)) scope = scope.matchHeader(name, value)
  return scope.reply(302, '', { Location: location })
}

const crossOrigin: [hop: string, location: string][] = [
  ['an https to http hop of the same host', 'http://api.test/landing'],
  ['a hop to another host', 'https://other.test/landing'],
  ['a hop to another port', 'https://api.test:8443/landing'],
]

type Send = (url: string) => Promise<WireEcho>
const clients: [string, Send][] = [
  [
    'the Session',
    async (url) => {
      const session = new Session({ auth: strategy() })
      try {
        return (await session.get(url, { headers: callerHeaders })).json<WireEcho>()
      } finally {
        await session.close()
      }
    },
  ],
  ['the got adapter', (url) => got(url, { ...authHooks(strategy()), headers: callerHeaders }).json<WireEcho>()],
]

for (const [name, send] of clients) {
  describe(`credentials on redirect hops, with ${name}`, () => {
    for (const [hop, location] of crossOrigin) {
      it(`drops Authorization, Cookie, Proxy-Authorization and secret-marked headers on ${hop}`, async () => {
        const api = start(location)
        const landing = nock(new URL(location).origin).get('/landing').reply(echoReply)

        const echo = await send('https://api.test/start')

        expect(echo.path).to.equal('/landing')
        expect(echo.headers).to.not.have.any.keys('authorization', 'cookie', 'proxy-authorization', 'x-tenant-key')
        expect(echo.headers['x-trace']).to.equal('trace-1')
        api.done()
        landing.done()
      })
    }

    it('keeps Authorization, Cookie and secret-marked headers on a same-origin hop, and still drops Proxy-Authorization', async () => {
      const api = start('/landing').get('/landing').reply(echoReply)

      const echo = await send('https://api.test/start')

      expect(echo.headers).to.include({ authorization: 'Bearer tok', cookie: 'sid=caller', 'x-tenant-key': 'tenant-secret' })
      expect(echo.headers).to.not.have.property('proxy-authorization')
      api.done()
    })
  })
}

describe('credentials on redirect hops, with the got adapter and a strategy without onRedirect', () => {
  it('still knows which headers the strategy marked secret and drops them on a cross-origin hop', async () => {
    const api = start('https://other.test/landing', { 'x-tenant-key': 'tenant-secret' })
    const other = nock('https://other.test').get('/landing').reply(echoReply)

    const echo = await got('https://api.test/start', authHooks(secretHeader)).json<WireEcho>()

    expect(echo.headers).to.not.have.property('x-tenant-key')
    expect(echo.headers['x-trace']).to.equal('trace-1')
    api.done()
    other.done()
  })
})
