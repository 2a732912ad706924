import { lookup } from 'node:dns/promises'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { isIP, isIPv6 } from 'node:net'
import type { Duplex } from 'node:stream'
import { debuglog } from 'node:util'
import { ConfigurationError } from '../../errors.js'
import { authorizationError, type IssuerExpectation, issuerMismatch, stateMismatch } from '../authorization-response.js'
import { AuthorizationTimeoutError, BrowserOpenError, GrantNotProvidedError, RedirectListenerError, RedirectPortInUseError } from './browser-flow-errors.js'
import { browserOpener } from './browser-opener.js'
import { displaySettings } from './display-settings.js'
import { parseQs, type QueryDict } from '../../auth/python-url.js'
import { isSecretParam } from '../../security/redact-url.js'

const debug = debuglog('oauth-sessions')

/** What a browser flow waits for. @internal */
export interface GrantRequest {
  /** The authorization URL opened in the browser. */
  url: string
  /** The redirect URI sent to the provider: the listener answers its path only, and messages name it. */
  redirectUri: string
  /** `redirectUriDomain`: where to listen. */
  domain: string
  /** `redirectUriPort`. */
  port: number
  /** The parameter carrying the grant: `code`, `access_token`, `id_token` ... */
  fieldName: string
  /** The state sent, compared in constant time with the one received. */
  state: string
  /** The issuer the callback's `iss` must name (RFC 9207), if any. */
  issuer: IssuerExpectation
  /** Milliseconds to wait for the browser. */
  timeoutMs: number
}

/** The grant and every parameter that came with it (first value of each). @internal */
export interface ReceivedGrant {
  grant: string
  fields: Record<string, string>
}

/** The marker the fragment page carries, so a scripted browser knows to re-send the fragment. @internal */
export const FRAGMENT_PAGE_MARKER = '<!-- oauth-sessions:fragment-redirect -->'

/**
 * Served when the browser arrives without the grant in the query: the implicit flow's token is in
 * the URL fragment, which browsers never send, so this page sends it back as query parameters
 * (with `requests_auth_redirect=1`, as requests-auth's page does).
 */
