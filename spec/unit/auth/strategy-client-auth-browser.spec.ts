import { generateKeyPairSync } from 'node:crypto'
import { expect } from 'chai'
import { jwtVerify } from 'jose'
import nock from 'nock'
import {
  type AuthStrategy,
  GitHubAuthorizationCode,
  OAuth2AuthorizationCode,
  OAuth2AuthorizationCodePKCE,
  OAuth2JwtBearer,
  OAuth2TokenExchange,
  OktaAuthorizationCodePKCE,
  type PreparedRequest,
  Session,
  WakaTimeAuthorizationCode,
} from '../../../lib/index.js'
import { BrowserMock, type TokenCacheHandle, useTokenCache } from '../../../lib/testing/index.js'
import { configurationError } from '../../support/expect-configuration-error.js'
import { freePort } from '../../support/free-port.js'
import { recordPosts, type Seen } from '../../support/recorded-posts.js'

const IDP = 'https://idp.test'
const TOKEN = { access_token: 'at-1', token_type: 'Bearer', expires_in: 3600 }
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' })

/** Mocks one POST to `origin` + `path` answering `answer`, recording what it sent. */
function record(seen: Seen[], answer: object = TOKEN, origin = IDP, path = '/token'): nock.Scope {
  return recordPosts(seen, origin, path, answer)
}

/** A strategy of the caller's own: a header the spec can see. */
const custom: AuthStrategy = {
  apply(request: PreparedRequest) {
    request.headers.set('X-Client', 'mine')
  },
}

async function verifyAssertion(seen: Seen, clientId: string, audience: string): Promise<void> {
  expect(seen.authorization).to.equal(undefined)
  expect(seen.body.get('client_assertion_type')).to.equal(ASSERTION_TYPE)
  expect(seen.body.has('client_secret')).to.equal(false)
  const { protectedHeader } = await jwtVerify(seen.body.get('client_assertion') as string, ec.publicKey, { issuer: clientId, subject: clientId, audience })
  expect(protectedHeader.alg).to.equal('ES256')
}

