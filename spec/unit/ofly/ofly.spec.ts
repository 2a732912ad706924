import { expect } from 'chai'
import nock from 'nock'
import { readFileSync } from 'node:fs'
import { inspect } from 'node:util'
import { ConfigurationError, OflyService, OflySession } from '../../../lib/index.js'

// spec/fixtures/ofly/generate.py: rauth 0.7.2's OflySession.sign, run with fixed clocks.
const vectors = JSON.parse(readFileSync(new URL('../../fixtures/ofly/rauth-vectors.json', import.meta.url), 'utf8')) as {
  name: string
  url: string
  hashMeth: string
  now: string
  params: Record<string, string>
  query: string
}[]

describe('OflySession.sign against rauth vectors', () => {
  for (const vector of vectors) {
    it(`reproduces rauth byte for byte: ${vector.name}`, () => {
      const query = OflySession.sign(vector.url, 'app-123', 'secret-456', vector.hashMeth, vector.params, new Date(vector.now))

      expect(query).to.equal(vector.query)
    })
  }

  it('writes milliseconds without zero padding (5 ms is .5Z, 0 ms is .0Z)', () => {
    const at5 = OflySession.sign('https://x.test/p', 'a', 's', 'sha1', {}, new Date('2026-11-24T17:05:09.005Z'))
    const at0 = OflySession.sign('https://x.test/p', 'a', 's', 'sha1', {}, new Date('2026-11-24T17:05:09.000Z'))

    expect(at5).to.include('oflyTimestamp=2026-11-24T17:05:09.5Z')
    expect(at0).to.include('oflyTimestamp=2026-11-24T17:05:09.0Z')
  })

  it('refuses a hash method other than sha1 and md5', () => {
    expect(() => OflySession.sign('https://x.test/p', 'a', 's', 'sha256'))
      .to.throw(ConfigurationError)
      .with.property('option', 'hashMeth')
  })
})

describe('OflySession requests', () => {
  const fixedClock = (): Date => new Date('2026-11-24T17:05:09.005Z')

  it('adds oflyUserid and the Ofly parameters to the query of every request', async () => {
    const session = new OflySession('app-123', 'secret-456', 'user-1', { now: fixedClock })
    const expected = vectors.find((vector) => vector.name === 'sha1-5ms')?.query
    let path = ''
    const scope = nock('https://ws.example.com')
      .get(/.*/)
      .reply(function () {
        path = this.req.path
        return [200, 'ok']
      })

    await session.get('https://ws.example.com/userid/albums')

    expect(path).to.equal(`/userid/albums?${expected}`)
    scope.done()
    await session.close()
  })

  it('signs a bare-host URL with the empty path, as rauth does, and sends it to /', async () => {
    const session = new OflySession('app-123', 'secret-456', 'user-1', { now: fixedClock })
    const bare = vectors.find((vector) => vector.name === 'bare-host')?.query
    const root = vectors.find((vector) => vector.name === 'root-path')?.query
    const paths: string[] = []
    const scope = nock('http://api.example.test')
      .get(/.*/)
      .times(2)
      .reply(function () {
        paths.push(this.req.path)
        return [200, 'ok']
      })

    await session.get('http://api.example.test')
    await session.get('http://api.example.test/')

    expect(bare).to.be.a('string').and.not.equal(root)
    expect(paths).to.deep.equal([`/?${bare}`, `/?${root}`])
    scope.done()
    await session.close()
  })

  it('takes userId and hashMeth per request', async () => {
    const session = new OflySession('app-123', 'secret-456', undefined, { now: () => new Date('2024-02-29T23:59:59.999Z') })
    const expected = vectors.find((vector) => vector.name === 'md5-999ms')?.query
    let path = ''
    const scope = nock('https://ws.example.com')
      .get(/.*/)
      .reply(function () {
        path = this.req.path
        return [200, 'ok']
      })

    await session.get('https://ws.example.com/userid/photo/123', { userId: 'u', hashMeth: 'md5', params: { b: '2', a: '1' } })

    expect(path).to.equal(`/userid/photo/123?${expected}`)
    scope.done()
    await session.close()
  })

  it('refuses a request without a user id, and an unknown hash method, before any traffic', async () => {
    const session = new OflySession('app-123', 'secret-456')

    const noUser = await session.get('https://ws.example.com/x').catch((e: unknown) => e)
    const badHash = await session.get('https://ws.example.com/x', { userId: 'u', hashMeth: 'sha512' as never }).catch((e: unknown) => e)

    expect(noUser).to.be.instanceOf(ConfigurationError).and.include({ option: 'userId' })
    expect(badHash).to.be.instanceOf(ConfigurationError).and.include({ option: 'hashMeth' })
  })

  it('keeps the secret out of toJSON and inspect, and round-trips through serialize/fromJSON', () => {
    const session = new OflySession('app-123', 'secret-456', 'user-1')

    expect(inspect(session)).to.not.include('secret-456')
    expect(OflySession.deserialize(JSON.stringify(session.serialize())).serialize()).to.deep.equal(session.serialize())
    expect(session.toJSON()).to.include({ appSecret: '[redacted]' })
  })
})

describe('OflyService (rauth)', () => {
  it('signs the authorize URL and hands out one session per user', () => {
    const service = new OflyService({
      name: 'shutterfly',
      appId: 'app-123',
      appSecret: 'secret-456',
      authorizeUrl: 'https://ws.example.com/oflyuser/createToken.sfly',
      baseUrl: 'https://ws.example.com/',
      sessionOptions: { now: () => new Date('2025-06-07T08:09:10.120Z') },
    })
    const expected = vectors.find((vector) => vector.name === 'authorize-no-params')?.query

    const url = service.getAuthorizeUrl()
    const session = service.getAuthSession('user-1')

    expect(url).to.equal(`https://ws.example.com/oflyuser/createToken.sfly?${expected}`)
    expect(service.getSession('user-1')).to.equal(session)
    expect(session.userId).to.equal('user-1')
    expect(inspect(service)).to.not.include('secret-456')
  })
})
