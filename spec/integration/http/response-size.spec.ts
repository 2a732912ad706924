import { expect } from 'chai'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { BackendApplicationClient, OAuth2Session, ResponseTooLargeError, Session } from '../../../lib/index.js'
import { startServer } from '../../support/servers.js'

const MiB = 1024 * 1024

describe('response size caps (#14, attack 6)', () => {
  it('refuses a body over maxResponseSize announced by Content-Length, before reading it', async () => {
    let finished = false
    await using api = await startServer((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(8 * MiB) })
      response.write(Buffer.alloc(64 * 1024))
      // The rest never comes: a client that waited for it would time out instead.
      response.on('close', () => {
        finished = true
      })
    })
    const session = new Session({ maxResponseSize: MiB, timeout: 5000 })
    try {
      const error = await session.get(`${api.url}/big?access_token=tok-size-1`).catch((e: unknown) => e)

      expect(error).to.be.instanceOf(ResponseTooLargeError).and.include({ code: 'ERR_RESPONSE_TOO_LARGE', limit: MiB, method: 'GET' })
      expect((error as Error).message)
        .to.include('maxResponseSize')
        .and.include('access_token=[redacted]')
        .and.not.include('tok-size-1')
      await new Promise((resolve) => setTimeout(resolve, 50))
      expect(finished, 'the connection was closed').to.equal(true)
    } finally {
      await session.close()
    }
  })

  it('stops reading a chunked body at the cap', async () => {
    let sent = 0
    await using api = await startServer((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'text/plain' })
      const chunk = Buffer.alloc(64 * 1024, 'a')
      const pump = (): void => {
        while (sent < 64 * MiB && !response.destroyed) {
          sent += chunk.length
          if (!response.write(chunk)) {
            response.once('drain', pump)
            return
          }
        }
        response.end()
      }
      pump()
    })
    const session = new Session({ maxResponseSize: 256 * 1024 })
    try {
      const error = await session.get(`${api.url}/stream`).catch((e: unknown) => e)

      expect(error).to.be.instanceOf(ResponseTooLargeError)
      expect((error as ResponseTooLargeError).received).to.be.above(256 * 1024)
      expect(sent, 'the server was not read to the end').to.be.below(64 * MiB)
    } finally {
      await session.close()
    }
  })

  it('bounds decompression: a gzip bomb to a token endpoint ends at the token cap', async () => {
    // In a child process without nock (see the fixture for why).
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../../fixtures/http/gzip-bomb.ts', import.meta.url))], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    try {
      let output = ''
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString()
      })
      const [code] = (await once(child, 'exit')) as [number]
      expect(code).to.equal(0)
      const result = JSON.parse(output) as Record<string, number | string>

      expect(result).to.include({ name: 'ResponseTooLargeError', limit: MiB, option: 'maxTokenResponseSize' })
      // The bomb inflates to 256 MiB from a quarter of a MiB on the wire: reading stopped at the cap.
      expect(result.received)
        .to.be.above(MiB)
        .and.below(2 * MiB)
      expect(result.grownBuffers).to.be.below(32 * MiB)
    } finally {
      child.kill()
    }
  })

  it('lets an option raise the token cap, and a request raise or lift the API cap', async () => {
    const body = JSON.stringify({ access_token: 'tok-size-2', token_type: 'Bearer', padding: 'x'.repeat(2 * MiB) })
    await using idp = await startServer((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json' })
      response.end(body)
    })
    const session = new OAuth2Session('client-1', {
      client: new BackendApplicationClient('client-1'),
      insecureTransport: true,
      maxTokenResponseSize: 4 * MiB,
      maxResponseSize: MiB,
    })
    try {
      const token = await session.fetchToken(`${idp.url}/token`, { clientSecret: 'secret-size-2' })
      expect(token.access_token).to.equal('tok-size-2')

      const capped = await session.get(`${idp.url}/api`).catch((e: unknown) => e)
      expect(capped).to.be.instanceOf(ResponseTooLargeError).and.include({ limit: MiB })
      const lifted = await session.get(`${idp.url}/api`, { maxResponseSize: null })
      expect(lifted.content.length).to.equal(Buffer.byteLength(body))
    } finally {
      await session.close()
    }
  })

  it('refuses a cap that is not a non-negative integer or null', () => {
    for (const value of [-1, 1.5, '1MB', Number.NaN]) {
      expect(() => new Session({ maxResponseSize: value as number }), String(value)).to.throw('maxResponseSize')
    }
    expect(() => new OAuth2Session('c', { maxTokenResponseSize: -5 })).to.throw('maxTokenResponseSize')
  })
})
