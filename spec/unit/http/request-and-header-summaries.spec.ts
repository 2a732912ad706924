import { expect } from 'chai'
import nock from 'nock'
import { Readable } from 'node:stream'
import { inspect } from 'node:util'
import { HeaderMap, PreparedRequest, Session } from '../../../lib/index.js'
import { echoReply, type WireEcho } from '../../support/nock-echo.js'

describe('Session.patch and Session.options', () => {
  it('send PATCH with its body and OPTIONS without one, as requests does', async () => {
    const scope = nock('https://api.test').patch('/item', 'name=x').reply(echoReply).options('/item').reply(echoReply)
    const session = new Session()

    const patched = (await session.patch('https://api.test/item', { data: { name: 'x' } })).json<WireEcho>()
    const options = (await session.options('https://api.test/item')).json<WireEcho>()

    expect([patched.method, patched.body]).to.deep.equal(['PATCH', 'name=x'])
    expect([options.method, options.body]).to.deep.equal(['OPTIONS', ''])
    scope.done()
    await session.close()
  })
})

describe('PreparedRequest parts and summaries', () => {
  it('parses its URL for strategies that need the parts', () => {
    const request = new PreparedRequest('GET', 'https://api.test:8443/a/b?x=1')

    expect(request.parsedUrl.port).to.equal('8443')
    expect(request.parsedUrl.searchParams.get('x')).to.equal('1')
  })

  it('reads form fields from a string or byte body, has none for an empty form, and none for JSON', () => {
    const form = (body?: string | Uint8Array, type = 'application/x-www-form-urlencoded') =>
      new PreparedRequest('POST', 'https://api.test/', new HeaderMap({ 'Content-Type': type }), body).formFields()

    expect(form('a=1&b=x+y')).to.deep.equal([
      ['a', '1'],
      ['b', 'x y'],
    ])
    expect(form(new TextEncoder().encode('c=%C3%A9'))).to.deep.equal([['c', 'é']])
    expect(form()).to.deep.equal([])
    expect(form(Readable.from(['a=1']) as never)).to.equal(undefined)
    expect(form('{"a":1}', 'application/json')).to.equal(undefined)
    expect(new PreparedRequest('POST', 'https://api.test/', new HeaderMap(), 'a=1').formFields()).to.equal(undefined)
  })

  it('describes its body by size or kind, never by content', () => {
    const describe = (body?: string | Uint8Array | FormData | Readable) =>
      (new PreparedRequest('POST', 'https://api.test/', new HeaderMap(), body).toJSON() as { body: unknown }).body
    const multipart = new FormData()
    multipart.append('password', 'hunter2')

    expect(describe()).to.equal(undefined)
    expect(describe('pässword=x')).to.equal('[11 bytes]')
    expect(describe(new Uint8Array(5))).to.equal('[5 bytes]')
    expect(describe(multipart)).to.equal('[multipart form]')
    expect(describe(Readable.from(['secret']))).to.equal('[stream]')
    expect(inspect(new PreparedRequest('POST', 'https://api.test/', new HeaderMap(), 'hunter2'))).to.not.include('hunter2')
  })
})

describe('HeaderMap', () => {
  it('takes [name, value] pairs, counts distinct names and iterates with multi-values joined', () => {
    const headers = new HeaderMap([
      ['Accept', 'text/html'],
      ['X-Trace', 'a'],
    ])
    headers.append('x-trace', 'b')

    expect(headers.size).to.equal(2)
    expect([...headers.entries()]).to.deep.equal([
      ['Accept', 'text/html'],
      ['X-Trace', 'a, b'],
    ])
    expect([...headers]).to.deep.equal([...headers.entries()])
  })
})

describe('Response text with a charset Node does not know', () => {
  it('falls back to UTF-8 instead of throwing', async () => {
    const scope = nock('https://api.test').get('/t').reply(200, Buffer.from('héllo', 'utf8'), { 'Content-Type': 'text/plain; charset=x-no-such-charset' })
    const session = new Session()

    const response = await session.get('https://api.test/t')

    expect(response.text).to.equal('héllo')
    scope.done()
    await session.close()
  })
})

describe('a Session whose baseUrl carries a credential (#14, attack 10)', () => {
  it('shows it redacted in toJSON, toString and util.inspect', async () => {
    const session = new Session({ baseUrl: 'https://bot:pw-base-71@api.test/v1/?access_token=tok-base-71&page=2' })
    try {
      const shown = [JSON.stringify(session), String(session), inspect(session, { depth: 10 })]
      for (const text of shown) {
        expect(text).to.include('api.test/v1/').and.not.include('pw-base-71').and.not.include('tok-base-71')
      }
      // The Session itself still uses the URL as given.
      expect(session.baseUrl).to.include('tok-base-71')
    } finally {
      await session.close()
    }
  })
})
