/**
 * The node:http plumbing of the web-app examples (what Flask gives the tutorial): listening,
 * redirects, JSON and error pages, and running an example from the command line (against the
 * embedded sandbox when no credentials are set). github-web-app.ts and google-web-app.ts hold the
 * OAuth part.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { MismatchingStateError, OAuthSessionsError } from '../lib/index.js'
import { type Sandbox, startSandbox } from '../lib/testing/index.js'

/** The provider and client of a web-app example; each example adds what it needs. */
export interface WebAppConfig {
  clientId: string
  clientSecret: string
  authorizationBaseUrl?: string
  tokenUrl?: string
  profileUrl?: string
  /** Where the app listens. Default 127.0.0.1 on a free port (0). */
  port?: number
}

/** A route: answers one request; a thrown error becomes an error page. */
export type Route = (request: IncomingMessage, response: ServerResponse, url: URL) => Promise<void> | void

/** A running example web app. */
export interface RunningWebApp extends AsyncDisposable {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly url: string
  close(): Promise<void>
}

/** Listens on `host:port` (port 0 picks a free one) and dispatches on the path. */
export async function startWebApp(routes: (origin: string) => Record<string, Route>, options: { host?: string; port?: number } = {}): Promise<RunningWebApp> {
  const host = options.host ?? '127.0.0.1'
  let table: Record<string, Route> = {}
  let origin = ''
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', origin)
    const route = Object.hasOwn(table, url.pathname) ? table[url.pathname] : undefined
    if (route === undefined) return sendText(response, 404, 'Not found')
    Promise.resolve()
      .then(() => route(request, response, url))
      .catch((error: unknown) => sendError(response, error))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => resolve())
  })
  origin = `http://${host}:${(server.address() as AddressInfo).port}`
  table = routes(origin)
  const close = (): Promise<void> =>
    new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    })
  return { url: origin, close, [Symbol.asyncDispose]: close }
}

/** The sandbox as the provider of a web-app example, its user profile at `<oauth2.baseUrl><profilePath>`. */
export function sandboxWebAppConfig(sandbox: Sandbox, profilePath: string): WebAppConfig {
  return {
    clientId: sandbox.oauth2.clientId,
    clientSecret: sandbox.oauth2.clientSecret,
    authorizationBaseUrl: sandbox.oauth2.authorizeUrl,
    tokenUrl: sandbox.oauth2.tokenUrl,
    profileUrl: `${sandbox.oauth2.baseUrl}${profilePath}`,
  }
}

/**
 * `npx tsx examples/<name>-web-app.ts`: starts the app on PORT (default 5000) with the client id and
 * secret in the two environment variables named, or, when either is unset, against an embedded
 * sandbox; Ctrl-C stops.
 */
export async function runWebAppExample(
  start: (config: WebAppConfig) => Promise<RunningWebApp>,
  variables: { clientId: string; clientSecret: string; sandboxProfilePath: string },
): Promise<void> {
  const clientId = process.env[variables.clientId]
  const clientSecret = process.env[variables.clientSecret]
  const port = Number(process.env.PORT ?? 5000)
  const sandbox = clientId && clientSecret ? undefined : await startSandbox()
  const app = await start(
    sandbox === undefined
      ? { clientId: clientId as string, clientSecret: clientSecret as string, port }
      : { ...sandboxWebAppConfig(sandbox, variables.sandboxProfilePath), port },
  )
  console.log(`Open ${app.url}/ in a browser${sandbox ? ' (the sandbox provider approves at once)' : ''}; Ctrl-C stops.`)
  process.once('SIGINT', () => void Promise.all([app.close(), sandbox?.close()]))
}

/** Flask's `redirect(url)`. */
export function redirect(response: ServerResponse, location: string): void {
  response.writeHead(302, { Location: location, 'Content-Type': 'text/plain' })
  response.end(`Redirecting to ${location}`)
}

/** Flask's `jsonify(value)`. */
export function sendJson(response: ServerResponse, value: unknown): void {
  response.writeHead(200, { 'Content-Type': 'application/json' })
  response.end(JSON.stringify(value, null, 2))
}

export function sendText(response: ServerResponse, status: number, text: string, type = 'text/plain'): void {
  response.writeHead(status, { 'Content-Type': `${type}; charset=utf-8` })
  response.end(text)
}

/** A forged or replayed callback is the browser's fault (400); any other SDK error is the provider's (502). Messages carry no secret. */
function sendError(response: ServerResponse, error: unknown): void {
  if (response.headersSent) return void response.destroy()
  if (error instanceof MismatchingStateError) return sendText(response, 400, `Login failed: ${error.code}. Start again at /.`)
  if (error instanceof OAuthSessionsError) return sendText(response, 502, `Login failed: ${error.code}: ${error.message}`)
  console.error(error)
  sendText(response, 500, 'Internal error')
}
