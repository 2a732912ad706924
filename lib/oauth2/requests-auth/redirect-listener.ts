import { lookup } from 'node:dns/promises'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { isIP } from 'node:net'
import { debuglog } from 'node:util'
import { ConfigurationError } from '../../errors.js'
import { authorizationError, stateMismatch } from '../authorization-response.js'
import {
  AuthorizationTimeoutError,
  BrowserOpenError,
  GrantNotProvidedError,
  RedirectListenerError,
  RedirectPortInUseError,
  StateNotProvidedError,
} from './browser-flow-errors.js'
import { browserOpener } from './browser-opener.js'
import { displaySettings } from './display-settings.js'
import { parseQs, type QueryDict } from '../../auth/python-url.js'

const debug = debuglog('oauth-sessions')

/** What a browser flow waits for. @internal */
export interface GrantRequest {
  /** The authorization URL opened in the browser. */
  url: string
  /** The redirect URI sent to the provider, for messages. */
  redirectUri: string
  /** `redirectUriDomain`: where to listen. */
  domain: string
  /** `redirectUriPort`. */
  port: number
  /** The parameter carrying the grant: `code`, `access_token`, `id_token` ... */
  fieldName: string
  /** The state sent, compared in constant time with the one received. */
  state: string
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

const MAX_FORM_BYTES = 64 * 1024

/** One flow at a time per port: concurrent flows of different strategies wait their turn. */
const queues = new Map<number, Promise<unknown>>()

/**
 * requests-auth's `request_new_grant`: starts the listener on the redirect port, opens the
 * browser at the authorization URL, waits for the redirect (a query, a form post, or a fragment
 * sent back by {@link FRAGMENT_PAGE}), answers with the success or failure page, and stops.
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
  const servers = await listen(request)
  return new Promise<ReceivedGrant>((resolve, reject) => {
    let settled = false
    const timer = setTimeout(() => finish(new AuthorizationTimeoutError(request.timeoutMs / 1000, request.redirectUri)), request.timeoutMs)

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

    function receive(args: QueryDict, response: ServerResponse): void {
      args.delete('requests_auth_redirect')
      const refused = authorizationError((name) => args.get(name)?.[0])
      if (refused !== undefined) return fail(refused, response)
      const grants = args.get(request.fieldName)
      if (grants === undefined || grants.length > 1) return fail(new GrantNotProvidedError(request.fieldName, [...args.keys()], grants !== undefined), response)
      const states = args.get('state')
      if (states === undefined || states.length > 1) return fail(new StateNotProvidedError(states !== undefined), response)
      const mismatch = stateMismatch(states[0], request.state)
      if (mismatch !== undefined) return fail(mismatch, response)
      const fields: Record<string, string> = {}
      for (const [name, values] of args) fields[name] = values[0] as string
      finish({ grant: grants[0] as string, fields }, response, displaySettings().successPage())
    }

    function handle(incoming: IncomingMessage, response: ServerResponse): void {
      if (settled) {
        response.writeHead(410, { 'Content-Type': 'text/plain' }).end('This sign-in is over.')
        return
      }
      const url = new URL(incoming.url ?? '/', 'http://listener')
      // A browser asks for the icon on its own; that is not an answer.
      if (url.pathname === '/favicon.ico') {
        response.writeHead(200, { 'Content-Type': 'text/html' }).end()
        return
      }
      if (incoming.method === 'POST') {
        readForm(incoming).then(
          (args) => receive(args, response),
          (error: Error) => fail(error, response),
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

    for (const server of servers) server.on('request', handle)
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

function readForm(incoming: IncomingMessage): Promise<QueryDict> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    incoming.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_FORM_BYTES) {
        reject(
          new RedirectListenerError(
            'form_too_large',
            `The form posted to the redirect listener is larger than ${MAX_FORM_BYTES} bytes, so it was refused. ` +
              'Ask the provider for response_mode=query, or for a shorter answer (fewer scopes, no id_token).',
          ),
        )
        incoming.destroy()
      } else chunks.push(chunk)
    })
    incoming.on('end', () => resolve(parseQs(Buffer.concat(chunks).toString('utf8'))))
    incoming.on('error', (error: NodeJS.ErrnoException) =>
      reject(
        new RedirectListenerError(
          'connection_error',
          `The browser connection broke while posting to the redirect listener (${error.code ?? 'no code'}). Sign in again.`,
          error,
        ),
      ),
    )
  })
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

async function listen(request: GrantRequest): Promise<Server[]> {
  const servers: Server[] = []
  for (const address of await addressesOf(request.domain)) {
    const server = createServer()
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject)
        server.listen({ port: request.port, host: address, exclusive: true }, () => {
          server.off('error', reject)
          resolve()
        })
      })
      servers.push(server)
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
  return servers
}
