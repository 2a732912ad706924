import { expect } from 'chai'
import { HeaderMap, Session } from '../../../lib/index.js'
import { echoOnce, type WireEcho } from '../../support/nock-echo.js'

describe('HeaderMap', () => {
  it('treats names case-insensitively and keeps the first spelling', () => {
    const headers = new HeaderMap({ 'X-Custom': 'a' })

    headers.set('x-custom', 'b')

    expect(headers.get('X-CUSTOM')).to.equal('b')
    expect([...headers.keys()]).to.deep.equal(['X-Custom'])
    expect(headers.has('x-cUsToM')).to.equal(true)
  })

  it('keeps multi-valued headers as arrays and joins them for get()', () => {
    const headers = new HeaderMap()

    headers.append('Set-Cookie', 'a=1').append('set-cookie', 'b=2')

    expect(headers.getAll('set-cookie')).to.deep.equal(['a=1', 'b=2'])
    expect(headers.get('Set-Cookie')).to.equal('a=1, b=2')
  })

  it('redacts credential headers in toJSON and util.inspect', async () => {
    const { inspect } = await import('node:util')
    const headers = new HeaderMap({ Authorization: 'Bearer secret-token', Cookie: 'sid=secret', Accept: '*/*' })

    const shown = `${JSON.stringify(headers)} ${inspect(headers)}`

    expect(shown).to.not.include('secret')
    expect(headers.toJSON()).to.deep.equal({ Authorization: '[redacted]', Cookie: '[redacted]', Accept: '*/*' })
  })
})

describe('request headers on the wire', () => {
  it('sends the default User-Agent, Accept and Accept-Encoding', async () => {
    const session = new Session()
    const scope = echoOnce('https://api.test', 'GET')

    const echo = (await session.get('https://api.test/h')).json<WireEcho>()

    expect(echo.headers['user-agent']).to.match(/^oauth-sessions\/\d+\.\d+\.\d+ node\/\d+/)
    expect(echo.headers.accept).to.equal('*/*')
    expect(echo.headers['accept-encoding']).to.equal('gzip, deflate, br')
    scope.done()
    await session.close()
  })

  it('merges session and request headers case-insensitively; null removes a session header', async () => {
    const session = new Session({ headers: { 'X-Team': 'core', 'X-Trace': 'on', Accept: 'application/json' } })
    const scope = echoOnce('https://api.test', 'GET')

    const echo = (await session.get('https://api.test/h', { headers: { 'x-team': 'edge', 'X-TRACE': null } })).json<WireEcho>()

    expect(echo.headers['x-team']).to.equal('edge')
    expect(echo.headers).to.not.have.property('x-trace')
    expect(echo.headers.accept).to.equal('application/json')
    scope.done()
    await session.close()
  })

  it('lets later changes to session.headers apply to later requests', async () => {
    const session = new Session()
    const scope = echoOnce('https://api.test', 'GET')
    session.headers.set('X-Later', 'yes')

    const echo = (await session.get('https://api.test/h')).json<WireEcho>()

    expect(echo.headers['x-later']).to.equal('yes')
    scope.done()
    await session.close()
  })
})
