import { createHash } from 'node:crypto'
import { inspect } from 'node:util'
import { expect } from 'chai'
import nock from 'nock'
import { OAuth2Session } from '../../../lib/index.js'
import { configurationError, configurationRejection } from '../../support/expect-configuration-error.js'
import { trafficCounter } from '../../support/traffic-counter.js'

const AUTHORIZE_URL = 'https://idp.example/authorize'
const TOKEN_URL = 'https://idp.example/token'
const REDIRECT = 'https://app.example/cb'

/** A token endpoint that checks the verifier against the challenge, as a PKCE provider does. */
function pkceProvider(challenge: string): nock.Scope {
  return nock('https://idp.example')
    .post(
      '/token',
      (body: Record<string, string>) =>
        createHash('sha256')
          .update(body.code_verifier ?? '')
          .digest('base64url') === challenge,
    )
    .reply(200, { access_token: 'at-1', token_type: 'Bearer' })
}

describe("PKCE across two sessions (requests-oauthlib's web-app pattern: one request authorizes, another exchanges)", () => {
  it('shows the verifier after authorizationUrl(), and a second session given it with the state sends it', async () => {
    const first = new OAuth2Session('client-1', { redirectUri: REDIRECT })
    const before = first.codeVerifier
    const [url, state] = first.authorizationUrl(AUTHORIZE_URL)
    const codeVerifier = first.codeVerifier ?? ''
    const provider = pkceProvider(new URL(url).searchParams.get('code_challenge') ?? '')

    const second = new OAuth2Session('client-1', { redirectUri: REDIRECT, state, codeVerifier })
    const token = await second.fetchToken(TOKEN_URL, { authorizationResponse: `${REDIRECT}?code=c1&state=${state}` })

    expect(before).to.equal(undefined)
    expect(codeVerifier).to.match(/^[A-Za-z0-9\-._~]{43,128}$/)
    expect(token.access_token).to.equal('at-1')
    expect(second.codeVerifier).to.equal(undefined)
    provider.done()
  })

  it('refuses to exchange a code with PKCE on and no verifier known, naming codeVerifier and pkce: false, before any traffic', async () => {
    const traffic = trafficCounter()
    try {
      const byCode = await configurationRejection(() => new OAuth2Session('client-1').fetchToken(TOKEN_URL, { code: 'c1' }))
      const byResponse = await configurationRejection(() =>
        new OAuth2Session('client-1', { state: 's-1' }).fetchToken(TOKEN_URL, { authorizationResponse: `${REDIRECT}?code=c1&state=s-1` }),
      )

      for (const error of [byCode, byResponse]) {
        expect(error.option).to.equal('codeVerifier')
        expect(error.message).to.include('codeVerifier').and.include('pkce: false')
      }
      expect(traffic.count).to.equal(0)
    } finally {
      traffic.stop()
    }
  })

  it('spends the verifier with one exchange: a second code needs a new authorization URL', async () => {
    const session = new OAuth2Session('client-1', { redirectUri: REDIRECT })
    const [url, state] = session.authorizationUrl(AUTHORIZE_URL)
    const provider = pkceProvider(new URL(url).searchParams.get('code_challenge') ?? '')
    await session.fetchToken(TOKEN_URL, { authorizationResponse: `${REDIRECT}?code=c1&state=${state}` })
    const traffic = trafficCounter()
    try {
      const error = await configurationRejection(() => session.fetchToken(TOKEN_URL, { code: 'c2' }))

      expect(error.option).to.equal('codeVerifier')
      expect(session.codeVerifier).to.equal(undefined)
      expect(traffic.count).to.equal(0)
      provider.done()
    } finally {
      traffic.stop()
    }
  })

  it('exchanges without a verifier when PKCE is off, as requests-oauthlib does by default', async () => {
    const scope = nock('https://idp.example')
      .post('/token', (body: Record<string, string>) => body.code === 'c1' && !('code_verifier' in body))
      .reply(200, { access_token: 'at-1', token_type: 'Bearer' })

    const token = await new OAuth2Session('client-1', { pkce: false }).fetchToken(TOKEN_URL, { code: 'c1' })

    expect(token.access_token).to.equal('at-1')
    scope.done()
  })

  it('carries the verifier and state through serialize() and deserialize(), and never shows the verifier elsewhere', async () => {
    const first = new OAuth2Session('client-1', { redirectUri: REDIRECT })
    const [url, state] = first.authorizationUrl(AUTHORIZE_URL)
    const verifier = first.codeVerifier ?? ''
    const provider = pkceProvider(new URL(url).searchParams.get('code_challenge') ?? '')

    const saved = JSON.stringify(first.serialize())
    const shown = `${JSON.stringify(first)} ${inspect(first, { depth: 8 })} ${String(first)}`
    const second = OAuth2Session.deserialize(saved)
    const token = await second.fetchToken(TOKEN_URL, { authorizationResponse: `${REDIRECT}?code=c1&state=${state}` })

    expect(saved).to.include(verifier)
    expect(shown).to.not.include(verifier)
    expect(second.state).to.equal(state)
    expect(token.access_token).to.equal('at-1')
    // Once spent, neither the state nor the verifier is carried on: a restored session cannot accept the callback again.
    expect(second.serialize()).to.include({ state: undefined, codeVerifier: undefined })
    provider.done()
  })

  it('refuses a codeVerifier option that RFC 7636 does not allow, or one given with pkce: false, never quoting it', () => {
    for (const options of [
      { codeVerifier: 'short-verifier-secret' },
      { codeVerifier: `${'a'.repeat(42)} ` },
      { codeVerifier: 'a'.repeat(43), pkce: false as const },
    ]) {
      const error = configurationError(() => new OAuth2Session('client-1', options))

      expect(error.option).to.equal('codeVerifier')
      expect(error.message).to.not.include('short-verifier-secret')
    }
  })
})
