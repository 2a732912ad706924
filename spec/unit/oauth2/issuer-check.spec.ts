import { expect } from 'chai'
import nock from 'nock'
import { IssuerMismatchError, OAuth2Session } from '../../../lib/index.js'
import { configurationError } from '../../support/expect-configuration-error.js'
import { trafficCounter } from '../../support/traffic-counter.js'

// RFC 9207: the authorization response names its issuer in `iss`; a client that knows the issuer
// it sent the user to refuses a response from another one (a mix-up attack) before spending the code.
const ISSUER = 'https://idp.example'
const TOKEN_URL = 'https://idp.example/token'
const CALLBACK = 'https://app.example/cb'

function session(options: { issuerParameterRequired?: boolean; issuer?: string | undefined } = {}): OAuth2Session {
  return new OAuth2Session('client-1', { state: 'st-1', redirectUri: CALLBACK, pkce: false, issuer: ISSUER, ...options })
}

function callback(query: string): string {
  return `${CALLBACK}?code=c1&state=st-1${query}`
}

async function refusedWithoutTraffic(make: OAuth2Session, authorizationResponse: string): Promise<IssuerMismatchError> {
  const traffic = trafficCounter()
  try {
    const error = await make.fetchToken(TOKEN_URL, { authorizationResponse }).catch((e: unknown) => e)
    expect(error).to.be.instanceOf(IssuerMismatchError)
    expect(traffic.count).to.equal(0)
    return error as IssuerMismatchError
  } finally {
    traffic.stop()
    await make.close()
  }
}

describe('the iss parameter of an authorization response (RFC 9207)', () => {
  it('refuses a callback from another issuer, naming both, before any token request', async () => {
    const error = await refusedWithoutTraffic(session(), callback(`&iss=${encodeURIComponent('https://evil.example')}`))

    expect(error).to.include({ code: 'ERR_ISSUER_MISMATCH', expected: ISSUER, received: 'https://evil.example' })
    expect(error.message).to.include(ISSUER).and.include('https://evil.example')
  })

  it('compares exactly: a trailing slash or another case is another issuer', async () => {
    await refusedWithoutTraffic(session(), callback(`&iss=${encodeURIComponent(`${ISSUER}/`)}`))
    await refusedWithoutTraffic(session(), callback(`&iss=${encodeURIComponent('https://IDP.example')}`))
  })

  it('refuses a callback that carries iss more than once, even when one of them is right', async () => {
    const error = await refusedWithoutTraffic(session(), callback(`&iss=${encodeURIComponent(ISSUER)}&iss=${encodeURIComponent('https://evil.example')}`))

    expect(error.message).to.include('more than once')
  })

  it('refuses a callback without iss when the session was told the provider sends it', async () => {
    const error = await refusedWithoutTraffic(session({ issuerParameterRequired: true }), callback(''))

    expect(error).to.include({ expected: ISSUER, received: undefined })
  })

  it("checks iss before the provider's error, so a forged error from another issuer is the mismatch", async () => {
    await refusedWithoutTraffic(session(), `${CALLBACK}?error=access_denied&state=st-1&iss=${encodeURIComponent('https://evil.example')}`)
  })

  it('checks the iss of an implicit-grant fragment too', () => {
    const implicit = session()

    expect(() => implicit.tokenFromFragment(`${CALLBACK}#access_token=at-1&token_type=Bearer&state=st-1&iss=https%3A%2F%2Fevil.example`)).to.throw(
      IssuerMismatchError,
    )
  })

  it('exchanges the code of a callback whose iss is the expected issuer', async () => {
    const scope = nock('https://idp.example')
      .post('/token', (body: Record<string, string>) => body.code === 'c1')
      .reply(200, { access_token: 'at-1', token_type: 'Bearer' })

    const token = await session().fetchToken(TOKEN_URL, { authorizationResponse: callback(`&iss=${encodeURIComponent(ISSUER)}`) })

    expect(token.access_token).to.equal('at-1')
    scope.done()
  })

  it('accepts a callback without iss when the provider was not said to send it', async () => {
    const scope = nock('https://idp.example').post('/token').reply(200, { access_token: 'at-1', token_type: 'Bearer' })

    const token = await session().fetchToken(TOKEN_URL, { authorizationResponse: callback('') })

    expect(token.access_token).to.equal('at-1')
    scope.done()
  })

  it('ignores iss when the session knows no issuer (as requests-oauthlib does)', async () => {
    const scope = nock('https://idp.example').post('/token').reply(200, { access_token: 'at-1', token_type: 'Bearer' })

    const token = await session({ issuer: undefined }).fetchToken(TOKEN_URL, { authorizationResponse: callback('&iss=https%3A%2F%2Fanyone.example') })

    expect(token.access_token).to.equal('at-1')
    scope.done()
  })

  it('takes issuer as an absolute URL only, and issuerParameterRequired only with an issuer', () => {
    const notUrl = configurationError(() => new OAuth2Session('client-1', { issuer: 'idp.example' }))
    const alone = configurationError(() => new OAuth2Session('client-1', { issuerParameterRequired: true }))

    expect(notUrl.option).to.equal('issuer')
    expect(alone.option).to.equal('issuerParameterRequired')
  })
})
