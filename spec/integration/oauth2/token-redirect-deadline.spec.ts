import { expect } from 'chai'
import nock from 'nock'
import { OAuth2ClientCredentials, Session, setTokenCache, TimeoutError, TokenMemoryCache, TokenRedirectRefusedError } from '../../../lib/index.js'
import { startServer } from '../../support/servers.js'

// Issue #14, attack 14: the token endpoint's same-origin 307/308 chain sent each hop as a request
// of its own, so a Session `deadline` started again at every hop.
describe('the token endpoint redirect chain (#14, attack 14)', () => {
  before(() => {
    nock.restore()
  })
  after(() => {
    nock.activate()
    setTokenCache(new TokenMemoryCache())
  })
  beforeEach(() => setTokenCache(new TokenMemoryCache()))

  it('is bounded as a whole by the deadline: slow same-origin 307s end in TimeoutError (deadline)', async () => {
    const hops: string[] = []
    await using idp = await startServer((request, response) => {
      hops.push(request.url ?? '')
      request.resume()
      const timer = setTimeout(() => {
        response.writeHead(307, { Location: `/token/${hops.length}` })
        response.end()
      }, 800)
      response.once('close', () => clearTimeout(timer))
    })
    await using session = new Session({ deadline: 1000 })
    await using client = new Session()
    await using api = await startServer((_request, response) => response.end('ok'))
    const auth = new OAuth2ClientCredentials(`${idp.url}/token`, 'cid', 'CS', { session })
    const started = Date.now()
    const error = await client.get(api.url, { auth }).then(
      () => undefined,
      (caught: unknown) => caught,
    )
    expect(error).to.be.instanceOf(TimeoutError)
    expect(error).to.include({ phase: 'deadline', code: 'ERR_TIMEOUT' })
    expect((error as TimeoutError).message).to.include('after 1000 ms')
    expect(Date.now() - started).to.be.below(1600)
    expect(hops).to.have.length(2)
  })

  it('says "too many same-origin redirects" when the hop limit ends the chain', async () => {
    let hops = 0
    await using idp = await startServer((request, response) => {
      hops += 1
      request.resume()
      response.writeHead(307, { Location: `/token/${hops}` })
      response.end()
    })
    await using api = await startServer((_request, response) => response.end('ok'))
    await using session = new Session()
    await using client = new Session()
    const auth = new OAuth2ClientCredentials(`${idp.url}/token`, 'cid', 'CS', { session })
    const error = await client.get(api.url, { auth }).then(
      () => undefined,
      (caught: unknown) => caught,
    )
    expect(error).to.be.instanceOf(TokenRedirectRefusedError)
    expect(error).to.include({ status: 307, code: 'ERR_TOKEN_REDIRECT_REFUSED' })
    expect((error as Error).message)
      .to.include('too many same-origin redirects')
      .and.not.include('credentials are not sent there')
    expect(hops).to.equal(6)
  })
})
