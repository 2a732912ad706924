import { generateKeyPairSync } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import {
  BackendApplicationClient,
  BearerAuth,
  HeaderApiKey,
  HTTPBasicAuth,
  LegacyApplicationClient,
  OAuth1Auth,
  OAuth1Service,
  OAuth1Session,
  OAuth2ClientCredentials,
  OAuth2Handler,
  OAuth2ResourceOwnerPasswordCredentials,
  OAuth2Service,
  OAuth2Session,
  OflySession,
  ProxySession,
  type ProxySessionOptions,
  ProxySessionService,
  QueryApiKey,
  Session,
  TokenMemoryCache,
  setTokenCache,
} from '../../lib/index.js'
import { type LoopbackServer, startServer } from './servers.js'

// The secrets sweep: distinctive secret values, every kind of session, service and strategy built
// with them, driven into many error paths by a server that echoes back everything it was sent.
// The spec checks the errors and objects in process; a child process with NODE_DEBUG runs the same
// scenarios so that the debug log is checked too.

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 })
const PEM = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()

/** Every secret, by what it is. A PEM is checked by a line of its body. */
export const SECRETS = {
  // Characters that percent-encoding, form-encoding and base64 each write differently.
  clientSecret: 'swp-client-secret-1a+/x',
  accessToken: 'swp-access-token-2b',
  refreshToken: 'swp-refresh-token-3c',
  password: 'swp-password 4d&x',
  code: 'swp-auth-code-5e',
  codeVerifier: 'swp-code-verifier-6f-0123456789abcdefghijklmnopqrstuvwxyz',
  consumerSecret: 'swp-consumer-secret-7a',
  tokenSecret: 'swp-token-secret-8b',
  apiKey: 'swp-api-key-9c',
  headerKey: 'swp-header-key-0d',
  oflySecret: 'swp-ofly-secret-1e',
  githubPassword: 'swp-github-pw 3a/x',
  proxyCookie: 'swp-proxy-cookie-2f',
  privateKeyLine: PEM.split('\n')[3] as string,
} as const

/** The `id:secret` pairs the scenarios send as Basic credentials (or a login), for the sweep's encoded forms. */
export const SECRET_PAIRS: readonly (readonly [id: string, secret: keyof typeof SECRETS])[] = [
  ['client-1', 'clientSecret'],
  ['alice', 'password'],
  ['bot', 'githubPassword'],
]

/** What the scenarios produced: every error and every object built with a secret. */
export interface SweepResult {
  errors: { scenario: string; error: unknown }[]
  objects: { scenario: string; value: unknown }[]
}

