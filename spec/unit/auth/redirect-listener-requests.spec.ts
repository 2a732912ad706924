import { expect } from 'chai'
import nock from 'nock'
import { request as httpRequest } from 'node:http'
import { ConfigurationError, OAuth2AuthorizationCode, OAuth2Implicit, Session } from '../../../lib/index.js'
import { BrowserMock, useTokenCache, type TokenCacheHandle } from '../../../lib/testing/index.js'
import { freePort } from '../../support/free-port.js'

/** A raw request to the listener, as a browser or another program on the machine would send. */
function raw(method: string, url: string): Promise<{ status: number; body: string; allow: string | undefined }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method, agent: false }, (response) => {
      let body = ''
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => (body += chunk))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body, allow: response.headers.allow }))
    })
    request.on('error', reject)
    request.end()
  })
}

describe('the redirect listener answers requests that are not the grant', () => {
  let browser: BrowserMock
  let cache: TokenCacheHandle
  let session: Session
  beforeEach(() => {
    browser = new BrowserMock().install()
    cache = useTokenCache()
    session = new Session()
  })
  afterEach(async () => {
    cache.restore()
    browser.restore()
    await session.close()
  })

  it('answers the favicon with an empty 404, refuses other methods with 405, and still takes the code afterwards', async () => {
    const port = await freePort()
    const auth = new OAuth2AuthorizationCode('https://idp.test/authorize', 'https://idp.test/token', { redirectUriPort: port })
    const seen: { status: number; body: string; allow: string | undefined }[] = []
    const tab = browser.addResponse({
      openedUrl: auth.grantUrl,
      replyUrl: async () => {
        seen.push(await raw('GET', `http://127.0.0.1:${port}/favicon.ico`))
        seen.push(await raw('PUT', `http://127.0.0.1:${port}/`))
        return `http://localhost:${port}/?code=c-1&state=${auth.flowState}`
      },
    })
    const idp = nock('https://idp.test')
      .post('/token', (body) => body.code === 'c-1')
      .reply(200, { access_token: 'tok-1', expires_in: 3600 })
    const api = nock('https://api.test').get('/').matchHeader('authorization', 'Bearer tok-1').reply(200, 'ok')

    const response = await session.get('https://api.test/', { auth })

    await tab.assertSuccess()
    expect(response.status).to.equal(200)
    expect(seen).to.deep.equal([
      { status: 404, body: '', allow: undefined },
      { status: 405, body: 'Only GET and POST are answered here.', allow: 'GET, POST' },
    ])
    idp.done()
    api.done()
  })

  it('refuses, before opening the browser, a redirectUriDomain whose addresses this machine does not have', async () => {
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): never an address of this machine.
    const auth = new OAuth2Implicit('https://idp.test/authorize', { redirectUriDomain: '192.0.2.1', redirectUriPort: await freePort() })

    const error = await session.get('https://api.test/', { auth }).catch((e: unknown) => e)

    expect(error).to.be.instanceOf(ConfigurationError).and.include({ option: 'redirectUriDomain' })
    expect((error as Error).message).to.include('No address of 192.0.2.1 can be listened on')
  })
})
