import { expect } from 'chai'
import nock from 'nock'
import { readFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { connect } from 'node:net'
import { fileURLToPath } from 'node:url'
import { ConnectionError, OAuth2Session, Session } from '../../../lib/index.js'
import { clearDiscoveryCache } from '../../../lib/oauth2/discovery.js'
import { startSandbox, type EchoBody, type Sandbox } from '../../../lib/testing/index.js'
import { closeAfterAll, type LoopbackServer, startServer, startTlsServer } from '../../support/servers.js'

const fixture = (name: string): string => fileURLToPath(new URL(`../../fixtures/tls/${name}`, import.meta.url))
const certFile = fixture('localhost-cert.pem')
const keyFile = fixture('localhost-key.pem')

interface ProxyLog {
  requests: { target: string; proxyAuthorization: string | undefined }[]
  tunnels: { target: string; proxyAuthorization: string | undefined }[]
}

/** A forward proxy: absolute-form requests for http targets, CONNECT tunnels for https ones. */
async function startProxy(): Promise<LoopbackServer & { log: ProxyLog }> {
  const log: ProxyLog = { requests: [], tunnels: [] }
  const proxy = await startServer((request, response) => {
    log.requests.push({ target: request.url ?? '', proxyAuthorization: request.headers['proxy-authorization'] })
    const headers = { ...request.headers }
    delete headers['proxy-authorization']
    const upstream = httpRequest(request.url ?? '', { method: request.method, headers }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(response)
    })
    request.pipe(upstream)
  })
  proxy.server.on('connect', (request, socket, head) => {
    log.tunnels.push({ target: request.url ?? '', proxyAuthorization: request.headers['proxy-authorization'] })
    const [host, port] = (request.url ?? '').split(':')
    const upstream = connect(Number(port), host ?? '127.0.0.1', () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      upstream.write(head)
      upstream.pipe(socket)
      socket.pipe(upstream)
    })
    upstream.on('error', () => socket.destroy())
    socket.on('error', () => upstream.destroy())
  })
  return Object.assign(proxy, { log })
}

function withEnv(values: Record<string, string | undefined>): () => void {
  const saved = Object.fromEntries(Object.keys(values).map((name) => [name, process.env[name]]))
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) delete process.env[name]
    else process.env[name] = value
  }
  return () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
  }
}

