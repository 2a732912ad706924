import { expect } from 'chai'
import nock from 'nock'
import {
  AccessDeniedError,
  InvalidClientError,
  InvalidGrantError,
  InvalidRequestError,
  InvalidScopeError,
  InvalidTokenError,
  OAuth2Session,
  ServerError,
  TemporarilyUnavailableError,
  TokenRequestError,
  UnauthorizedClientError,
  UnsupportedGrantTypeError,
  UnsupportedResponseTypeError,
} from '../../../lib/index.js'

const cases = [
  { error: 'invalid_request', status: 400, ErrorClass: InvalidRequestError, name: 'InvalidRequestError' },
  { error: 'invalid_client', status: 401, ErrorClass: InvalidClientError, name: 'InvalidClientError' },
  { error: 'invalid_grant', status: 400, ErrorClass: InvalidGrantError, name: 'InvalidGrantError' },
  { error: 'unauthorized_client', status: 400, ErrorClass: UnauthorizedClientError, name: 'UnauthorizedClientError' },
  { error: 'unsupported_grant_type', status: 400, ErrorClass: UnsupportedGrantTypeError, name: 'UnsupportedGrantTypeError' },
  { error: 'invalid_scope', status: 400, ErrorClass: InvalidScopeError, name: 'InvalidScopeError' },
  { error: 'access_denied', status: 403, ErrorClass: AccessDeniedError, name: 'AccessDeniedError' },
  { error: 'unsupported_response_type', status: 400, ErrorClass: UnsupportedResponseTypeError, name: 'UnsupportedResponseTypeError' },
  { error: 'server_error', status: 500, ErrorClass: ServerError, name: 'ServerError' },
  { error: 'temporarily_unavailable', status: 503, ErrorClass: TemporarilyUnavailableError, name: 'TemporarilyUnavailableError' },
  { error: 'invalid_token', status: 401, ErrorClass: InvalidTokenError, name: 'InvalidTokenError' },
] as const

describe('fetchToken with an RFC 6749 §5.2 error body', () => {
  for (const { error, status, ErrorClass, name } of cases) {
    it(`turns an HTTP ${status} ${error} body into ${name} with its status, description and URI`, async () => {
      const scope = nock('https://idp.test')
        .post('/token', (body) => body.grant_type === 'authorization_code' && body.code === 'code-1')
        .reply(status, { error, error_description: `why ${error}`, error_uri: `https://idp.test/errors/${error}` })
      const session = new OAuth2Session('client-1', { pkce: false })

      const thrown = await session.fetchToken('https://idp.test/token', { code: 'code-1' }).catch((e: unknown) => e)

      expect(thrown).to.be.instanceOf(ErrorClass).and.instanceOf(TokenRequestError)
      expect(thrown).to.include({ name, error, status, errorDescription: `why ${error}`, errorUri: `https://idp.test/errors/${error}` })
      expect((thrown as Error).message).to.include(`(HTTP ${status}): ${error}: why ${error}.`)
      expect((thrown as TokenRequestError).response?.status).to.equal(status)
      expect(Object.keys(thrown as object)).to.not.include('response')
      expect(session.token.access_token).to.equal(undefined)
      scope.done()
      await session.close()
    })
  }

  it('uses TokenRequestError itself for a code neither RFC 6749 nor RFC 8628 defines, without a description', async () => {
    const scope = nock('https://idp.test').post('/token').reply(400, { error: 'vendor_specific_error' })
    const session = new OAuth2Session('client-1', { pkce: false })

    const thrown = await session.fetchToken('https://idp.test/token', { code: 'code-1' }).catch((e: unknown) => e)

    expect(thrown).to.be.instanceOf(TokenRequestError)
    expect((thrown as Error).constructor).to.equal(TokenRequestError)
    expect(thrown).to.include({ name: 'TokenRequestError', error: 'vendor_specific_error', status: 400, errorDescription: undefined })
    scope.done()
    await session.close()
  })
})
