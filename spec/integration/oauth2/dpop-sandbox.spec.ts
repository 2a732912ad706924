import { expect } from 'chai'
import { BackendApplicationClient, InvalidRequestError, OAuth2Session, Session, TokenRequestError } from '../../../lib/index.js'
import { startSandbox } from '../../../lib/testing/index.js'

// The sandbox's DPoP switch (oauth-sessions/testing): it verifies proofs with jose, binds tokens
// to the proof's key, and its API accepts a bound token only with a proof of that key.
describe('the sandbox requiring DPoP', function () {
  this.timeout(20_000)

  function session(sandbox: { oauth2: { clientId: string; clientSecret: string } }, dpop: boolean): OAuth2Session {
    return new OAuth2Session(undefined, { client: new BackendApplicationClient(sandbox.oauth2.clientId), clientSecret: sandbox.oauth2.clientSecret, dpop })
  }

  it('issues a DPoP-bound token under dpop=nonce and accepts it at the API, but not as Bearer nor with another key', async () => {
    await using sandbox = await startSandbox()
    await using bound = session(sandbox, true)
    await using other = session(sandbox, true)
    await using plain = new Session()
    const token = await bound.fetchToken(`${sandbox.oauth2.tokenUrl}?dpop=nonce`)

    const ok = await bound.get(`${sandbox.oauth2.baseUrl}me`)
    const asBearer = await plain.get(`${sandbox.oauth2.baseUrl}me`, { headers: { Authorization: `Bearer ${token.access_token}` } })
    // A session with its own key, handed the token without the key that goes with it.
    other.token = { access_token: token.access_token, token_type: 'DPoP' }
    const otherKey = await other.get(`${sandbox.oauth2.baseUrl}me`)

    expect(token.token_type).to.equal('DPoP')
    expect(ok.status).to.equal(200)
    expect(ok.json()).to.include({ dpop: true, user: sandbox.oauth2.clientId })
    expect(asBearer.status).to.equal(401)
    expect(asBearer.headers.get('www-authenticate')).to.match(/^DPoP .*invalid_token/)
    expect(otherKey.status).to.equal(401)
  })

  it('refuses a token request without a proof under dpop=required (invalid_dpop_proof), and a Bearer session is unchanged without the switch', async () => {
    await using sandbox = await startSandbox()
    await using plainSession = session(sandbox, false)

    const refused = await plainSession.fetchToken(`${sandbox.oauth2.tokenUrl}?dpop=required`).catch((error: unknown) => error)
    const bearer = await plainSession.fetchToken(sandbox.oauth2.tokenUrl)
    const api = await plainSession.get(`${sandbox.oauth2.baseUrl}me`)

    expect(refused).to.be.instanceOf(TokenRequestError).and.include({ error: 'invalid_dpop_proof', status: 400 })
    expect(refused).to.not.be.instanceOf(InvalidRequestError)
    expect(bearer.token_type).to.equal('Bearer')
    expect(api.json()).to.not.have.property('dpop')
  })
})
