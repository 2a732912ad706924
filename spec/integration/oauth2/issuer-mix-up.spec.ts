import { inspect } from 'node:util'
import { expect } from 'chai'
import Provider from 'oidc-provider'
import { IssuerMismatchError, OAuth2Session } from '../../../lib/index.js'
import { clearDiscoveryCache } from '../../../lib/oauth2/discovery.js'
import { loginThroughDevInteractions } from '../../support/oidc-login.js'
import { closeAfterAll, startServer } from '../../support/servers.js'

// One redirect URI registered at both providers: the shared callback is what a mix-up attack abuses.
const REDIRECT = 'https://app.example/callback'

interface RunningProvider {
  issuer: string
  /** Every `POST /token` this provider saw. */
  tokenRequests: number
}

/**
 * The RFC 9207 mix-up defence against two oidc-provider instances on 127.0.0.1 (two ports, so two
 * issuers). oidc-provider 9 adds `iss` to every authorization response that carries no ID token and
 * is no JARM response (lib/actions/authorization/respond.js, no feature flag), and its metadata says
 * `authorization_response_iss_parameter_supported: true`; so both providers send `iss` on code
 * responses, and a session discovered from either requires it. A `provider.use()` middleware counts
 * each provider's token-endpoint requests: a refused callback must cost zero at both.
 */
