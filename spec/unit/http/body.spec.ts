import { expect } from 'chai'
import { Readable } from 'node:stream'
import { ConfigurationError, Session } from '../../../lib/index.js'
import { echoOnce, type WireEcho } from '../../support/nock-echo.js'

describe('request bodies on the wire', () => {
  let session: Session
  beforeEach(() => {
    session = new Session()
  })
  afterEach(() => session.close())

  it('form-encodes an object as requests does, with repeated names and a form Content-Type', async () => {
    const scope = echoOnce('https://api.test')

    const response = await session.post('https://api.test/form', { data: { a: ['1', '2'], s: "x'()y z" } })

    const echo = response.json<WireEcho>()
    expect(echo.body).to.equal('a=1&a=2&s=x%27%28%29y+z')
    expect(echo.headers['content-type']).to.equal('application/x-www-form-urlencoded')
    expect(echo.headers['content-length']).to.equal('23')
    scope.done()
  })

  it('sends JSON with application/json', async () => {
    const scope = echoOnce('https://api.test', 'PUT')

    const response = await session.put('https://api.test/json', { json: { name: 'x', n: [1, 2] } })

    const echo = response.json<WireEcho>()
    expect(echo.method).to.equal('PUT')
    expect(echo.body).to.equal('{"name":"x","n":[1,2]}')
    expect(echo.headers['content-type']).to.equal('application/json')
    scope.done()
  })

  it('never overwrites a Content-Type the caller set, whatever its case', async () => {
    const scope = echoOnce('https://api.test', 'POST', 2)

    const form = await session.post('https://api.test/f', { data: { a: 1 }, headers: { 'content-TYPE': 'text/x-custom' } })
    const json = await session.post('https://api.test/j', { json: [1], headers: { 'Content-Type': 'application/vnd.api+json' } })

    expect(form.json<WireEcho>().headers['content-type']).to.equal('text/x-custom')
    expect(form.json<WireEcho>().body).to.equal('a=1')
    expect(json.json<WireEcho>().headers['content-type']).to.equal('application/vnd.api+json')
    scope.done()
  })

  it('sends a string or Buffer data as it is, without inventing a Content-Type', async () => {
    const scope = echoOnce('https://api.test', 'POST', 2)

    const text = await session.post('https://api.test/t', { data: 'raw=body&kept' })
    const bytes = await session.post('https://api.test/b', { data: Buffer.from('bytes') })

    expect(text.json<WireEcho>().body).to.equal('raw=body&kept')
    expect(text.json<WireEcho>().headers).to.not.have.property('content-type')
    expect(bytes.json<WireEcho>().body).to.equal('bytes')
    scope.done()
  })

  it('streams a Readable body', async () => {
    const scope = echoOnce('https://api.test')

    const response = await session.post('https://api.test/s', { data: Readable.from(['chunk-1,', 'chunk-2']) })

    expect(response.json<WireEcho>().body).to.equal('chunk-1,chunk-2')
    scope.done()
  })

  it('sends FormData as multipart with a boundary in Content-Type', async () => {
    const scope = echoOnce('https://api.test')
    const form = new FormData()
    form.append('field', 'value')
    form.append('file', new Blob(['file-content'], { type: 'text/plain' }), 'notes.txt')

    const response = await session.post('https://api.test/m', { body: form })

    const echo = response.json<WireEcho>()
    const type = String(echo.headers['content-type'])
    const boundary = /boundary=(.+)$/.exec(type)?.[1]
    expect(type).to.match(/^multipart\/form-data; boundary=/)
    expect(echo.body).to.equal(
      `--${boundary}\r\nContent-Disposition: form-data; name="field"\r\n\r\nvalue\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="notes.txt"\r\nContent-Type: text/plain\r\n\r\nfile-content\r\n` +
        `--${boundary}--\r\n\r\n`,
    )
    scope.done()
  })

  it('refuses two bodies at once before sending anything', async () => {
    const error = await session.post('https://api.test/x', { data: { a: 1 }, json: { b: 2 } }).catch((e: unknown) => e)

    expect(error).to.be.instanceOf(ConfigurationError).and.include({ option: 'data' })
  })
})
