import { expect } from 'chai'
import nock from 'nock'
import { readFileSync } from 'node:fs'
import { BackendApplicationClient, HTTPBasicAuth, LegacyApplicationClient, MobileApplicationClient, OAuth2Session } from '../../../lib/index.js'

interface RecordedTokenRequest {
  name: string
  method: string
  url: string
  authorization: string | null
  accept: string | null
  contentType: string | null
  body: string
}

// Recorded by spec/fixtures/oauth2/generate.py from requests-oauthlib 1.3 / oauthlib 3.2 (Debian).
const fixtures = JSON.parse(readFileSync(new URL('../../fixtures/oauth2/requests-oauthlib.json', import.meta.url), 'utf8')) as {
  tokenRequests: RecordedTokenRequest[]
  authorizationUrls: { name: string; url: string; state: string }[]
}
const TOKEN = { access_token: 'at-1', token_type: 'Bearer', expires_in: 3600, refresh_token: 'rt-1', scope: 'read write' }

/** Each case as the Python script made it, ported call for call. */
const cases: Record<string, () => Promise<unknown>> = {
  'code-basic-auth': () =>
    new OAuth2Session('client-1', { redirectUri: 'https://app.example/cb', pkce: false, scope: ['read', 'write'] }).fetchToken('https://idp.example/token', {
      code: 'code-1',
      clientSecret: 's3cret',
    }),
  'code-include-client-id': () =>
    new OAuth2Session('client-1', { redirectUri: 'https://app.example/cb', pkce: false }).fetchToken('https://idp.example/token', {
      code: 'code-1',
      includeClientId: true,
      clientSecret: 's3cret',
    }),
  'code-authorization-response': () =>
    new OAuth2Session('client-1', { redirectUri: 'https://app.example/cb', pkce: false, state: 'st-1' }).fetchToken('https://idp.example/token', {
      authorizationResponse: 'https://app.example/cb?code=code-2&state=st-1',
      clientSecret: 's3cret',
    }),
  'code-extra-params': () =>
    new OAuth2Session('client-1', { redirectUri: 'https://app.example/cb', pkce: false }).fetchToken('https://idp.example/token', {
      code: 'code-1',
      clientSecret: '',
      audience: 'api://x',
      resource: 'https://r.example',
    }),
  'password-grant': () =>
    new OAuth2Session(undefined, { client: new LegacyApplicationClient('client-1') }).fetchToken('https://idp.example/token', {
      username: 'alice',
      password: 'p@ss word',
      client_id: 'client-1',
      client_secret: 's3cret',
    }),
  'client-credentials-basic': () =>
    new OAuth2Session(undefined, { client: new BackendApplicationClient('client-1') }).fetchToken('https://idp.example/token', {
      client_id: 'client-1',
      client_secret: 's3cret',
    }),
  'client-credentials-body': () =>
    new OAuth2Session(undefined, { client: new BackendApplicationClient('client-1') }).fetchToken('https://idp.example/token', {
      client_id: 'client-1',
      client_secret: 's3cret',
      includeClientId: true,
      scope: ['a', 'b'],
    }),
  refresh: () =>
    new OAuth2Session('client-1', { token: { access_token: 'old', token_type: 'Bearer', refresh_token: 'rt-0' } }).refreshToken('https://idp.example/token', {
      client_id: 'client-1',
      client_secret: 's3cret',
    }),
  'refresh-explicit-auth': () =>
    new OAuth2Session('client-1', { token: { access_token: 'old', token_type: 'Bearer', refresh_token: 'rt-0' } }).refreshToken('https://idp.example/token', {
      refreshToken: 'rt-9',
      auth: new HTTPBasicAuth('client-1', 's3cret'),
    }),
}

describe('OAuth2Session token requests on the wire, against requests-oauthlib', () => {
  for (const fixture of fixtures.tokenRequests) {
    it(`matches requests-oauthlib for ${fixture.name}`, async () => {
      let seen: { authorization?: string; accept?: string; contentType?: string; body: string } = { body: '' }
      const scope = nock('https://idp.example')
        .post('/token')
        .reply(function (_uri, body) {
          seen = {
            authorization: this.req.headers.authorization as string | undefined,
            accept: this.req.headers.accept as string | undefined,
            contentType: this.req.headers['content-type'] as string | undefined,
            body: String(body),
          }
          return [200, TOKEN]
        })

      const run = cases[fixture.name]
      if (run === undefined) throw new Error(`no port of ${fixture.name}`)
      const token = await run()

      expect(seen.body).to.equal(fixture.body)
      expect(seen.authorization ?? null).to.equal(fixture.authorization)
      expect(seen.accept).to.equal(fixture.accept)
      expect(seen.contentType).to.equal(fixture.contentType)
      expect(token).to.include({ access_token: 'at-1', token_type: 'Bearer', expires_in: 3600 })
      scope.done()
    })
  }
})

describe('OAuth2Session.authorizationUrl against requests-oauthlib', () => {
  const sessions: Record<string, () => [string, string]> = {
    // requests-oauthlib sends no PKCE unless asked: pkce: false gives its wire format.
    'authorize-code': () =>
      new OAuth2Session('client-1', { redirectUri: 'https://app.example/cb', scope: ['read', 'write'], pkce: false }).authorizationUrl(
        'https://idp.example/authorize?existing=1',
        'st-1',
      ),
    'authorize-extra': () =>
      new OAuth2Session('client-1', { redirectUri: 'https://app.example/cb', pkce: false }).authorizationUrl(
        'https://idp.example/authorize?existing=1',
        'st-2',
        {
          access_type: 'offline',
          prompt: 'select_account',
        },
      ),
    'authorize-implicit': () =>
      new OAuth2Session(undefined, {
        client: new MobileApplicationClient('client-1'),
        redirectUri: 'https://app.example/cb',
        scope: 'profile',
      }).authorizationUrl('https://idp.example/authorize?existing=1', 'st-3'),
  }
  for (const fixture of fixtures.authorizationUrls) {
    it(`matches requests-oauthlib for ${fixture.name}`, () => {
      const make = sessions[fixture.name]
      if (make === undefined) throw new Error(`no port of ${fixture.name}`)

      const [url, state] = make()

      expect(url).to.equal(fixture.url)
      expect(state).to.equal(fixture.state)
    })
  }
})