const FRAGMENT_PAGE = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Completing sign-in</title></head><body>
${FRAGMENT_PAGE_MARKER}
<noscript>JavaScript is needed to finish signing in: the answer is in the address fragment, which only this page can read.</noscript>
<script>
var fragment = window.location.hash.substring(1);
var search = window.location.search;
window.location.replace(window.location.pathname + (search ? search + '&' : '?') + (fragment ? fragment + '&' : '') + 'requests_auth_redirect=1');
</script>
</body></html>
`

/** The largest form or URL the listener reads: a real answer is a few kilobytes (an ID token, a code). */
const MAX_REQUEST_BYTES = 64 * 1024

/**
 * How much more of an oversized form is read (and dropped) before answering, so that the browser
 * gets the 413 page rather than a reset connection; past it the connection is cut.
 */
const DISCARD_LIMIT = 1024 * 1024

const TOO_LARGE_TEXT =
  'This request is too large for the sign-in listener, so it was ignored. If the provider posted it, ask it for response_mode=query ' +
  'or a shorter answer (fewer scopes, no id_token).'

const NOT_THIS_FLOW_TEXT =
  'This request does not carry the state of the sign-in in progress, so it was ignored. Finish signing in from the window the application opened.'

/** One flow at a time per port: concurrent flows of different strategies wait their turn. */
const queues = new Map<number, Promise<unknown>>()

/**
 * requests-auth's `request_new_grant`: starts the listener on the redirect port, opens the
 * browser at the authorization URL, waits for the redirect (a query, a form post, or a fragment
 * sent back by {@link FRAGMENT_PAGE}), answers with the success or failure page, and stops.
 *
 * Only a request that carries the flow's state (compared in constant time), for the redirect
 * host and port and on the redirect path, ends the flow: with the grant, or with the provider's
 * error. Anything else (another state or none, an `error=` without the state, another Host header,
 * another path, a form or URL over 64 KiB, a connection that breaks) is answered with a 4xx and
 * ignored, so that no other program or web page can end the flow or hand it a grant of its own;
 * the flow then waits for the real callback until its timeout.
 *
 * @internal
 */
export function requestGrant(request: GrantRequest): Promise<ReceivedGrant> {
  const previous = queues.get(request.port) ?? Promise.resolve()
  const run = previous.catch(() => undefined).then(() => runFlow(request))
  const tail = run.catch(() => undefined)
  queues.set(request.port, tail)
  void tail.then(() => {
    if (queues.get(request.port) === tail) queues.delete(request.port)
  })
  return run
}

async function runFlow(request: GrantRequest): Promise<ReceivedGrant> {
  const { servers, addresses } = await listen(request)
  const hosts = hostsOf(request, addresses)
  const redirectPath = new URL(request.redirectUri).pathname
  return new Promise<ReceivedGrant>((resolve, reject) => {
    let settled = false
    let ignoredCount = 0
    const timer = setTimeout(() => finish(new AuthorizationTimeoutError(request.timeoutMs / 1000, request.redirectUri, ignoredCount)), request.timeoutMs)

    let closed = false
    function close(): void {
      if (closed) return
      closed = true
      for (const server of servers) {
        server.close()
        server.closeAllConnections()
      }
    }

    function finish(outcome: ReceivedGrant | Error, response?: ServerResponse, page?: string): void {
      if (settled) return
      settled = true
      clearTimeout(timer)
      if (response !== undefined && page !== undefined) {
        sendHtml(response, page)
        // 'close' comes once the page is sent, and also when the browser connection was cut first.
        response.once('close', close)
        if (response.destroyed) close()
      } else close()
      if (outcome instanceof Error) reject(outcome)
      else resolve(outcome)
    }

    function fail(error: Error, response: ServerResponse): void {
      debug('browser flow failed on the redirect listener: %s', error.message)
      finish(error, response, displaySettings().failurePage(`Unable to properly perform authentication: ${error.message}`))
    }

    /** Answers a request that is not the flow's callback; the flow keeps waiting. */
    function ignore(response: ServerResponse, status: number, text: string, why: string): void {
      ignoredCount++
      debug('redirect listener ignored a request (%s)', why)
      if (response.headersSent || response.destroyed) return
      response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }).end(text)
    }

    function receive(args: QueryDict, response: ServerResponse): void {
      args.delete('requests_auth_redirect')
      const states = args.get('state')
      if (states === undefined || states.length !== 1 || stateMismatch(states[0], request.state) !== undefined)
        return ignore(response, 400, NOT_THIS_FLOW_TEXT, states === undefined ? 'no state' : 'not the state of this flow')
      // The flow's own answer, from another issuer (a mix-up): it ends the flow, before anything in it is used.
      // A forged iss may quote the grant or another credential of the same callback: the error shows it without them.
      const secrets = [...args].filter(([name]) => name === request.fieldName || isSecretParam(name)).flatMap(([, values]) => values)
      const mixedUp = issuerMismatch(args.get('iss') ?? [], request.issuer, secrets)
      if (mixedUp !== undefined) return fail(mixedUp, response)
      const refused = authorizationError((name) => args.get(name)?.[0])
      if (refused !== undefined) return fail(refused, response)
      const grants = args.get(request.fieldName)
      if (grants === undefined || grants.length > 1) return fail(new GrantNotProvidedError(request.fieldName, [...args.keys()], grants !== undefined), response)
      const fields: Record<string, string> = {}
      for (const [name, values] of args) fields[name] = values[0] as string
      finish({ grant: grants[0] as string, fields }, response, displaySettings().successPage())
    }

    function handle(incoming: IncomingMessage, response: ServerResponse): void {
      if (settled) {
        response.writeHead(410, { 'Content-Type': 'text/plain' }).end('This sign-in is over.')
        return
      }
      // DNS rebinding: a page of another site whose name now resolves to this machine sends its own Host.
      if (!hosts.has((incoming.headers.host ?? '').toLowerCase()))
        return ignore(response, 400, `This listener only answers requests for ${request.redirectUri}.`, 'another Host header')
      const url = new URL(incoming.url ?? '/', 'http://listener')
      if (url.pathname !== redirectPath) {
        // A browser asks for the icon on its own; that is not an answer, nor worth counting.
        if (url.pathname === '/favicon.ico') response.writeHead(404, { 'Content-Type': 'text/plain' }).end()
        else ignore(response, 404, 'Not found.', 'another path')
        return
      }
      if (incoming.method === 'POST') {
        readForm(incoming).then(
          (args) => {
            if (args === undefined) ignore(response, 413, TOO_LARGE_TEXT, 'form too large')
            else receive(args, response)
          },
          (error: NodeJS.ErrnoException) => ignore(response, 400, 'The request broke off.', `connection broke while posting (${error.code ?? 'no code'})`),
        )
        return
      }
      if (incoming.method !== 'GET') {
        response.writeHead(405, { Allow: 'GET, POST', 'Content-Type': 'text/plain' }).end('Only GET and POST are answered here.')
        return
      }
      const args = parseQs(url.search.slice(1))
      if (args.has(request.fieldName) || args.has('error') || args.has('requests_auth_redirect')) return receive(args, response)
      debug('no %s in the query: serving the page that sends the fragment back', request.fieldName)
      sendHtml(response, FRAGMENT_PAGE)
    }

    /** A URL (or headers) over the cap: Node's parser stops at `maxHeaderSize`, and this answers. */
    function refuseOversizedHead(error: NodeJS.ErrnoException, socket: Duplex): void {
      if (error.code === 'HPE_HEADER_OVERFLOW' && socket.writable) {
        ignoredCount++
        debug('redirect listener ignored a request (URL or headers too large)')
        const body = Buffer.from(TOO_LARGE_TEXT)
        socket.end(
          `HTTP/1.1 413 Content Too Large\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
        )
      } else if (socket.writable && error.code !== 'ECONNRESET') socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n')
      else socket.destroy()
    }

    for (const server of servers) {
      server.on('request', handle)
      server.on('clientError', refuseOversizedHead)
      server.on('error', (error: NodeJS.ErrnoException) =>
        finish(new RedirectListenerError('server_error', `The redirect listener failed (${error.code ?? 'no code'}). Sign in again.`, error)),
      )
    }
    debug('redirect listener on port %d; opening the browser', request.port)
    Promise.resolve()
      .then(() => browserOpener()(request.url))
      .catch((error: unknown) => finish(new BrowserOpenError(error)))
  })
}

