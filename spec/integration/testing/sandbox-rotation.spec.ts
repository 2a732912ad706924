import { expect } from 'chai'
import { startSandbox, type Sandbox } from '../../../lib/testing/index.js'

interface TokenAnswer {
  access_token?: string
  refresh_token?: string
  expires_in?: number
  error?: string
}

/** A token request with the platform's fetch, so the sandbox is checked by a client that is not ours. */
async function tokenRequest(sandbox: Sandbox, query: string, form: Record<string, string>): Promise<{ status: number; body: TokenAnswer }> {
  const { clientId, clientSecret, tokenUrl } = sandbox.oauth2
  const answer = await fetch(`${tokenUrl}${query}`, {
    method: 'POST',
    body: new URLSearchParams({ client_id: clientId, client_secret: clientSecret, ...form }),
  })
  return { status: answer.status, body: (await answer.json()) as TokenAnswer }
}

const password = (sandbox: Sandbox, query = '') =>
  tokenRequest(sandbox, query, { grant_type: 'password', username: sandbox.oauth2.username, password: sandbox.oauth2.password })
const refresh = (sandbox: Sandbox, refreshToken: string, query = '') =>
  tokenRequest(sandbox, query, { grant_type: 'refresh_token', refresh_token: refreshToken })
const me = async (sandbox: Sandbox, accessToken: string) =>
  (await fetch(`${sandbox.oauth2.baseUrl}me`, { headers: { authorization: `Bearer ${accessToken}` } })).status

describe("the sandbox's rotating refresh tokens and token counts", () => {
  it('with rotate=1 spends a refresh token once; presented again it is refused and the whole grant is revoked', async () => {
    await using sandbox = await startSandbox()
    const first = (await password(sandbox, '?rotate=1')).body

    const rotated = await refresh(sandbox, first.refresh_token ?? '', '?rotate=1&expires_in=1')
    expect(rotated.status).to.equal(200)
    expect(rotated.body.expires_in).to.equal(1)
    expect(rotated.body.refresh_token).to.be.a('string').and.not.equal(first.refresh_token)
    expect(await me(sandbox, rotated.body.access_token ?? '')).to.equal(200)

    const reused = await refresh(sandbox, first.refresh_token ?? '', '?rotate=1')

    expect(reused.status).to.equal(400)
    expect(reused.body.error).to.equal('invalid_grant')
    // RFC 9700 §4.14.2: the reuse revokes the grant, the tokens of the legitimate holder included.
    expect((await refresh(sandbox, rotated.body.refresh_token ?? '', '?rotate=1')).body.error).to.equal('invalid_grant')
    expect(await me(sandbox, rotated.body.access_token ?? '')).to.equal(401)
  })

  it('keeps a spent refresh token usable without rotate=1, as before', async () => {
    await using sandbox = await startSandbox()
    const first = (await password(sandbox)).body

    expect((await refresh(sandbox, first.refresh_token ?? '')).status).to.equal(200)
    expect((await refresh(sandbox, first.refresh_token ?? '')).status).to.equal(200)
  })

  it('counts the tokens it issued by grant, and the refresh tokens presented again, at statsUrl', async () => {
    await using sandbox = await startSandbox()
    const empty = await (await fetch(sandbox.oauth2.statsUrl)).json()
    const first = (await password(sandbox, '?rotate=1')).body
    await refresh(sandbox, first.refresh_token ?? '', '?rotate=1')
    await refresh(sandbox, first.refresh_token ?? '', '?rotate=1')
    await tokenRequest(sandbox, '', { grant_type: 'client_credentials' })

    const stats = await (await fetch(sandbox.oauth2.statsUrl)).json()

    expect(empty).to.deep.equal({ issued: {}, reusedRefreshTokens: 0 })
    expect(stats).to.deep.equal({ issued: { password: 1, refresh_token: 1, client_credentials: 1 }, reusedRefreshTokens: 1 })
  })
})