describe('proxies', () => {
  let sandbox: Sandbox
  let proxy: Awaited<ReturnType<typeof startProxy>>
  let restoreEnv: () => void
  const closeLater = closeAfterAll()
  before(async () => {
    // nock's interceptor cannot pass a request through a proxy agent (agent-base gets no socket):
    // switch it off while these specs talk to real loopback servers only.
    nock.restore()
    sandbox = await closeLater(startSandbox())
    proxy = await closeLater(startProxy())
  })
  after(() => {
    nock.activate()
  })
  beforeEach(() => {
    proxy.log.requests.length = 0
    proxy.log.tunnels.length = 0
    restoreEnv = withEnv({ HTTP_PROXY: undefined, http_proxy: undefined, NO_PROXY: undefined, no_proxy: undefined, ALL_PROXY: undefined, all_proxy: undefined })
  })
  afterEach(() => restoreEnv())

  it('sends http requests to the proxy in absolute form, as requests does', async () => {
    const session = new Session({ proxies: { http: proxy.url } })

    const response = await session.get(`${sandbox.url}/get`, { params: { via: 'proxy' } })

    expect(response.json<EchoBody>().args).to.deep.equal({ via: 'proxy' })
    expect(proxy.log.requests.map((entry) => entry.target)).to.deep.equal([`${sandbox.url}/get?via=proxy`])
    await session.close()
  })

  it('sends a POST through the proxy once, body and all (a token request must not be sent twice)', async () => {
    const session = new Session({ proxies: { http: proxy.url } })

    const response = await session.post(`${sandbox.url}/post`, { data: { grant_type: 'password', password: 'pw-once' } })
    // A second one on the kept-alive proxy connection, with a body of many chunks.
    const large = await session.post(`${sandbox.url}/post`, { data: { big: 'x'.repeat(200_000) } })

    expect(response.json<EchoBody>().form).to.deep.equal({ grant_type: 'password', password: 'pw-once' })
    expect(large.json<EchoBody>().form?.big?.length).to.equal(200_000)
    expect(proxy.log.requests.map((entry) => entry.target)).to.deep.equal([`${sandbox.url}/post`, `${sandbox.url}/post`])
    await session.close()
  })

  it('sends discovery (RFC 8414) through the session proxy, and the device flow after it', async () => {
    clearDiscoveryCache()
    await using session = await OAuth2Session.discover(sandbox.oauth2.issuer, sandbox.oauth2.clientId, { proxies: { http: proxy.url } })

    await session.deviceAuthorization()

    expect(session.metadata?.issuer).to.equal(sandbox.oauth2.issuer)
    expect(proxy.log.requests.map((entry) => new URL(entry.target).pathname)).to.deep.equal([
      '/.well-known/oauth-authorization-server',
      new URL(sandbox.oauth2.deviceAuthorizationUrl).pathname,
    ])
  })

  it('sends proxy credentials to the proxy only, never to the target', async () => {
    const withCredentials = proxy.url.replace('http://', 'http://puser:ppass@')
    const session = new Session({ proxies: { http: withCredentials } })

    const response = await session.get(`${sandbox.url}/headers`)

    expect(proxy.log.requests[0]?.proxyAuthorization).to.equal(`Basic ${Buffer.from('puser:ppass').toString('base64')}`)
    expect(response.json<{ headers: Record<string, string> }>().headers).to.not.have.property('proxy-authorization')
    expect(JSON.stringify(session)).to.not.include('ppass')
    await session.close()
  })

  it('honours HTTP_PROXY from the environment by default, as requests (trust_env)', async () => {
    process.env.HTTP_PROXY = proxy.url
    const session = new Session()

    await session.get(`${sandbox.url}/get`)

    expect(proxy.log.requests).to.have.length(1)
    await session.close()
  })

  it('goes direct with trustEnv: false, and for hosts listed in NO_PROXY', async () => {
    process.env.HTTP_PROXY = proxy.url
    const untrusting = new Session({ trustEnv: false })
    await untrusting.get(`${sandbox.url}/get`)
    process.env.NO_PROXY = '127.0.0.1'
    const bypassing = new Session()
    await bypassing.get(`${sandbox.url}/get`)

    expect(proxy.log.requests).to.have.length(0)
    await untrusting.close()
    await bypassing.close()
  })

  it('goes direct for hosts in the no_proxy entry of the proxies option', async () => {
    const session = new Session({ proxies: { http: proxy.url, no_proxy: 'example.test, 127.0.0.1' } })

    await session.get(`${sandbox.url}/get`)

    expect(proxy.log.requests).to.have.length(0)
    await session.close()
  })

  it('tunnels https through CONNECT', async () => {
    await using tls = await startTlsServer({ cert: readFileSync(certFile), key: readFileSync(keyFile) }, (_request, response) => {
      response.end('over tls')
    })
    const { port } = tls
    const session = new Session({ proxies: { https: proxy.url }, verify: certFile })

    const response = await session.get(`https://127.0.0.1:${port}/secure`)

    expect(response.text).to.equal('over tls')
    expect(proxy.log.tunnels.map((entry) => entry.target)).to.deep.equal([`127.0.0.1:${port}`])
    await session.close()
  })
})

describe('TLS options', () => {
  let url: string
  const closeLater = closeAfterAll()
  before(async () => {
    const tls = await closeLater(
      startTlsServer(
        { cert: readFileSync(certFile), key: readFileSync(keyFile), ca: readFileSync(certFile), requestCert: true, rejectUnauthorized: false },
        (request, response) => {
          const socket = request.socket as import('node:tls').TLSSocket
          response.end(JSON.stringify({ clientCertificate: socket.authorized }))
        },
      ),
    )
    url = `${tls.url}/`
  })

  it('refuses a self-signed certificate by default with a ConnectionError that says what to do', async () => {
    const session = new Session()

    const error = await session.get(url).catch((e: unknown) => e)

    expect(error).to.be.instanceOf(ConnectionError)
    expect((error as ConnectionError).code).to.match(/SELF_SIGNED|UNABLE_TO_VERIFY/)
    expect((error as Error).message).to.include('pass the CA with the ca option')
    await session.close()
  })

  it('accepts it with verify: false, with verify as a CA bundle path, and with ca contents', async () => {
    const sessions = [new Session({ verify: false }), new Session({ verify: certFile }), new Session({ ca: readFileSync(certFile) })]

    const answers = await Promise.all(sessions.map((session) => session.get(url)))

    expect(answers.map((response) => response.status)).to.deep.equal([200, 200, 200])
    await Promise.all(sessions.map((session) => session.close()))
  })

  it('presents a client certificate given as [certFile, keyFile]', async () => {
    const session = new Session({ verify: certFile, cert: [certFile, keyFile] })
    const anonymous = new Session({ verify: certFile })

    const mutual = await session.get(url)
    const plain = await anonymous.get(url)

    expect(mutual.json()).to.deep.equal({ clientCertificate: true })
    expect(plain.json()).to.deep.equal({ clientCertificate: false })
    await session.close()
    await anonymous.close()
  })
})
