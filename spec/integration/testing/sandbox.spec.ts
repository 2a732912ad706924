import { expect } from 'chai'
import { request as httpRequest } from 'node:http'
import { startSandbox, type EchoBody, type Sandbox } from '../../../lib/testing/index.js'
import { installClock, runUntilSettled, untilTimers } from '../../support/fake-clock.js'

/** A raw node:http GET, so the sandbox is checked by a client that is not ours. */
function rawGet(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { headers, agent: false }, (response) => {
      let body = ''
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => (body += chunk))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }))
    })
    request.on('error', reject)
    request.end()
  })
}

describe('the sandbox provider', () => {
  let sandbox: Sandbox
  before(async () => {
    sandbox = await startSandbox({ maxDelay: 500 })
  })
  after(() => sandbox.close())

  it('listens on two loopback origins that differ only in port', () => {
    const [main, other] = [new URL(sandbox.url), new URL(sandbox.otherUrl)]

    expect(main.hostname).to.equal('127.0.0.1')
    expect(other.hostname).to.equal('127.0.0.1')
    expect(main.port).to.not.equal(other.port)
  })

  it('echoes method, path, raw query, grouped args, headers and cookies', async () => {
    const response = await rawGet(`${sandbox.url}/anything/x?b=2&a=1&a=3`, { Cookie: 'k=v; z=1', 'X-Name': 'val' })

    const echo = JSON.parse(response.body) as EchoBody
    expect(echo).to.deep.include({ method: 'GET', path: '/anything/x', query: 'b=2&a=1&a=3', args: { b: '2', a: ['1', '3'] } })
    expect(echo.cookies).to.deep.equal({ k: 'v', z: '1' })
    expect(echo.headers['x-name']).to.equal('val')
    expect(echo.headerNames).to.include('X-Name')
  })

  it('answers /status/:code with that status, redirecting for 3xx', async () => {
    const teapot = await rawGet(`${sandbox.url}/status/418`)
    const moved = await rawGet(`${sandbox.url}/status/301`)
    const unauthorized = await rawGet(`${sandbox.url}/status/401`)

    expect(teapot.status).to.equal(418)
    expect(moved).to.deep.include({ status: 301 })
    expect(moved.headers.location).to.equal('/get')
    expect(unauthorized.headers['www-authenticate']).to.equal('Basic realm="sandbox"')
  })

  it('checks bearer tokens without echoing them', async () => {
    const ok = await rawGet(`${sandbox.url}/bearer`, { Authorization: 'Bearer abc123' })
    const missing = await rawGet(`${sandbox.url}/bearer`)

    expect(JSON.parse(ok.body)).to.deep.equal({ authenticated: true, tokenLength: 6 })
    expect(ok.body).to.not.include('abc123')
    expect(missing.status).to.equal(401)
  })

  it('delays /delay/:ms by at most maxDelay', async () => {
    using clock = installClock()
    const started = Date.now()

    const response = await runUntilSettled(clock, rawGet(`${sandbox.url}/delay/60000`))

    expect(response.status).to.equal(200)
    expect(Date.now() - started).to.equal(500)
  })

  it('redirects /redirect-to to any URL with the status asked for, and refuses a non-3xx status', async () => {
    const to = await rawGet(`${sandbox.url}/redirect-to?url=${encodeURIComponent(`${sandbox.otherUrl}/get`)}&status_code=308`)
    const bad = await rawGet(`${sandbox.url}/redirect-to?url=/get&status_code=200`)

    expect(to.status).to.equal(308)
    expect(to.headers.location).to.equal(`${sandbox.otherUrl}/get`)
    expect(bad.status).to.equal(400)
  })

  it('answers an unknown path with a 404 JSON error body', async () => {
    const response = await rawGet(`${sandbox.url}/nope`)

    expect(response.status).to.equal(404)
    expect(JSON.parse(response.body)).to.deep.include({ error: 'not_found' })
  })

  it('closes even while a slow answer is pending', async () => {
    await using own = await startSandbox()
    using clock = installClock()
    const pending = rawGet(`${own.url}/delay/5000`).catch((error: unknown) => error)
    await untilTimers(clock)

    await own.close()

    expect(await pending).to.be.instanceOf(Error)
  })
})
