import { expect } from 'chai'
import nock from 'nock'
import { inspect } from 'node:util'
import { HTTPError, InsecureTransportError, OAuth1Auth, OAuth1Session, Session } from '../../../lib/index.js'
import { trafficCounter } from '../../support/traffic-counter.js'

// A PLAINTEXT signature is `consumer_secret&token_secret` (RFC 5849 §3.4.4): the signature IS the
// secrets, so it must be shown as redacted and may go over https (or loopback) only.
const CONSUMER_SECRET = 'cs-plaintext-4d1f'
const TOKEN_SECRET = 'ts-plaintext-8e2a'

function plaintext(options: { insecureTransport?: boolean } = {}): OAuth1Auth {
  return new OAuth1Auth('ck', {
    signatureMethod: 'PLAINTEXT',
    clientSecret: CONSUMER_SECRET,
    resourceOwnerKey: 'tk',
    resourceOwnerSecret: TOKEN_SECRET,
    ...options,
  })
}

function shown(value: unknown): string {
  return `${String(value)} ${JSON.stringify(value)} ${inspect(value, { depth: 10 })} ${(value as Error).stack ?? ''}`
}

describe('OAuth 1 PLAINTEXT signatures', () => {
  afterEach(() => {
    delete process.env.OAUTHLIB_INSECURE_TRANSPORT
  })

  it('are redacted in explainSignature: the signature and the header show no secret', async () => {
    const auth = plaintext()
    const prepared = await new Session({ auth }).prepareRequest('GET', 'https://api.example.com/')

    const explained = auth.explainSignature(prepared)

    expect(explained.signature).to.equal('[redacted]')
    expect(explained.authorizationHeader).to.include('oauth_signature="[redacted]"').and.include('oauth_signature_method="PLAINTEXT"')
    expect(shown(explained)).to.not.include(CONSUMER_SECRET).and.not.include(TOKEN_SECRET)
  })

  it('keep an HMAC signature visible in explainSignature (it reveals no secret and is what a provider compares)', async () => {
    const auth = new OAuth1Auth('ck', { clientSecret: CONSUMER_SECRET })
    const prepared = await new Session({ auth }).prepareRequest('GET', 'https://api.example.com/')

    expect(auth.explainSignature(prepared).signature).to.match(/^[A-Za-z0-9+/]+=*$/)
  })

  it('stay out of an HTTPError, the request summary and the Response when signed in the query', async () => {
    const scope = nock('https://api.example.com').get('/me').query(true).reply(401)
    const session = new OAuth1Session('ck', CONSUMER_SECRET, 'tk', TOKEN_SECRET, { signatureMethod: 'PLAINTEXT', signatureType: 'QUERY' })

    const response = await session.get('https://api.example.com/me')
    const error = (() => {
      try {
        response.raiseForStatus()
      } catch (e) {
        return e
      }
    })()

    expect(error).to.be.instanceOf(HTTPError)
    expect(shown(error)).to.not.include(CONSUMER_SECRET).and.not.include(TOKEN_SECRET)
    expect(shown(response)).to.not.include(CONSUMER_SECRET).and.not.include(TOKEN_SECRET)
    expect(shown(response.request)).to.not.include(CONSUMER_SECRET).and.not.include(TOKEN_SECRET)
    expect(shown(session)).to.not.include(CONSUMER_SECRET).and.not.include(TOKEN_SECRET)
    scope.done()
    await session.close()
  })

  it('are refused over plain http to a host other than loopback, with InsecureTransportError and no traffic', async () => {
    const traffic = trafficCounter()
    const session = new Session({ auth: plaintext() })
    try {
      const error = await session.get('http://api.example.com/me').catch((e: unknown) => e)

      expect(error).to.be.instanceOf(InsecureTransportError).and.include({ code: 'ERR_INSECURE_TRANSPORT' })
      expect((error as Error).message)
        .to.include('http://api.example.com')
        .and.include('PLAINTEXT')
        .and.include('insecureTransport')
      expect(shown(error)).to.not.include(CONSUMER_SECRET).and.not.include(TOKEN_SECRET)
      expect(traffic.count).to.equal(0)
    } finally {
      traffic.stop()
      await session.close()
    }
  })

  it('are refused over plain http from an OAuth1Session too', async () => {
    const session = new OAuth1Session('ck', CONSUMER_SECRET, undefined, undefined, { signatureMethod: 'PLAINTEXT' })

    const error = await session.fetchRequestToken('http://api.example.com/oauth/request_token').catch((e: unknown) => e)

    expect(error).to.be.instanceOf(InsecureTransportError)
    await session.close()
  })

  it('go over plain http to loopback, with insecureTransport: true, or with OAUTHLIB_INSECURE_TRANSPORT', async () => {
    const scope = nock('http://api.example.com').get('/a').reply(200, 'a').get('/b').reply(200, 'b')
    const loopback = nock('http://127.0.0.1:9').get('/c').reply(200, 'c')
    const allowed = new Session({ auth: plaintext({ insecureTransport: true }) })
    const strict = new Session({ auth: plaintext() })

    const a = await allowed.get('http://api.example.com/a')
    process.env.OAUTHLIB_INSECURE_TRANSPORT = '1'
    const b = await strict.get('http://api.example.com/b')
    delete process.env.OAUTHLIB_INSECURE_TRANSPORT
    const c = await strict.get('http://127.0.0.1:9/c')

    expect([a.text, b.text, c.text]).to.deep.equal(['a', 'b', 'c'])
    scope.done()
    loopback.done()
    await allowed.close()
    await strict.close()
  })

  it('leave HMAC-SHA1 over plain http alone (RFC 5849 signs for plain http)', async () => {
    const scope = nock('http://api.example.com').get('/hmac').reply(200, 'ok')
    const session = new Session({ auth: new OAuth1Auth('ck', { clientSecret: CONSUMER_SECRET }) })

    expect((await session.get('http://api.example.com/hmac')).text).to.equal('ok')
    scope.done()
    await session.close()
  })
})
