import { inspect } from 'node:util'
import { expect } from 'chai'
import nock from 'nock'
import {
  BackendApplicationClient,
  InvalidTokenResponseError,
  OAuth2Handler,
  OAuth2Service,
  OAuth2Session,
  OAuthSessionsError,
  TokenMissingError,
  TokenRequestError,
} from '../../../lib/index.js'

const TOKEN_URL = 'https://idp.test/token'
const SECRET = 'at-S3CR3T-value'

/** Every text a logger could print for an error. */
function printed(error: unknown): string {
  return [String(error), (error as Error).stack, JSON.stringify(error), inspect(error, { depth: 6 })].join('\n')
}

async function fetchWith(status: number, body: string | object, type = 'application/json'): Promise<unknown> {
  const scope = nock('https://idp.test')
    .post('/token')
    .reply(status, typeof body === 'string' ? body : JSON.stringify(body), { 'Content-Type': type })
  const session = new OAuth2Session(undefined, { client: new BackendApplicationClient('client'), clientSecret: 'secret' })
  try {
    return await session.fetchToken(TOKEN_URL).then(
      (token) => ({ token }),
      (error: unknown) => error,
    )
  } finally {
    scope.done()
    await session.close()
  }
}

describe('token answers with fields of the wrong type (issue #14, found by the fuzzer)', () => {
  // What was wrong, the answer, and the error it must be: TokenMissingError when no usable
  // access_token is there, else InvalidTokenResponseError naming the field.
  const wrong: [what: string, body: object, code: string, field: string | undefined][] = [
    ['an access_token that is a number', { access_token: 42 }, 'ERR_TOKEN_MISSING', undefined],
    ['an access_token that is an object', { access_token: { value: SECRET } }, 'ERR_TOKEN_MISSING', undefined],
    ['an access_token with a line break', { access_token: `${SECRET}\r\nX-Injected: 1` }, 'ERR_INVALID_TOKEN_RESPONSE', 'access_token'],
    ['an access_token of 100,000 characters', { access_token: 'a'.repeat(100_000) }, 'ERR_INVALID_TOKEN_RESPONSE', 'access_token'],
    ['an expires_in that is an object', { access_token: SECRET, expires_in: {} }, 'ERR_INVALID_TOKEN_RESPONSE', 'expires_in'],
    ["an expires_in of 'abc'", { access_token: SECRET, expires_in: 'abc' }, 'ERR_INVALID_TOKEN_RESPONSE', 'expires_in'],
    ['an expires_in of 1e308', { access_token: SECRET, expires_in: 1e308 }, 'ERR_INVALID_TOKEN_RESPONSE', 'expires_in'],
    ['a negative expires_in', { access_token: SECRET, expires_in: -5 }, 'ERR_INVALID_TOKEN_RESPONSE', 'expires_in'],
    ['a refresh_token that is a number', { access_token: SECRET, refresh_token: 7 }, 'ERR_INVALID_TOKEN_RESPONSE', 'refresh_token'],
    ['a token_type that is an object', { access_token: SECRET, token_type: {} }, 'ERR_INVALID_TOKEN_RESPONSE', 'token_type'],
    ['a scope that is a number', { access_token: SECRET, scope: 123 }, 'ERR_INVALID_TOKEN_RESPONSE', 'scope'],
    ['an id_token that is a list', { access_token: SECRET, id_token: [] }, 'ERR_INVALID_TOKEN_RESPONSE', 'id_token'],
  ]
  for (const [what, body, code, field] of wrong) {
    it(`refuses ${what} with a typed error that quotes no token`, async () => {
      const outcome = await fetchWith(200, body)

      expect(outcome).to.be.instanceOf(OAuthSessionsError)
      expect(outcome)
        .to.be.instanceOf(field === undefined ? TokenMissingError : InvalidTokenResponseError)
        .and.include({ code })
      if (field !== undefined) expect(outcome).to.include({ field })
      expect(printed(outcome)).to.not.include(SECRET)
    })
  }

  it('names the field and the problem: InvalidTokenResponseError (ERR_INVALID_TOKEN_RESPONSE)', async () => {
    const outcome = await fetchWith(200, { access_token: SECRET, expires_in: 'abc' })

    expect(outcome).to.include({ name: 'InvalidTokenResponseError', code: 'ERR_INVALID_TOKEN_RESPONSE', field: 'expires_in' })
  })

  it('still accepts expires_in as numeric text, and a null refresh_token as none', async () => {
    const outcome = (await fetchWith(200, { access_token: SECRET, token_type: 'Bearer', expires_in: '3600', refresh_token: null })) as { token: object }

    expect(outcome.token).to.include({ access_token: SECRET, expires_in: 3600 }).and.not.have.property('refresh_token')
  })

  it('refuses a form answer that sends access_token twice', async () => {
    const outcome = await fetchWith(200, `access_token=${SECRET}&access_token=other`, 'application/x-www-form-urlencoded')

    expect(outcome).to.have.property('code', 'ERR_INVALID_TOKEN_RESPONSE')
    expect(printed(outcome)).to.not.include(SECRET)
  })

  it('does not list a JSON body decoded as a form as a key (its values are tokens)', async () => {
    const outcome = await fetchWith(200, `\uFFFD{"access_token":"${SECRET}"}`, 'application/x-www-form-urlencoded')

    expect(outcome).to.have.property('code', 'ERR_TOKEN_MISSING')
    expect(printed(outcome)).to.not.include(SECRET)
  })

  it('keeps a 3000-character error code out of the one-line message', async () => {
    const outcome = await fetchWith(400, { error: 'e'.repeat(3000) })

    expect(outcome).to.be.instanceOf(TokenRequestError)
    expect((outcome as Error).message.length).to.be.lessThan(500)
  })

  it('gives rauth getAccessToken the same checks: an object access_token is a typed error, not a TypeError', async () => {
    const scope = nock('https://idp.test')
      .post('/token')
      .reply(200, { access_token: { toString: 1, valueOf: 1 } })
    const service = new OAuth2Service({ clientId: 'client', clientSecret: 'secret', accessTokenUrl: TOKEN_URL })
    try {
      const outcome = await service.getAccessToken('POST', { data: { code: 'c' } }).catch((error: unknown) => error)

      expect(outcome).to.be.instanceOf(OAuthSessionsError)
      expect(outcome).to.be.instanceOf(TokenMissingError).and.include({ code: 'ERR_TOKEN_MISSING' })
      scope.done()
    } finally {
      await service.close()
    }
  })
})

