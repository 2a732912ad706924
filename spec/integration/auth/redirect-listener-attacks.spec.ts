import { expect } from 'chai'
import { connect, type Socket } from 'node:net'
import {
  AccessDeniedError,
  AuthorizationTimeoutError,
  ConfigurationError,
  IssuerMismatchError,
  OAuth2AuthorizationCode,
  OAuth2AuthorizationCodePKCE,
  OAuth2Implicit,
  Session,
} from '../../../lib/index.js'
import { BrowserMock, useTokenCache, type TokenCacheHandle } from '../../../lib/testing/index.js'
import { freePort } from '../../support/free-port.js'
import { startServer } from '../../support/servers.js'

interface RawAnswer {
  status: number
  body: string
}

interface RawRequest {
  method?: string
  path: string
  host?: string
  body?: string
}

/**
 * A request to the listener as another program, a web page or a rebound DNS name would send it,
 * over a plain socket (nock's interception of node:http would buffer the body, and the specs
 * below are about what the listener does while a body is still coming).
 */
function raw(port: number, { method = 'GET', path, host = `localhost:${port}`, body }: RawRequest): Promise<RawAnswer> {
  const head = [`${method} ${path} HTTP/1.1`, `Host: ${host}`]
  if (body !== undefined) head.push('Content-Type: application/x-www-form-urlencoded', `Content-Length: ${Buffer.byteLength(body)}`)
  const socket = connect(port, '127.0.0.1')
  socket.end(`${head.join('\r\n')}\r\n\r\n${body ?? ''}`)
  return answerOf(socket)
}

/** Reads one HTTP/1.1 answer (with Content-Length) from `socket`, then closes it; `status` 0 when none came. */
function answerOf(socket: Socket): Promise<RawAnswer> {
  return new Promise((resolve) => {
    let received = Buffer.alloc(0)
    const done = (): void => {
      socket.destroy()
      const text = received.toString('utf8')
      const split = text.indexOf('\r\n\r\n')
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), body: split < 0 ? '' : text.slice(split + 4) })
    }
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk])
      const text = received.toString('latin1')
      const split = text.indexOf('\r\n\r\n')
      const length = /\r\ncontent-length: (\d+)/i.exec(text.slice(0, split))?.[1]
      if (split >= 0 && length !== undefined && received.length >= split + 4 + Number(length)) done()
    })
    socket.on('error', done)
    socket.on('close', done)
  })
}

/** The state the flow sent to the provider, read from the URL the browser was opened at. */
function stateIn(openedUrl: string): string {
  return new URL(openedUrl).searchParams.get('state') ?? ''
}

