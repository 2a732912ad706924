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
  clientSecret: 'swp-client-secret-1a',
  accessToken: 'swp-access-token-2b',
  refreshToken: 'swp-refresh-token-3c',
  password: 'swp-password-4d',
  code: 'swp-auth-code-5e',
  codeVerifier: 'swp-code-verifier-6f-0123456789abcdefghijklmnopqrstuvwxyz',
  consumerSecret: 'swp-consumer-secret-7a',
  tokenSecret: 'swp-token-secret-8b',
  apiKey: 'swp-api-key-9c',
  headerKey: 'swp-header-key-0d',
  oflySecret: 'swp-ofly-secret-1e',
  privateKeyLine: PEM.split('\n')[3] as string,
} as const

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
    const echo = `${request.method} ${request.url} ${JSON.stringify(request.headers)} ${Buffer.concat(chunks).toString('utf8')}`
    const path = new URL(request.url ?? '/', 'http://x').pathname
    const json = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      response.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(JSON.stringify(body))
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
  const S = SECRETS

  try {
    // OAuth2Session: every grant against every hostile answer.
    for (const path of ['/invalid-grant', '/unauthorized', '/bad-json', '/html', '/no-token', '/cross-origin', '/slow']) {
      const web = keep(`OAuth2Session code ${path}`, new OAuth2Session('client-1', { clientSecret: S.clientSecret, state: 'st', timeout: 300 }))
      await attempt(`OAuth2Session code ${path}`, () =>
        web.fetchToken(`${base}${path}`, { authorizationResponse: `https://app.example/cb?code=${S.code}&state=st`, codeVerifier: S.codeVerifier }),
      )
      const password = keep(
        `OAuth2Session password ${path}`,
        new OAuth2Session(undefined, { client: new LegacyApplicationClient('client-1'), clientSecret: S.clientSecret, timeout: 300 }),
      )
      await attempt(`OAuth2Session password ${path}`, () => password.fetchToken(`${base}${path}`, { username: 'alice', password: S.password }))
      const refresh = keep(
        `OAuth2Session refresh ${path}`,
        new OAuth2Session('client-1', { token: { access_token: S.accessToken, refresh_token: S.refreshToken, token_type: 'Bearer' }, timeout: 300 }),
      )
      await attempt(`OAuth2Session refresh ${path}`, () => refresh.refreshToken(`${base}${path}`, { auth: new HTTPBasicAuth('client-1', S.clientSecret) }))
      const backend = keep(
        `OAuth2Session client credentials ${path}`,
        new OAuth2Session(undefined, { client: new BackendApplicationClient('client-1'), clientSecret: S.clientSecret, timeout: 300 }),
      )
      await attempt(`OAuth2Session client credentials ${path}`, () => backend.fetchToken(`${base}${path}`))
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
      for (const path of ['/api-401', '/redirect-away', '/slow', '/html'])
        await attempt(`OAuth2Session api ${path} bearerAuth=${bearerAuth}`, () => api.get(`${base}${path}`))
      await attempt(`OAuth2Session api closed port bearerAuth=${bearerAuth}`, () => api.get(`${closed.url}/x`))
      await attempt(`OAuth2Session api plain http bearerAuth=${bearerAuth}`, () => api.get('http://api.example.invalid/x'))
      await attempt(`OAuth2Session api abort bearerAuth=${bearerAuth}`, () => api.get(`${base}/slow`, { signal: AbortSignal.timeout(50) }))
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
    for (const path of ['/invalid-grant', '/unauthorized', '/bad-json', '/no-token', '/cross-origin']) {
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
      for (const path of ['/api-401', '/redirect-away', '/slow']) await attempt(`${name} ${path}`, () => session.get(`${base}${path}`))
      await attempt(`${name} closed port`, () => session.get(`${closed.url}/x`))
    }
    await attempt('Session URL user info', () => new Session({ timeout: 300 }).get(`http://alice:${S.password}@127.0.0.1:${server.port}/api-401`))
  } finally {
    for (const value of closeLater) await value.close()
  }
  return { errors, objects }
}
