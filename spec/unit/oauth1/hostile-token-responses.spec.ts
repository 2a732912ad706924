import { inspect } from 'node:util'
import { expect } from 'chai'
import nock from 'nock'
import { InvalidTokenResponseError, OAuth1Service, OAuth1Session, OAuthSessionsError, TokenRequestDeniedError } from '../../../lib/index.js'

const TOKEN = 'ot-S3CR3T-token'
const SECRET = 'ots-S3CR3T-secret'

function printed(error: unknown): string {
  return [String(error), (error as Error).stack, JSON.stringify(error), inspect(error, { depth: 6 })].join('\n')
}

async function requestToken(status: number, body: string, type: string): Promise<unknown> {
  const scope = nock('https://api.test').post('/request_token').reply(status, body, { 'Content-Type': type })
  const service = new OAuth1Service({ consumerKey: 'key', consumerSecret: 'consumer-secret', requestTokenUrl: 'https://api.test/request_token' })
  try {
    return await service.getRequestToken('POST').catch((error: unknown) => error)
  } finally {
    scope.done()
    await service.close()
  }
}

describe('OAuth 1 token answers from a hostile server (issue #14, found by the fuzzer)', () => {
  for (const [type, body] of [
    ['application/x-www-form-urlencoded', `oauth_problem=token_rejected&oauth_token=${TOKEN}&oauth_token_secret=${SECRET}`],
    ['application/json', JSON.stringify({ oauth_token: TOKEN, oauth_token_secret: SECRET })],
    ['text/html', `<html><script>var t="${TOKEN}"</script></html>`],
  ]) {
    it(`keeps the tokens of a refusing ${type} body out of TokenRequestDeniedError's message, JSON and inspect output`, async () => {
      const error = await requestToken(401, body as string, type as string)

      expect(error).to.be.instanceOf(TokenRequestDeniedError).and.include({ name: 'TokenRequestDeniedError', status: 401 })
      expect(printed(error)).to.not.include(TOKEN).and.not.include(SECRET)
      expect((error as { body: string }).body).to.equal(body)
    })
  }

  it('still quotes what the provider said (oauth_problem) in the message, as rauth does', async () => {
    const error = await requestToken(400, `oauth_problem=timestamp_refused&oauth_token=${TOKEN}`, 'application/x-www-form-urlencoded')

    expect(error).to.be.instanceOf(TokenRequestDeniedError).and.include({ status: 400 })
    expect((error as Error).message)
      .to.include('oauth_problem=timestamp_refused')
      .and.include('oauth_token=[redacted]')
  })

  for (const [what, value] of [
    ['a number', 42],
    ['an object', { toString: 1, valueOf: 1 }],
    ['a list', [TOKEN]],
  ] as const) {
    it(`refuses an oauth_token that is ${what} with a typed error, not "[object Object]" or a TypeError`, async () => {
      const outcome = await requestToken(200, JSON.stringify({ oauth_token: value, oauth_token_secret: SECRET }), 'application/json')

      expect(outcome).to.be.instanceOf(OAuthSessionsError).and.have.property('code', 'ERR_INVALID_TOKEN_RESPONSE')
      expect(outcome).to.be.instanceOf(InvalidTokenResponseError)
    })
  }

  it('refuses an oauth_token sent twice', async () => {
    const outcome = await requestToken(200, `oauth_token=${TOKEN}&oauth_token=other&oauth_token_secret=${SECRET}`, 'application/x-www-form-urlencoded')

    expect(outcome).to.have.property('code', 'ERR_INVALID_TOKEN_RESPONSE')
    expect(outcome).to.be.instanceOf(InvalidTokenResponseError)
  })

  it('gives OAuth1Session.fetchRequestToken a typed error for an object oauth_token', async () => {
    const scope = nock('https://api.test')
      .post('/request_token')
      .reply(200, JSON.stringify({ oauth_token: { toString: 1 } }), { 'Content-Type': 'application/json' })
    const session = new OAuth1Session('key', 'consumer-secret')
    try {
      const outcome = await session.fetchRequestToken('https://api.test/request_token').catch((error: unknown) => error)

      expect(outcome).to.be.instanceOf(OAuthSessionsError)
      expect(outcome).to.be.instanceOf(InvalidTokenResponseError).and.have.property('code', 'ERR_INVALID_TOKEN_RESPONSE')
      scope.done()
    } finally {
      await session.close()
    }
  })
})
