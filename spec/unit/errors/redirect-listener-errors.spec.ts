import { expect } from 'chai'
import { createServer } from 'node:http'
import { OAuth2Implicit, OAuthSessionsError, Session, setBrowserOpener } from '../../../lib/index.js'
import { BrowserOpenError, RedirectListenerError } from '../../../lib/oauth2/requests-auth/browser-flow-errors.js'
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

  it('rejects an oversized form post with RedirectListenerError (form_too_large)', async () => {
    await using sandbox = await startSandbox()
    const cache = useTokenCache()
    const browser = new BrowserMock().install()
    const session = new Session()
    try {
      const port = await freePort()
      const auth = new OAuth2Implicit(sandbox.oauth2.authorizeUrl, { clientId: sandbox.oauth2.clientId, redirectUriPort: port })
      browser.addResponse({ openedUrl: auth.grantUrl, replyUrl: `http://localhost:${port}/`, data: `access_token=${'x'.repeat(70_000)}&state=${auth.state}` })

      const error = await session.get(`${sandbox.oauth2.baseUrl}me`, { auth }).catch((e: unknown) => e)

      expect(error).to.be.instanceOf(RedirectListenerError).and.instanceOf(OAuthSessionsError)
      expect(error).to.include({ reason: 'form_too_large', code: 'ERR_REDIRECT_LISTENER' })
      expect((error as Error).message).to.include('larger than 65536 bytes')
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
        expect((error as Error).message).not.to.include(auth.state)
        expect(await portIsFree(port), 'the listener port is free again').to.equal(true)
      } finally {
        setBrowserOpener(previous)
        await session.close()
        cache.restore()
      }
    })
  }
})
