import { expect } from 'chai'
import { startSandbox } from '../../../lib/testing/index.js'
import { startExample } from '../../support/example-process.js'

// examples/dpop-session.ts run as a user runs it, in its own process, against the sandbox with
// DPoP and server nonces required (`dpop=nonce`): the sandbox verifies every proof with jose and
// accepts the bound token at its API only with a proof of the same key.
describe('the DPoP session example, run against the sandbox', function () {
  this.timeout(60_000)

  it('gets a DPoP-bound token through a nonce retry, calls the API with it, and a peer session shares token and key', async () => {
    await using sandbox = await startSandbox()
    const { tokenUrl, clientId, clientSecret, baseUrl, statsUrl } = sandbox.oauth2
    await using example = startExample('examples/dpop-session.ts', {
      TOKEN_URL: `${tokenUrl}?dpop=nonce`,
      CLIENT_ID: clientId,
      CLIENT_SECRET: clientSecret,
      API_URL: `${baseUrl}me`,
    })

    const { code, stdout, stderr } = await example.exited()

    expect(code, stderr).to.equal(0)
    expect(stdout).to.include('token_type DPoP, bound to a key: true')
    expect(stdout).to.match(/path: 'me'[\s\S]*dpop: true/)
    expect(stdout).to.include('peer: 200')
    expect(stdout).to.not.include(clientSecret)
    expect(stdout).to.not.include('"d"')
    const stats = (await (await fetch(statsUrl)).json()) as { issued: Record<string, number> }
    expect(stats.issued.client_credentials, 'one token, shared').to.equal(1)
  })

  it('says which variables to set, and exits 1, when one is missing', async () => {
    await using example = startExample('examples/dpop-session.ts', { TOKEN_URL: 'https://idp.example.com/token' })

    const { code, stderr } = await example.exited()

    expect(code).to.equal(1)
    expect(stderr).to.match(/^Set TOKEN_URL/)
  })
})
