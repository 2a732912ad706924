import { expect } from 'chai'
import nock from 'nock'
import { Session } from '../../../lib/index.js'
import { installClock, runUntilSettled } from '../../support/fake-clock.js'

describe('retries (urllib3 Retry semantics)', () => {
  it('does not retry by default, as requests', async () => {
    const session = new Session()
    const scope = nock('https://api.test').get('/flaky').reply(503)

    const response = await session.get('https://api.test/flaky')

    expect(response.status).to.equal(503)
    scope.done()
    await session.close()
  })

  it('retries an idempotent request on a listed status, then returns the success', async () => {
    const session = new Session({ retry: { limit: 2, backoffFactor: 0 } })
    const scope = nock('https://api.test').get('/flaky').reply(503).get('/flaky').reply(502).get('/flaky').reply(200, 'ok')

    const response = await session.get('https://api.test/flaky')

    expect(response.status).to.equal(200)
    expect(response.text).to.equal('ok')
    scope.done()
    await session.close()
  })

  it('returns the last failure when the limit is reached', async () => {
    const session = new Session({ retry: { limit: 1, backoffFactor: 0 } })
    const scope = nock('https://api.test').get('/down').times(2).reply(500, 'still down')

    const response = await session.get('https://api.test/down')

    expect(response.status).to.equal(500)
    scope.done()
    await session.close()
  })

  it('never retries a POST unless POST is listed', async () => {
    const session = new Session({ retry: 3 })
    const scope = nock('https://api.test').post('/pay').reply(503)

    const response = await session.post('https://api.test/pay', { data: { amount: 1 } })

    expect(response.status).to.equal(503)
    scope.done()
    await session.close()
  })

  it('waits for Retry-After seconds on 429 before the retry, and not longer', async () => {
    using clock = installClock()
    const session = new Session({ retry: { limit: 1, maxBackoff: 5000 }, timeout: null })
    const sentAt: number[] = []
    const scope = nock('https://api.test')
      .get('/rate')
      .reply(() => {
        sentAt.push(Date.now())
        return [429, '', { 'Retry-After': '1' }]
      })
      .get('/rate')
      .reply(() => {
        sentAt.push(Date.now())
        return [200]
      })

    const response = await runUntilSettled(clock, session.get('https://api.test/rate'))

    expect(response.status).to.equal(200)
    const [first = Number.NaN, second = Number.NaN] = sentAt
    expect(second - first).to.equal(1000)
    scope.done()
    await session.close()
  })
})
