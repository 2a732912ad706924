import { useBrowserFlow } from '../../support/browser-flow.js'
import { expect } from 'chai'
import { IssuerMismatchError, OAuth2AuthorizationCode } from '../../../lib/index.js'
import { startServer } from '../../support/servers.js'

// RFC 9207 on the requests-auth redirect listener: the callback's `iss`, whichever way the browser
// brings it (query or form post), is checked before the flow uses anything in it, and the error it
// raises never shows the code the same callback carried.
describe('the redirect listener checks iss (RFC 9207)', function () {
  this.timeout(15_000)
  const flow = useBrowserFlow()

  /** A token endpoint on 127.0.0.1 that counts the requests it gets. */
  const countingIdp = async () => {
    let tokenRequests = 0
    const server = await startServer((_request, response) => {
      tokenRequests += 1
      response.writeHead(200, { 'Content-Type': 'application/json' }).end('{"access_token":"should-not-be-asked","token_type":"Bearer"}')
    })
    return Object.assign(server, {
      get tokenRequests() {
        return tokenRequests
      },
    })
  }

  const strategy = (tokenUrl: string) =>
    new OAuth2AuthorizationCode('https://idp.test/authorize', tokenUrl, { clientId: 'app', redirectUriPort: flow.port, issuer: 'https://idp.test' })

  it('refuses a form-posted callback (response_mode=form_post) naming another issuer, before any token request', async () => {
    await using idp = await countingIdp()
    const auth = strategy(`${idp.url}/token`)
    const form = new URLSearchParams({ code: 'c-1', state: auth.flowState, iss: 'https://attacker.test' }).toString()
    flow.browser.addResponse({ openedUrl: () => true, replyUrl: `http://localhost:${flow.port}/`, data: form })

    const error = await flow.session.get(idp.url, { auth }).catch((e: unknown) => e)

    expect(error).to.be.instanceOf(IssuerMismatchError).and.include({ expected: 'https://idp.test', received: 'https://attacker.test' })
    expect(idp.tokenRequests).to.equal(0)
  })

  it('refuses a callback carrying iss twice, even when one of them is the right issuer', async () => {
    await using idp = await countingIdp()
    const auth = strategy(`${idp.url}/token`)
    const doubled = `iss=${encodeURIComponent('https://idp.test')}&iss=${encodeURIComponent('https://attacker.test')}`
    flow.browser.addResponse({
      openedUrl: () => true,
      replyUrl: (opened) => `http://localhost:${flow.port}/?code=c-2&state=${new URL(opened).searchParams.get('state')}&${doubled}`,
    })

    const error = await flow.session.get(idp.url, { auth }).catch((e: unknown) => e)

    expect(error).to.be.instanceOf(IssuerMismatchError).and.include({ received: 'https://idp.test, https://attacker.test' })
    expect(idp.tokenRequests).to.equal(0)
  })

  it('never shows the code of the callback when a forged iss quotes it', async () => {
    await using idp = await countingIdp()
    const auth = strategy(`${idp.url}/token`)
    const code = 'code-that-must-stay-secret-5d1f'
    flow.browser.addResponse({
      openedUrl: () => true,
      replyUrl: (opened) =>
        `http://localhost:${flow.port}/?code=${code}&state=${new URL(opened).searchParams.get('state')}&iss=${encodeURIComponent(`https://attacker.test/${code}`)}`,
    })

    const error = (await flow.session.get(idp.url, { auth }).catch((e: unknown) => e)) as IssuerMismatchError

    expect(error).to.be.instanceOf(IssuerMismatchError)
    expect(error.message).not.to.include(code)
    expect(error.received).not.to.include(code)
    expect(idp.tokenRequests).to.equal(0)
  })
})
