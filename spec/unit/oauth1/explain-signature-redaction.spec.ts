import { expect } from 'chai'
import { inspect } from 'node:util'
import { OAuth1Auth, Session } from '../../../lib/index.js'

// The verifier completes the OAuth 1 flow: explainSignature shows it as the NODE_DEBUG base-string
// line does, `[redacted]`, in every field (the HMAC signature itself stays: it is what a provider compares).
const VERIFIER = 'verifier-5c1e9a'

function shown(value: unknown): string {
  return `${JSON.stringify(value)} ${inspect(value, { depth: 10 })}`
}

describe('OAuth1Auth.explainSignature and the verifier', () => {
  it('redacts a verifier given as an option in the parameters, base string and header', async () => {
    const auth = new OAuth1Auth('ck', { clientSecret: 'cs', resourceOwnerKey: 'rk', resourceOwnerSecret: 'ts', verifier: VERIFIER })
    const prepared = await new Session({ auth }).prepareRequest('POST', 'https://api.example.com/access_token')

    const explained = auth.explainSignature(prepared)

    expect(explained.parameters).to.deep.include(['oauth_verifier', '[redacted]'])
    expect(explained.normalizedParameters).to.include('oauth_verifier=%5Bredacted%5D')
    expect(explained.baseString).to.include('oauth_verifier%3D%255Bredacted%255D')
    expect(explained.authorizationHeader).to.include('oauth_verifier="[redacted]"').and.include('oauth_consumer_key="ck"')
    expect(explained.signature).to.match(/^[A-Za-z0-9+/]+=*$/)
    expect(shown(explained)).to.not.include(VERIFIER)
  })

  it('redacts a verifier moved from the body (rauth data: { oauth_verifier })', async () => {
    const auth = new OAuth1Auth('ck', { clientSecret: 'cs', resourceOwnerKey: 'rk', resourceOwnerSecret: 'ts' })
    const prepared = await new Session({ auth }).prepareRequest('POST', 'https://api.example.com/access_token', { data: { oauth_verifier: VERIFIER } })

    const explained = auth.explainSignature(prepared)

    expect(explained.parameters).to.deep.include(['oauth_verifier', '[redacted]'])
    expect(shown(explained)).to.not.include(VERIFIER)
  })

  it('shows the same redacted base string as the request keeps for debug logs', async () => {
    const auth = new OAuth1Auth('ck', { clientSecret: 'cs', verifier: VERIFIER, nonce: 'n0nce', timestamp: 1_700_000_000 })
    const prepared = await new Session({ auth }).prepareRequest('GET', 'https://api.example.com/x?a=1')

    expect(auth.explainSignature(prepared).baseString).to.equal(prepared.signatureBaseString)
  })
})
