import { expect } from 'chai'
import nock from 'nock'
import { Session } from '../../../lib/index.js'
import { configurationRejection } from '../../support/expect-configuration-error.js'
import { trafficCounter } from '../../support/traffic-counter.js'

// Issue #14 review, item 3: per-request option values were not checked on the fast path (only the
// keys), so a wrong one escaped as a raw RangeError or TypeError.
describe('per-request option values', () => {
  const wrong: [string, Record<string, unknown>][] = [
    ['deadline', { deadline: 2 ** 40 }],
    ['deadline', { deadline: -1 }],
    ['deadline', { deadline: '1000' }],
    ['timeout', { timeout: 2 ** 40 }],
    ['timeout', { timeout: Number.NaN }],
    ['timeout', { timeout: { connect: 2 ** 40 } }],
    ['maxResponseSize', { maxResponseSize: 1.5 }],
    ['headers', { headers: 'Accept: */*' }],
  ]
  for (const [option, options] of wrong) {
    it(`refuses ${option}: ${String(Object.values(options)[0] instanceof Object ? JSON.stringify(Object.values(options)[0]) : Object.values(options)[0])} with a ConfigurationError naming it, before any traffic`, async () => {
      const traffic = trafficCounter()
      const session = new Session()
      try {
        const error = await configurationRejection(() => session.get('https://api.example.com/x', options))
        expect(error.option.split('.')[0]).to.equal(option)
        expect(error.message).to.include('Session.request')
        const sent = await configurationRejection(async () => session.send(await session.prepareRequest('GET', 'https://api.example.com/x'), options))
        if (option !== 'headers') expect(sent.option.split('.')[0]).to.equal(option)
        expect(traffic.count).to.equal(0)
      } finally {
        traffic.stop()
        await session.close()
      }
    })
  }

  it('takes null headers, params, data and cookies as none, as Python takes None', async () => {
    const api = nock('https://api.example.com')
      .post('/x')
      .query({ keep: '1' })
      .matchHeader('x-session', 'kept')
      .reply(200, 'ok')
      .get('/y')
      .query({ keep: '1' })
      .reply(200, 'ok')
    const session = new Session({ headers: { 'X-Session': 'kept' }, params: { keep: '1' } })
    try {
      const posted = await session.post('https://api.example.com/x', { headers: null, params: null, data: null, cookies: null })
      expect(posted.request.body).to.equal(undefined)
      expect(posted.request.headers.get('content-type')).to.equal(undefined)
      const got = await session.get('https://api.example.com/y', { headers: null, params: null })
      expect(got.status).to.equal(200)
    } finally {
      await session.close()
    }
    api.done()
  })
})
