import { expect } from 'chai'
import { startSandbox } from '../../../lib/testing/index.js'

const REDIRECT = 'https://www.facebook.com/connect/login_success.html'

/** Posts a form with the platform's fetch, so the sandbox is checked by a client that is not ours. */
function postForm(url: string, form: Record<string, string>): Promise<Response> {
  return fetch(url, { method: 'POST', body: new URLSearchParams(form), redirect: 'manual' })
}

describe("the sandbox's Facebook paths", () => {
  it('gives a code from dialog/oauth without response_type, exchanges it without grant_type and answers me at the root', async () => {
    await using sandbox = await startSandbox()
    const { clientId, clientSecret, facebookUrl } = sandbox.oauth2
    const dialog = new URL('dialog/oauth', facebookUrl)
    dialog.search = new URLSearchParams({ redirect_uri: REDIRECT, client_id: clientId, scope: 'email', state: 's1' }).toString()

    const approval = await fetch(dialog, { redirect: 'manual' })
    const callback = new URL(approval.headers.get('location') ?? '')
    const token = await postForm(`${facebookUrl}oauth/access_token`, {
      redirect_uri: REDIRECT,
      client_id: clientId,
      client_secret: clientSecret,
      code: callback.searchParams.get('code') ?? '',
    })
    const body = (await token.json()) as { access_token: string; token_type: string }
    const me = await fetch(`${facebookUrl}me?access_token=${encodeURIComponent(body.access_token)}`)

    expect(approval.status).to.equal(302)
    expect(`${callback.origin}${callback.pathname}`).to.equal(REDIRECT)
    expect(callback.searchParams.get('state')).to.equal('s1')
    expect(token.status).to.equal(200)
    expect(body.token_type).to.equal('Bearer')
    expect(await me.json()).to.deep.include({ path: 'me', user: sandbox.oauth2.username, scope: 'email', via: 'query' })
  })

  it("serves rauth's oauth/authorize path too, and still refuses an unknown client there", async () => {
    await using sandbox = await startSandbox()
    const { clientId, facebookUrl } = sandbox.oauth2
    const query = (id: string): string => new URLSearchParams({ response_type: 'code', redirect_uri: REDIRECT, client_id: id }).toString()

    const approved = await fetch(`${facebookUrl}oauth/authorize?${query(clientId)}`, { redirect: 'manual' })
    const refused = await fetch(`${facebookUrl}oauth/authorize?${query('someone-else')}`, { redirect: 'manual' })

    expect(new URL(approved.headers.get('location') ?? '').searchParams.get('code')).to.be.a('string')
    expect(refused.status).to.equal(400)
  })

  it('keeps grant_type required on the plain /oauth2/token endpoint', async () => {
    await using sandbox = await startSandbox()
    const { clientId, clientSecret, tokenUrl } = sandbox.oauth2

    const answer = await postForm(tokenUrl, { client_id: clientId, client_secret: clientSecret, code: 'anything', redirect_uri: REDIRECT })

    expect(answer.status).to.equal(400)
    expect(await answer.json()).to.deep.equal({ error: 'unsupported_grant_type' })
  })

  it('refuses an unknown token at me', async () => {
    await using sandbox = await startSandbox()

    const me = await fetch(`${sandbox.oauth2.facebookUrl}me?access_token=forged`)

    expect(me.status).to.equal(401)
  })
})
