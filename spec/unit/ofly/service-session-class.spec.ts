import { expect } from 'chai'
import { OflyService, OflySession } from '../../../lib/index.js'

/** A session class with its own signature, as rauth lets `session_obj` bring one. */
class CustomSignedSession extends OflySession {
  static override sign(url: string, appId: string): string {
    return `custom=${encodeURIComponent(url)}&app=${appId}`
  }
}

describe("OflyService's sessionClass (rauth session_obj; issue #15, item 9)", () => {
  it("signs the authorize URL with the session class's sign, as rauth calls session_obj.sign", () => {
    const service = new OflyService({ appId: 'app', appSecret: 'app-secret', authorizeUrl: 'https://ofly.test/authorize', sessionClass: CustomSignedSession })

    const url = service.getAuthorizeUrl({ oflyCallbackUrl: 'https://app.example/cb' })

    expect(url).to.equal('https://ofly.test/authorize?custom=https%3A%2F%2Fofly.test%2Fauthorize&app=app')
  })

  it('builds the sessions of getSession and getAuthSession with it', async () => {
    const service = new OflyService({ appId: 'app', appSecret: 'app-secret', sessionClass: CustomSignedSession })
    try {
      expect(service.getSession('user-1')).to.be.instanceOf(CustomSignedSession)
      expect(service.getAuthSession('user-2')).to.be.instanceOf(CustomSignedSession)
    } finally {
      await service.close()
    }
  })

  it('follows a sessionClass assigned later too', () => {
    const service = new OflyService({ appId: 'app', appSecret: 'app-secret', authorizeUrl: 'https://ofly.test/authorize' })

    service.sessionClass = CustomSignedSession

    expect(service.getAuthorizeUrl()).to.match(/^https:\/\/ofly\.test\/authorize\?custom=/)
  })
})
