import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { gzipSync } from 'node:zlib'
import { echoRequest, type EchoBody } from './sandbox-echo.js'
import { sendJson } from './sandbox-replies.js'
import { SandboxOAuth1Provider, type SandboxOAuth1, type SandboxOAuth1Options } from './sandbox-oauth1.js'
import { SANDBOX_OAUTH2, SandboxOAuth2Provider, type SandboxOAuth2, type SandboxOAuth2Options } from './sandbox-oauth2.js'
import { handleOfly, SANDBOX_OFLY, type SandboxOfly } from './sandbox-ofly.js'
import { SANDBOX_PROXY_USERS, SandboxProxyGate, type SandboxProxy } from './sandbox-proxy.js'

/**
 * Options of {@link startSandbox}.
 *
 * @example
 * ```ts
 * import { startSandbox } from 'oauth-sessions/testing'
 * const sandbox = await startSandbox({ maxDelay: 2_000 })
 * ```
 * @group Testing
 */
export interface SandboxOptions {
  /** The address to listen on. Default `127.0.0.1`; keep it on loopback. */
  host?: string
  /** The longest `/delay/:ms` honoured, in milliseconds. Default 10 000. */
  maxDelay?: number
  /** The OAuth 1.0a provider's consumer and checks. */
  oauth1?: SandboxOAuth1Options
  /** The OAuth 2 provider's extra clients (`private_key_jwt` keys). */
  oauth2?: SandboxOAuth2Options
}

/**
 * A running sandbox provider. Two listeners share one handler so that specs can redirect across
 * origins: {@link Sandbox.url} and {@link Sandbox.otherUrl} differ only in port.
 *
 * @example
 * ```ts
 * import { startSandbox } from 'oauth-sessions/testing'
 * await using sandbox = await startSandbox()
 * console.log(sandbox.url, sandbox.otherUrl)
 * ```
 * @group Testing
 */
export interface Sandbox {
  /** The base URL, such as `http://127.0.0.1:39811` (no trailing slash). */
  readonly url: string
  /** A second origin served by the same sandbox, for cross-origin redirects. */
  readonly otherUrl: string
  /** The OAuth 1.0a provider: its consumer credentials and endpoints. */
  readonly oauth1: SandboxOAuth1
  /** The OAuth 2 provider: its client, user and endpoints. */
  readonly oauth2: SandboxOAuth2
  /** The Ofly provider: its application and endpoints. */
  readonly ofly: SandboxOfly
  /** The oauth2_proxy-like gate and its GitHub-style login. */
  readonly proxy: SandboxProxy
  /** Stops both listeners and drops open connections. */
  close(): Promise<void>
  /** Lets `await using sandbox = await startSandbox()` close it. */
  [Symbol.asyncDispose](): Promise<void>
}

