import { expect } from 'chai'
import nock from 'nock'
import { inspect } from 'node:util'
import { ProxyAuthenticationError, ProxySession } from '../../../lib/index.js'
import { trafficCounter } from '../../support/traffic-counter.js'

const options = {
  oauth2Username: 'bot',
  oauth2Password: 'gh-password-8e2b',
  authenticationBaseUrl: 'https://site.test/oauth2/start',
  authenticationSessionUrl: 'https://gh.test/session',
}

function loginPage(action: string): string {
  return `<form action="${action}" method="post"><input type="hidden" name="authenticity_token" value="t"><input name="login"><input type="password" name="password"></form>`
}

describe('ProxySession sign-in at a login page whose form action is malformed', () => {
  const malformed: [label: string, action: string, problem: string][] = [
    ['a malformed URL', 'http://[::1', 'is not a valid URL'],
    ['a javascript: URL', 'javascript:alert(1)', 'javascript:'],
    ['a data: URL', 'data:text/html,x', 'data:'],
  ]
  for (const [label, action, problem] of malformed) {
    it(`throws ProxyAuthenticationError invalid_login_form for ${label}, and sends no password`, async () => {
      const scope = nock('https://site.test').get('/oauth2/start').reply(200, loginPage(action), { 'Content-Type': 'text/html' })
      const traffic = trafficCounter()
      const session = new ProxySession(options)
      try {
        const error = await session.authenticate().catch((caught: unknown) => caught)

        expect(error).to.be.instanceOf(ProxyAuthenticationError).and.include({ reason: 'invalid_login_form', code: 'ERR_PROXY_AUTHENTICATION' })
        expect((error as Error).message)
          .to.include(problem)
          .and.include('https://site.test/oauth2/start')
        expect(`${(error as Error).message} ${inspect(error)}`).to.not.include(options.oauth2Password)
        expect(traffic.count).to.equal(0)
        scope.done()
      } finally {
        traffic.stop()
        await session.close()
      }
    })
  }

  it('reads a page with such a form after sign-in as a page, not a raw TypeError', async () => {
    const scope = nock('https://site.test')
      .get('/oauth2/start')
      .reply(302, '', { Location: '/oauth2/callback' })
      .get('/oauth2/callback')
      .reply(302, '', { Location: '/', 'Set-Cookie': '_oauth2_proxy=s; Path=/' })
      .get('/')
      .reply(200, '<p>home</p>', { 'Content-Type': 'text/html' })
      .get('/settings')
      .reply(200, `<p>change your password</p><form action="http://[::1"><input name="q"></form>`, { 'Content-Type': 'text/html' })
    const session = new ProxySession(options)
    try {
      await session.authenticate()

      const page = await session.get('https://site.test/settings')

      expect(page.status).to.equal(200)
      scope.done()
    } finally {
      await session.close()
    }
  })
})
