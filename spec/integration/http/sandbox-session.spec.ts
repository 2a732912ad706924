import { expect } from 'chai'
import { BearerAuth, HTTPBasicAuth, Session } from '../../../lib/index.js'
import { startSandbox, type EchoBody, type Sandbox } from '../../../lib/testing/index.js'

describe('Session against the sandbox provider', () => {
  let sandbox: Sandbox
  let session: Session
  before(async () => {
    sandbox = await startSandbox()
  })
  after(() => sandbox.close())
  beforeEach(() => {
    session = new Session({ baseUrl: sandbox.url })
  })
  afterEach(() => session.close())

  it('sends params, headers and a form body that the server parses back', async () => {
    const response = await session.post('/post', {
      params: { q: 'a b', tag: ['x', 'y'] },
      headers: { 'X-Trace': '1' },
      data: { name: 'Zoë', list: ['1', '2'] },
    })

    const echo = response.json<EchoBody>()
    expect(echo.args).to.deep.equal({ q: 'a b', tag: ['x', 'y'] })
    expect(echo.form).to.deep.equal({ name: 'Zoë', list: ['1', '2'] })
    expect(echo.headers['x-trace']).to.equal('1')
  })

  it('sends multipart bodies that a real multipart parser reads', async () => {
    const form = new FormData()
    form.append('title', 'report')
    form.append('upload', new Blob(['line 1\nline 2'], { type: 'text/csv' }), 'data.csv')

    const response = await session.post('/post', { body: form })

    const echo = response.json<EchoBody>()
    expect(echo.form).to.deep.equal({ title: 'report' })
    expect(echo.files.upload).to.deep.equal({ filename: 'data.csv', contentType: 'text/csv', content: 'line 1\nline 2' })
  })

  it('passes a basic-auth check and fails it with wrong credentials', async () => {
    const good = await session.get('/basic-auth/alice/s3cret', { auth: new HTTPBasicAuth('alice', 's3cret') })
    const bad = await session.get('/basic-auth/alice/s3cret', { auth: new HTTPBasicAuth('alice', 'wrong') })

    expect(good.json()).to.deep.equal({ authenticated: true, user: 'alice' })
    expect(bad.status).to.equal(401)
    expect(bad.headers.get('www-authenticate')).to.equal('Basic realm="sandbox"')
  })

  it('keeps cookies across requests and deletes them when the server expires them', async () => {
    await session.get('/cookies/set', { params: { a: '1', b: '2' } })
    const both = await session.get('/cookies')
    await session.get('/cookies/delete', { params: { a: '' } })
    const remaining = await session.get('/cookies')

    expect(both.json()).to.deep.equal({ cookies: { a: '1', b: '2' } })
    expect(remaining.json()).to.deep.equal({ cookies: { b: '2' } })
  })

  for (const route of ['redirect', 'relative-redirect', 'absolute-redirect']) {
    it(`follows a /${route} chain and records each hop in history`, async () => {
      const response = await session.get(`/${route}/3`)

      expect(response.status).to.equal(200)
      expect(new URL(response.url).pathname).to.equal('/get')
      expect(response.history.map((hop) => new URL(hop.url).pathname)).to.deep.equal([`/${route}/3`, `/${route}/2`, `/${route}/1`])
    })
  }

  for (const status of [301, 302, 303, 307, 308]) {
    it(`handles a cross-origin ${status}: credentials dropped, method as requests decides`, async () => {
      const response = await session.post('/redirect-to', {
        params: { url: `${sandbox.otherUrl}/anything`, status_code: status },
        auth: new BearerAuth('secret-token'),
        data: { keep: 'me' },
      })

      const echo = response.json<EchoBody>()
      const keepsBody = status === 307 || status === 308
      expect(response.url).to.equal(`${sandbox.otherUrl}/anything`)
      expect(echo.headers).to.not.have.property('authorization')
      expect(echo.method).to.equal(keepsBody ? 'POST' : 'GET')
      expect(echo.form).to.deep.equal(keepsBody ? { keep: 'me' } : {})
    })
  }

  it('shares jar cookies between two ports of one host, as RFC 6265 section 8.5 says', async () => {
    await session.get('/cookies/set', { params: { only: 'here' } })

    const response = await session.get('/redirect-to', { params: { url: `${sandbox.otherUrl}/cookies` } })

    // Cookies do not isolate by port (RFC 6265 section 8.5): both loopback origins share them.
    expect(response.json()).to.deep.equal({ cookies: { only: 'here' } })
  })

  it('reads gzip, latin-1 and binary answers', async () => {
    const gzip = await session.get('/gzip')
    const latin1 = await session.get('/encoding/latin1')
    const bytes = await session.get('/bytes/1024')

    expect(gzip.json()).to.deep.equal({ gzipped: true, method: 'GET' })
    expect(latin1.text).to.equal('café')
    expect(bytes.content.length).to.equal(1024)
  })

  it('streams a chunked answer with stream: true', async () => {
    const response = await session.get('/stream/5', { stream: true })
    let text = ''
    for await (const chunk of response.raw ?? []) text += String(chunk)

    expect(
      text
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { id: number })
        .map((row) => row.id),
    ).to.deep.equal([0, 1, 2, 3, 4])
  })

  it('does not follow redirects for HEAD unless asked, as requests', async () => {
    const head = await session.head('/redirect/1')
    const followed = await session.head('/redirect/1', { allowRedirects: true })

    expect(head.status).to.equal(302)
    expect(followed.status).to.equal(200)
  })
})
