import { expect } from 'chai'
import { inspect } from 'node:util'
import nock from 'nock'
import { HTTPError, JSONDecodeError, Session } from '../../../lib/index.js'

describe('Response', () => {
  let session: Session
  beforeEach(() => {
    session = new Session()
  })
  afterEach(() => session.close())

  it('exposes status, ok, reason, case-insensitive headers, content, text and url', async () => {
    const scope = nock('https://api.test').get('/r').reply(201, 'héllo', { 'Content-Type': 'text/plain; charset=utf-8', 'X-Id': '7' })

    const response = await session.get('https://api.test/r')

    expect(response).to.include({ status: 201, ok: true, reason: 'Created', url: 'https://api.test/r' })
    expect(response.headers.get('x-ID')).to.equal('7')
    expect(response.content.equals(Buffer.from('héllo'))).to.equal(true)
    expect(response.text).to.equal('héllo')
    expect(response.elapsed).to.be.a('number').and.to.be.at.least(0)
    expect(response.request.method).to.equal('GET')
    scope.done()
  })

  it('decodes text with the charset the server names', async () => {
    const scope = nock('https://api.test').get('/l').reply(200, Buffer.from('caf\u00e9', 'latin1'), { 'Content-Type': 'text/plain; charset=ISO-8859-1' })

    const response = await session.get('https://api.test/l')

    expect(response.encoding).to.equal('iso-8859-1')
    expect(response.text).to.equal('café')
    scope.done()
  })

  it('parses JSON, and names URL and status when the body is not JSON', async () => {
    const scope = nock('https://api.test')
      .get('/ok')
      .reply(200, { a: [1] })
      .get('/bad')
      .query({ access_token: 'secret-tok' })
      .reply(502, '<html>gateway</html>', { 'Content-Type': 'text/html' })

    const good = await session.get('https://api.test/ok')
    const bad = await session.get('https://api.test/bad', { params: { access_token: 'secret-tok' } })
    const error = (() => {
      try {
        bad.json()
      } catch (e) {
        return e
      }
    })()

    expect(good.json()).to.deep.equal({ a: [1] })
    expect(error).to.be.instanceOf(JSONDecodeError).and.include({ status: 502 })
    expect((error as Error).message)
      .to.include('https://api.test/bad?access_token=[redacted]')
      .and.include('HTTP 502')
    expect((error as Error).message).to.not.include('secret-tok')
    scope.done()
  })

  it('raiseForStatus throws HTTPError carrying the Response for 4xx and 5xx only', async () => {
    const scope = nock('https://api.test').get('/missing').reply(404, 'nope').get('/fine').reply(204)

    const missing = await session.get('https://api.test/missing')
    const fine = await session.get('https://api.test/fine')
    const error = (() => {
      try {
        missing.raiseForStatus()
      } catch (e) {
        return e
      }
    })()

    expect(error).to.be.instanceOf(HTTPError).and.include({ status: 404 })
    expect((error as HTTPError).response).to.equal(missing)
    expect((error as Error).message).to.equal(
      '404 Client Error: Not Found for url: https://api.test/missing. Inspect error.response for the body the server sent.',
    )
    expect(fine.raiseForStatus()).to.equal(fine)
    expect(missing.ok).to.equal(false)
    scope.done()
  })

  it('decompresses gzip bodies', async () => {
    const { gzipSync } = await import('node:zlib')
    const scope = nock('https://api.test').get('/z').reply(200, gzipSync('{"zipped":true}'), { 'Content-Encoding': 'gzip', 'Content-Type': 'application/json' })

    const response = await session.get('https://api.test/z')

    expect(response.json()).to.deep.equal({ zipped: true })
    scope.done()
  })

  it('leaves the body as a stream with stream: true', async () => {
    const scope = nock('https://api.test').get('/s').reply(200, 'streamed-body')

    const response = await session.get('https://api.test/s', { stream: true })
    const chunks: Buffer[] = []
    for await (const chunk of response.raw ?? []) chunks.push(chunk as Buffer)

    expect(Buffer.concat(chunks).toString()).to.equal('streamed-body')
    expect(() => response.content).to.throw(/stream: true/)
    scope.done()
  })

  it('keeps credentials out of inspect, toJSON and toString', async () => {
    const scope = nock('https://api.test').get('/p').query(true).reply(200, 'x')

    const response = await session.get('https://api.test/p', { params: { access_token: 'tok-123' }, headers: { Authorization: 'Bearer tok-123' } })
    const shown = [inspect(response), JSON.stringify(response), String(response), inspect(response.request), JSON.stringify(response.request)].join(' ')

    expect(shown).to.not.include('tok-123')
    expect(shown).to.include('[redacted]')
    scope.done()
  })
})
