import { expect } from 'chai'
import { AbortError, OAuthSessionsError, Session } from '../../../lib/index.js'
import { startSandbox } from '../../../lib/testing/index.js'

describe('a request whose signal aborts', () => {
  it('rejects with AbortError (ERR_ABORTED), naming the method and the redacted URL', async () => {
    await using sandbox = await startSandbox()
    const session = new Session({ baseUrl: sandbox.url })
    try {
      const controller = new AbortController()
      setTimeout(() => controller.abort(), 50)

      const error = await session.get('/delay/2000', { params: { access_token: 'tok-abort' }, signal: controller.signal }).catch((e: unknown) => e)

      expect(error).to.be.instanceOf(AbortError).and.instanceOf(OAuthSessionsError)
      expect(error).to.include({ name: 'AbortError', code: 'ERR_ABORTED', method: 'GET' })
      expect((error as AbortError).url).to.match(/\/delay\/2000\?access_token=/)
      expect((error as AbortError).cause).to.be.instanceOf(Error)
      expect(JSON.stringify({ ...(error as AbortError), message: (error as AbortError).message })).not.to.include('tok-abort')
    } finally {
      await session.close()
    }
  })

  it('rejects with AbortError before sending when the signal has already aborted', async () => {
    await using sandbox = await startSandbox()
    const session = new Session({ baseUrl: sandbox.url })
    try {
      const error = await session.get('/delay/10', { signal: AbortSignal.abort() }).catch((e: unknown) => e)

      expect(error).to.be.instanceOf(AbortError).and.include({ code: 'ERR_ABORTED', method: 'GET' })
    } finally {
      await session.close()
    }
  })
})