describe('the redirect listener under attack (#14, attack 3)', function () {
  this.timeout(15_000)
  let browser: BrowserMock
  let cache: TokenCacheHandle
  let session: Session
  let port: number

  beforeEach(async () => {
    browser = new BrowserMock().install()
    cache = useTokenCache()
    session = new Session()
    port = await freePort()
  })
  afterEach(async () => {
    cache.restore()
    await session.close()
    browser.restore()
  })

  /** An API on 127.0.0.1 that answers with the Authorization header it got: which token won. */
  const echoApi = () => startServer((request, response) => response.end(request.headers.authorization ?? ''))

  /**
   * Runs an implicit flow whose browser first sends the listener `attacks(state)` (raw requests, in
   * order), then the real callback (`access_token=real`) via `realHost`: the API's answer, what each
   * attack got, the browser tab, the strategy and the state the flow sent.
   */
  const implicitFlowAfter = async (attacks: (state: string, auth: OAuth2Implicit) => RawRequest[], realHost = 'localhost') => {
    await using api = await echoApi()
    const auth = new OAuth2Implicit('https://idp.test/authorize', { clientId: 'app', redirectUriPort: port })
    const seen: RawAnswer[] = []
    let state = ''
    const tab = browser.addResponse({
      openedUrl: () => true,
      replyUrl: async (opened) => {
        state = stateIn(opened)
        for (const request of attacks(state, auth)) seen.push(await raw(port, request))
        return `http://${realHost}:${port}/#access_token=real&state=${state}`
      },
    })
    const answer = await session.get(api.url, { auth })
    return { answer, seen, tab, auth, state }
  }

  describe('a random state per flow', () => {
    it('ignores a callback forged with the state computable from the public authorization URL', async () => {
      // requests-auth's state: SHA-512 of the authorization URL, which any page can compute.
      const { answer, seen, tab, auth, state: sent } = await implicitFlowAfter((_state, auth) => [{ path: `/?access_token=forged&state=${auth.state}` }])

      await tab.assertSuccess()
      expect(answer.text).to.equal('Bearer real')
      expect(seen.map((answer) => answer.status)).to.deep.equal([400])
      expect(sent)
        .to.match(/^[A-Za-z0-9]{32,}$/)
        .and.not.equal(auth.state)
    })

    it('draws a new state for every flow, and keeps the cache key (requests-auth hash) for the token', async () => {
      await using api = await echoApi()
      const auth = new OAuth2Implicit('https://idp.test/authorize', { clientId: 'app', redirectUriPort: port })
      const twin = new OAuth2Implicit('https://idp.test/authorize', { clientId: 'app', redirectUriPort: port })
      const sent: string[] = []
      const reply = (token: string) => (opened: string) => {
        sent.push(stateIn(opened))
        return `http://localhost:${port}/#access_token=${token}&expires_in=1&state=${stateIn(opened)}`
      }
      browser.addResponse({ openedUrl: () => true, replyUrl: reply('first') })
      browser.addResponse({ openedUrl: () => true, replyUrl: reply('second') })

      // expires_in=1 is expired at once (earlyExpiry 30 s): the second request runs a second flow.
      await session.get(api.url, { auth })
      const second = await session.get(api.url, { auth: twin })

      expect(second.text).to.equal('Bearer second')
      expect(new Set(sent).size).to.equal(2)
      expect(twin.state).to.equal(auth.state)
      expect((await cache.cache.get(auth.state))?.token.access_token).to.equal('second')
    })
  })

  describe('the Host header (DNS rebinding)', () => {
    it('ignores a request with the right state for another host, and takes one for the listening address', async () => {
      const { answer, seen: refused } = await implicitFlowAfter(
        (state) =>
          [`attacker.example:${port}`, 'localhost:1', `localhost.attacker.example:${port}`].map((host) => ({
            path: `/?access_token=forged&state=${state}`,
            host,
          })),
        '127.0.0.1',
      )

      expect(answer.text).to.equal('Bearer real')
      expect(refused.map((answer) => answer.status)).to.deep.equal([400, 400, 400])
    })
  })

  describe('requests without the flow state', () => {
    it('answers each with an error page and keeps waiting for the real callback', async () => {
      const { answer, seen, tab } = await implicitFlowAfter((state) => [
        { path: `/?access_token=forged&state=${'0'.repeat(state.length)}` },
        { path: '/?access_token=forged' },
        { path: '/?error=access_denied' },
        { path: '/?error=access_denied&state=wrong' },
        { path: `/?access_token=forged&state=${state}&state=${state}` },
        { path: '/?requests_auth_redirect=1' },
        { method: 'POST', path: '/', body: 'access_token=forged&state=wrong' },
        { path: `/elsewhere?access_token=forged&state=${state}` },
        { path: '/favicon.ico' },
      ])

      await tab.assertSuccess()
      expect(answer.text).to.equal('Bearer real')
      expect(seen.map((answer) => answer.status)).to.deep.equal([400, 400, 400, 400, 400, 400, 400, 404, 404])
      for (const { body } of seen) expect(body).to.not.include('forged')
    })

    it('still ends the flow with the provider error when it carries the flow state', async () => {
      const auth = new OAuth2AuthorizationCodePKCE('https://idp.test/authorize', 'https://idp.test/token', { clientId: 'app', redirectUriPort: port })
      let ignored: RawAnswer | undefined
      const tab = browser.addResponse({
        openedUrl: () => true,
        replyUrl: async (opened) => {
          ignored = await raw(port, { path: '/?error=server_error' })
          return `http://localhost:${port}/?error=access_denied&error_description=no&state=${stateIn(opened)}`
        },
      })

      const error = await session.get('http://127.0.0.1:1/', { auth }).catch((e: unknown) => e)

      expect(error).to.be.instanceOf(AccessDeniedError)
      expect(ignored?.status).to.equal(400)
      await tab.assertFailure('access_denied')
    })

    it('times out with AuthorizationTimeoutError when only such requests come, saying how many were ignored', async () => {
      const auth = new OAuth2Implicit('https://idp.test/authorize', { clientId: 'app', redirectUriPort: port, timeout: 0.5 })
      browser.addResponse({ openedUrl: () => true, replyUrl: () => `http://localhost:${port}/#access_token=forged&state=wrong` })

      const error = await session.get('http://127.0.0.1:1/', { auth }).catch((e: unknown) => e)

      expect(error).to.be.instanceOf(AuthorizationTimeoutError)
      expect((error as Error).message)
        .to.include('1 request')
        .and.include('state')
    })
  })

  describe('oversized requests', () => {
    it('refuses an oversized form post and an oversized URL with 413, and keeps waiting', async () => {
      const { answer, seen, tab } = await implicitFlowAfter((state) => [
        { method: 'POST', path: '/', body: `access_token=${'x'.repeat(70_000)}&state=${state}` },
        { path: `/?access_token=${'x'.repeat(70_000)}&state=${state}` },
      ])

      await tab.assertSuccess()
      expect(answer.text).to.equal('Bearer real')
      expect(seen.map((answer) => answer.status)).to.deep.equal([413, 413])
    })

    it('cuts a form streamed without Content-Length once it passes the cap, and a post whose connection breaks is ignored', async () => {
      await using api = await echoApi()
      const auth = new OAuth2Implicit('https://idp.test/authorize', { clientId: 'app', redirectUriPort: port })
      let streamed: RawAnswer | undefined
      let written = 0
      const tab = browser.addResponse({
        openedUrl: () => true,
        replyUrl: async (opened) => {
          // 16 MiB offered in 64 KiB chunks: the listener answers 413 and cuts the connection long before the end.
          const socket = connect(port, '127.0.0.1')
          const answer = answerOf(socket)
          socket.write(`POST / HTTP/1.1\r\nHost: localhost:${port}\r\nTransfer-Encoding: chunked\r\n\r\n`)
          const chunk = Buffer.concat([Buffer.from('10000\r\n'), Buffer.alloc(0x10000, 'x'), Buffer.from('\r\n')])
          await new Promise<void>((resolve) => {
            const pump = (): void => {
              while (written < 16 * 1024 * 1024) {
                if (socket.destroyed) return resolve()
                written += 0x10000
                if (!socket.write(chunk)) return void socket.once('drain', pump)
              }
              resolve()
            }
            socket.once('close', () => resolve())
            pump()
          })
          streamed = await answer
          // A post that announces a body and breaks off.
          const broken = connect(port, '127.0.0.1').on('error', () => undefined)
          broken.write(`POST / HTTP/1.1\r\nHost: localhost:${port}\r\nContent-Length: 1000\r\n\r\naccess_token=forged&state=${stateIn(opened)}`)
          await new Promise((resolve) => setTimeout(resolve, 50))
          broken.destroy()
          return `http://localhost:${port}/#access_token=real&state=${stateIn(opened)}`
        },
      })

      const answer = await session.get(api.url, { auth })

      await tab.assertSuccess()
      expect(answer.text).to.equal('Bearer real')
      // The 413 goes out first; a reset that overtakes it on a busy machine leaves no answer (0).
      expect(streamed?.status).to.be.oneOf([413, 0])
      expect(written).to.be.below(16 * 1024 * 1024)
    })
  })

  describe('the issuer of the answer (RFC 9207, attack 13)', () => {
    it('ends the flow with IssuerMismatchError when the callback with the flow state names another issuer, before any token request', async () => {
      let tokenRequests = 0
      await using idp = await startServer((_request, response) => {
        tokenRequests += 1
        response.writeHead(200, { 'Content-Type': 'application/json' }).end('{"access_token":"should-not-be-asked","token_type":"Bearer"}')
      })
      const auth = new OAuth2AuthorizationCodePKCE('https://idp.test/authorize', `${idp.url}/token`, {
        clientId: 'app',
        redirectUriPort: port,
        issuer: 'https://idp.test',
      })
      let openedAt = ''
      browser.addResponse({
        openedUrl: () => true,
        replyUrl: (opened) => {
          openedAt = opened
          return `http://localhost:${port}/?code=c-1&state=${stateIn(opened)}&iss=${encodeURIComponent('https://attacker.test')}`
        },
      })

      const error = await session.get(idp.url, { auth }).catch((e: unknown) => e)

      expect(error).to.be.instanceOf(IssuerMismatchError).and.include({ expected: 'https://idp.test', code: 'ERR_ISSUER_MISMATCH' })
      expect(tokenRequests).to.equal(0)
      // The issuer is a setting, not a parameter of the authorization request.
      expect(new URL(openedAt).searchParams.has('issuer')).to.equal(false)
    })

    it('takes a callback whose iss matches, and with issuerParameterRequired refuses one without iss', async () => {
      await using idp = await startServer((request, response) => {
        if (request.url === '/token') {
          response.writeHead(200, { 'Content-Type': 'application/json' }).end('{"access_token":"from-idp","token_type":"Bearer"}')
          return
        }
        response.end(request.headers.authorization ?? '')
      })
      const matching = new OAuth2AuthorizationCode('https://idp.test/authorize', `${idp.url}/token`, {
        clientId: 'app',
        redirectUriPort: port,
        issuer: 'https://idp.test',
      })
      browser.addResponse({
        openedUrl: () => true,
        replyUrl: (opened) => `http://localhost:${port}/?code=c-2&state=${stateIn(opened)}&iss=${encodeURIComponent('https://idp.test')}`,
      })
      expect((await session.get(`${idp.url}/api`, { auth: matching })).text).to.equal('Bearer from-idp')

      const strict = new OAuth2AuthorizationCode('https://idp.test/authorize', `${idp.url}/token`, {
        clientId: 'other',
        redirectUriPort: port,
        issuer: 'https://idp.test',
        issuerParameterRequired: true,
      })
      browser.addResponse({ openedUrl: () => true, replyUrl: (opened) => `http://localhost:${port}/?code=c-3&state=${stateIn(opened)}` })
      const error = await session.get(`${idp.url}/api`, { auth: strict }).catch((e: unknown) => e)
      expect(error).to.be.instanceOf(IssuerMismatchError)
    })

    it('refuses an issuer that is not a URL', () => {
      expect(() => new OAuth2Implicit('https://idp.test/authorize', { clientId: 'app', issuer: 'idp' })).to.throw(ConfigurationError, 'issuer')
    })
  })
})