/** Echoes the method, URL, headers and body it got, in the shape each path asks for. */
function hostile(request: IncomingMessage, response: ServerResponse): void {
  const chunks: Buffer[] = []
  request.on('data', (chunk: Buffer) => chunks.push(chunk))
  request.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8')
    // The body decoded too: a server quotes what it read, not only the bytes.
    const decoded = [...new URLSearchParams(body).values()].join(' ')
    const echo = `${request.method} ${request.url} ${JSON.stringify(request.headers)} ${body} ${decoded}`
    // The credential parts alone: the Basic (or Bearer) credentials without their scheme, each cookie value.
    const authorization = request.headers.authorization ?? ''
    const cookies = (request.headers.cookie ?? '').split(';').map((pair) => pair.slice(pair.indexOf('=') + 1))
    const parts = `${authorization.slice(authorization.indexOf(' ') + 1)} ${cookies.join(' ')} ${authorization}`
    const path = new URL(request.url ?? '/', 'http://x').pathname
    const json = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      response.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(JSON.stringify(body))
    }
    if (path.startsWith('/p/')) return proxyAndProvider(response, path, echo, parts, new URLSearchParams(body).get('password'))
    if (path === '/echo-parts') {
      response
        .writeHead(request.headers.authorization?.startsWith('Basic') === true ? 400 : 401, {
          'Content-Type': 'application/json',
          'WWW-Authenticate': `Basic realm="${parts}"`,
        })
        .end(JSON.stringify({ error: 'invalid_client', error_description: `bad credentials ${parts}`, error_uri: `https://idp.example/e?c=${parts}` }))
      return
    }
    if (path === '/echo-encoded') {
      // Each value it read, base64 and base64url encoded: a server that logs or forwards what it got encoded.
      const values = [...new URLSearchParams(body).values(), authorization.slice(authorization.indexOf(' ') + 1)]
      const encoded = values.flatMap((value) => [Buffer.from(value).toString('base64'), Buffer.from(value).toString('base64url')]).join(' ')
      return json(400, {
        error: 'invalid_request',
        error_description: `could not read ${encoded}`,
        error_uri: `https://idp.example/e?v=${encodeURIComponent(encoded)}`,
      })
    }
    if (path === '/echo-parts-redirect' || path === '/echo-parts-307') {
      const location = `http://localhost:1/steal?c=${encodeURIComponent(parts)}&raw=${parts.replace(/[^\x21-\x7e]/g, '')}`
      response.writeHead(path === '/echo-parts-307' ? 307 : 302, { Location: location }).end()
      return
    }
    if (path === '/reason') {
      // A status line quoting the request: the reason phrase reaches HTTPError's message.
      response.writeHead(403, `Forbidden ${parts} ${echo}`.replace(/[^\x20-\x7e]/g, '?'), { 'Content-Type': 'text/plain' }).end(echo)
      return
    }
    if (path === '/hostile-location') {
      const kind = new URL(request.url ?? '/', 'http://x').searchParams.get('kind')
      const location =
        kind === 'userinfo'
          ? `http://${encodeURIComponent(parts)}:x@[::1/steal`
          : kind === 'scheme'
            ? `javascript:alert(${JSON.stringify(parts)})`
            : `http://[::1/steal?access_token=${encodeURIComponent(parts)}&echo=${encodeURIComponent(echo)}`
      response.writeHead(302, { Location: location }).end()
      return
    }
    if (path === '/big') {
      response.writeHead(200, { 'Content-Type': 'application/json' }).end(`{"error": "${`${parts} ${echo}`.repeat(40)}"}`)
      return
    }
    if (path === '/invalid-grant') return json(400, { error: 'invalid_grant', error_description: echo, error_uri: `https://idp.example/e?${echo}` })
    if (path === '/unauthorized') return json(401, { error: 'invalid_client', error_description: echo }, { 'WWW-Authenticate': `Basic realm="${echo}"` })
    if (path === '/bad-json') {
      response.writeHead(200, { 'Content-Type': 'application/json' }).end(`{"access_token": "${echo}`)
      return
    }
    if (path === '/html') {
      response.writeHead(500, { 'Content-Type': 'text/html' }).end(`<html><body>${echo}</body></html>`)
      return
    }
    if (path === '/no-token') return json(200, { token_type: 'Bearer', note: echo })
    if (path === '/cross-origin') {
      response.writeHead(307, { Location: `http://localhost:1/steal?echo=${encodeURIComponent(echo)}` }).end()
      return
    }
    if (path === '/redirect-away') {
      response.writeHead(302, { Location: `http://localhost:1/steal?echo=${encodeURIComponent(echo)}` }).end()
      return
    }
    if (path === '/oauth1-refused') {
      response.writeHead(401, { 'Content-Type': 'application/x-www-form-urlencoded' }).end(`oauth_problem=signature_invalid&debug=${encodeURIComponent(echo)}`)
      return
    }
    if (path === '/api-401') {
      response.writeHead(401, { 'WWW-Authenticate': 'Bearer error="invalid_token"', 'Content-Type': 'text/plain' }).end(echo)
      return
    }
    if (path === '/slow') return // never answers: the timeout scenarios
    json(404, { error: 'not_found', echo })
  })
}

/** What the hostile provider remembers of the last login it saw (and its password), to quote it later. */
let lastLogin = ''
let lastPassword = ''

/**
 * An oauth2_proxy and its provider's web login on one hostile server: `/p/<case>/start` is the
 * proxy's start URL (the provider's login page), `/p/<case>/session` the login POST.
 */
