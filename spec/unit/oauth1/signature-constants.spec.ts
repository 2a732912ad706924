import { expect } from 'chai'
import nock from 'nock'
import * as sdk from '../../../lib/index.js'
import { OAuth1Session, SIGNATURE_PLAINTEXT, SIGNATURE_TYPE_QUERY } from '../../../lib/index.js'

/** oauthlib.oauth1's values, written out from oauthlib (not read from the code under test). */
const OAUTHLIB_VALUES: Record<string, string> = {
  SIGNATURE_HMAC: 'HMAC-SHA1',
  SIGNATURE_HMAC_SHA1: 'HMAC-SHA1',
  SIGNATURE_HMAC_SHA256: 'HMAC-SHA256',
  SIGNATURE_HMAC_SHA512: 'HMAC-SHA512',
  SIGNATURE_RSA: 'RSA-SHA1',
  SIGNATURE_RSA_SHA1: 'RSA-SHA1',
  SIGNATURE_RSA_SHA256: 'RSA-SHA256',
  SIGNATURE_RSA_SHA512: 'RSA-SHA512',
  SIGNATURE_PLAINTEXT: 'PLAINTEXT',
  SIGNATURE_TYPE_AUTH_HEADER: 'AUTH_HEADER',
  SIGNATURE_TYPE_QUERY: 'QUERY',
  SIGNATURE_TYPE_BODY: 'BODY',
}

describe("oauthlib's SIGNATURE_* constants (issue #15, item 9)", () => {
  it('have the values of oauthlib.oauth1', () => {
    const exported = Object.fromEntries(Object.keys(OAUTHLIB_VALUES).map((name) => [name, (sdk as Record<string, unknown>)[name]]))

    expect(exported).to.deep.equal(OAUTHLIB_VALUES)
  })

  it('port signature_method=SIGNATURE_PLAINTEXT, signature_type=SIGNATURE_TYPE_QUERY unchanged', async () => {
    const session = new OAuth1Session('ck', 'cs', 'at', 'ats', { signatureMethod: SIGNATURE_PLAINTEXT, signatureType: SIGNATURE_TYPE_QUERY })
    const scope = nock('https://api.test')
      .get('/me')
      .query((query) => query.oauth_signature_method === 'PLAINTEXT' && query.oauth_signature === 'cs&ats')
      .reply(200, 'ok')
    try {
      await session.get('https://api.test/me')

      scope.done()
    } finally {
      await session.close()
    }
  })
})
