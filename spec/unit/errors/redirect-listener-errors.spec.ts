import { expect } from 'chai'
import { createServer } from 'node:http'
import { OAuth2Implicit, OAuthSessionsError, Session, setBrowserOpener } from '../../../lib/index.js'
import { AuthorizationTimeoutError, BrowserOpenError } from '../../../lib/oauth2/requests-auth/browser-flow-errors.js'
import { BrowserMock, startSandbox, useTokenCache } from '../../../lib/testing/index.js'
import { freePort } from '../../support/free-port.js'

async function portIsFree(port: number): Promise<boolean> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const probe = createServer()
    const free = await new Promise<boolean>((resolve) =>
      probe.once('error', () => resolve(false)).listen(port, '127.0.0.1', () => probe.close(() => resolve(true))),
    )
    if (free) return true
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return false
}

describe('the redirect listener when the browser answer cannot be read', function () {
  this.timeout(15_000)

  it('answers an oversized form post with 413 and keeps waiting: the flow ends in its timeout, which counts it, and frees the port', async () => {
    await using sandbox = await startSandbox()
    const cache = useTokenCache()
    const browser = new BrowserMock().install()
    const session = new Session()
    try {
      const port = await freePort()
      const auth = new OAuth2Implicit(sandbox.oauth2.authorizeUrl, { clientId: sandbox.oauth2.clientId, redirectUriPort: port, timeout: 0.5 })
      const tab = browser.addResponse({
        openedUrl: auth.grantUrl,
        replyUrl: `http://localhost:${port}/`,
        data: `access_token=${'x'.repeat(70_000)}&state=${auth.flowState}`,
      })

      const error = await session.get(`${sandbox.oauth2.baseUrl}me`, { auth }).catch((e: unknown) => e)

      expect(error).to.be.instanceOf(AuthorizationTimeoutError).and.instanceOf(OAuthSessionsError).and.include({ ignoredRequests: 1 })
      await tab.settled()
      expect(tab.content).to.include('too large')
      expect(await portIsFree(port), 'the listener port is free again').to.equal(true)
    } finally {
      await session.close()
      browser.restore()
      cache.restore()
    }
  })
})

describe('the browser opener failing', function () {
  this.timeout(15_000)

  for (const [what, opener] of [
    [
      'throws an Error',
      () => {
        throw new Error('no display')
      },
    ],
    ['rejects with a string', () => Promise.reject('no display')],
  ] as const) {
    it(`rejects with BrowserOpenError, the opener's failure as cause, when the opener ${what}`, async () => {
      await using sandbox = await startSandbox()
      const cache = useTokenCache()
      const previous = setBrowserOpener(opener)
      const session = new Session()
      try {
        const port = await freePort()
        const auth = new OAuth2Implicit(sandbox.oauth2.authorizeUrl, { clientId: sandbox.oauth2.clientId, redirectUriPort: port })

        const error = await session.get(`${sandbox.oauth2.baseUrl}me`, { auth }).catch((e: unknown) => e)

        expect(error).to.be.instanceOf(BrowserOpenError).and.include({ code: 'ERR_BROWSER_OPEN' })
        const cause = (error as BrowserOpenError).cause
        expect(cause instanceof Error ? cause.message : cause).to.equal('no display')
        expect((error as Error).message)
          .not.to.include(auth.state)
          .and.not.include(auth.flowState)
        expect(await portIsFree(port), 'the listener port is free again').to.equal(true)
      } finally {
        setBrowserOpener(previous)
        await session.close()
        cache.restore()
      }
    })
  }
})