function proxyAndProvider(response: ServerResponse, path: string, echo: string, parts: string, password: string | null): void {
  const [, , kind, step] = path.split('/')
  const html = (status: number, page: string, headers: Record<string, string> = {}): void => {
    response.writeHead(status, { 'Content-Type': 'text/html', ...headers }).end(`<html><body>${page}</body></html>`)
  }
  const quoted = `${echo} ${lastLogin}`.replace(/[<>&"]/g, ' ')
  const loginForm = (action: string): string =>
    `<form action="${action}" method="post"><input type="hidden" name="authenticity_token" value="csrf"><input name="login"><input type="password" name="password"></form>`
  if (step === 'start' && kind === 'malformed')
    return html(200, loginForm(`http://[::1/session?c=${encodeURIComponent(`${parts} ${lastPassword}`)}&echo=${encodeURIComponent(quoted)}`))
  if (step === 'start' && kind === 'big') return html(200, `${loginForm('/p/big/session')}${quoted.repeat(40)}`)
  if (step === 'start') return html(200, loginForm(`/p/${kind}/session`))
  if (step === 'session') {
    lastLogin = echo
    lastPassword = password ?? ''
  }
  if (step === 'session' && kind === 'wrong')
    return html(200, `<div class="flash-error">Incorrect password for ${quoted}</div>${loginForm('/p/wrong/session')}`)
  if (step === 'session' && kind === 'two-factor') return html(200, `<p>${quoted}</p><form action="/sessions/two-factor"><input name="otp"></form>`)
  if (step === 'session' && kind === 'no-cookie') {
    response.writeHead(302, { Location: `/p/no-cookie/done?echo=${encodeURIComponent(echo)}` }).end()
    return
  }
  if (step === 'session' && kind === 'cross-origin') {
    response.writeHead(307, { Location: `http://localhost:1/steal?echo=${encodeURIComponent(quoted)}` }).end()
    return
  }
  if (step === 'session' && kind === 'big') return html(200, quoted.repeat(40))
  if (step === 'session' && kind === 'ok') {
    response.writeHead(302, { Location: '/p/ok/callback?code=proxy-code' }).end()
    return
  }
  if (step === 'callback') {
    response.writeHead(302, { Location: '/p/ok/home', 'Set-Cookie': `_oauth2_proxy=${SECRETS.proxyCookie}; Path=/` }).end()
    return
  }
  html(200, `<p>${quoted}</p>`)
}

/** Runs every scenario against a fresh hostile server and a closed port; closes everything it opened. */
export async function runSecretsScenarios(): Promise<SweepResult> {
  const errors: SweepResult['errors'] = []
  const objects: SweepResult['objects'] = []
  await using server: LoopbackServer = await startServer(hostile)
  const closed = await startServer()
  await closed.close()
  const base = server.url
  const closeLater: { close(): Promise<void> }[] = []
  const keep = <T extends { close(): Promise<void> }>(scenario: string, value: T): T => {
    objects.push({ scenario, value })
    closeLater.push(value)
    return value
  }
  const attempt = async (scenario: string, action: () => unknown): Promise<void> => {
    try {
      const result = await action()
      // A Response with an error status is an error path too. (Other results are the provider's answer, given to the caller on purpose.)
      if (result !== null && typeof result === 'object' && 'raiseForStatus' in result) {
        objects.push({ scenario: `${scenario} (response)`, value: result })
        ;(result as { raiseForStatus(): void }).raiseForStatus()
      }
    } catch (error) {
      errors.push({ scenario, error })
    }
  }
  // Scenarios that wait for a timer (a server that never answers) run side by side, so the sweep stays fast.
  const waiting: Promise<void>[] = []
  const inBackground = (scenario: string, action: () => unknown): void => {
    waiting.push(attempt(scenario, action))
  }
  const S = SECRETS

  try {
    // OAuth2Session: every grant against every hostile answer.
    for (const path of [
      '/invalid-grant',
      '/unauthorized',
      '/bad-json',
      '/html',
      '/no-token',
      '/cross-origin',
      '/echo-parts',
      '/echo-parts-307',
      '/echo-encoded',
      '/big',
      '/slow',
    ]) {
      const run = path === '/slow' ? inBackground : attempt
      const web = keep(
        `OAuth2Session code ${path}`,
        new OAuth2Session('client-1', { clientSecret: S.clientSecret, state: 'st', timeout: 300, maxTokenResponseSize: 4096 }),
      )
      await run(`OAuth2Session code ${path}`, () =>
        web.fetchToken(`${base}${path}`, { authorizationResponse: `https://app.example/cb?code=${S.code}&state=st`, codeVerifier: S.codeVerifier }),
      )
      const password = keep(
        `OAuth2Session password ${path}`,
        new OAuth2Session(undefined, {
          client: new LegacyApplicationClient('client-1'),
          clientSecret: S.clientSecret,
          timeout: 300,
          maxTokenResponseSize: 4096,
        }),
      )
      await run(`OAuth2Session password ${path}`, () => password.fetchToken(`${base}${path}`, { username: 'alice', password: S.password }))
      const refresh = keep(
        `OAuth2Session refresh ${path}`,
        new OAuth2Session('client-1', {
          token: { access_token: S.accessToken, refresh_token: S.refreshToken, token_type: 'Bearer' },
          timeout: 300,
          maxTokenResponseSize: 4096,
        }),
      )
      await run(`OAuth2Session refresh ${path}`, () => refresh.refreshToken(`${base}${path}`, { auth: new HTTPBasicAuth('client-1', S.clientSecret) }))
      const backend = keep(
        `OAuth2Session client credentials ${path}`,
        new OAuth2Session(undefined, {
          client: new BackendApplicationClient('client-1'),
          clientSecret: S.clientSecret,
          timeout: 300,
          maxTokenResponseSize: 4096,
        }),
      )
      await run(`OAuth2Session client credentials ${path}`, () => backend.fetchToken(`${base}${path}`))
    }
    // Requests with the token: a 401 invalid_token, a cross-origin redirect, a closed port, a timeout, plain http.
    for (const bearerAuth of [true, false]) {
      const api = keep(
        `OAuth2Session api bearerAuth=${bearerAuth}`,
        new OAuth2Session('client-1', {
          token: { access_token: S.accessToken, refresh_token: S.refreshToken, token_type: 'Bearer' },
          autoRefreshUrl: `${base}/invalid-grant`,
          autoRefreshKwargs: { client_secret: S.clientSecret },
          accessTokenKey: 'my_tk',
          bearerAuth,
          timeout: 300,
        }),
      )
      for (const path of ['/api-401', '/redirect-away', '/slow', '/html', '/echo-parts', '/echo-parts-redirect', '/reason'])
        await (path === '/slow' ? inBackground : attempt)(`OAuth2Session api ${path} bearerAuth=${bearerAuth}`, () => api.get(`${base}${path}`))
      await attempt(`OAuth2Session api closed port bearerAuth=${bearerAuth}`, () => api.get(`${closed.url}/x`))
      await attempt(`OAuth2Session api plain http bearerAuth=${bearerAuth}`, () => api.get('http://api.example.invalid/x'))
      inBackground(`OAuth2Session api abort bearerAuth=${bearerAuth}`, () => api.get(`${base}/slow`, { signal: AbortSignal.timeout(50) }))
    }
    // Configuration errors that carry a secret in the wrong place.
    await attempt('OAuth2Session snake_case secret', () => new OAuth2Session('client-1', { client_secret: S.clientSecret } as never))
    await attempt('OAuth2Session secret of the wrong type', () => new OAuth2Session('client-1', { clientSecret: { value: S.clientSecret } } as never))
    await attempt('OAuth2Session token parameter object', () => new OAuth2Session('c').fetchToken(`${base}/x`, { extra: { s: S.clientSecret } } as never))
    await attempt('OAuth2Session malformed authorizationResponse', () =>
      new OAuth2Session('c').fetchToken(`${base}/x`, { authorizationResponse: `https://user:${S.password}@[bad/cb?code=${S.code}` }),
    )
    await attempt('OAuth2Session token URL with user info', () =>
      new OAuth2Session('c').fetchToken(`http://${S.accessToken}@api.example.invalid/token`, { code: S.code }),
    )

    // OAuth2Service (rauth).
    const service = keep('OAuth2Service', new OAuth2Service({ clientId: 'client-1', clientSecret: S.clientSecret, accessTokenUrl: `${base}/invalid-grant` }))
    await attempt('OAuth2Service getAccessToken', () => service.getAccessToken({ data: { code: S.code, grant_type: 'authorization_code' } }))
    service.accessTokenUrl = `${base}/no-token`
    await attempt('OAuth2Service getAccessToken no token', () => service.getAccessToken({ data: { code: S.code } }))
    service.accessTokenUrl = `${base}/bad-json`
    await attempt('OAuth2Service getAccessToken bad JSON', () => service.getAccessToken('GET', { params: { code: S.code } }))
    keep('OAuth2Service session', service.getSession(S.accessToken))

    // requests-oauth2's handler.
    const handler = keep('OAuth2Handler', new OAuth2Handler('client-1', S.clientSecret, `${base}/`, 'https://app.example/cb', { tokenUrl: 'invalid-grant' }))
    await attempt('OAuth2Handler getToken', () => handler.getToken(S.code))

    // requests-auth strategies.
    setTokenCache(new TokenMemoryCache())
    for (const path of ['/invalid-grant', '/unauthorized', '/bad-json', '/no-token', '/cross-origin', '/echo-parts', '/echo-parts-307', '/echo-encoded']) {
      const credentials = new OAuth2ClientCredentials(`${base}${path}`, 'client-1', S.clientSecret, { timeout: 0.3 })
      const owner = new OAuth2ResourceOwnerPasswordCredentials(`${base}${path}`, 'alice', S.password, {
        sessionAuth: ['client-1', S.clientSecret],
        timeout: 0.3,
      })
      objects.push(
        { scenario: `OAuth2ClientCredentials ${path}`, value: credentials },
        { scenario: `OAuth2ResourceOwnerPasswordCredentials ${path}`, value: owner },
      )
      const session = keep(`requests-auth session ${path}`, new Session({ auth: credentials }))
      await attempt(`OAuth2ClientCredentials ${path}`, () => session.get(`${base}/api`))
      await attempt(`OAuth2ResourceOwnerPasswordCredentials ${path}`, () => session.get(`${base}/api`, { auth: owner }))
    }

    // OAuth 1: HMAC, PLAINTEXT in every placement, RSA, and the service's token steps.
    for (const [method, type] of [
      ['HMAC-SHA1', 'AUTH_HEADER'],
      ['PLAINTEXT', 'AUTH_HEADER'],
      ['PLAINTEXT', 'QUERY'],
      ['PLAINTEXT', 'BODY'],
    ] as const) {
      const session = keep(
        `OAuth1Session ${method} ${type}`,
        new OAuth1Session('ck', S.consumerSecret, 'tk', S.tokenSecret, { signatureMethod: method, signatureType: type, verifier: S.code, timeout: 300 }),
      )
      await attempt(`OAuth1Session ${method} ${type} refused`, () => session.post(`${base}/oauth1-refused`, { data: { x_auth_password: S.password } }))
      await attempt(`OAuth1Session ${method} ${type} access token`, () => session.fetchAccessToken(`${base}/oauth1-refused`, S.code))
      await attempt(`OAuth1Session ${method} ${type} plain http`, () => session.get('http://api.example.invalid/x'))
      await attempt(`OAuth1Session ${method} ${type} closed port`, () => session.get(`${closed.url}/x`))
      const auth = new OAuth1Auth('ck', { clientSecret: S.consumerSecret, resourceOwnerKey: 'tk', resourceOwnerSecret: S.tokenSecret, signatureMethod: method })
      objects.push({ scenario: `OAuth1Auth ${method}`, value: auth })
      objects.push({
        scenario: `OAuth1Auth ${method} explainSignature`,
        value: auth.explainSignature(await new Session({ auth }).prepareRequest('GET', `${base}/x`)),
      })
    }
    const rsa = keep('OAuth1Session RSA', new OAuth1Session('ck', undefined, 'tk', undefined, { signatureMethod: 'RSA-SHA1', rsaKey: PEM }))
    await attempt('OAuth1Session RSA refused', () => rsa.get(`${base}/oauth1-refused`))
    await attempt('OAuth1Auth RSA bad key', () => new OAuth1Auth('ck', { signatureMethod: 'RSA-SHA1', rsaKey: PEM.replace(/A/g, 'B') }))
    const oauth1Service = keep(
      'OAuth1Service',
      new OAuth1Service({ consumerKey: 'ck', consumerSecret: S.consumerSecret, requestTokenUrl: `${base}/oauth1-refused`, accessTokenUrl: `${base}/bad-json` }),
    )
    await attempt('OAuth1Service getRequestToken', () => oauth1Service.getRequestToken())
    await attempt('OAuth1Service getAccessToken', () => oauth1Service.getAccessToken('tk', S.tokenSecret, 'GET', { params: { oauth_verifier: S.code } }))
    keep('OAuth1Service session', oauth1Service.getSession(['tk', S.tokenSecret]))

    // Ofly, API keys, Basic and Bearer.
    const ofly = keep('OflySession', new OflySession('app-1', S.oflySecret, 'user-1'))
    await attempt('OflySession refused', () => ofly.get(`${base}/html`))
    await attempt('OflySession closed port', () => ofly.get(`${closed.url}/x`))
    for (const [name, auth] of [
      ['QueryApiKey', new QueryApiKey(S.apiKey, 'k')],
      ['HeaderApiKey', new HeaderApiKey(S.headerKey, 'X-Custom-Key')],
      ['HTTPBasicAuth', new HTTPBasicAuth('alice', S.password)],
      ['BearerAuth', new BearerAuth(S.accessToken)],
    ] as const) {
      objects.push({ scenario: name, value: auth })
      const session = keep(`${name} session`, new Session({ auth, timeout: 300 }))
      for (const path of ['/api-401', '/redirect-away', '/slow', '/echo-parts', '/echo-parts-redirect', '/reason'])
        await (path === '/slow' ? inBackground : attempt)(`${name} ${path}`, () => session.get(`${base}${path}`))
      await attempt(`${name} closed port`, () => session.get(`${closed.url}/x`))
    }
    for (const path of ['/api-401', '/echo-parts', '/echo-parts-redirect', '/reason'])
      await attempt(`Session URL user info ${path}`, () =>
        keep(`Session URL user info ${path}`, new Session({ timeout: 300 })).get(
          `http://alice:${encodeURIComponent(S.password)}@127.0.0.1:${server.port}${path}`,
        ),
      )

    const tools: ScenarioTools = { base, attempt, inBackground, keep, note: (scenario, value) => objects.push({ scenario, value }) }
    await newestErrorPaths(tools)
    await proxyLogins(tools)
    await Promise.all(waiting)
  } finally {
    for (const value of closeLater) await value.close()
  }
  return { errors, objects }
}

/** A signal that aborts (an AbortError, not the TimeoutError of AbortSignal.timeout) 50 ms from now. */
function abortSoon(): AbortSignal {
  const controller = new AbortController()
  setTimeout(() => controller.abort(), 50)
  return controller.signal
}

/** What a group of scenarios needs from {@link runSecretsScenarios}. */
interface ScenarioTools {
  base: string
  /** Runs one error path and records what it threw (and a Response it returned). */
  attempt(scenario: string, action: () => unknown): Promise<void>
  /** The same, for a path that waits for a timer: it runs while the next scenarios do. */
  inBackground(scenario: string, action: () => unknown): void
  /** Records an object built with secrets, and closes it at the end. */
  keep<T extends { close(): Promise<void> }>(scenario: string, value: T): T
  /** Records an object built with secrets. */
  note(scenario: string, value: unknown): void
}

/**
 * The newest error paths, each with secrets in the URL (user info, secret and marked query
 * parameters), the headers and the body, against answers that echo them back:
 * ResponseTooLargeError, TimeoutError (deadline), AbortError (also during an automatic refresh),
 * InvalidRedirectError, CredentialRedirectRefusedError / TokenRedirectRefusedError and
 * IssuerMismatchError.
 */
async function newestErrorPaths({ base, attempt, inBackground, keep }: ScenarioTools): Promise<void> {
  const S = SECRETS
  const token = { access_token: S.accessToken, refresh_token: S.refreshToken, token_type: 'Bearer' }
  const query = `access_token=${S.accessToken}&client_secret=${encodeURIComponent(S.clientSecret)}&my_tk=${S.accessToken}`
  const userInfo = (path: string): string => base.replace('://', `://alice:${encodeURIComponent(S.password)}@`) + path
  const api = keep(
    'newest api session',
    new OAuth2Session('client-1', {
      token,
      accessTokenKey: 'my_tk',
      autoRefreshUrl: `${base}/invalid-grant`,
      autoRefreshKwargs: { client_secret: S.clientSecret },
      timeout: 300,
      maxResponseSize: 1024,
      deadline: 150,
      headers: { 'X-Api-Key': S.headerKey },
    }),
  )
  const sent = { data: { password: S.password, note: S.clientSecret }, headers: { Authorization: `Bearer ${S.accessToken}` } }
  for (const [label, url] of [
    ['query', (path: string) => `${base}${path}${path.includes('?') ? '&' : '?'}${query}`],
    ['user info', userInfo],
  ] as const) {
    await attempt(`ResponseTooLargeError api ${label}`, () => api.post(url('/big'), sent))
    inBackground(`TimeoutError deadline api ${label}`, () => api.post(url('/slow'), sent))
    inBackground(`AbortError api ${label}`, () => api.post(url('/slow'), { ...sent, deadline: null, signal: abortSoon() }))
    for (const kind of ['query', 'userinfo', 'scheme'])
      await attempt(`InvalidRedirectError api ${label} ${kind}`, () => api.post(url(`/hostile-location?kind=${kind}`), sent))
  }
  // An abort while the automatic refresh runs: the refresh goes to a server that never answers.
  const expiring = keep(
    'AbortError during refresh session',
    new OAuth2Session('client-1', {
      token: { ...token, expires_at: 1 },
      autoRefreshUrl: `${base}/slow?${query}`,
      autoRefreshKwargs: { client_id: 'client-1', client_secret: S.clientSecret },
      timeout: 300,
    }),
  )
  inBackground('AbortError during refresh', () => expiring.get(`${base}/api?${query}`, { signal: abortSoon() }))
  inBackground('TimeoutError deadline during refresh', () => expiring.get(`${base}/api?${query}`, { deadline: 100 }))

  // Token endpoints: caps, deadlines, hostile Locations and 307s that echo the body.
  const grants = keep(
    'newest token session',
    new OAuth2Session('client-1', { clientSecret: S.clientSecret, state: 'st', maxTokenResponseSize: 1024, deadline: 150, timeout: 300 }),
  )
  const callback = `https://app.example/cb?code=${S.code}&state=st`
  for (const path of ['/big', '/slow', '/cross-origin', '/echo-parts-307', '/hostile-location?kind=query', '/hostile-location?kind=userinfo']) {
    const run = path === '/slow' ? inBackground : attempt
    await run(`token endpoint ${path}`, () => grants.fetchToken(`${base}${path}`, { authorizationResponse: callback, codeVerifier: S.codeVerifier }))
  }
  // rauth's raw token requests: the Session's credential-body rule, not the token endpoint's.
  const rauth = keep(
    'newest OAuth2Service',
    new OAuth2Service({
      clientId: 'client-1',
      clientSecret: S.clientSecret,
      accessTokenUrl: `${base}/cross-origin`,
      sessionOptions: { maxTokenResponseSize: 1024 },
    }),
  )
  for (const path of ['/cross-origin', '/echo-parts-307', '/big', '/hostile-location?kind=query']) {
    rauth.accessTokenUrl = `${base}${path}`
    await attempt(`OAuth2Service getRawAccessToken ${path}`, () =>
      rauth.getRawAccessToken({ data: { code: S.code, client_secret: S.clientSecret, code_verifier: S.codeVerifier } }),
    )
  }
  const oauth1 = keep(
    'newest OAuth1Service',
    new OAuth1Service({ consumerKey: 'ck', consumerSecret: S.consumerSecret, requestTokenUrl: `${base}/cross-origin`, accessTokenUrl: `${base}/cross-origin` }),
  )
  await attempt('OAuth1Service getRawRequestToken 307', () => oauth1.getRawRequestToken('POST', { data: { x_auth_password: S.password } }))
  await attempt('OAuth1Service getRawAccessToken 307', () =>
    oauth1.getRawAccessToken('tk', S.tokenSecret, 'POST', { data: { oauth_verifier: S.code, x_auth_password: S.password } }),
  )

  // RFC 9207: an iss that quotes the code, carries user info, comes twice or not at all.
  const issuer = keep(
    'IssuerMismatchError session',
    new OAuth2Session('client-1', { clientSecret: S.clientSecret, issuer: 'https://idp.example', state: 'st' }),
  )
  const strict = keep(
    'IssuerMismatchError strict session',
    new OAuth2Session('client-1', { clientSecret: S.clientSecret, issuer: 'https://idp.example', issuerParameterRequired: true, state: 'st' }),
  )
  const implicit = `https://app.example/cb#access_token=${S.accessToken}&token_type=Bearer&state=st`
  for (const [label, iss] of [
    ['quoting the code', `https://evil.example/?c=${S.code}&t=${S.accessToken}`],
    ['with user info', `https://${S.accessToken}:${encodeURIComponent(S.clientSecret)}@evil.example/`],
    ['repeated', `https://idp.example&iss=https://evil.example/${S.code}/${S.accessToken}`],
  ] as const) {
    const param = `&iss=${label === 'repeated' ? iss : encodeURIComponent(iss)}`
    // The code flow's callback carries the code, the implicit one the token: a forged iss may quote either.
    await attempt(`IssuerMismatchError ${label}`, () =>
      issuer.fetchToken(`${base}/invalid-grant`, {
        authorizationResponse: `${callback}${param.replace(S.accessToken, 'no-token')}`,
        codeVerifier: S.codeVerifier,
      }),
    )
    await attempt(`IssuerMismatchError fragment ${label}`, () => issuer.tokenFromFragment(`${implicit}${param.replace(S.code, 'no-code')}`))
  }
  await attempt('IssuerMismatchError missing iss', () => strict.fetchToken(`${base}/invalid-grant`, { authorizationResponse: callback }))
}

/**
 * ProxySession and ProxySessionService: the GitHub password and the proxy's cookie, against a
 * login that fails each way it can (the provider's page quoting the password, two-factor, no
 * proxy cookie, a 307 to another origin, an oversized page, a malformed form action), and a
 * signed-in session whose later answers quote its cookie.
 */
async function proxyLogins({ base, attempt, keep, note }: ScenarioTools): Promise<void> {
  const S = SECRETS
  const login = (kind: string, extra: ProxySessionOptions = {}): ProxySession =>
    keep(
      `ProxySession ${kind}`,
      new ProxySession({
        oauth2Username: 'bot',
        oauth2Password: S.githubPassword,
        authenticationBaseUrl: `${base}/p/${kind}/start`,
        authenticationSessionUrl: `${base}/p/${kind}/session`,
        timeout: 300,
        ...extra,
      }),
    )
  for (const kind of ['wrong', 'two-factor', 'no-cookie', 'cross-origin', 'big', 'malformed'])
    await attempt(`ProxySession ${kind}`, () => login(kind, { maxTokenResponseSize: 4096 }).authenticate())
  const service = new ProxySessionService({
    authenticationBaseUrl: `${base}/p/wrong/start`,
    authenticationSessionUrl: `${base}/p/wrong/session`,
    sessionOptions: { timeout: 300 },
  })
  note('ProxySessionService', service)
  await attempt('ProxySessionService wrong password', () => service.getAuthSession('bot', S.githubPassword))

  // Signed in: the proxy's cookie goes with every request, and hostile answers quote it.
  const session = login('ok')
  await attempt('ProxySession ok sign-in', () => session.authenticate())
  for (const path of ['/api-401', '/echo-parts', '/echo-parts-redirect', '/redirect-away', '/reason'])
    await attempt(`ProxySession signed in ${path}`, () => session.get(`${base}${path}`))
  // Signing in again where the start page's form action is malformed and quotes the request and the last login.
  session.authenticationBaseUrl = `${base}/p/malformed/start`
  await attempt('ProxySession signed in, malformed form', () => session.authenticate())
  session.authenticationBaseUrl = `${base}/p/wrong/start`
  session.authenticationSessionUrl = `${base}/p/wrong/session`
  await attempt('ProxySession signed in, wrong password', () => session.authenticate())
}
