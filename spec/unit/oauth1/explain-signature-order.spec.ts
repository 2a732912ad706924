import { expect } from 'chai'
import { OAuth1Auth, Session } from '../../../lib/index.js'

// `oauth-sessions explain` prints `parameters` under "Parameters (sorted, decoded)", and the type
// says "in the order they are normalised": the order of RFC 5849 §3.4.1.3.2, by encoded name then value.

describe('OAuth1Auth.explainSignature parameters', () => {
  it('come in the normalised order (encoded name, then value), as in normalizedParameters', async () => {
    const auth = new OAuth1Auth('ck', { clientSecret: 'cs', resourceOwnerKey: 'rk', resourceOwnerSecret: 'ts', nonce: 'n0nce', timestamp: 1_700_000_000 })
    const prepared = await new Session({ auth }).prepareRequest('GET', 'https://api.example.com/x?q=1&b=x%20y&a=2&a=1', { params: { c: '3' } })

    const explained = auth.explainSignature(prepared)

    expect(explained.parameters.map(([name, value]) => `${name}=${value}`)).to.deep.equal([
      'a=1',
      'a=2',
      'b=x y',
      'c=3',
      'oauth_consumer_key=ck',
      'oauth_nonce=n0nce',
      'oauth_signature_method=HMAC-SHA1',
      'oauth_timestamp=1700000000',
      'oauth_token=rk',
      'oauth_version=1.0',
      'q=1',
    ])
    expect(explained.normalizedParameters).to.equal(
      'a=1&a=2&b=x%20y&c=3&oauth_consumer_key=ck&oauth_nonce=n0nce&oauth_signature_method=HMAC-SHA1&oauth_timestamp=1700000000&oauth_token=rk&oauth_version=1.0&q=1',
    )
  })
})
