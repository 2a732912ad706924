import { expect } from 'chai'
import { OflyService, OflySession, Session } from '../../../lib/index.js'
import { startSandbox, type Sandbox } from '../../../lib/testing/index.js'

describe('Ofly against the sandbox provider', () => {
  let sandbox: Sandbox
  before(async () => {
    sandbox = await startSandbox()
  })
  after(() => sandbox.close())

  it('authorizes with the signed URL and calls the API with sha1 and md5', async () => {
    const service = new OflyService({ name: 'sandbox', ...sandbox.ofly })
    const browser = new Session()
    const approval = await browser.get(service.getAuthorizeUrl())
    const { oflyUserid } = approval.raiseForStatus().json<{ oflyUserid: string }>()
    await browser.close()
    const session = service.getAuthSession(oflyUserid)

    const sha1 = await session.get('albums', { params: { format: 'json', page: '2' } })
    const md5 = await session.post('albums', { params: { title: 'Summer' }, hashMeth: 'md5' })

    expect(sha1.raiseForStatus().json()).to.deep.include({ user: oflyUserid, hashMeth: 'SHA1', params: { format: 'json', page: '2' } })
    expect(md5.raiseForStatus().json()).to.deep.include({ method: 'POST', hashMeth: 'MD5' })
    await service.close()
  })

  it('is refused with a wrong secret, and with a clock outside the window', async () => {
    const wrong = new OflySession(sandbox.ofly.appId, 'not-the-secret', 'u', { baseUrl: sandbox.ofly.baseUrl })
    const late = new OflySession(sandbox.ofly.appId, sandbox.ofly.appSecret, 'u', {
      baseUrl: sandbox.ofly.baseUrl,
      now: () => new Date(Date.now() - 3_600_000),
    })

    const badSignature = await wrong.get('albums')
    const badClock = await late.get('albums')

    expect(badSignature.status).to.equal(401)
    expect(badSignature.json()).to.include({ error_description: 'oflyApiSig does not match' })
    expect(badClock.status).to.equal(401)
    expect(String(badClock.json<{ error_description: string }>().error_description)).to.include('away from the server clock')
    await wrong.close()
    await late.close()
  })
})