function sendHtml(response: ServerResponse, html: string): void {
  response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'close' })
  response.end(html)
}

/**
 * The posted form, or undefined as soon as it is known to be over {@link MAX_REQUEST_BYTES}
 * (announced or read): from then on nothing is kept, the rest is read and dropped so that the
 * 413 reaches the browser, and the connection is cut past {@link DISCARD_LIMIT}. Rejects when the
 * connection breaks before the form is complete.
 */
function readForm(incoming: IncomingMessage): Promise<QueryDict | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let done = false
    const settle = (outcome: QueryDict | undefined | Error): void => {
      if (done) return
      done = true
      if (outcome instanceof Error) reject(outcome)
      else resolve(outcome)
    }
    const tooLarge = (): void => {
      chunks.length = 0
      settle(undefined)
    }
    if (Number(incoming.headers['content-length']) > MAX_REQUEST_BYTES) tooLarge()
    incoming.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > DISCARD_LIMIT) incoming.destroy()
      else if (size > MAX_REQUEST_BYTES) tooLarge()
      else if (!done) chunks.push(chunk)
    })
    incoming.on('end', () => settle(parseQs(Buffer.concat(chunks).toString('utf8'))))
    incoming.on('error', (error: NodeJS.ErrnoException) => settle(error))
    incoming.on('close', () => {
      if (!incoming.complete) settle(Object.assign(new Error('The connection closed before the form was complete.'), { code: 'ECONNRESET' }))
    })
  })
}

/** The Host headers the listener answers: the redirect host and the addresses it listens on, with the port. */
function hostsOf(request: GrantRequest, addresses: readonly string[]): Set<string> {
  const names = [request.domain.toLowerCase(), ...addresses.map((address) => (isIPv6(address) ? `[${address}]` : address))]
  const hosts = new Set(names.map((name) => `${name}:${request.port}`))
  // A browser leaves the default port out of Host.
  if (request.port === 80) for (const name of names) hosts.add(name)
  return hosts
}

/** The addresses to listen on: loopback for localhost, else what the domain resolves to. */
async function addressesOf(domain: string): Promise<string[]> {
  if (domain === 'localhost') return ['127.0.0.1', '::1']
  if (isIP(domain) !== 0) return [domain]
  try {
    const found = await lookup(domain, { all: true })
    return found.map((entry) => entry.address)
  } catch {
    throw new ConfigurationError('redirectUriDomain', `redirectUriDomain ${domain} does not resolve; use a name of this machine (such as localhost).`)
  }
}

/** The listening servers, one per address, and the addresses they listen on. */
async function listen(request: GrantRequest): Promise<{ servers: Server[]; addresses: string[] }> {
  const servers: Server[] = []
  const addresses: string[] = []
  for (const address of await addressesOf(request.domain)) {
    const server = createServer({ maxHeaderSize: MAX_REQUEST_BYTES })
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject)
        server.listen({ port: request.port, host: address, exclusive: true }, () => {
          server.off('error', reject)
          resolve()
        })
      })
      servers.push(server)
      addresses.push(address)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'EADDRINUSE' || code === 'EACCES') {
        for (const started of servers) started.close()
        if (code === 'EACCES')
          throw new ConfigurationError(
            'redirectUriPort',
            `Listening on port ${request.port} needs privileges this process lacks; use a port above 1023 (default 5000).`,
          )
        throw new RedirectPortInUseError(request.port, address)
      }
      // ::1 on a machine without IPv6, or an address of another machine: skip it.
      debug('redirect listener cannot use %s (%s)', address, code)
    }
  }
  if (servers.length === 0) {
    throw new ConfigurationError(
      'redirectUriDomain',
      `No address of ${request.domain} can be listened on; redirectUriDomain must name this machine (such as localhost).`,
    )
  }
  return { servers, addresses }
}
