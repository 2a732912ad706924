import { expect } from 'chai'
import nock from 'nock'
import { inspect } from 'node:util'
import {
  ConfigurationError,
  OAuth1Service,
  OAuth1Session,
  OAuth2Service,
  OAuth2Session,
  OflyService,
  OflySession,
  Service,
  Session,
} from '../../../lib/index.js'

class AuditedOAuth1Session extends OAuth1Session {}
class AuditedOAuth2Session extends OAuth2Session {}
class AuditedOflySession extends OflySession {}

const oauth1 = { consumerKey: 'ck', consumerSecret: 'oauth1-very-secret', baseUrl: 'https://api.example.com/' }
const oauth2 = { clientId: 'cid', clientSecret: 'oauth2-very-secret', accessTokenUrl: 'https://idp.example.com/token' }
const ofly = { appId: 'app', appSecret: 'ofly-very-secret' }

describe('Service, the base of every service (rauth.Service)', () => {
  it('is the base of OAuth1Service, OAuth2Service and OflyService, whose sessions point back at them', () => {
    const oauth1Service = new OAuth1Service(oauth1)
    const oauth2Service = new OAuth2Service(oauth2)
    const oflyService = new OflyService(ofly)

    const sessions = [oauth1Service.getSession(), oauth2Service.getSession('tok'), oflyService.getSession('user-1')]

    expect([oauth1Service, oauth2Service, oflyService].every((service) => service instanceof Service)).to.equal(true)
    expect(sessions.map((session) => session.service)).to.deep.equal([oauth1Service, oauth2Service, oflyService])
  })

  it("builds sessions with each service's own session class by default", () => {
    const oauth1Service = new OAuth1Service(oauth1)
    const oauth2Service = new OAuth2Service(oauth2)
    const oflyService = new OflyService(ofly)

    expect(oauth1Service.sessionClass).to.equal(OAuth1Session)
    expect(oauth2Service.sessionClass).to.equal(OAuth2Session)
    expect(oflyService.sessionClass).to.equal(OflySession)
    expect(oauth1Service.getSession().constructor).to.equal(OAuth1Session)
  })

  it('builds sessions with sessionClass (rauth session_obj), memoised per token as before', () => {
    const oauth1Service = new OAuth1Service({ ...oauth1, sessionClass: AuditedOAuth1Session })
    const oauth2Service = new OAuth2Service({ ...oauth2, sessionClass: AuditedOAuth2Session })
    const oflyService = new OflyService({ ...ofly, sessionClass: AuditedOflySession })

    const oauth1Session = oauth1Service.getSession(['token', 'token-secret'])
    const oauth2Session = oauth2Service.getSession('tok')
    const oflySession = oflyService.getAuthSession('user-1')

    expect(oauth1Session).to.be.instanceOf(AuditedOAuth1Session).and.include({ consumerKey: 'ck', baseUrl: 'https://api.example.com/' })
    expect(oauth2Session).to.be.instanceOf(AuditedOAuth2Session).and.include({ clientId: 'cid' })
    expect(oauth2Session.accessToken).to.equal('tok')
    expect(oflySession).to.be.instanceOf(AuditedOflySession).and.include({ appId: 'app', userId: 'user-1' })
    expect(oauth1Service.getSession(['token', 'token-secret'])).to.equal(oauth1Session)
    expect(oauth2Service.getSession('tok')).to.equal(oauth2Session)
  })

  it('uses sessionClass for the session getAuthSession returns', async () => {
    const service = new OAuth2Service({ ...oauth2, sessionClass: AuditedOAuth2Session })
    const idp = nock('https://idp.example.com').post('/token').reply(200, { access_token: 'tok-2', token_type: 'Bearer' })

    const session = await service.getAuthSession('POST', { data: { code: 'c', grant_type: 'authorization_code' } })

    expect(session).to.be.instanceOf(AuditedOAuth2Session)
    expect(session.accessToken).to.equal('tok-2')
    idp.done()
    await service.close()
  })

  it('refuses a sessionClass that is not the service session class or a subclass, naming sessionClass, in the constructor and the setter', () => {
    const wrongFlavour = (): unknown => new OAuth1Service({ ...oauth1, sessionClass: OAuth2Session as never })
    const plainSession = (): unknown => new OAuth2Service({ ...oauth2, sessionClass: Session as never })
    const notAClass = (): unknown => new OflyService({ ...ofly, sessionClass: {} as never })
    const service = new OflyService(ofly)
    const setter = (): void => {
      service.sessionClass = AuditedOAuth1Session as never
    }

    for (const attempt of [wrongFlavour, plainSession, notAClass, setter]) {
      expect(attempt).to.throw(ConfigurationError).with.property('option', 'sessionClass')
    }
    expect(service.sessionClass).to.equal(OflySession)
  })

  it('lets sessionClass be changed to a subclass for the sessions made afterwards', () => {
    const service = new OflyService(ofly)
    const before = service.getSession('user-1')

    service.sessionClass = AuditedOflySession
    const after = service.getSession('user-2')

    expect(before).to.not.be.instanceOf(AuditedOflySession)
    expect(after).to.be.instanceOf(AuditedOflySession)
  })

  it('closes every session it made with close() and with await using', async () => {
    const closed: string[] = []
    class CountingSession extends OflySession {
      override async close(): Promise<void> {
        closed.push(this.userId ?? '')
        await super.close()
      }
    }
    const service = new OflyService({ ...ofly, sessionClass: CountingSession })
    service.getSession('a')
    service.getSession('b')

    await service.close()
    {
      await using disposed = new OflyService({ ...ofly, sessionClass: CountingSession })
      disposed.getSession('c')
    }

    expect(closed).to.deep.equal(['a', 'b', 'c'])
  })

  it('keeps every secret out of inspect and String, and shows the name or the client id', () => {
    const services = [new OAuth1Service(oauth1), new OAuth2Service({ ...oauth2, name: 'idp' }), new OflyService(ofly)]

    const shown = services.map((service) => `${inspect(service, { depth: 5 })} ${String(service)}`).join(' ')

    expect(shown).to.not.match(/very-secret/)
    expect(shown).to.include('[redacted]')
    expect(services.map(String)).to.deep.equal(['<OAuth1Service ck>', '<OAuth2Service idp>', '<OflyService app>'])
  })

  it('refuses fromJSON input of another service type', () => {
    const json = JSON.stringify(new OAuth2Service(oauth2))

    const attempt = (): unknown => OflyService.fromJSON(json)

    expect(attempt).to.throw(ConfigurationError).with.property('option', 'json')
  })
})