describe('clientAuth on OAuth2JwtBearer and OAuth2TokenExchange', () => {
  let cache: TokenCacheHandle
  beforeEach(() => {
    cache = useTokenCache()
  })
  afterEach(() => {
    cache.restore()
    nock.cleanAll()
  })

  it('OAuth2JwtBearer with private_key_jwt: the grant assertion and a client assertion, no Basic, no client_id added', async () => {
    const seen: Seen[] = []
    const idp = record(seen)
    nock('https://api.test').get('/').matchHeader('authorization', 'Bearer at-1').reply(200)
    await using session = new Session()
    const auth = new OAuth2JwtBearer(`${IDP}/token`, 'eyJh.eyJw.c2ln', { clientId: 'svc', clientAuth: 'private_key_jwt', clientAssertionKey: ec.privateKey })

    await session.get('https://api.test/', { auth })

    const sent = seen[0] as Seen
    expect([...sent.body.keys()]).to.deep.equal(['grant_type', 'assertion', 'client_assertion_type', 'client_assertion'])
    expect(sent.body.get('assertion')).to.equal('eyJh.eyJw.c2ln')
    await verifyAssertion(sent, 'svc', `${IDP}/token`)
    idp.done()
  })

  it('OAuth2JwtBearer with client_secret_post, and with a strategy of its own', async () => {
    const seen: Seen[] = []
    const post = record(seen)
    const own = nock(IDP).post('/token').matchHeader('x-client', 'mine').reply(200, TOKEN)
    nock('https://api.test').get('/').times(2).reply(200)
    await using session = new Session()

    await session.get('https://api.test/', {
      auth: new OAuth2JwtBearer(`${IDP}/token`, 'eyJh.eyJx.c2ln', { clientId: 'svc', clientSecret: 's+1', clientAuth: 'client_secret_post' }),
    })
    await session.get('https://api.test/', { auth: new OAuth2JwtBearer(`${IDP}/token`, 'eyJh.eyJy.c2ln', { clientAuth: custom }) })

    const sent = seen[0] as Seen
    expect(sent.authorization).to.equal(undefined)
    expect([...sent.body]).to.deep.equal([
      ['grant_type', 'urn:ietf:params:oauth:grant-type:jwt-bearer'],
      ['assertion', 'eyJh.eyJx.c2ln'],
      ['client_id', 'svc'],
      ['client_secret', 's+1'],
    ])
    post.done()
    own.done()
  })

  it('OAuth2JwtBearer refuses clientAuth with sessionAuth, naming sessionAuth', () => {
    expect(
      configurationError(() => new OAuth2JwtBearer(`${IDP}/token`, 'eyJh.eyJ6.c2ln', { clientId: 'svc', clientAuth: 'none', sessionAuth: custom })).option,
    ).to.equal('sessionAuth')
  })

  it('OAuth2TokenExchange with private_key_jwt, client_secret_post and a strategy of its own', async () => {
    const seen: Seen[] = []
    const exchanged = { access_token: 'x-1', issued_token_type: 'urn:ietf:params:oauth:token-type:access_token', token_type: 'Bearer', expires_in: 300 }
    const jwt = record(seen, exchanged)
    const post = record(seen, exchanged)
    const own = nock(IDP).post('/token').matchHeader('x-client', 'mine').reply(200, exchanged)
    nock('https://api.test').get('/').times(3).matchHeader('authorization', 'Bearer x-1').reply(200)
    const base = { subjectToken: 'user-at', subjectTokenType: 'access_token' } as const

    await new Session({
      auth: new OAuth2TokenExchange(`${IDP}/token`, { ...base, clientId: 'gw', clientAuth: 'private_key_jwt', clientAssertionKey: ec.privateKey }),
    }).get('https://api.test/')
    await new Session({
      auth: new OAuth2TokenExchange(`${IDP}/token`, { ...base, clientId: 'gw', clientSecret: 'gw-secret', clientAuth: 'client_secret_post' }),
    }).get('https://api.test/')
    await new Session({ auth: new OAuth2TokenExchange(`${IDP}/token`, { ...base, clientAuth: custom }) }).get('https://api.test/')

    const [first, second] = seen as [Seen, Seen]
    await verifyAssertion(first, 'gw', `${IDP}/token`)
    expect(second.authorization).to.equal(undefined)
    expect(second.body.get('client_id')).to.equal('gw')
    expect(second.body.get('client_secret')).to.equal('gw-secret')
    jwt.done()
    post.done()
    own.done()
  })

  it('OAuth2TokenExchange refuses clientAuth with auth, and a secret method without the secret, naming the option', () => {
    const base = { subjectToken: 'user-at', subjectTokenType: 'access_token', clientId: 'gw' } as const
    expect(configurationError(() => new OAuth2TokenExchange(`${IDP}/token`, { ...base, clientAuth: 'none', auth: custom })).option).to.equal('auth')
    expect(configurationError(() => new OAuth2TokenExchange(`${IDP}/token`, { ...base, clientAuth: 'client_secret_basic' })).option).to.equal('clientSecret')
  })
})

