/**
 * The main job, end to end, against the embedded sandbox provider: no credentials, no internet.
 * Run with `npm run demo`.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  HTTPBasicAuth,
  OAuth2AuthorizationCodePKCE,
  OAuth2ClientCredentials,
  OAuth1Service,
  OAuth2Service,
  OAuth2Session,
  OflyService,
  ProxyAuthenticationError,
  ProxySessionService,
  Session,
  TokenRequestDeniedError,
} from '../lib/index.js'
import { BrowserMock, startSandbox } from '../lib/testing/index.js'

interface Echo {
  headers: Record<string, string>
  args: Record<string, string>
  cookies: Record<string, string>
}

const sandbox = await startSandbox()
const session = new Session({
  baseUrl: sandbox.url,
  headers: { 'X-Demo': 'oauth-sessions' },
  auth: new HTTPBasicAuth('demo-user', 'demo-password'),
})

try {
  step('Sandbox provider listening', `${sandbox.url} (second origin ${sandbox.otherUrl})`)

  const login = await session.get('/basic-auth/demo-user/demo-password')
  step('Authenticated request (HTTP Basic from the Session)', `${login.status} ${login.reason} ${JSON.stringify(login.json())}`)

  const echo = await session.get('/get', { params: { page: 2, tags: ['a', 'b'] } })
  step('Default headers and params on the wire', `${echo.request.url.replace(sandbox.url, '')}  X-Demo: ${echo.json<Echo>().headers['x-demo']}`)

  const setCookie = await session.get('/cookies/set', { params: { session_id: 'abc123' } })
  step('Cookie set during a redirect', `${setCookie.history[0]?.status} -> ${setCookie.status}, cookies set: ${JSON.stringify(setCookie.history[0]?.cookies)}`)
  const kept = await session.get('/cookies')
  step('Cookie kept by the jar for the next request', JSON.stringify(kept.json<Echo>().cookies))

  const chain = await session.get('/redirect/3')
  step(
    'Redirect chain followed by the Session',
    `${chain.history.map((hop) => `${hop.status} ${new URL(hop.url).pathname}`).join(' -> ')} -> ${chain.status} ${new URL(chain.url).pathname}`,
  )

  const crossOrigin = await session.get('/redirect-to', { params: { url: `${sandbox.otherUrl}/headers`, status_code: 307 } })
  const leaked = crossOrigin.json<{ headers: Record<string, string> }>().headers.authorization
  step('Cross-origin redirect drops credentials', `${crossOrigin.url.replace(sandbox.otherUrl, '<other origin>')} saw Authorization: ${leaked ?? 'none'}`)

  const missing = await session.get('/status/404')
  step(
    'Error statuses are answers, not exceptions, until you ask',
    `${missing.status} ${missing.reason}; raiseForStatus() -> ${catchName(() => missing.raiseForStatus())}`,
  )

  step('Secrets stay out of logs', JSON.stringify(session.toJSON().auth))

  console.log('\nOAuth 1.0a three-legged dance (rauth style) against the sandbox provider')
  await using service = new OAuth1Service({ name: 'sandbox', ...sandbox.oauth1 })
  const [requestToken, requestTokenSecret] = await service.getRequestToken('GET', { params: { oauth_callback: 'oob' } })
  step('1. Request token', `${requestToken.slice(0, 8)}... (secret kept, never printed)`)
  const authorizeUrl = service.getAuthorizeUrl(requestToken)
  const approval = await service.getSession().get(authorizeUrl, { auth: null })
  const verifier = approval.json<{ oauth_verifier: string }>().oauth_verifier
  step('2. User authorizes (sandbox approves at once, oob)', `${authorizeUrl.replace(sandbox.url, '')} -> verifier ${verifier}`)
  const oauthSession = await service.getAuthSession(requestToken, requestTokenSecret, 'POST', { data: { oauth_verifier: verifier } })
  step(
    '3. Access token and a signed session',
    `${oauthSession.accessToken?.slice(0, 8)}... screen_name=${new URLSearchParams(oauthSession.accessTokenResponse?.text).get('screen_name')}`,
  )
  const me = await oauthSession.get('me', { params: { fields: 'id,name' } })
  const meEcho = me.json<{ placement: string; oauth: Record<string, string> }>()
  step('Signed GET (signature in the Authorization header)', `${me.status} ${me.reason}, ${meEcho.oauth.oauth_signature_method} checked by the provider`)
  const posted = await oauthSession.post('statuses', { data: { status: 'Hello Ladies + Gentlemen' }, headerAuth: false })
  step(
    'Signed POST with rauth placement (headerAuth: false)',
    `${posted.status} ${posted.reason}, OAuth parameters travelled in the ${posted.json<{ placement: string }>().placement}`,
  )
  const explained = oauthSession.oauth.explainSignature(me.request)
  step('explainSignature: what was signed', `${explained.baseString.slice(0, 90)}...\n    key: ${explained.signingKey}`)
  const wrong = new OAuth1Service({ ...sandbox.oauth1, consumerSecret: 'not-the-secret' })
  const refused = await wrong.getRequestToken('GET', { params: { oauth_callback: 'oob' } }).catch((error: unknown) => error)
  if (refused instanceof TokenRequestDeniedError) {
    step(
      'A wrong secret is refused with our base string to compare',
      `${refused.status}: ${JSON.parse(refused.body).oauth_problem}; base string starts ${refused.signatureBaseString?.slice(0, 60)}...`,
    )
  }
  await wrong.close()

  console.log('\nOAuth 2 (rauth OAuth2Service, then requests-oauthlib OAuth2Session with PKCE and auto-refresh)')
  const redirectUri = 'https://app.example/callback'
  await using oauth2 = new OAuth2Service({
    name: 'sandbox',
    clientId: sandbox.oauth2.clientId,
    clientSecret: sandbox.oauth2.clientSecret,
    accessTokenUrl: sandbox.oauth2.tokenUrl,
    authorizeUrl: sandbox.oauth2.authorizeUrl,
    baseUrl: sandbox.oauth2.baseUrl,
  })
  const consent = await oauth2.getSession().get(oauth2.getAuthorizeUrl({ redirect_uri: redirectUri, response_type: 'code' }), { allowRedirects: false })
  const code = new URL(consent.headers.get('location') ?? '').searchParams.get('code') ?? ''
  step('1. User approves; the provider redirects back with a code', `${consent.status} -> ${redirectUri}?code=${code.slice(0, 6)}...`)
  const rauthSession = await oauth2.getAuthSession('POST', { data: { code, grant_type: 'authorization_code', redirect_uri: redirectUri } })
  step('2. getAuthSession exchanges it; the session sends the token', JSON.stringify((await rauthSession.get('me')).json()))

  const saved: string[] = []
  await using github = new OAuth2Session(sandbox.oauth2.clientId, {
    redirectUri,
    scope: ['profile'],
    pkce: 'S256',
    clientSecret: sandbox.oauth2.clientSecret,
    autoRefreshUrl: sandbox.oauth2.tokenUrl,
    autoRefreshKwargs: { client_id: sandbox.oauth2.clientId, client_secret: sandbox.oauth2.clientSecret },
    tokenUpdater: (token) => {
      saved.push(`expires_at=${Math.round(token.expires_at ?? 0)}`)
    },
  })
  const [authorizationUrl, state] = github.authorizationUrl(sandbox.oauth2.authorizeUrl)
  step('authorizationUrl with state and a PKCE S256 challenge', `${authorizationUrl.replace(sandbox.url, '').slice(0, 110)}...`)
  const callback = (await github.get(authorizationUrl, { allowRedirects: false, withholdToken: true })).headers.get('location') ?? ''
  await github.fetchToken(`${sandbox.oauth2.tokenUrl}?expires_in=0`, { authorizationResponse: callback })
  step('fetchToken checked the state and sent the code_verifier', `state ${state.slice(0, 6)}... matched; token expires at once (expires_in=0)`)
  const refreshed = await github.get(`${sandbox.oauth2.baseUrl}me`)
  step(
    'The expired token was refreshed before the call, and tokenUpdater saved it',
    `${refreshed.status} ${JSON.stringify(refreshed.json())}; saved ${saved.join(', ')}`,
  )

  // Pushed authorization request (RFC 9126): the parameters go to the PAR endpoint, the browser gets a short URL.
  await using pushing = new OAuth2Session(sandbox.oauth2.clientId, { redirectUri, scope: ['profile'], clientSecret: sandbox.oauth2.clientSecret })
  const [pushedUrl] = await pushing.pushAuthorizationRequest(
    sandbox.oauth2.pushedAuthorizationRequestUrl,
    undefined,
    {},
    {
      authorizationEndpoint: sandbox.oauth2.authorizeUrl,
    },
  )
  const pushedCallback = (await pushing.get(pushedUrl, { allowRedirects: false, withholdToken: true })).headers.get('location') ?? ''
  await pushing.fetchToken(sandbox.oauth2.tokenUrl, { authorizationResponse: pushedCallback })
  step(
    'pushAuthorizationRequest: only client_id and request_uri in the URL',
    `${pushedUrl.replace(sandbox.url, '').slice(0, 110)}... -> token ${pushing.authorized}`,
  )

  console.log('\nOfly (rauth OflyService, Shutterfly-style signing)')
  await using ofly = new OflyService({ name: 'sandbox', ...sandbox.ofly })
  const signedAuthorizeUrl = ofly.getAuthorizeUrl()
  const { oflyUserid } = (await session.get(signedAuthorizeUrl, { auth: null })).json<{ oflyUserid: string }>()
  step('Signed authorize URL, checked by the provider', `${signedAuthorizeUrl.replace(sandbox.url, '').slice(0, 100)}... -> oflyUserid=${oflyUserid}`)
  const albums = await ofly.getAuthSession(oflyUserid).get('albums', { params: { format: 'json' } })
  step('Signed API call (oflyApiSig over secret, path and sorted params)', `${albums.status} ${JSON.stringify(albums.json())}`)

  console.log('\nA site behind oauth2_proxy (bitly-oauth2-proxy-session), signed in through the provider login form')
  const gate = new ProxySessionService({ name: 'site', authenticationBaseUrl: sandbox.proxy.startUrl, authenticationSessionUrl: sandbox.proxy.sessionUrl })
  const anonymous = await session.get(`${sandbox.proxy.siteUrl}status`, { auth: null })
  step('Without signing in, the proxy bounces to the provider login', `${new URL(anonymous.url).pathname} (${anonymous.history.length} redirects)`)
  await using monitor = await gate.getAuthSession(sandbox.proxy.username, sandbox.proxy.password)
  const status = await monitor.get(`${sandbox.proxy.siteUrl}status`)
  step('After the dance (hidden token read with an HTML parser, login POST, callback)', `${status.status} ${JSON.stringify(status.json())}`)
  const twoFactor = await gate.getAuthSession(sandbox.proxy.twoFactorUsername, 'sandbox-2fa-password').catch((error: unknown) => error)
  if (twoFactor instanceof ProxyAuthenticationError)
    step('A two-factor user is a typed error that says what to do', `${twoFactor.reason}: ${twoFactor.message}`)

  console.log('\nrequests-auth strategies: auth objects that get and cache their own token')
  const backend = new OAuth2ClientCredentials(sandbox.oauth2.tokenUrl, sandbox.oauth2.clientId, sandbox.oauth2.clientSecret, { audience: 'api://demo' })
  const calls = await Promise.all([1, 2, 3].map(() => session.get(`${sandbox.oauth2.baseUrl}me`, { auth: backend })))
  const bearers = new Set(calls.map((call) => call.request.headers.get('authorization')))
  step(
    'Client credentials: three concurrent requests share one token request',
    `${calls.map((call) => call.status).join(' ')}; ${bearers.size} token; ${JSON.stringify(calls[0]?.json())}`,
  )
  // The browser flow: a listener on the redirect port, the browser sent to the provider. The sandbox
  // approves at once, so BrowserMock plays the browser by following its redirects.
  const browser = new BrowserMock().install()
  try {
    const pkce = new OAuth2AuthorizationCodePKCE(sandbox.oauth2.authorizeUrl, sandbox.oauth2.tokenUrl, {
      clientId: sandbox.oauth2.clientId,
      client_secret: sandbox.oauth2.clientSecret,
      redirectUriPort: await freePort(),
    })
    const tab = browser.addResponse({ openedUrl: (url) => url.startsWith(pkce.grantUrl), followRedirects: true })
    const viaBrowser = await session.get(`${sandbox.oauth2.baseUrl}me`, { auth: pkce })
    await tab.assertSuccess()
    step(
      'Authorization code + PKCE: browser opened, code received on the local listener',
      `${pkce.redirectUri} -> ${viaBrowser.status} ${JSON.stringify(viaBrowser.json())}`,
    )
  } finally {
    browser.restore()
  }

  console.log('\nDevice login (RFC 8628) and logout (RFC 7009 revocation, RFC 7662 introspection), endpoints from discovery')
  await using tv = await OAuth2Session.discover(sandbox.oauth2.issuer, sandbox.oauth2.clientId, { clientSecret: sandbox.oauth2.clientSecret })
  step('Discovered the sandbox metadata', `issuer ${tv.metadata?.issuer}, device endpoint ${tv.metadata?.device_authorization_endpoint}`)
  const device = await tv.deviceAuthorization({ scope: 'tv' })
  step('1. The device shows a code and a URL', `open ${device.verificationUri} and enter ${device.userCode} (poll every ${device.interval} s)`)
  const pending: string[] = []
  const tvToken = await tv.pollDeviceToken(device, {
    onPending: async ({ attempt, error }) => {
      pending.push(`${attempt}: ${error}`)
      // The user enters the code at the verification page, as a browser would post its form.
      if (attempt === 1) await session.post(device.verificationUri, { data: { user_code: device.userCode }, auth: null })
    },
  })
  step(
    '2. Polled until the user approved',
    `${pending.join(', ')}, then a token; me -> ${JSON.stringify((await tv.get(`${sandbox.oauth2.baseUrl}me`)).json())}`,
  )
  const oldAccessToken = tvToken.access_token ?? ''
  await tv.revokeToken()
  step('3. Logout: revoked at the provider, then forgotten', `session token now ${JSON.stringify(tv.token)}`)
  step('4. Introspection says the old token is', JSON.stringify(await tv.introspectToken(oldAccessToken)))
  const refusedCall = await session.get(`${sandbox.oauth2.baseUrl}me`, { auth: null, headers: { Authorization: `Bearer ${oldAccessToken}` } })
  step('5. A request with the old token is refused', `${refusedCall.status} ${refusedCall.reason}`)
} finally {
  await session.close()
  await sandbox.close()
}

/** A loopback port nobody listens on, for the redirect listener. */
async function freePort(): Promise<number> {
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const { port } = probe.address() as AddressInfo
  await new Promise<void>((resolve) => probe.close(() => resolve()))
  return port
}

function step(title: string, detail: string): void {
  console.log(`\u2714 ${title}\n    ${detail}`)
}

function catchName(fn: () => unknown): string {
  try {
    fn()
    return 'no error'
  } catch (error) {
    return (error as Error).name
  }
}
