import { Readable } from 'node:stream'
import { expect } from 'chai'
import nock from 'nock'
import { ConfigurationError, OAuth1Auth, OAuth1Session, Session } from '../../../lib/index.js'
import { trafficCounter } from '../../support/traffic-counter.js'

// OAuth 1 signs a form body's parameters (RFC 5849 §3.4.1.3.1), and with bodyHash the hash of any
// other body: it must read the body to sign. A streamed body cannot be read without being spent,
// so signing one is refused before anything is sent, instead of a signature that leaves the body
// out (which the provider refuses, or worse, accepts for other parameters than were sent).

describe('OAuth 1 signing of a streamed body', () => {
  it('refuses a streamed form body with ConfigurationError naming data, before any traffic', async () => {
    await using session = new OAuth1Session('key', 'secret', 'token', 'token-secret')
    const traffic = trafficCounter()
    try {
      const sent = session.post('https://api.test/update', {
        data: Readable.from(['status=hello']),
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      })
      const error = await sent.then(
        () => undefined,
        (thrown: unknown) => thrown,
      )
      expect(error).to.be.instanceOf(ConfigurationError)
      expect((error as ConfigurationError).option).to.equal('data')
      expect((error as Error).message).to.include('streamed')
      expect(traffic.count).to.equal(0)
    } finally {
      traffic.stop()
    }
  })

  it('refuses a streamed body when bodyHash asks for its hash, and sends a streamed non-form body unread without it', async () => {
    await using hashing = new Session({ auth: new OAuth1Auth('key', { clientSecret: 'secret', bodyHash: true }) })
    const traffic = trafficCounter()
    let refused: unknown
    try {
      refused = await hashing.post('https://api.test/upload', { data: Readable.from(['{"a":1}']), headers: { 'Content-Type': 'application/json' } }).then(
        () => undefined,
        (thrown: unknown) => thrown,
      )
      expect(traffic.count).to.equal(0)
    } finally {
      traffic.stop()
    }
    expect(refused).to.be.instanceOf(ConfigurationError)
    expect((refused as Error).message).to.include('bodyHash')

    const scope = nock('https://api.test')
      .post('/upload', '{"a":1}')
      .reply(function () {
        return [200, { authorization: this.req.headers.authorization }]
      })
    await using plain = new Session({ auth: new OAuth1Auth('key', { clientSecret: 'secret' }) })
    const response = await plain.post('https://api.test/upload', { data: Readable.from(['{"a":1}']), headers: { 'Content-Type': 'application/json' } })
    expect(response.json<{ authorization: string }>().authorization)
      .to.match(/^OAuth /)
      .and.not.include('oauth_body_hash')
    scope.done()
  })
})