describe('clientAuth on the browser code strategies and their presets', () => {
  let cache: TokenCacheHandle
  let browser: BrowserMock
  let port: number
  beforeEach(async () => {
    cache = useTokenCache()
    browser = new BrowserMock().install()
    port = await freePort()
  })
  afterEach(() => {
    browser.restore()
    cache.restore()
    nock.cleanAll()
  })

  it('OAuth2AuthorizationCode with private_key_jwt: the code exchange carries the assertion, the browser sees no secret', async () => {
    const seen: Seen[] = []
    const idp = record(seen)
    nock('https://api.test').get('/').reply(200)
    await using session = new Session()
    const auth = new OAuth2AuthorizationCode(`${IDP}/authorize`, `${IDP}/token`, {
      clientId: 'web',
      redirectUriPort: port,
      clientAuth: 'private_key_jwt',
      clientAssertionKey: ec.privateKey,
    })
    browser.addResponse({ openedUrl: auth.grantUrl, replyUrl: `http://localhost:${port}/?code=c0de&state=${auth.flowState}` })

    await session.get('https://api.test/', { auth })

    const sent = seen[0] as Seen
    expect([...sent.body.keys()]).to.deep.equal([
      'grant_type',
      'redirect_uri',
      'client_id',
      'response_type',
      'code',
      'client_assertion_type',
      'client_assertion',
    ])
    await verifyAssertion(sent, 'web', `${IDP}/token`)
    expect(auth.grantUrl).not.to.include('client_assertion')
    idp.done()
  })

  it('OAuth2AuthorizationCodePKCE with client_secret_post on refresh: the secret goes in the body, never in the grant URL', async () => {
    const seen: Seen[] = []
    const idp = record(seen)
    nock('https://api.test').get('/').reply(200)
    await using session = new Session()
    const auth = new OAuth2AuthorizationCodePKCE(`${IDP}/authorize`, `${IDP}/token`, {
      clientId: 'spa',
      clientSecret: 'spa-secret',
      clientAuth: 'client_secret_post',
    })
    await cache.cache.set(auth.state, { access_token: 'old', expires_at: 1, refresh_token: 'rt-1' })

    await session.get('https://api.test/', { auth })

    const sent = seen[0] as Seen
    expect(sent.authorization).to.equal(undefined)
    expect([...sent.body]).to.deep.equal([
      ['grant_type', 'refresh_token'],
      ['client_id', 'spa'],
      ['response_type', 'code'],
      ['refresh_token', 'rt-1'],
      ['client_secret', 'spa-secret'],
    ])
    expect(auth.grantUrl).not.to.include('spa-secret')
    idp.done()
  })

  it('the code strategy with a strategy of its own (username and password are then refused with it)', async () => {
    const own = nock(IDP)
      .post('/token')
      .matchHeader('x-client', 'mine')
      .matchHeader('authorization', (value) => value === undefined)
      .reply(200, TOKEN)
    nock('https://api.test').get('/').reply(200)
    await using session = new Session()
    const auth = new OAuth2AuthorizationCode(`${IDP}/authorize`, `${IDP}/token`, { clientId: 'web', clientAuth: custom })
    await cache.cache.set(auth.state, { access_token: 'old', expires_at: 1, refresh_token: 'rt-1' })

    await session.get('https://api.test/', { auth })

    own.done()
    expect(
      configurationError(
        () => new OAuth2AuthorizationCode(`${IDP}/authorize`, `${IDP}/token`, { clientId: 'web', username: 'web', password: 'pw', clientAuth: custom }),
      ).option,
    ).to.equal('username')
  })

  it('OktaAuthorizationCodePKCE, GitHubAuthorizationCode and WakaTimeAuthorizationCode take clientAuth (no secret for private_key_jwt)', async () => {
    const seen: Seen[] = []
    const okta = record(seen, TOKEN, 'https://dev.okta.test', '/oauth2/default/v1/token')
    const github = record(seen, TOKEN, 'https://github.com', '/login/oauth/access_token')
    const wakatime = record(seen, TOKEN, 'https://wakatime.com', '/oauth/token')
    nock('https://api.test').get('/').times(3).reply(200)
    await using session = new Session()
    const strategies = [
      new OktaAuthorizationCodePKCE('dev.okta.test', 'okta-app', { clientAuth: 'private_key_jwt', clientAssertionKey: ec.privateKey }),
      new GitHubAuthorizationCode('gh-app', '', { clientAuth: 'private_key_jwt', clientAssertionKey: ec.privateKey }),
      new WakaTimeAuthorizationCode('waka-app', 'waka_sec_1', 'email', { clientAuth: 'client_secret_basic' }),
    ]

    for (const auth of strategies) {
      await cache.cache.set(auth.state, { access_token: 'old', expires_at: 1, refresh_token: 'rt-1' })
      await session.get('https://api.test/', { auth })
    }

    const [atOkta, atGitHub, atWakaTime] = seen as [Seen, Seen, Seen]
    await verifyAssertion(atOkta, 'okta-app', 'https://dev.okta.test/oauth2/default/v1/token')
    await verifyAssertion(atGitHub, 'gh-app', 'https://github.com/login/oauth/access_token')
    expect(atWakaTime.authorization).to.equal(`Basic ${Buffer.from('waka-app:waka_sec_1').toString('base64')}`)
    expect(atWakaTime.body.has('client_secret')).to.equal(false)
    for (const scope of [okta, github, wakatime]) scope.done()
    expect(configurationError(() => new GitHubAuthorizationCode('gh-app', '', { clientAuth: 'client_secret_post' })).option).to.equal('clientSecret')
  })
})
