import { expect } from 'chai'
import { startGitHubWebApp } from '../../../examples/github-web-app.js'
import { startGoogleWebApp } from '../../../examples/google-web-app.js'
import { sandboxWebAppConfig } from '../../../examples/web-app-server.js'
import { startSandbox } from '../../../lib/testing/index.js'

/** What the scripted browser got for one GET: the status, the Location (absolute, or '') and the body. */
interface Page {
  status: number
  location: string
  body: string
}

/** A scripted browser: one request at a time, redirects not followed, its cookies kept per origin. */
class ScriptedBrowser {
  readonly #cookies = new Map<string, Map<string, string>>()

  /** GETs `url` and returns the status, the Location (absolute) and the body. */
  async get(url: string): Promise<Page> {
    const target = new URL(url)
    const jar = this.#cookies.get(target.origin) ?? new Map<string, string>()
    this.#cookies.set(target.origin, jar)
    const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ')
    const response = await fetch(target, { redirect: 'manual', headers: cookie === '' ? {} : { cookie } })
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';')
      const equals = pair.indexOf('=')
      jar.set(pair.slice(0, equals).trim(), pair.slice(equals + 1).trim())
    }
    const location = response.headers.get('location')
    return { status: response.status, location: location === null ? '' : new URL(location, target).href, body: await response.text() }
  }

  /** Opens the app's index and follows it to the provider, which approves at once: the answers of both. */
  async startLogin(appUrl: string): Promise<{ index: Page; approval: Page }> {
    const index = await this.get(`${appUrl}/`)
    return { index, approval: await this.get(index.location) }
  }
}

describe("the web-app examples (requests-oauthlib's Flask tutorials on node:http) against the sandbox", () => {
  it('GitHub: index → provider → callback in a second session (state and PKCE verifier saved) → profile with the saved token', async () => {
    await using sandbox = await startSandbox()
    await using app = await startGitHubWebApp(sandboxWebAppConfig(sandbox, 'user'))
    const browser = new ScriptedBrowser()

    const { index, approval } = await browser.startLogin(app.url)
    const callback = await browser.get(approval.location)
    const profile = await browser.get(callback.location)

    const authorize = new URL(index.location)
    expect(index.status).to.equal(302)
    expect(`${authorize.origin}${authorize.pathname}`).to.equal(sandbox.oauth2.authorizeUrl)
    expect(authorize.searchParams.get('redirect_uri')).to.equal(`${app.url}/callback`)
    expect(authorize.searchParams.get('code_challenge_method')).to.equal('S256')
    expect(new URL(approval.location).searchParams.get('state')).to.equal(authorize.searchParams.get('state'))
    expect([callback.status, callback.location]).to.deep.equal([302, `${app.url}/profile`])
    expect(profile.status).to.equal(200)
    expect(JSON.parse(profile.body)).to.include({ path: 'user', user: sandbox.oauth2.username, via: 'header' })
  })

  it('GitHub: a forged state, a replayed callback and a callback without a login are refused with 400, and no token is kept', async () => {
    await using sandbox = await startSandbox()
    await using app = await startGitHubWebApp(sandboxWebAppConfig(sandbox, 'user'))
    const victim = new ScriptedBrowser()
    const stranger = new ScriptedBrowser()
    const { approval } = await victim.startLogin(app.url)
    const forged = new URL(approval.location)
    forged.searchParams.set('state', 'attacker-state')

    const withoutLogin = await stranger.get(approval.location)
    const refused = await victim.get(forged.href)
    const profileAfterForgery = await victim.get(`${app.url}/profile`)
    const real = await victim.get(approval.location)
    const replayed = await victim.get(approval.location)

    expect(withoutLogin.status).to.equal(400)
    expect(refused.status).to.equal(400)
    expect(refused.body).to.include('ERR_MISMATCHING_STATE')
    expect([profileAfterForgery.status, profileAfterForgery.location]).to.deep.equal([302, `${app.url}/`])
    expect([real.status, real.location]).to.deep.equal([302, `${app.url}/profile`])
    expect(replayed.status).to.equal(400)
  })

  it('Google: an offline grant, the menu, the profile, then an automatic and a manual refresh, each giving a new token', async () => {
    await using sandbox = await startSandbox()
    await using app = await startGoogleWebApp(sandboxWebAppConfig(sandbox, 'userinfo'))
    const browser = new ScriptedBrowser()

    const { index, approval } = await browser.startLogin(app.url)
    const callback = await browser.get(approval.location)
    const menu = await browser.get(callback.location)
    const profile = await browser.get(`${app.url}/profile`)
    const automatic = await browser.get(`${app.url}/automatic_refresh`)
    const manual = await browser.get(`${app.url}/manual_refresh`)

    const authorize = new URL(index.location).searchParams
    expect(authorize.get('access_type')).to.equal('offline')
    expect(authorize.get('scope')).to.equal('https://www.googleapis.com/auth/userinfo.email https://www.googleapis.com/auth/userinfo.profile')
    expect(callback.location).to.equal(`${app.url}/menu`)
    expect(menu.body).to.include('you have obtained an OAuth 2 token')
    expect(JSON.parse(profile.body)).to.include({ path: 'userinfo', user: sandbox.oauth2.username })
    const [first, second] = [JSON.parse(automatic.body), JSON.parse(manual.body)] as { access_token: string; refresh_token: string }[]
    expect([automatic.status, manual.status]).to.deep.equal([200, 200])
    expect(first?.access_token).to.be.a('string')
    expect(second?.access_token).to.be.a('string').and.not.equal(first?.access_token)
    expect(second?.refresh_token).to.be.a('string')
  })
})
