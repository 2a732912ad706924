/**
 * The node:http plumbing of the web-app examples (what Flask gives the tutorial): listening,
 * redirects, JSON and error pages. github-web-app.ts and google-web-app.ts hold the OAuth part.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { MismatchingStateError, OAuthSessionsError } from '../lib/index.js'

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
