import { expect } from 'chai'
import { InvalidClientError, OAuth2Session } from '../../../lib/index.js'
import { clearDiscoveryCache } from '../../../lib/oauth2/discovery.js'
import { startSandbox } from '../../../lib/testing/index.js'

const REDIRECT = 'https://app.example/callback'

describe('pushed authorization requests (RFC 9126) against the sandbox', () => {
  afterEach(() => clearDiscoveryCache())

  it('advertises its PAR endpoint, takes a push, and its authorization endpoint swaps the request_uri back for the pushed parameters', async () => {
    await using sandbox = await startSandbox()
    await using session = await OAuth2Session.discover(sandbox.oauth2.issuer, sandbox.oauth2.clientId, {
      redirectUri: REDIRECT,
      scope: ['profile'],
      clientSecret: sandbox.oauth2.clientSecret,
    })

    const [url, state] = await session.pushAuthorizationRequest()
    const approval = await session.get(url, { allowRedirects: false, withholdToken: true })
    const callback = new URL(approval.headers.get('location') ?? '')
    await session.fetchToken({ authorizationResponse: callback.href })
    const me = await session.get(`${sandbox.oauth2.baseUrl}me`)

    expect(session.metadata?.pushed_authorization_request_endpoint).to.equal(sandbox.oauth2.pushedAuthorizationRequestUrl)
    expect([...new URL(url).searchParams.keys()]).to.deep.equal(['client_id', 'request_uri'])
    expect(callback.searchParams.get('state')).to.equal(state)
    expect(me.json()).to.include({ user: sandbox.oauth2.username, scope: 'profile' })
  })

  it('spends a request_uri once, and refuses one for another client_id', async () => {
    await using sandbox = await startSandbox()
    await using session = new OAuth2Session(sandbox.oauth2.clientId, { redirectUri: REDIRECT, clientSecret: sandbox.oauth2.clientSecret })
    const options = { authorizationEndpoint: sandbox.oauth2.authorizeUrl }

    const [url] = await session.pushAuthorizationRequest(sandbox.oauth2.pushedAuthorizationRequestUrl, undefined, {}, options)
    const first = await session.get(url, { allowRedirects: false, withholdToken: true })
    const again = await session.get(url, { allowRedirects: false, withholdToken: true })
    const [other] = await session.pushAuthorizationRequest(sandbox.oauth2.pushedAuthorizationRequestUrl, undefined, {}, options)
    const otherUrl = new URL(other)
    otherUrl.searchParams.set('client_id', 'someone-else')
    const stolen = await session.get(otherUrl.href, { allowRedirects: false, withholdToken: true })

    expect(first.status).to.equal(302)
    expect([again.status, again.json<{ error: string }>().error]).to.deep.equal([400, 'invalid_request_uri'])
    expect([stolen.status, stolen.json<{ error: string }>().error]).to.deep.equal([400, 'invalid_request_uri'])
  })

  it('takes a public client, and refuses a wrong secret as invalid_client', async () => {
    await using sandbox = await startSandbox()
    const options = { authorizationEndpoint: sandbox.oauth2.authorizeUrl }
    await using publicClient = new OAuth2Session(sandbox.oauth2.clientId, { redirectUri: REDIRECT })
    await using wrong = new OAuth2Session(sandbox.oauth2.clientId, { redirectUri: REDIRECT, clientSecret: 'wrong' })

    const [url] = await publicClient.pushAuthorizationRequest(sandbox.oauth2.pushedAuthorizationRequestUrl, undefined, {}, options)
    const error = await wrong.pushAuthorizationRequest(sandbox.oauth2.pushedAuthorizationRequestUrl, undefined, {}, options).catch((e: unknown) => e)

    expect(new URL(url).searchParams.get('request_uri')).to.match(/^urn:ietf:params:oauth:request_uri:/)
    expect(error).to.be.instanceOf(InvalidClientError).and.include({ status: 401 })
  })
})
