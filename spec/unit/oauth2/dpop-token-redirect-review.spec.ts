import { expect } from 'chai'
import { decodeProtectedHeader, importJWK, type JWK, jwtVerify } from 'jose'
import nock from 'nock'
import { BackendApplicationClient, OAuth2Session } from '../../../lib/index.js'

const IDP = 'https://idp.test'

async function claims(proof: unknown): Promise<Record<string, unknown>> {
  expect(proof, 'a DPoP header').to.be.a('string')
  const header = decodeProtectedHeader(proof as string)
  const key = await importJWK(header.jwk as JWK, header.alg as string)
  return (await jwtVerify(proof as string, key, { typ: 'dpop+jwt' })).payload as Record<string, unknown>
}

describe('DPoP at a token endpoint that redirects (review #18)', () => {
  it('gives each same-origin 307 hop a proof of its own: its htu, a fresh jti', async () => {
    const session = new OAuth2Session('client-1', { client: new BackendApplicationClient('client-1'), clientSecret: 'secret-1', dpop: true })
    const proofs: unknown[] = []
    const scope = nock(IDP)
      .post('/token')
      .reply(function () {
        proofs.push(this.req.headers.dpop)
        return [307, '', { Location: '/v2/token' }]
      })
      .post('/v2/token')
      .reply(function () {
        proofs.push(this.req.headers.dpop)
        return [200, { access_token: 'at-1', token_type: 'DPoP', expires_in: 60 }]
      })

    await session.fetchToken(`${IDP}/token`)

    const seen = await Promise.all(proofs.map(claims))
    expect(seen.map((proof) => proof.htu)).to.deep.equal([`${IDP}/token`, `${IDP}/v2/token`])
    expect(seen.map((proof) => proof.htm)).to.deep.equal(['POST', 'POST'])
    expect(seen[0]?.jti).to.not.equal(seen[1]?.jti)
    scope.done()
  })
})
