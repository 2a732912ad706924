import { expect } from 'chai'
import nock from 'nock'
import { InvalidMetadataError, OAuth2Session } from '../../../lib/index.js'
import { clearDiscoveryCache } from '../../../lib/oauth2/discovery.js'

// Review of #17: hostile metadata documents a first pass let through.
const ORIGIN = 'https://as.example'
const JSON_TYPE = { 'Content-Type': 'application/json' }

describe('OAuth2Session.discover against hostile documents (review)', () => {
  beforeEach(() => clearDiscoveryCache())
  afterEach(() => nock.cleanAll())

  it('refuses a field nested deeper than any metadata needs with InvalidMetadataError, not a stack overflow', async () => {
    // 100 000 nested lists: 200 kB, well under the size cap, and JSON.parse reads it.
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`
    nock(ORIGIN).get('/.well-known/oauth-authorization-server').reply(200, `{"issuer":"${ORIGIN}","vendor_extension":${deep}}`, JSON_TYPE)

    const error = await OAuth2Session.discover(ORIGIN, 'client-1').catch((e: unknown) => e)

    expect(error).to.be.instanceOf(InvalidMetadataError).and.include({ field: 'vendor_extension', code: 'ERR_INVALID_METADATA' })
    expect((error as Error).message).to.match(/nested/)
  })

  it('keeps a field of ordinary depth (an object of lists) as sent', async () => {
    const aliases = { token_endpoint: `${ORIGIN}/mtls/token`, nested: { list: [['a'], ['b']] } }
    nock(ORIGIN).get('/.well-known/oauth-authorization-server').reply(200, { issuer: ORIGIN, mtls_endpoint_aliases: aliases }, JSON_TYPE)

    await using session = await OAuth2Session.discover(ORIGIN, 'client-1')

    expect(session.metadata?.mtls_endpoint_aliases).to.deep.equal(aliases)
  })

  for (const value of ['-1', '1.5', 'abc', '']) {
    it(`keeps nothing when Cache-Control max-age is not a number of seconds (max-age=${value}): the server asked not to keep it, not for 10 minutes`, async () => {
      const scope = nock(ORIGIN)
        .get('/.well-known/oauth-authorization-server')
        .twice()
        .reply(200, { issuer: ORIGIN, token_endpoint: `${ORIGIN}/token` }, { ...JSON_TYPE, 'Cache-Control': `max-age=${value}` })

      await (await OAuth2Session.discover(ORIGIN, 'client-1')).close()
      await (await OAuth2Session.discover(ORIGIN, 'client-1')).close()

      scope.done()
    })
  }
})
