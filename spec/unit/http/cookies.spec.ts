import { expect } from 'chai'
import nock from 'nock'
import { CookieJar } from 'tough-cookie'
import { Session } from '../../../lib/index.js'
import { echoReply, type WireEcho } from '../../support/nock-echo.js'

describe('cookies kept by the Session', () => {
  let session: Session
  beforeEach(() => {
    session = new Session()
  })
  afterEach(() => session.close())

  it('stores Set-Cookie answers in the jar and sends them back on the next request', async () => {
    const scope = nock('https://api.test')
      .get('/login')
      .reply(200, 'ok', { 'Set-Cookie': ['sid=abc; Path=/; HttpOnly', 'theme=dark; Path=/'] })
      .get('/me')
      .reply(echoReply)

    const login = await session.get('https://api.test/login')
    const me = await session.get('https://api.test/me')

    expect(login.cookies).to.deep.equal({ sid: 'abc', theme: 'dark' })
    expect(me.json<WireEcho>().headers.cookie).to.equal('sid=abc; theme=dark')
    scope.done()
  })

  it('sends nothing from a jar emptied after it held cookies, and the cookies of a jar filled again', async () => {
    const scope = nock('https://api.test').get('/a').reply(echoReply).get('/b').reply(echoReply).get('/c').reply(echoReply)

    session.cookies.setCookieSync('sid=1', 'https://api.test/')
    const full = await session.get('https://api.test/a')
    await session.cookies.removeAllCookies()
    const emptied = await session.get('https://api.test/b')
    session.cookies.setCookieSync('sid=2', 'https://api.test/')
    const refilled = await session.get('https://api.test/c')

    expect(full.json<WireEcho>().headers.cookie).to.equal('sid=1')
    expect(emptied.json<WireEcho>().headers).not.to.have.property('cookie')
    expect(refilled.json<WireEcho>().headers.cookie).to.equal('sid=2')
    scope.done()
  })

  it('lands cookies set on a redirect hop in the jar and sends them on the next hop', async () => {
    const scope = nock('https://api.test').get('/set').reply(302, '', { Location: '/check', 'Set-Cookie': 'hop=1; Path=/' }).get('/check').reply(echoReply)

    const response = await session.get('https://api.test/set')

    expect(response.history[0]?.cookies).to.deep.equal({ hop: '1' })
    expect(response.json<WireEcho>().headers.cookie).to.equal('hop=1')
    expect(await session.cookies.getCookieString('https://api.test/')).to.equal('hop=1')
    scope.done()
  })

  it('follows the jar rules for domain and path: no cookie for another host or path', async () => {
    const scope = nock('https://api.test').get('/a/set').reply(200, '', { 'Set-Cookie': 'scoped=1; Path=/a' }).get('/b').reply(echoReply)
    const other = nock('https://other.test').get('/a/x').reply(echoReply)

    await session.get('https://api.test/a/set')
    const otherPath = await session.get('https://api.test/b')
    const otherHost = await session.get('https://other.test/a/x')

    expect(otherPath.json<WireEcho>().headers).to.not.have.property('cookie')
    expect(otherHost.json<WireEcho>().headers).to.not.have.property('cookie')
    scope.done()
    other.done()
  })

  it('adds per-request cookies to the jar cookies without storing them', async () => {
    await session.cookies.setCookie('jar=1; Path=/', 'https://api.test/')
    const scope = nock('https://api.test').get('/c').twice().reply(echoReply)

    const withExtra = await session.get('https://api.test/c', { cookies: { extra: 'x' } })
    const without = await session.get('https://api.test/c')

    expect(withExtra.json<WireEcho>().headers.cookie).to.equal('jar=1; extra=x')
    expect(without.json<WireEcho>().headers.cookie).to.equal('jar=1')
    scope.done()
  })

  it('lets an explicit Cookie header replace the jar, as requests does', async () => {
    await session.cookies.setCookie('jar=1; Path=/', 'https://api.test/')
    const scope = nock('https://api.test').get('/c').reply(echoReply)

    const response = await session.get('https://api.test/c', { headers: { Cookie: 'mine=2' } })

    expect(response.json<WireEcho>().headers.cookie).to.equal('mine=2')
    scope.done()
  })

  it('uses a jar given in the options, shared between sessions', async () => {
    const jar = new CookieJar()
    await jar.setCookie('shared=yes; Path=/', 'https://api.test/')
    const withJar = new Session({ cookies: jar })
    const scope = nock('https://api.test').get('/c').reply(echoReply)

    const response = await withJar.get('https://api.test/c')

    expect(withJar.cookies).to.equal(jar)
    expect(response.json<WireEcho>().headers.cookie).to.equal('shared=yes')
    scope.done()
    await withJar.close()
  })
})
