import { expect } from 'chai'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { authFetch, BearerAuth } from '../../../lib/index.js'
import { startServer } from '../../support/servers.js'

/** What a loopback server saw of each request. */
interface Seen {
  method: string
  url: string
  authorization: string | undefined
  body: string
}

function recorder(seen: Seen[], route: (request: IncomingMessage, response: ServerResponse, body: string) => void) {
  return (request: IncomingMessage, response: ServerResponse): void => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      seen.push({ method: request.method ?? '', url: request.url ?? '', authorization: request.headers.authorization, body })
      route(request, response, body)
    })
  }
}

/**
 * authFetch over Node's own fetch (undici) and real sockets on 127.0.0.1 (the root hook lets loopback through): fetch's
 * `redirect: 'manual'` hands back the real 3xx with its Location, so the redirect rule is ours.
 * Two ports are two origins.
 */
describe('authFetch against loopback servers, through the global fetch', () => {
  it('follows a same-origin 302 with the token, and a 307 to another port with the body but without it', async () => {
    const seen: Seen[] = []
    await using other = await startServer(recorder(seen, (_request, response) => response.end('other')))
    await using api = await startServer(
      recorder(seen, (request, response) => {
        if (request.url === '/start') response.writeHead(302, { Location: '/middle' }).end()
        else if (request.url === '/middle') response.writeHead(307, { Location: `${other.url}/end` }).end()
        else response.end('api')
      }),
    )

    const response = await authFetch(new BearerAuth('tok-1'))(`${api.url}/start`, { method: 'PUT', body: 'payload' })

    expect(await response.text()).to.equal('other')
    expect(response.url).to.equal(`${other.url}/end`)
    expect(response.redirected).to.equal(true)
    // 302 turns PUT into GET (as the Session and requests do); the 307 keeps that GET.
    expect(seen).to.deep.equal([
      { method: 'PUT', url: '/start', authorization: 'Bearer tok-1', body: 'payload' },
      { method: 'GET', url: '/middle', authorization: 'Bearer tok-1', body: '' },
      { method: 'GET', url: '/end', authorization: undefined, body: '' },
    ])
  })

  it('keeps a POST and its body on a 308, and reads a Request body once for every hop', async () => {
    const seen: Seen[] = []
    await using api = await startServer(
      recorder(seen, (request, response, body) => {
        if (request.url === '/old') response.writeHead(308, { Location: '/new' }).end()
        else response.end(`got ${body}`)
      }),
    )

    const response = await authFetch(new BearerAuth('tok-1'))(new Request(`${api.url}/old`, { method: 'POST', body: new URLSearchParams({ a: '1' }) }))

    expect(await response.text()).to.equal('got a=1')
    expect(seen.map(({ method, url, authorization, body }) => [method, url, authorization, body])).to.deep.equal([
      ['POST', '/old', 'Bearer tok-1', 'a=1'],
      ['POST', '/new', 'Bearer tok-1', 'a=1'],
    ])
  })
})

describe("authFetch through undici's own fetch (the npm package, not Node's bundled copy)", () => {
  it('signs each hop with the strategy and strips it across origins, undici handing back the real 3xx', async () => {
    const { fetch: undiciFetch, Agent } = await import('undici')
    const dispatcher = new Agent()
    const seen: Seen[] = []
    try {
      await using other = await startServer(recorder(seen, (_request, response) => response.end('other')))
      await using api = await startServer(
        recorder(seen, (request, response) => {
          if (request.url === '/start') response.writeHead(301, { Location: '/next' }).end()
          else if (request.url === '/next') response.writeHead(302, { Location: `${other.url}/away` }).end()
          else response.end('api')
        }),
      )
      // undici's fetch takes its own init (a dispatcher); authFetch passes the init through.
      const fetchWithAuth = authFetch(
        new BearerAuth('tok-undici'),
        (input, init) => undiciFetch(input as string, { ...(init as object), dispatcher }) as unknown as Promise<Response>,
      )

      const response = await fetchWithAuth(`${api.url}/start`)

      expect(await response.text()).to.equal('other')
      expect(seen).to.deep.equal([
        { method: 'GET', url: '/start', authorization: 'Bearer tok-undici', body: '' },
        { method: 'GET', url: '/next', authorization: 'Bearer tok-undici', body: '' },
        { method: 'GET', url: '/away', authorization: undefined, body: '' },
      ])
    } finally {
      await dispatcher.close()
    }
  })
})