describe('OAuth2Handler.getToken with hostile answers (issue #14, found by the fuzzer)', () => {
  async function getToken(body: string): Promise<unknown> {
    const scope = nock('https://idp.test').post('/oauth/token').reply(200, body)
    const handler = new OAuth2Handler('client', 'secret', 'https://idp.test/', 'https://app.example/cb')
    try {
      return await handler.getToken('code')
    } finally {
      scope.done()
      await handler.close()
    }
  }

  it('reads __proto__ and constructor as plain form names instead of throwing a TypeError', async () => {
    const answer = await getToken('__proto__=x&constructor=y&access_token=abc')

    expect(Object.getPrototypeOf(answer)).to.equal(Object.prototype)
    expect(Object.entries(answer as object)).to.deep.equal([
      ['__proto__', ['x']],
      ['constructor', ['y']],
      ['access_token', ['abc']],
    ])
  })

  for (const body of ['42', '[1,2]', '"text"']) {
    it(`returns an object, never ${body}, for a JSON answer that is not an object`, async () => {
      const answer = await getToken(body)

      expect(answer).to.be.an('object').and.not.be.an('array')
    })
  }
})

describe('a token answer with a field nested without end', () => {
  it('is an InvalidTokenResponseError naming the field, not a token that overflows the stack when stored or serialized', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`
    const outcome = await fetchWith(200, `{"access_token":"${SECRET}","token_type":"Bearer","extra":${deep}}`)

    expect(outcome).to.be.instanceOf(InvalidTokenResponseError).and.include({ field: 'extra' })
    expect(printed(outcome)).to.not.include(SECRET)
  })

  it('keeps a token with ordinary nesting (authorization_details, claims)', async () => {
    const outcome = (await fetchWith(200, { access_token: SECRET, token_type: 'Bearer', authorization_details: [{ type: 'x', actions: ['read'] }] })) as {
      token: Record<string, unknown>
    }
    expect(outcome.token.authorization_details).to.deep.equal([{ type: 'x', actions: ['read'] }])
  })
})
