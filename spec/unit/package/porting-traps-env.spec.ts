import { expect } from 'chai'
import nock from 'nock'
import { InsecureTransportError, OAuth2Session } from '../../../lib/index.js'

// The "Traps" table of docs/porting.md: OAUTHLIB_INSECURE_TRANSPORT is read on each request, as
// oauthlib reads os.environ, so setting it after the session was built still counts, and '0' is set.
describe('OAUTHLIB_INSECURE_TRANSPORT, set from Node as from Python', () => {
  const saved = process.env.OAUTHLIB_INSECURE_TRANSPORT
  afterEach(() => {
    if (saved === undefined) delete process.env.OAUTHLIB_INSECURE_TRANSPORT
    else process.env.OAUTHLIB_INSECURE_TRANSPORT = saved
  })

  it('is honoured when set after the session was built, with any non-empty value, and not once removed', async () => {
    delete process.env.OAUTHLIB_INSECURE_TRANSPORT
    const session = new OAuth2Session('client-1', { accessToken: 'at-1' })
    const scope = nock('http://api.example').get('/x').times(2).reply(200)

    const before = await session.get('http://api.example/x').catch((error: unknown) => error)
    process.env.OAUTHLIB_INSECURE_TRANSPORT = '1'
    const allowed = await session.get('http://api.example/x')
    process.env.OAUTHLIB_INSECURE_TRANSPORT = '0'
    const zero = await session.get('http://api.example/x')
    delete process.env.OAUTHLIB_INSECURE_TRANSPORT
    const after = await session.get('http://api.example/x').catch((error: unknown) => error)

    expect(before).to.be.instanceOf(InsecureTransportError)
    expect(allowed.status).to.equal(200)
    expect(zero.status).to.equal(200)
    expect(after).to.be.instanceOf(InsecureTransportError)
    scope.done()
    await session.close()
  })
})
