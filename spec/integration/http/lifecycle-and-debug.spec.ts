import { expect } from 'chai'
import { execFile } from 'node:child_process'
import { Agent, createServer, type Server } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import nock from 'nock'
import { Session } from '../../../lib/index.js'

const run = promisify(execFile)
const root = fileURLToPath(new URL('../../..', import.meta.url))

/** A loopback server that counts the TCP connections it accepts and knows which are still open. */
async function startCountingServer(): Promise<{ url: string; accepted: () => number; open: Set<Socket>; server: Server }> {
  const open = new Set<Socket>()
  let accepted = 0
  const server = createServer((request, response) => {
    request.resume()
    if (request.url === '/redirect') {
      response.writeHead(302, { Location: '/done' }).end()
      return
    }
    response.end('ok')
  })
  server.on('connection', (socket) => {
    accepted++
    open.add(socket)
    socket.on('close', () => open.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, accepted: () => accepted, open, server }
}

async function waitUntil(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10))
}

describe('Session lifecycle', () => {
  let counting: Awaited<ReturnType<typeof startCountingServer>>
  before(async () => {
    // nock's interceptor turns pass-through requests into Connection: close ones; keep-alive is
    // what these specs check, so it is off while they run.
    nock.restore()
    counting = await startCountingServer()
  })
  after(async () => {
    counting.server.closeAllConnections()
    await new Promise<void>((resolve) => counting.server.close(() => resolve()))
    nock.activate()
  })

  it('reuses one keep-alive connection across requests and redirect hops', async () => {
    const before = counting.accepted()
    const session = new Session({ baseUrl: counting.url })

    for (let i = 0; i < 3; i++) await session.get('/get')
    await session.get('/redirect')

    expect(counting.accepted() - before).to.equal(1)
    await session.close()
  })

  it('uses an agent given in the options for every request, and leaves it open on close()', async () => {
    const agent = new Agent({ keepAlive: true })
    let created = 0
    const original = agent.createConnection.bind(agent)
    agent.createConnection = ((...args: Parameters<typeof original>) => {
      created++
      return original(...args)
    }) as typeof agent.createConnection
    const session = new Session({ baseUrl: counting.url, agent: { http: agent } })

    await session.get('/get')
    await session.get('/redirect')
    await session.close()
    const afterClose = await session.get('/get')

    expect(created).to.equal(1)
    expect(afterClose.status).to.equal(200)
    agent.destroy()
  })

  it('closes its sockets with close(), and with await using', async () => {
    const explicit = new Session({ baseUrl: counting.url })
    await explicit.get('/get')
    const openBefore = counting.open.size
    await explicit.close()
    await waitUntil(() => counting.open.size === 0)
    const openAfterClose = counting.open.size
    {
      await using scoped = new Session({ baseUrl: counting.url })
      await scoped.get('/get')
    }
    await waitUntil(() => counting.open.size === 0)

    expect(openBefore).to.equal(1)
    expect(openAfterClose).to.equal(0)
    expect(counting.open.size).to.equal(0)
  })
})

describe('debug logging with NODE_DEBUG=oauth-sessions', () => {
  it('logs method, URL, status and time with credentials redacted', async () => {
    const script = `
      import { Session } from './lib/index.js'
      import { startSandbox } from './lib/testing/index.js'
      const sandbox = await startSandbox()
      const session = new Session({ baseUrl: sandbox.url, headers: { Authorization: 'Bearer header-secret' } })
      await session.get('/get', { params: { access_token: 'query-secret', page: 2 } })
      await session.close()
      await sandbox.close()`

    const { stderr } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: root,
      env: { ...process.env, NODE_DEBUG: 'oauth-sessions' },
      timeout: 8_000,
    })

    expect(stderr).to.match(/OAUTH-SESSIONS \d+: GET http:\/\/127\.0\.0\.1:\d+\/get\?access_token=\[redacted\]&page=2 -> 200 OK \(\d+ ms\)/)
    expect(stderr).to.not.include('query-secret')
    expect(stderr).to.not.include('header-secret')
  })
})
