import { expect } from 'chai'
import { RetryPolicy } from '../../../lib/http/retry-policy.js'
import { PreparedRequest } from '../../../lib/http/prepared-request.js'
import type { RawResponse } from '../../../lib/http/transport.js'
import { DisplaySettings, OAuth2ClientCredentials, OAuth2Session, Session, type SessionOptions } from '../../../lib/index.js'
import { configurationError } from '../../support/expect-configuration-error.js'

// Node's timers hold at most 2^31 - 1 ms (about 24.8 days): a longer setTimeout fires after 1 ms
// (with a TimeoutOverflowWarning) and AbortSignal.timeout throws a RangeError past 2^32 - 1.
const TIMER_MAX = 2_147_483_647

const TOO_LONG: [option: string, options: Record<string, unknown>][] = [
  ['timeout', { timeout: TIMER_MAX + 1 }],
  ['timeout.connect', { timeout: { connect: 2 ** 40 } }],
  ['timeout.read', { timeout: { read: TIMER_MAX + 1 } }],
  ['deadline', { deadline: 2 ** 31 }],
  ['deadline', { deadline: 2 ** 40 }],
  ['retry.maxBackoff', { retry: { limit: 1, maxBackoff: 2 ** 40 } }],
  ['retry.backoffFactor', { retry: { limit: 1, backoffFactor: 2 ** 40 } }],
]

describe("millisecond options beyond Node's longest timer", () => {
  for (const [option, options] of TOO_LONG) {
    it(`refuses ${JSON.stringify(options)} with a ConfigurationError naming ${option}`, () => {
      const error = configurationError(() => new Session(options as SessionOptions))

      expect(error.option).to.equal(option)
      expect(error.message).to.include('at most')
    })
  }

  it('refuses them in an OAuth2Session and in a token request too', async () => {
    const error = configurationError(() => new OAuth2Session('client-1', { deadline: 2 ** 40 }))
    const session = new OAuth2Session('client-1')

    const tokenRequest = await session.fetchToken('https://idp.example/token', { code: 'c', timeout: 2 ** 40 }).catch((e: unknown) => e)

    expect(error.option).to.equal('deadline')
    expect(tokenRequest).to.have.property('option', 'timeout')
    await session.close()
  })

  it('refuses a requests-auth timeout (seconds) whose milliseconds overflow the timer', () => {
    const error = configurationError(() => new OAuth2ClientCredentials('https://idp.example/token', 'id', 'secret', { timeout: TIMER_MAX }))

    expect(error.option).to.equal('timeout')
  })

  it("refuses a browser page's display time that overflows the browser's timer (the same limit)", () => {
    const error = configurationError(() => new DisplaySettings({ failureDisplayTime: 2 ** 40 }))

    expect(error.option).to.equal('failureDisplayTime')
  })

  it('accepts the longest timer Node has', async () => {
    const session = new Session({ timeout: TIMER_MAX, deadline: TIMER_MAX, retry: { limit: 1, maxBackoff: TIMER_MAX } })

    expect(session.deadline).to.equal(TIMER_MAX)
    await session.close()
  })

  it('waits at most the longest timer for a huge Retry-After, whatever the policy was built with', () => {
    const policy = new RetryPolicy({ limit: 1, maxBackoff: 2 ** 40 })
    const answer = { status: 503, headers: new Map([['retry-after', '99999999']]) } as unknown as RawResponse

    const wait = policy.delayFor(1, new PreparedRequest('GET', 'https://api.example/x'), answer)

    expect(wait).to.equal(TIMER_MAX)
  })
})
