import { expect } from 'chai'
import nock from 'nock'
import { setTimeout as sleep } from 'node:timers/promises'
import { DiscoveryError, InvalidMetadataError, OAuth2Session, TimeoutError } from '../../../lib/index.js'
import { clearDiscoveryCache, discoveriesInFlight, discoveryBudget } from '../../../lib/oauth2/discovery.js'
import { installClock, untilTimers } from '../../support/fake-clock.js'
import { trafficCounter } from '../../support/traffic-counter.js'

// One discovery of an issuer is one budget of time and one fetch per well-known URL, however many
// callers ask for it at once; what fails is not kept.
const ORIGIN = 'https://as.example'
const RFC8414 = '/.well-known/oauth-authorization-server'
const OIDC = '/.well-known/openid-configuration'
const JSON_TYPE = { 'Content-Type': 'application/json' }
const DOCUMENT = { issuer: ORIGIN, token_endpoint: `${ORIGIN}/token` }

/** A nock answer that comes `ms` later on the (fake) clock; nock's own delay runs on real time. */
const answerAfter =
  (ms: number, status: number, body: Record<string, unknown> | string = '') =>
  async (): Promise<[number, Record<string, unknown> | string, Record<string, string>]> => {
    await sleep(ms)
    return [status, body, JSON_TYPE]
  }

/** Settles every promise, and gives what each was (value or error). */
const outcomes = <T>(promises: Array<Promise<T>>) =>
  Promise.all(
    promises.map((promise) =>
      promise.then(
        (value) => value,
        (error: unknown) => error,
      ),
    ),
  )

async function closeAll(values: unknown[]): Promise<void> {
  for (const value of values) if (value instanceof OAuth2Session) await value.close()
}

describe('discovery: one deadline, one fetch per issuer at a time', () => {
  beforeEach(() => clearDiscoveryCache())

  describe('the deadline', () => {
    it('gives both well-known URLs one budget together: the second is cut off when the first used most of it', async () => {
      using clock = installClock()
      const start = Date.now()
      const scope = nock(ORIGIN)
        .get(RFC8414)
        .reply(answerAfter(600, 404))
        .get(OIDC)
        .reply(answerAfter(600, 200, DOCUMENT))

      const discovery = OAuth2Session.discover(ORIGIN, 'client-1', { deadline: 1000, timeout: null }).catch((e: unknown) => e)
      // The budget's timer and the first answer's; 600 ms later the second URL is asked, 400 ms before the budget ends.
      await untilTimers(clock, 2)
      await clock.tickAsync(600)
      await untilTimers(clock, 2)
      await clock.tickAsync(400)
      const error = await discovery

      expect(error).to.be.instanceOf(TimeoutError).and.include({ phase: 'deadline', code: 'ERR_TIMEOUT' })
      expect((error as TimeoutError).message).to.include('1000 ms')
      expect(Date.now() - start).to.equal(1000)
      scope.done()
    })

    it("takes the session's deadline as the budget, else its timeout in ms, else 30 s; none when both are null", async () => {
      const sessions = [
        new OAuth2Session('a', { deadline: 500, timeout: 1000 }),
        new OAuth2Session('b', { timeout: 1000 }),
        new OAuth2Session('c', { timeout: { connect: 1000 } }),
        new OAuth2Session('d', { timeout: null }),
        new OAuth2Session('e'),
      ]

      expect(sessions.map(discoveryBudget)).to.deep.equal([500, 1000, 30_000, undefined, 30_000])
      await closeAll(sessions)
    })

    it('succeeds when both answers come within the budget', async () => {
      using clock = installClock()
      const scope = nock(ORIGIN)
        .get(RFC8414)
        .reply(answerAfter(400, 404))
        .get(OIDC)
        .reply(answerAfter(400, 200, DOCUMENT))

      const discovery = OAuth2Session.discover(ORIGIN, 'client-1', { deadline: 1000, timeout: null })
      await untilTimers(clock, 2)
      await clock.tickAsync(400)
      await untilTimers(clock, 2)
      await clock.tickAsync(400)
      const session = await discovery

      expect(session.metadata?.token_endpoint).to.equal(`${ORIGIN}/token`)
      scope.done()
      await session.close()
    })
  })

  describe('concurrent discoveries of one issuer', () => {
    it('share one fetch per well-known URL, and each caller gets its own frozen copy', async () => {
      const traffic = trafficCounter()
      try {
        const scope = nock(ORIGIN).get(RFC8414).reply(404).get(OIDC).reply(200, DOCUMENT, JSON_TYPE)

        const sessions = await Promise.all([OAuth2Session.discover(ORIGIN, 'a'), OAuth2Session.discover(ORIGIN, 'b'), OAuth2Session.discover(ORIGIN, 'c')])

        scope.done()
        expect(traffic.count).to.equal(0)
        expect(sessions.map((session) => session.metadata?.issuer)).to.deep.equal([ORIGIN, ORIGIN, ORIGIN])
        expect(sessions[0]?.metadata).not.to.equal(sessions[1]?.metadata)
        expect(discoveriesInFlight()).to.equal(0)
        await closeAll(sessions)
      } finally {
        traffic.stop()
      }
    })

    it('share a failure, but keep none: the next discovery asks again', async () => {
      nock(ORIGIN).get(RFC8414).reply(404).get(OIDC).reply(503)

      const failed = await outcomes([OAuth2Session.discover(ORIGIN, 'a'), OAuth2Session.discover(ORIGIN, 'b')])
      const again = nock(ORIGIN).get(RFC8414).reply(200, DOCUMENT, JSON_TYPE)
      const session = await OAuth2Session.discover(ORIGIN, 'c')

      expect(failed[0]).to.be.instanceOf(DiscoveryError)
      expect(failed[1]).to.be.instanceOf(DiscoveryError)
      expect(discoveriesInFlight()).to.equal(0)
      expect(session.metadata?.issuer).to.equal(ORIGIN)
      again.done()
      await session.close()
    })

    it('check the shared document for each caller: one without insecureTransport refuses an http endpoint another accepts, and nothing is kept', async () => {
      const plain = { issuer: ORIGIN, token_endpoint: 'http://as.example/token' }
      const scope = nock(ORIGIN).get(RFC8414).reply(200, plain, JSON_TYPE)

      const [strict, lenient] = await outcomes([OAuth2Session.discover(ORIGIN, 'a'), OAuth2Session.discover(ORIGIN, 'b', { insecureTransport: true })])

      expect(strict).to.be.instanceOf(InvalidMetadataError).and.include({ field: 'token_endpoint' })
      expect(lenient).to.be.instanceOf(OAuth2Session)
      scope.done()
      await closeAll([lenient])
    })

    it('keep discoveries of different issuers apart, and leave none in flight once they end', async () => {
      const issuers = [1, 2, 3].map((n) => `https://as${n}.example`)
      const scopes = issuers.map((issuer) => nock(issuer).get(RFC8414).reply(200, { issuer }, JSON_TYPE))

      const sessions = await Promise.all(issuers.map((issuer) => OAuth2Session.discover(issuer, 'a')))

      expect(sessions.map((session) => session.metadata?.issuer)).to.deep.equal(issuers)
      expect(discoveriesInFlight()).to.equal(0)
      for (const scope of scopes) scope.done()
      await closeAll(sessions)
    })
  })
})
