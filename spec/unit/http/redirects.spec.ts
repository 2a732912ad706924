import { expect } from 'chai'
import nock from 'nock'
import { BearerAuth, Session, TooManyRedirectsError, type AuthStrategy, type RedirectContext } from '../../../lib/index.js'
import { echoReply, type WireEcho } from '../../support/nock-echo.js'

describe('redirects followed by the Session', () => {
  let session: Session
  beforeEach(() => {
    session = new Session()
  })
  afterEach(() => session.close())

  for (const status of [301, 302, 303]) {
    it(`turns a POST answered with ${status} into a GET without body or body headers`, async () => {
      const scope = nock('https://api.test').post('/start', 'a=1').reply(status, '', { Location: '/next' }).get('/next').reply(echoReply)

      const response = await session.post('https://api.test/start', { data: { a: 1 } })

      const echo = response.json<WireEcho>()
      expect(echo.method).to.equal('GET')
      expect(echo.body).to.equal('')
      expect(echo.headers).to.not.have.property('content-type')
      expect(echo.headers).to.not.have.property('content-length')
      expect(response.history.map((hop) => hop.status)).to.deep.equal([status])
      scope.done()
    })
  }

  for (const status of [307, 308]) {
    it(`keeps method, body and Content-Type on ${status}`, async () => {
      const scope = nock('https://api.test')
        .put('/start', '{"a":1}')
        .reply(status, '', { Location: 'https://api.test/next' })
        .put('/next', '{"a":1}')
        .reply(echoReply)

      const response = await session.put('https://api.test/start', { json: { a: 1 } })

      const echo = response.json<WireEcho>()
      expect(echo.method).to.equal('PUT')
      expect(echo.body).to.equal('{"a":1}')
      expect(echo.headers['content-type']).to.equal('application/json')
      scope.done()
    })
  }

  it('turns a DELETE answered with 302 into a GET, and keeps PUT on 301 but drops its body (requests rules)', async () => {
    const scope = nock('https://api.test')
      .delete('/d')
      .reply(302, '', { Location: '/after-delete' })
      .get('/after-delete')
      .reply(echoReply)
      .put('/p', 'x')
      .reply(301, '', { Location: '/after-put' })
      .put('/after-put')
      .reply(echoReply)

    const deleted = await session.delete('https://api.test/d')
    const put = await session.put('https://api.test/p', { data: 'x' })

    expect(deleted.json<WireEcho>().method).to.equal('GET')
    expect(put.json<WireEcho>()).to.include({ method: 'PUT', body: '' })
    scope.done()
  })

  it('keeps Authorization and a caller Cookie on a same-origin hop', async () => {
    const scope = nock('https://api.test').get('/a').reply(302, '', { Location: '/b' }).get('/b').reply(echoReply)

    const response = await session.get('https://api.test/a', { auth: new BearerAuth('tok'), headers: { Cookie: 'mine=1' } })

    const echo = response.json<WireEcho>()
    expect(echo.headers.authorization).to.equal('Bearer tok')
    expect(echo.headers.cookie).to.equal('mine=1')
    scope.done()
  })

  it('drops Authorization, Cookie and Proxy-Authorization on a cross-origin hop', async () => {
    const first = nock('https://api.test').get('/a').reply(302, '', { Location: 'https://other.test/b' })
    const second = nock('https://other.test').get('/b').reply(echoReply)

    const response = await session.get('https://api.test/a', {
      auth: new BearerAuth('tok'),
      headers: { Cookie: 'mine=1', 'Proxy-Authorization': 'Basic eA==' },
    })

    const echo = response.json<WireEcho>()
    expect(echo.headers).to.not.have.property('authorization')
    expect(echo.headers).to.not.have.property('cookie')
    expect(echo.headers).to.not.have.property('proxy-authorization')
    expect(response.url).to.equal('https://other.test/b')
    first.done()
    second.done()
  })

  it('treats a port change and an https to http downgrade as cross-origin', async () => {
    const scope = nock('https://api.test').get('/a').reply(302, '', { Location: 'http://api.test/b' })
    const downgraded = nock('http://api.test').get('/b').reply(echoReply)
    const portScope = nock('https://api.test').get('/c').reply(302, '', { Location: 'https://api.test:8443/d' })
    const otherPort = nock('https://api.test:8443').get('/d').reply(echoReply)

    const toHttp = await session.get('https://api.test/a', { auth: new BearerAuth('tok') })
    const toPort = await session.get('https://api.test/c', { auth: new BearerAuth('tok') })

    expect(toHttp.json<WireEcho>().headers).to.not.have.property('authorization')
    expect(toPort.json<WireEcho>().headers).to.not.have.property('authorization')
    scope.done()
    downgraded.done()
    portScope.done()
    otherPort.done()
  })

  it('keeps credentials on an http to https upgrade of the same host on default ports, as requests does', async () => {
    const scope = nock('http://api.test').get('/a').reply(301, '', { Location: 'https://api.test/a' })
    const secure = nock('https://api.test').get('/a').reply(echoReply)

    const response = await session.get('http://api.test/a', { auth: new BearerAuth('tok') })

    expect(response.json<WireEcho>().headers.authorization).to.equal('Bearer tok')
    scope.done()
    secure.done()
  })

  it('lets a strategy re-apply credentials on each hop through onRedirect', async () => {
    const seen: RedirectContext[] = []
    const signer: AuthStrategy = {
      apply(request) {
        request.headers.set('X-Signed-For', new URL(request.url).pathname)
      },
      onRedirect(request, context) {
        seen.push(context)
        request.headers.set('X-Signed-For', new URL(request.url).pathname)
      },
    }
    const scope = nock('https://api.test').get('/a').reply(302, '', { Location: '/b' })
    const other = nock('https://other.test').get('/b').reply(echoReply)
    scope.get('/b').reply(307, '', { Location: 'https://other.test/b' })

    const response = await session.get('https://api.test/a', { auth: signer })

    expect(response.json<WireEcho>().headers['x-signed-for']).to.equal('/b')
    expect(seen.map((c) => [c.status, c.crossOrigin])).to.deep.equal([
      [302, false],
      [307, true],
    ])
    scope.done()
    other.done()
  })

  it('returns the redirect itself with allowRedirects: false', async () => {
    const scope = nock('https://api.test').get('/a').reply(302, 'moved', { Location: '/b' })

    const response = await session.get('https://api.test/a', { allowRedirects: false })

    expect(response.status).to.equal(302)
    expect(response.isRedirect).to.equal(true)
    expect(response.text).to.equal('moved')
    scope.done()
  })

  it('throws TooManyRedirectsError past maxRedirects, with the hops seen', async () => {
    const limited = new Session({ maxRedirects: 2 })
    const scope = nock('https://api.test').get('/loop').times(3).reply(302, '', { Location: '/loop' })

    const error = await limited.get('https://api.test/loop').catch((e: unknown) => e)

    expect(error).to.be.instanceOf(TooManyRedirectsError)
    expect((error as TooManyRedirectsError).history).to.have.length(3)
    scope.done()
    await limited.close()
  })

  it('resolves relative and scheme-relative Locations and keeps the fragment', async () => {
    const scope = nock('https://api.test')
      .get('/dir/a')
      .reply(302, '', { Location: 'b?x=1' })
      .get('/dir/b')
      .query({ x: '1' })
      .reply(302, '', { Location: '//other.test/c' })
    const other = nock('https://other.test').get('/c').reply(echoReply)

    const response = await session.get('https://api.test/dir/a#section')

    expect(response.history.map((hop) => hop.url)).to.deep.equal(['https://api.test/dir/a#section', 'https://api.test/dir/b?x=1#section'])
    expect(response.url).to.equal('https://other.test/c#section')
    scope.done()
    other.done()
  })
})