/**
 * Starts the embedded sandbox provider on 127.0.0.1 (port 0): httpbin-like endpoints for specs,
 * the demo and your own tests. No credentials and no internet needed.
 *
 * Endpoints: `/get`, `/post`, `/put`, `/patch`, `/delete`, `/anything/*` (echo of method, path,
 * query, headers, body, form, JSON, files and cookies as JSON); `/headers`; `/cookies`,
 * `/cookies/set?name=value`, `/cookies/delete?name`; `/redirect/:n`, `/relative-redirect/:n`,
 * `/absolute-redirect/:n`, `/redirect-to?url=&status_code=`; `/status/:code`;
 * `/basic-auth/:user/:password`; `/bearer`; `/delay/:ms`; `/json`; `/html`; `/gzip`; `/bytes/:n`;
 * `/stream/:n`; `/encoding/latin1`.
 *
 * An OAuth 1.0a provider lives under `/oauth1/` (see {@link Sandbox.oauth1}): request_token,
 * authorize (approves at once), access_token, and protected `/oauth1/api/*` endpoints that check
 * signatures (every method and placement, nonce replay, timestamp window) and echo what they got.
 * An OAuth 2 provider lives under `/oauth2/` (see {@link Sandbox.oauth2}): authorize (code or
 * fragment token, state, PKCE), a token endpoint for every grant and refresh with error and quirk
 * modes and rotating refresh tokens, tokens that expire on demand, a count of the tokens issued, the device flow (RFC 8628) with a
 * verification page to approve the user code, revocation (RFC 7009), introspection (RFC 7662),
 * discovery metadata at `/.well-known/openid-configuration` (issuer: the sandbox's origin), OpenID Connect ID tokens
 * (RS256, a key made at start, `jwks_uri`, nonce echoed) with UserInfo, and a protected `me` endpoint; `/facebook/` serves the same
 * provider with Facebook's paths (see {@link SandboxOAuth2.facebookUrl}). An Ofly provider lives under
 * `/ofly/` (see {@link Sandbox.ofly}) and checks signatures and the timestamp window. An
 * oauth2_proxy-like gate lives under `/site/`, with a GitHub-style login under `/gh/` (see
 * {@link Sandbox.proxy}): hidden authenticity token, wrong-password, two-factor and consent modes.
 *
 * @example
 * ```ts
 * import { Session } from 'oauth-sessions'
 * import { startSandbox } from 'oauth-sessions/testing'
 * const sandbox = await startSandbox()
 * const session = new Session({ baseUrl: sandbox.url })
 * console.log((await session.get('/get', { params: { q: 1 } })).json())
 * await session.close()
 * await sandbox.close()
 * ```
 * @group Testing
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const host = options.host ?? '127.0.0.1'
  const maxDelay = options.maxDelay ?? 10_000
  const timers = new Set<NodeJS.Timeout>()
  const oauth1 = new SandboxOAuth1Provider(options.oauth1)
  const oauth2 = new SandboxOAuth2Provider(options.oauth2)
  const proxy = new SandboxProxyGate()
  const servers: Server[] = []
  const urls: string[] = []
  for (let i = 0; i < 2; i++) {
    const server = createServer((request, response) => {
      handle(request, response, { maxDelay, timers, oauth1, oauth2, proxy }).catch((error: unknown) => {
        if (!response.headersSent) sendJson(response, 500, { error: 'sandbox_error', error_description: String(error) })
        else response.destroy()
      })
    })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(0, host, () => resolve())
    })
    const { port } = server.address() as AddressInfo
    servers.push(server)
    urls.push(`http://${host.includes(':') ? `[${host}]` : host}:${port}`)
  }
  const close = async (): Promise<void> => {
    for (const timer of timers) clearTimeout(timer)
    timers.clear()
    await Promise.all(
      servers.map(
        (server) =>
          new Promise<void>((resolve) => {
            server.close(() => resolve())
            server.closeAllConnections()
          }),
      ),
    )
  }
  const url = urls[0] as string
  return {
    url,
    otherUrl: urls[1] as string,
    oauth1: {
      consumerKey: oauth1.consumerKey,
      consumerSecret: oauth1.consumerSecret,
      requestTokenUrl: `${url}/oauth1/request_token`,
      authorizeUrl: `${url}/oauth1/authorize`,
      accessTokenUrl: `${url}/oauth1/access_token`,
      baseUrl: `${url}/oauth1/api/`,
    },
    oauth2: {
      ...SANDBOX_OAUTH2,
      authorizeUrl: `${url}/oauth2/authorize`,
      tokenUrl: `${url}/oauth2/token`,
      expireUrl: `${url}/oauth2/expire`,
      statsUrl: `${url}/oauth2/stats`,
      baseUrl: `${url}/oauth2/api/`,
      issuer: url,
      deviceAuthorizationUrl: `${url}/oauth2/device`,
      pushedAuthorizationRequestUrl: `${url}/oauth2/par`,
      verificationUrl: `${url}/oauth2/device/verify`,
      revocationUrl: `${url}/oauth2/revoke`,
      introspectionUrl: `${url}/oauth2/introspect`,
      userinfoUrl: `${url}/oauth2/userinfo`,
      jwksUrl: `${url}/oauth2/jwks`,
      facebookUrl: `${url}/facebook/`,
    },
    ofly: { ...SANDBOX_OFLY, authorizeUrl: `${url}/ofly/authorize`, baseUrl: `${url}/ofly/api/` },
    proxy: {
      ...SANDBOX_PROXY_USERS,
      startUrl: `${url}/site/oauth2/start`,
      sessionUrl: `${url}/gh/session`,
      siteUrl: `${url}/site/`,
      signInPageSiteUrl: `${url}/site/sign-in-page/`,
      authRequestSiteUrl: `${url}/site/auth-request/`,
      signInUrl: `${url}/site/oauth2/sign_in`,
      expireUrl: `${url}/site/oauth2/expire`,
    },
    close,
    [Symbol.asyncDispose]: close,
  }
}

interface HandlerContext {
  maxDelay: number
  timers: Set<NodeJS.Timeout>
  oauth1: SandboxOAuth1Provider
  oauth2: SandboxOAuth2Provider
  proxy: SandboxProxyGate
}

async function handle(request: IncomingMessage, response: ServerResponse, context: HandlerContext): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://sandbox.invalid')
  const parts = url.pathname.split('/').filter(Boolean)
  const [route, arg, arg2] = parts
  switch (route) {
    case 'oauth1':
      return context.oauth1.handle(request, response, url, parts.slice(1).join('/'), await readBody(request))
    case 'gh':
      return context.proxy.handleProvider(request, response, url, parts.slice(1).join('/'), (await readBody(request)).toString('utf8'))
    case 'site':
      await readBody(request)
      return context.proxy.handleSite(request, response, url, parts.slice(1).join('/'), `http://${request.headers.host ?? 'localhost'}`)
    case 'ofly':
      await readBody(request)
      return handleOfly(request, response, url, parts.slice(1).join('/'))
    case 'oauth2':
      return context.oauth2.handle(request, response, url, parts.slice(1).join('/'), await readBody(request))
    case '.well-known':
      await readBody(request)
      if (arg === 'openid-configuration' || arg === 'oauth-authorization-server') {
        return context.oauth2.metadata(response, `http://${request.headers.host ?? 'localhost'}`)
      }
      return sendJson(response, 404, { error: 'not_found', error_description: `No sandbox endpoint at ${url.pathname}` })
    case 'facebook':
      return context.oauth2.handleFacebook(request, response, url, parts.slice(1).join('/'), await readBody(request))
    case 'get':
    case 'post':
    case 'put':
    case 'patch':
    case 'delete':
    case 'anything':
    case undefined:
      return sendJson(response, 200, await echoRequest(request, url))
    case 'headers':
      return sendJson(response, 200, { headers: (await echoRequest(request, url)).headers })
    case 'cookies':
      return cookies(request, response, url, arg)
    case 'redirect':
    case 'relative-redirect':
    case 'absolute-redirect':
      return redirectChain(response, request, route, Number(arg ?? 1))
    case 'redirect-to':
      return redirectTo(response, url)
    case 'status':
      return status(response, Number(arg))
    case 'basic-auth':
      return basicAuth(request, response, arg ?? '', arg2 ?? '')
    case 'bearer':
      return bearer(request, response)
    case 'delay':
      return delay(request, response, url, Math.min(Number(arg ?? 0), context.maxDelay), context.timers)
    case 'json':
      return sendJson(response, 200, { slideshow: { title: 'Sample Slide Show', slides: [{ title: 'Wake up' }] } })
    case 'html':
      return send(response, 200, 'text/html; charset=utf-8', '<!doctype html><html><body><h1>Sandbox</h1></body></html>')
    case 'gzip':
      response.setHeader('Content-Encoding', 'gzip')
      return send(response, 200, 'application/json', gzipSync(JSON.stringify({ gzipped: true, method: request.method })))
    case 'encoding':
      return send(response, 200, 'text/plain; charset=iso-8859-1', Buffer.from('caf\u00e9', 'latin1'))
    case 'bytes':
      return send(response, 200, 'application/octet-stream', Buffer.alloc(Math.min(Number(arg ?? 0), 1 << 20), 0x61))
    case 'stream':
      return streamLines(response, Math.min(Number(arg ?? 1), 100))
    default:
      return sendJson(response, 404, { error: 'not_found', error_description: `No sandbox endpoint at ${url.pathname}` })
  }
}

async function cookies(request: IncomingMessage, response: ServerResponse, url: URL, action: string | undefined): Promise<void> {
  if (action === 'set') {
    const lines = [...url.searchParams].map(([name, value]) => `${name}=${value}; Path=/`)
    response.setHeader('Set-Cookie', lines)
    return redirect(response, 302, '/cookies')
  }
  if (action === 'delete') {
    const lines = [...url.searchParams.keys()].map((name) => `${name}=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/`)
    response.setHeader('Set-Cookie', lines)
    return redirect(response, 302, '/cookies')
  }
  return sendJson(response, 200, { cookies: (await echoRequest(request, url)).cookies })
}

function redirectChain(response: ServerResponse, request: IncomingMessage, route: string, count: number): void {
  const host = `http://${request.headers.host ?? 'localhost'}`
  if (!Number.isInteger(count) || count < 1) return sendJson(response, 400, { error: 'invalid_request' })
  const next = count === 1 ? '/get' : `/${route}/${count - 1}`
  return redirect(response, 302, route === 'absolute-redirect' ? `${host}${next}` : next)
}

function redirectTo(response: ServerResponse, url: URL): void {
  const target = url.searchParams.get('url')
  const code = Number(url.searchParams.get('status_code') ?? 302)
  if (target === null || ![301, 302, 303, 307, 308].includes(code)) {
    return sendJson(response, 400, { error: 'invalid_request', error_description: 'url and a 3xx status_code are required' })
  }
  return redirect(response, code, target)
}

function status(response: ServerResponse, code: number): void {
  if (!Number.isInteger(code) || code < 100 || code > 599) return sendJson(response, 400, { error: 'invalid_request' })
  if ([301, 302, 303, 307, 308].includes(code)) return redirect(response, code, '/get')
  if (code === 401) response.setHeader('WWW-Authenticate', 'Basic realm="sandbox"')
  return send(response, code, 'text/plain; charset=utf-8', code === 204 || code === 304 ? '' : `status ${code}`)
}

function basicAuth(request: IncomingMessage, response: ServerResponse, user: string, password: string): void {
  const expected = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`
  if (request.headers.authorization === expected) return sendJson(response, 200, { authenticated: true, user })
  response.setHeader('WWW-Authenticate', 'Basic realm="sandbox"')
  return sendJson(response, 401, { authenticated: false })
}

function bearer(request: IncomingMessage, response: ServerResponse): void {
  const match = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')
  if (match) return sendJson(response, 200, { authenticated: true, tokenLength: match[1]?.length })
  response.setHeader('WWW-Authenticate', 'Bearer realm="sandbox"')
  return sendJson(response, 401, { authenticated: false })
}

async function delay(request: IncomingMessage, response: ServerResponse, url: URL, ms: number, timers: Set<NodeJS.Timeout>): Promise<void> {
  const body: EchoBody = await echoRequest(request, url)
  await new Promise<void>((resolve) => {
    const timer = setTimeout(
      () => {
        timers.delete(timer)
        resolve()
      },
      Number.isFinite(ms) && ms > 0 ? ms : 0,
    )
    timers.add(timer)
    response.once('close', () => {
      clearTimeout(timer)
      timers.delete(timer)
      resolve()
    })
  })
  if (!response.destroyed) sendJson(response, 200, body)
}

function streamLines(response: ServerResponse, count: number): void {
  response.writeHead(200, { 'Content-Type': 'application/x-ndjson' })
  for (let id = 0; id < count; id++) response.write(`${JSON.stringify({ id })}\n`)
  response.end()
}

function redirect(response: ServerResponse, code: number, location: string): void {
  response.setHeader('Location', location)
  send(response, code, 'text/plain; charset=utf-8', `Redirecting to ${location}`)
}

function send(response: ServerResponse, code: number, type: string, body: string | Buffer): void {
  response.statusCode = code
  response.setHeader('Content-Type', type)
  response.setHeader('Content-Length', Buffer.byteLength(body))
  response.end(body)
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}
