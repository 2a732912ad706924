import { expect } from 'chai'
import { inspect } from 'node:util'
import { AbortError, ConnectionError, Session, TimeoutError } from '../../../lib/index.js'
import { startSandbox, type Sandbox } from '../../../lib/testing/index.js'
import { startServer } from '../../support/servers.js'

/** A loopback URL nothing listens on: a server was there a moment ago. */
async function closedUrl(): Promise<string> {
  const closed = await startServer()
  await closed.close()
  return closed.url
}

describe('timeouts and connection failures', () => {
  let sandbox: Sandbox
  before(async () => {
    sandbox = await startSandbox()
  })
  after(() => sandbox.close())

  it('throws TimeoutError when the answer is slower than the timeout', async () => {
    const session = new Session({ baseUrl: sandbox.url, timeout: 100 })

    const error = await session.get('/delay/2000', { params: { access_token: 'tok-9' } }).catch((e: unknown) => e)

    expect(error).to.be.instanceOf(TimeoutError).and.include({ method: 'GET' })
    expect((error as TimeoutError).phase).to.be.oneOf(['response', 'socket'])
    expect((error as Error).message)
      .to.include('timed out after 100 ms')
      .and.include('access_token=[redacted]')
    expect(inspect(error)).to.not.include('tok-9')
    await session.close()
  })

  it('lets a request override the session timeout, and null waits', async () => {
    const session = new Session({ baseUrl: sandbox.url, timeout: 50 })

    const slow = await session.get('/delay/150', { timeout: null })
    const readOnly = await session.get('/delay/150', { timeout: { connect: 1000, read: 2000 } })

    expect(slow.status).to.equal(200)
    expect(readOnly.status).to.equal(200)
    await session.close()
  })

  it('throws ConnectionError with the system code when nothing listens', async () => {
    const url = await closedUrl()
    const session = new Session()

    const error = await session.get(`${url}/x`).catch((e: unknown) => e)

    expect(error).to.be.instanceOf(ConnectionError).and.include({ code: 'ECONNREFUSED' })
    expect((error as Error).message).to.include('Nothing is listening there')
    await session.close()
  })

  it('keeps credentials out of a connection error, its message and its cause', async () => {
    const url = await closedUrl()
    const session = new Session({ headers: { Authorization: 'Bearer header-secret' } })

    const error = await session.get(`${url}/x`, { params: { client_secret: 'param-secret' } }).catch((e: unknown) => e)

    expect(error).to.be.instanceOf(ConnectionError).and.include({ code: 'ECONNREFUSED' })
    const shown = `${inspect(error, { depth: 10 })} ${String(error)} ${JSON.stringify(error)}`
    expect(shown).to.not.include('header-secret')
    expect(shown).to.not.include('param-secret')
    await session.close()
  })

  it('retries a reset connection when retry is on', async () => {
    let requests = 0
    await using flaky = await startServer((request, response) => {
      requests++
      if (requests === 1) {
        request.socket.destroy()
        return
      }
      response.end('second try')
    })
    const session = new Session({ retry: { limit: 2, backoffFactor: 0 } })

    const response = await session.get(`${flaky.url}/flaky`)

    expect(response.text).to.equal('second try')
    expect(requests).to.equal(2)
    await session.close()
  })

  it('surfaces a reset connection as ConnectionError without retry', async () => {
    await using reset = await startServer((request) => request.socket.destroy())
    const session = new Session()

    const error = await session.get(`${reset.url}/reset`).catch((e: unknown) => e)

    expect(error).to.be.instanceOf(ConnectionError).and.include({ code: 'ECONNRESET' })
    await session.close()
  })

  it('cancels a request when its signal aborts', async () => {
    const session = new Session({ baseUrl: sandbox.url })
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 50)

    const error = await session.get('/delay/2000', { signal: controller.signal }).catch((e: unknown) => e)

    expect(error).to.be.instanceOf(AbortError).and.have.property('name', 'AbortError')
    await session.close()
  })
})
