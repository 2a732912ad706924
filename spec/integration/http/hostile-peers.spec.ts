import { expect } from 'chai'
import { createServer, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'
import { performance } from 'node:perf_hooks'
import { AbortError, ConnectionError, OAuth2Session, Session } from '../../../lib/index.js'

/** A TCP server that answers every connection with `reply`, then keeps the socket open; closed by `await using`. */
async function rawServer(reply: string) {
  const sockets = new Set<Socket>()
  const server = createServer((socket) => {
    sockets.add(socket)
    socket.on('error', () => undefined)
    socket.once('data', () => socket.write(reply))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const close = (): Promise<void> =>
    new Promise((resolve) => {
      for (const socket of sockets) socket.destroy()
      server.close(() => resolve())
    })
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, [Symbol.asyncDispose]: close }
}

const SWITCH = 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n'

describe('peers that do not answer as HTTP servers do (#14, parser families)', () => {
  it('ends a 101 Switching Protocols answer with a typed ConnectionError at once, instead of hanging', async () => {
    await using peer = await rawServer(SWITCH)
    const session = new Session({ timeout: 500 })
    try {
      const started = performance.now()
      const error = await session.get(`${peer.url}/api?access_token=tok-101`).catch((e: unknown) => e)

      expect(error).to.be.instanceOf(ConnectionError).and.include({ code: 'ERR_UNEXPECTED_UPGRADE' })
      expect((error as Error).message)
        .to.include('101')
        .and.not.include('tok-101')
      expect(performance.now() - started).to.be.below(2000)
    } finally {
      await session.close()
    }
  })

  it('ends a token request answered with 101 the same way', async () => {
    await using peer = await rawServer(SWITCH)
    const session = new OAuth2Session('client-1', { timeout: 500, insecureTransport: true, pkce: false })
    try {
      const error = await session.fetchToken(`${peer.url}/token`, { code: 'code-101' }).catch((e: unknown) => e)

      expect(error).to.be.instanceOf(ConnectionError).and.include({ code: 'ERR_UNEXPECTED_UPGRADE' })
    } finally {
      await session.close()
    }
  })

  it("reports a caller's AbortSignal.timeout() as AbortError, not as a timeout of the request's own", async () => {
    await using peer = await rawServer('')
    const session = new Session()
    try {
      const error = await session.get(`${peer.url}/never`, { signal: AbortSignal.timeout(100) }).catch((e: unknown) => e)

      expect(error).to.be.instanceOf(AbortError)
    } finally {
      await session.close()
    }
  })
})
