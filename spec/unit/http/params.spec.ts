import { expect } from 'chai'
import { readFileSync } from 'node:fs'
import nock from 'nock'
import { Session } from '../../../lib/index.js'

describe('query params on the wire', () => {
  let session: Session
  beforeEach(() => {
    session = new Session()
  })
  afterEach(() => session.close())

  it('encodes names and values as requests does (quote_plus: space as +, ~ kept, * and ! encoded)', async () => {
    const scope = nock('https://api.test')
      .get('/search')
      .query(true)
      .reply(200, function () {
        return { path: this.req.path }
      })

    const response = await session.get('https://api.test/search', { params: { q: 'a b~*!', 'ké y': 'é&=' } })

    expect(response.json()).to.deep.equal({ path: '/search?q=a+b~%2A%21&k%C3%A9+y=%C3%A9%26%3D' })
    scope.done()
  })

  it('repeats a name for array values and keeps pair order', async () => {
    const scope = nock('https://api.test')
      .get('/p')
      .query(true)
      .reply(200, function () {
        return { path: this.req.path }
      })

    const response = await session.get('https://api.test/p', {
      params: [
        ['b', '2'],
        ['a', '1'],
        ['b', '3'],
      ],
    })

    expect(response.json()).to.deep.equal({ path: '/p?b=2&a=1&b=3' })
    scope.done()
  })

  it('accepts URLSearchParams and object arrays alike', async () => {
    const scope = nock('https://api.test')
      .get('/p')
      .twice()
      .query(true)
      .reply(200, function () {
        return { path: this.req.path }
      })

    const fromSearch = await session.get('https://api.test/p', {
      params: new URLSearchParams([
        ['t', 'x'],
        ['t', 'y'],
      ]),
    })
    const fromObject = await session.get('https://api.test/p', { params: { t: ['x', 'y'] } })

    expect(fromSearch.json()).to.deep.equal({ path: '/p?t=x&t=y' })
    expect(fromObject.json()).to.deep.equal({ path: '/p?t=x&t=y' })
    scope.done()
  })

  it('appends params after a query the URL already has, and before the fragment', async () => {
    const scope = nock('https://api.test')
      .get('/p')
      .query(true)
      .reply(200, function () {
        return { path: this.req.path }
      })

    const response = await session.get('https://api.test/p?existing=1#frag', { params: { added: 'two' } })

    expect(response.json()).to.deep.equal({ path: '/p?existing=1&added=two' })
    expect(response.request.url).to.equal('https://api.test/p?existing=1&added=two#frag')
    scope.done()
  })

  it('merges session params with request params; a request value replaces, null removes', async () => {
    const scoped = new Session({ params: { api: 'v1', lang: 'en', keep: 'yes' } })
    const scope = nock('https://api.test')
      .get('/p')
      .query(true)
      .reply(200, function () {
        return { path: this.req.path }
      })

    const response = await scoped.get('https://api.test/p', { params: { lang: 'fr', api: null } })

    expect(response.json()).to.deep.equal({ path: '/p?keep=yes&lang=fr' })
    scope.done()
    await scoped.close()
  })

  it('drops undefined and null values and stringifies numbers and booleans', async () => {
    const scope = nock('https://api.test')
      .get('/p')
      .query(true)
      .reply(200, function () {
        return { path: this.req.path }
      })

    const response = await session.get('https://api.test/p', { params: { n: 2, b: false, u: undefined, z: null } })

    expect(response.json()).to.deep.equal({ path: '/p?n=2&b=false' })
    scope.done()
  })
})

describe('encoding parity with requests (recorded fixtures)', () => {
  // spec/fixtures/encoding.requests.json: PreparedRequest.url and .body from requests 2.34 for each pair list.
  const fixtures = JSON.parse(readFileSync(new URL('../../fixtures/encoding.requests.json', import.meta.url), 'utf8')) as {
    pairs: [string, string][]
    url: string
    body: string
  }[]
  for (const fixture of fixtures) {
    it(`matches requests for ${JSON.stringify(fixture.pairs).slice(0, 50)}`, async () => {
      const session = new Session()

      const prepared = await session.prepareRequest('GET', 'https://api.test/p', { params: fixture.pairs })
      const form = await session.prepareRequest('POST', 'https://api.test/p', { data: fixture.pairs })

      expect(prepared.url).to.equal(fixture.url)
      expect(form.body).to.equal(fixture.body)
      await session.close()
    })
  }
})
