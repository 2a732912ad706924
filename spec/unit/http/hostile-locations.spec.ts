import { expect } from 'chai'
import got, { RequestError } from 'got'
import nock from 'nock'
import { inspect } from 'node:util'
import { authHooks, InvalidRedirectError, OAuthSessionsError, Session, type AuthStrategy, type RedirectContext } from '../../../lib/index.js'
import { trafficCounter } from '../../support/traffic-counter.js'

describe('a redirect whose Location is hostile', () => {
  let session: Session
  beforeEach(() => {
    session = new Session()
  })
  afterEach(() => session.close())

  const hostile: [label: string, location: string, problem: string][] = [
    ['a malformed URL', 'http://[::1', 'is not a valid URL'],
    ['a file: URL', 'file:///etc/passwd', 'file:'],
    ['a javascript: URL', 'javascript:alert(document.cookie)', 'javascript:'],
    ['a data: URL', 'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==', 'data:'],
    ['an empty Location', '', 'is empty'],
  ]
  for (const [label, location, problem] of hostile) {
    it(`turns ${label} into InvalidRedirectError, with no further traffic`, async () => {
      const scope = nock('https://api.test').get('/start').reply(302, '', { Location: location })
      const traffic = trafficCounter()
      try {
        const error = await session.get('https://api.test/start').catch((caught: unknown) => caught)

        expect(error).to.be.instanceOf(InvalidRedirectError).and.instanceOf(OAuthSessionsError).and.include({ code: 'ERR_INVALID_REDIRECT', status: 302 })
        expect((error as Error).message)
          .to.include(problem)
          .and.include('https://api.test/start')
        expect(traffic.count).to.equal(0)
        scope.done()
      } finally {
        traffic.stop()
      }
    })
  }

  it('never hands such a hop to the strategy', async () => {
    const hops: RedirectContext[] = []
    const strategy: AuthStrategy = {
      apply() {},
      onRedirect(_request, context) {
        hops.push(context)
      },
    }
    const scope = nock('https://api.test').post('/start').reply(307, '', { Location: 'file:///etc/shadow' })

    const error = await session.post('https://api.test/start', { data: { a: '1' }, auth: strategy }).catch((caught: unknown) => caught)

    expect(error).to.be.instanceOf(InvalidRedirectError).and.include({ status: 307 })
    expect(hops).to.deep.equal([])
    scope.done()
  })

  it('names the Location redacted, never a credential it carries', async () => {
    const scope = nock('https://api.test').get('/start').reply(302, '', { Location: 'http://user:hunter2-pass@[::1/cb?access_token=tok-secret-9&x=1' })

    const error = (await session.get('https://api.test/start').catch((caught: unknown) => caught)) as InvalidRedirectError

    expect(error).to.be.instanceOf(InvalidRedirectError)
    expect(error.location).to.equal('http://[redacted]@[::1/cb?access_token=[redacted]&x=1')
    const shown = `${error.message} ${String(error)} ${JSON.stringify(error)} ${inspect(error)}`
    expect(shown).to.include('[redacted]').and.not.include('hunter2-pass').and.not.include('tok-secret-9')
    scope.done()
  })

  it('cuts a very long Location short in the message', async () => {
    const scope = nock('https://api.test')
      .get('/start')
      .reply(302, '', { Location: `data:text/plain,${'a'.repeat(5000)}` })

    const error = (await session.get('https://api.test/start').catch((caught: unknown) => caught)) as InvalidRedirectError

    expect(error).to.be.instanceOf(InvalidRedirectError)
    expect(error.message.length).to.be.below(600)
    scope.done()
  })

  it('returns a redirect with no Location at all as the response, as requests does', async () => {
    const scope = nock('https://api.test').get('/start').reply(302, 'moved, somewhere')

    const response = await session.get('https://api.test/start')

    expect(response.status).to.equal(302)
    expect(response.isRedirect).to.equal(false)
    expect(response.text).to.equal('moved, somewhere')
    scope.done()
  })

  it('still follows relative, protocol-relative and http(s) Locations', async () => {
    const scope = nock('https://api.test')
      .get('/a')
      .reply(302, '', { Location: 'b' })
      .get('/b')
      .reply(302, '', { Location: '//api.test/c' })
      .get('/c')
      .reply(302, '', { Location: 'https://api.test/d' })
      .get('/d')
      .reply(200, 'done')

    const response = await session.get('https://api.test/a')

    expect([response.url, response.text]).to.deep.equal(['https://api.test/d', 'done'])
    scope.done()
  })
})

describe('a hostile Location through authHooks on plain got', () => {
  for (const location of ['http://[::1', 'file:///etc/passwd', 'javascript:alert(1)']) {
    it(`ends in got's own RequestError for ${location}, before the strategy sees the hop`, async () => {
      const hops: RedirectContext[] = []
      const strategy: AuthStrategy = {
        apply() {},
        onRedirect(_request, context) {
          hops.push(context)
        },
      }
      const scope = nock('https://api.test').get('/start').reply(302, '', { Location: location })

      const error = await got
        .extend(authHooks(strategy))('https://api.test/start')
        .catch((caught: unknown) => caught)

      expect(error).to.be.instanceOf(RequestError).and.not.instanceOf(TypeError)
      expect((error as RequestError).code).to.be.oneOf(['ERR_INVALID_URL', 'ERR_UNSUPPORTED_PROTOCOL'])
      expect(hops).to.deep.equal([])
      scope.done()
    })
  }
})
