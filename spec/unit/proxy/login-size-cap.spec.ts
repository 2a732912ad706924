import { expect } from 'chai'
import nock from 'nock'
import { ProxySession, ResponseTooLargeError } from '../../../lib/index.js'
import { trafficCounter } from '../../support/traffic-counter.js'

const options = {
  oauth2Username: 'bot',
  oauth2Password: 'gh-password-5c1d',
  authenticationBaseUrl: 'https://site.test/oauth2/start',
  authenticationSessionUrl: 'https://gh.test/session',
}

describe('ProxySession sign-in at an oversized login page (#14, attack 6)', () => {
  it('stops at maxTokenResponseSize with ResponseTooLargeError naming that option, and sends no password', async () => {
    const page = `<form action="/session"><input name="login"><input type="password" name="password"></form>${' '.repeat(64 * 1024)}`
    const scope = nock('https://site.test').get('/oauth2/start').reply(200, page, { 'Content-Type': 'text/html' })
    const traffic = trafficCounter()
    const session = new ProxySession({ ...options, maxTokenResponseSize: 16 * 1024 })
    try {
      const error = await session.authenticate().catch((caught: unknown) => caught)

      expect(error)
        .to.be.instanceOf(ResponseTooLargeError)
        .and.include({ option: 'maxTokenResponseSize', limit: 16 * 1024 })
      expect((error as Error).message).to.include('maxTokenResponseSize')
      expect(traffic.count).to.equal(0)
      scope.done()
    } finally {
      traffic.stop()
      await session.close()
    }
  })
})
