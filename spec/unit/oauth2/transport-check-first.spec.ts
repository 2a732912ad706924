import { expect } from 'chai'
import nock from 'nock'
import { HTTPBasicAuth, InsecureTransportError, OAuth2Session } from '../../../lib/index.js'
import { trafficCounter } from '../../support/traffic-counter.js'

describe('OAuth2Session.request checks the transport before anything else, as requests-oauthlib does', () => {
  afterEach(() => {
    delete process.env.OAUTHLIB_INSECURE_TRANSPORT
  })

  const cases: [string, () => OAuth2Session, Record<string, unknown>][] = [
    ['withholdToken', () => new OAuth2Session('client-1', { accessToken: 'at-1' }), { withholdToken: true }],
    ['no token', () => new OAuth2Session('client-1'), {}],
    ['an auth of its own', () => new OAuth2Session('client-1', { accessToken: 'at-1' }), { auth: new HTTPBasicAuth('u', 'p') }],
    ['auth: null', () => new OAuth2Session('client-1', { accessToken: 'at-1' }), { auth: null }],
  ]

  for (const [what, make, options] of cases) {
    it(`refuses plain http to a host outside loopback with ${what}, before any traffic`, async () => {
      const session = make()
      const traffic = trafficCounter()
      try {
        const error = await session.get('http://api.example/public', options).catch((caught: unknown) => caught)

        expect(error).to.be.instanceOf(InsecureTransportError)
        expect(traffic.count).to.equal(0)
      } finally {
        traffic.stop()
        await session.close()
      }
    })
  }

  it('resolves a relative URL against baseUrl before checking it', async () => {
    const session = new OAuth2Session('client-1', { baseUrl: 'http://api.example/v1/' })
    const traffic = trafficCounter()
    try {
      const error = await session.get('public', { withholdToken: true }).catch((caught: unknown) => caught)

      expect(error).to.be.instanceOf(InsecureTransportError)
      expect(traffic.count).to.equal(0)
    } finally {
      traffic.stop()
    }
  })

  it('refuses a plain-http URL of its own despite an https baseUrl, and a scheme-relative one against an http baseUrl', async () => {
    const session = new OAuth2Session('client-1', { accessToken: 'at-1', baseUrl: 'http://api.example/v1/' })
    const secure = new OAuth2Session('client-1', { accessToken: 'at-1', baseUrl: 'https://api.example/v1/' })
    const traffic = trafficCounter()
    try {
      const absolute = await secure.get('http://api.example/public').catch((caught: unknown) => caught)
      const schemeRelative = await session.get('//other.example/public', { withholdToken: true }).catch((caught: unknown) => caught)

      expect(absolute).to.be.instanceOf(InsecureTransportError)
      expect(schemeRelative).to.be.instanceOf(InsecureTransportError)
      expect(traffic.count).to.equal(0)
    } finally {
      traffic.stop()
    }
  })

  it('lets insecureTransport and OAUTHLIB_INSECURE_TRANSPORT lift the check', async () => {
    const api = nock('http://api.example').get('/public').twice().reply(200, { ok: true })
    const lifted = new OAuth2Session('client-1', { insecureTransport: true })
    const plain = new OAuth2Session('client-1')

    const byOption = await lifted.get('http://api.example/public', { withholdToken: true })
    process.env.OAUTHLIB_INSECURE_TRANSPORT = '1'
    const byEnvironment = await plain.get('http://api.example/public')

    expect([byOption.status, byEnvironment.status]).to.deep.equal([200, 200])
    api.done()
  })

  it('lets plain http to loopback through, with or without a token', async () => {
    const api = nock('http://127.0.0.1:8080').get('/public').twice().reply(200, { ok: true })
    const session = new OAuth2Session('client-1', { accessToken: 'at-1' })

    const withheld = await session.get('http://127.0.0.1:8080/public', { withholdToken: true })
    const withToken = await session.get('http://127.0.0.1:8080/public')

    expect([withheld.status, withToken.status]).to.deep.equal([200, 200])
    api.done()
  })
})