describe('RFC 9207 issuer identification against two oidc-provider instances (mix-up attack)', function () {
  this.timeout(30_000)
  const closeLater = closeAfterAll()
  let a: RunningProvider
  let b: RunningProvider

  async function startProvider(): Promise<RunningProvider> {
    const listening = await closeLater(startServer())
    const provider = new Provider(listening.url, {
      clients: [
        {
          client_id: 'mix-client',
          client_secret: 'mix-secret',
          redirect_uris: [REDIRECT],
          response_types: ['code'],
          grant_types: ['authorization_code'],
          token_endpoint_auth_method: 'client_secret_basic',
        },
      ],
      features: { devInteractions: { enabled: true } },
      pkce: { required: () => true },
      cookies: { keys: ['oauth-sessions-spec-key'] },
      findAccount: (_ctx: unknown, id: string) => ({ accountId: id, claims: () => ({ sub: id }) }),
    })
    const running = { issuer: listening.url, tokenRequests: 0 }
    provider.use(async (ctx, next) => {
      if (ctx.method === 'POST' && ctx.path === '/token') running.tokenRequests++
      await next()
    })
    listening.server.on('request', provider.callback())
    return running
  }

  before(async () => {
    a = await startProvider()
    b = await startProvider()
  })

  beforeEach(() => {
    clearDiscoveryCache()
    a.tokenRequests = 0
    b.tokenRequests = 0
  })

  /** The client app: one session per provider, each discovered from its issuer. */
  function discover(provider: RunningProvider): Promise<OAuth2Session> {
    return OAuth2Session.discover(provider.issuer, 'mix-client', { redirectUri: REDIRECT, scope: ['openid'], clientSecret: 'mix-secret' })
  }

  /** Logs in and consents at the session's provider; returns the redirect back to the client. */
  function authorize(session: OAuth2Session): Promise<string> {
    const [url] = session.authorizationUrl(undefined, undefined, { prompt: 'consent' })
    return loginThroughDevInteractions(session, url, REDIRECT)
  }

  /** The callback with its query edited: `set` replaces parameters, `undefined` removes one. */
  function edited(callback: string, set: Record<string, string | undefined>): string {
    const url = new URL(callback)
    for (const [name, value] of Object.entries(set)) {
      if (value === undefined) url.searchParams.delete(name)
      else url.searchParams.set(name, value)
    }
    return url.href
  }

  /** Session A has started its own authorization (so it holds a state); session B's login at B gives the callback. */
  async function mixUpScene(): Promise<{ sessionA: OAuth2Session; sessionB: OAuth2Session; stateA: string; callbackB: string }> {
    const sessionA = await discover(a)
    const sessionB = await discover(b)
    const [, stateA] = sessionA.authorizationUrl(undefined, undefined, { prompt: 'consent' })
    const callbackB = await authorize(sessionB)
    // A real code response (an error response would also carry iss, and prove less).
    expect(new URL(callbackB).searchParams.has('code')).to.equal(true)
    return { sessionA, sessionB, stateA, callbackB }
  }

  it('runs the honest flow on each provider: its callback names its issuer, and the code is redeemed at its own token endpoint', async () => {
    const sessionA = await discover(a)
    const sessionB = await discover(b)
    try {
      const callbackA = await authorize(sessionA)
      const callbackB = await authorize(sessionB)
      const tokenA = await sessionA.fetchToken({ authorizationResponse: callbackA })
      const tokenB = await sessionB.fetchToken({ authorizationResponse: callbackB })

      expect(a.issuer).to.not.equal(b.issuer)
      expect(sessionA).to.include({ issuer: a.issuer, issuerParameterRequired: true })
      expect(sessionB).to.include({ issuer: b.issuer, issuerParameterRequired: true })
      expect(new URL(callbackA).searchParams.get('iss')).to.equal(a.issuer)
      expect(new URL(callbackB).searchParams.get('iss')).to.equal(b.issuer)
      expect(tokenA.access_token).to.be.a('string')
      expect(tokenB.access_token).to.be.a('string').and.not.equal(tokenA.access_token)
      expect([a.tokenRequests, b.tokenRequests]).to.deep.equal([1, 1])
    } finally {
      await sessionA.close()
      await sessionB.close()
    }
  })

  it("refuses B's callback (code + iss=B) handed to the session that expects A, before any token request at A or B; B's code stays redeemable by B", async () => {
    const { sessionA, sessionB, callbackB } = await mixUpScene()
    try {
      const code = new URL(callbackB).searchParams.get('code') as string

      const error = await sessionA.fetchToken({ authorizationResponse: callbackB }).catch((e: unknown) => e)

      expect(error).to.be.instanceOf(IssuerMismatchError).and.include({ code: 'ERR_ISSUER_MISMATCH', expected: a.issuer, received: b.issuer })
      expect([a.tokenRequests, b.tokenRequests]).to.deep.equal([0, 0])
      for (const shown of [String(error), JSON.stringify(error), inspect(error)]) expect(shown).to.not.include(code)
      // Nothing was sent with the code: the honest session still redeems it.
      const token = await sessionB.fetchToken({ authorizationResponse: callbackB })
      expect(token.access_token).to.be.a('string')
      expect([a.tokenRequests, b.tokenRequests]).to.deep.equal([0, 1])
    } finally {
      await sessionA.close()
      await sessionB.close()
    }
  })

  it("refuses B's callback even with A's state spliced in: the iss check, not the state check, stops the mix-up", async () => {
    const { sessionA, sessionB, stateA, callbackB } = await mixUpScene()
    try {
      const forged = edited(callbackB, { state: stateA })

      const error = await sessionA.fetchToken({ authorizationResponse: forged }).catch((e: unknown) => e)

      expect(error).to.be.instanceOf(IssuerMismatchError).and.include({ expected: a.issuer, received: b.issuer })
      expect([a.tokenRequests, b.tokenRequests]).to.deep.equal([0, 0])
    } finally {
      await sessionA.close()
      await sessionB.close()
    }
  })

  it("refuses B's callback with iss stripped (and A's state): A's metadata promises iss, so a response without it is rejected", async () => {
    const { sessionA, sessionB, stateA, callbackB } = await mixUpScene()
    try {
      const stripped = edited(callbackB, { iss: undefined, state: stateA })

      const error = await sessionA.fetchToken({ authorizationResponse: stripped }).catch((e: unknown) => e)

      expect(new URL(stripped).searchParams.has('iss')).to.equal(false)
      expect(error).to.be.instanceOf(IssuerMismatchError).and.include({ expected: a.issuer, received: undefined })
      expect((error as Error).message).to.include('no iss parameter')
      expect([a.tokenRequests, b.tokenRequests]).to.deep.equal([0, 0])
    } finally {
      await sessionA.close()
      await sessionB.close()
    }
  })

  it("refuses B's callback carrying iss twice (A's issuer spliced in before B's), before any token request", async () => {
    const { sessionA, sessionB, stateA, callbackB } = await mixUpScene()
    try {
      const url = new URL(edited(callbackB, { state: stateA, iss: a.issuer }))
      url.searchParams.append('iss', b.issuer)

      const error = await sessionA.fetchToken({ authorizationResponse: url.href }).catch((e: unknown) => e)

      expect(error)
        .to.be.instanceOf(IssuerMismatchError)
        .and.include({ received: `${a.issuer}, ${b.issuer}` })
      expect([a.tokenRequests, b.tokenRequests]).to.deep.equal([0, 0])
    } finally {
      await sessionA.close()
      await sessionB.close()
    }
  })
})
