import { expect } from 'chai'
import got from 'got'
import nock from 'nock'
import { authHooks, combine, HeaderApiKey, OAuth1Auth, Session, type AuthStrategy, type RedirectContext } from '../../../lib/index.js'
import { echoReply, type WireEcho } from '../../support/nock-echo.js'

interface Seen {
  name: string
  url: string
  context: RedirectContext
}

/** A strategy that sets X-<name> on every request and records each redirect hop it is told about. */
function recording(name: string, seen: Seen[], options: { slow?: boolean } = {}): AuthStrategy {
  return {
    apply(request) {
      request.headers.set(`X-${name}`, 'applied')
    },
    async onRedirect(request, context) {
      if (options.slow) await new Promise<void>((resolve) => setImmediate(resolve))
      seen.push({ name, url: request.url, context })
      request.headers.set(`X-${name}`, `hop-from-${new URL(context.previousUrl).pathname}`)
    },
  }
}

describe('MultiAuth.onRedirect', () => {
  it("runs each combined strategy's onRedirect on a hop, in order, awaiting each, and skips one without it", async () => {
    const seen: Seen[] = []
    const auth = combine(recording('First', seen, { slow: true }), new HeaderApiKey('k-1'), recording('Second', seen))
    const scope = nock('https://api.test').get('/start').reply(302, '', { Location: '/next' }).get('/next').reply(echoReply)
    const session = new Session({ auth })

    const echo = (await session.get('https://api.test/start')).json<WireEcho>()

    expect(seen.map((entry) => entry.name)).to.deep.equal(['First', 'Second'])
    expect(seen.map((entry) => entry.url)).to.deep.equal(['https://api.test/next', 'https://api.test/next'])
    expect(seen[0]?.context).to.deep.equal({ status: 302, previousUrl: 'https://api.test/start', crossOrigin: false })
    expect(echo.path).to.equal('/next')
    expect(echo.headers['x-first']).to.equal('hop-from-/start')
    expect(echo.headers['x-second']).to.equal('hop-from-/start')
    expect(echo.headers['x-api-key']).to.equal('k-1')
    scope.done()
    await session.close()
  })

  it('runs on every hop of a chain and tells each strategy when a hop leaves the origin', async () => {
    const seen: Seen[] = []
    const auth = combine(recording('First', seen), recording('Second', seen))
    const first = nock('https://api.test').get('/a').reply(301, '', { Location: '/b' }).get('/b').reply(307, '', { Location: 'https://other.test/c' })
    const second = nock('https://other.test').get('/c').reply(200, 'done')
    const session = new Session({ auth })

    const response = await session.get('https://api.test/a')

    expect(response.text).to.equal('done')
    expect(seen.map((entry) => `${entry.name} ${entry.context.status} ${entry.context.crossOrigin} ${entry.url}`)).to.deep.equal([
      'First 301 false https://api.test/b',
      'Second 301 false https://api.test/b',
      'First 307 true https://other.test/c',
      'Second 307 true https://other.test/c',
    ])
    first.done()
    second.done()
    await session.close()
  })

  it('lets a combined OAuth1Auth sign each same-origin hop for its own URL next to an API key', async () => {
    const oauth1 = new OAuth1Auth('ck', { clientSecret: 'cs', resourceOwnerKey: 'tk', resourceOwnerSecret: 'ts' })
    const auth = combine(new HeaderApiKey('k-1'), oauth1)
    const scope = nock('https://api.test').get('/one').reply(302, '', { Location: '/two' }).get('/two').reply(echoReply)
    const session = new Session({ auth })

    const response = await session.get('https://api.test/one')
    const echo = response.json<WireEcho>()

    const firstHop = response.history[0]?.request.headers.get('authorization') ?? ''
    const lastHop = String(echo.headers.authorization)
    expect(lastHop).to.match(/^OAuth /)
    expect(signature(lastHop)).to.not.equal(signature(firstHop))
    expect(oauth1.explainSignature(response.request).baseStringUri).to.equal('https://api.test/two')
    expect(signature(lastHop)).to.equal(signature(oauth1.explainSignature(response.request).authorizationHeader))
    expect(echo.headers['x-api-key']).to.equal('k-1')
    scope.done()
    await session.close()
  })

  it('runs with plain got through authHooks too', async () => {
    const seen: Seen[] = []
    const auth = combine(recording('First', seen), recording('Second', seen))
    const scope = nock('https://api.test').get('/start').reply(302, '', { Location: '/next' }).get('/next').reply(echoReply)

    const echo = await got('https://api.test/start', authHooks(auth)).json<WireEcho>()

    expect(seen.map((entry) => entry.name)).to.deep.equal(['First', 'Second'])
    expect(echo.headers['x-second']).to.equal('hop-from-/start')
    scope.done()
  })
})

function signature(header: string): string | undefined {
  return /oauth_signature="([^"]+)"/.exec(header)?.[1]
}
