import { expect } from 'chai'
import { performance } from 'node:perf_hooks'
import { AbortError, Session, TimeoutError } from '../../../lib/index.js'
import { startServer } from '../../support/servers.js'

describe('whole-request deadline and AbortSignal (#14, attack 14)', () => {
  it('ends a trickled reply at the deadline, though each read is within the timeout', async () => {
    await using api = await startServer((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'text/plain' })
      const timer = setInterval(() => response.write('.'), 50)
      response.on('close', () => clearInterval(timer))
    })
    const session = new Session({ timeout: 1000, deadline: 300 })
    try {
      const started = performance.now()
      const error = await session.get(`${api.url}/trickle?access_token=tok-deadline-1`).catch((e: unknown) => e)
      const took = performance.now() - started

      expect(error).to.be.instanceOf(TimeoutError).and.include({ phase: 'deadline', method: 'GET', code: 'ERR_TIMEOUT' })
      expect((error as Error).message)
        .to.include('after 300 ms')
        .and.include('access_token=[redacted]')
        .and.not.include('tok-deadline-1')
      expect(took, 'the deadline, not some earlier failure, ended it').to.be.at.least(250)
      expect(took).to.be.below(2000)
    } finally {
      await session.close()
    }
  })

  it('counts redirects against one deadline, and a request may set or lift its own', async () => {
    let hops = 0
    await using api = await startServer((request, response) => {
      hops += 1
      const step = Number(new URL(request.url ?? '/', 'http://x').searchParams.get('step') ?? 0)
      setTimeout(() => {
        if (step >= 5) response.end('done')
        else response.writeHead(302, { Location: `/hop?step=${step + 1}` }).end()
      }, 80)
    })
    const session = new Session({ deadline: 250 })
    try {
      const error = await session.get(`${api.url}/hop?step=0`).catch((e: unknown) => e)
      expect(error).to.be.instanceOf(TimeoutError).and.include({ phase: 'deadline' })
      expect(hops).to.be.below(6)
      expect(hops, 'the redirects were followed until the deadline').to.be.at.least(2)

      const lifted = await session.get(`${api.url}/hop?step=0`, { deadline: null })
      expect(lifted.text).to.equal('done')
      const own = await session.get(`${api.url}/hop?step=3`, { deadline: 5000 })
      expect(own.text).to.equal('done')
    } finally {
      await session.close()
    }
  })

  it('counts retries and their back-off against the deadline', async () => {
    let attempts = 0
    await using api = await startServer((_request, response) => {
      attempts += 1
      response.writeHead(503, { 'Retry-After': '1' }).end()
    })
    const session = new Session({ deadline: 200, retry: { limit: 5 } })
    try {
      const started = performance.now()
      const error = await session.get(`${api.url}/busy`).catch((e: unknown) => e)

      expect(error).to.be.instanceOf(TimeoutError).and.include({ phase: 'deadline' })
      expect(performance.now() - started, 'the deadline, not the first answer, ended it').to.be.at.least(150)
      expect(performance.now() - started).to.be.below(900)
      expect(attempts).to.equal(1)
    } finally {
      await session.close()
    }
  })

  it('turns an abort during a retry back-off into AbortError, not a raw DOMException', async () => {
    await using api = await startServer((_request, response) => {
      response.writeHead(503, { 'Retry-After': '5' }).end()
    })
    const session = new Session({ retry: { limit: 3 } })
    try {
      const controller = new AbortController()
      setTimeout(() => controller.abort(), 100)
      const error = await session.get(`${api.url}/busy?api_key=key-abort-1`, { signal: controller.signal }).catch((e: unknown) => e)

      expect(error).to.be.instanceOf(AbortError).and.include({ code: 'ERR_ABORTED', method: 'GET' })
      expect((error as Error).message).to.not.include('key-abort-1')
    } finally {
      await session.close()
    }
  })

  it('keeps a caller abort an AbortError when a deadline is set too', async () => {
    await using api = await startServer(() => {
      // Never answers.
    })
    const session = new Session({ deadline: 5000 })
    try {
      const controller = new AbortController()
      setTimeout(() => controller.abort(), 50)
      const error = await session.get(`${api.url}/never`, { signal: controller.signal }).catch((e: unknown) => e)

      expect(error).to.be.instanceOf(AbortError)
    } finally {
      await session.close()
    }
  })

  it('refuses a deadline that is not a non-negative number or null', () => {
    for (const value of [-1, '5s', Number.POSITIVE_INFINITY]) {
      expect(() => new Session({ deadline: value as number }), String(value)).to.throw('deadline')
    }
  })
})
