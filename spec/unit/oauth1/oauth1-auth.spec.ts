import { expect } from 'chai'
import got from 'got'
import nock from 'nock'
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { inspect, promisify } from 'node:util'
import { authHooks, ConfigurationError, HTTPError, OAuth1Auth, PreparedRequest, Session, type OAuth1AuthOptions } from '../../../lib/index.js'
import { echoReply, type WireEcho } from '../../support/nock-echo.js'

const FIXED: OAuth1AuthOptions = {
  clientSecret: 'cs',
  resourceOwnerKey: 'tk',
  resourceOwnerSecret: 'ts',
  nonce: 'abcdefghijklmnopqrstuvwx',
  timestamp: 1700000000,
}

function oauthParams(header: string | undefined): Record<string, string> {
  const params: Record<string, string> = {}
  for (const match of (header ?? '').matchAll(/([a-z_]+)="([^"]*)"/g)) params[match[1] as string] = decodeURIComponent(match[2] as string)
  return params
}

describe('OAuth1Auth behaviour', () => {
  it('generates 24-character alphanumeric nonces that differ per request, and the current timestamp', async () => {
    const session = new Session({ auth: new OAuth1Auth('ck', { clientSecret: 'cs' }) })
    const before = Math.floor(Date.now() / 1000)

    const nonces = await Promise.all(
      [1, 2, 3].map(async () => oauthParams((await session.prepareRequest('GET', 'https://api.test/')).headers.get('authorization'))),
    )

    for (const params of nonces) {
      expect(params.oauth_nonce).to.match(/^[A-Za-z0-9]{24}$/)
      expect(Number(params.oauth_timestamp)).to.be.within(before, before + 5)
    }
    expect(new Set(nonces.map((params) => params.oauth_nonce)).size).to.equal(3)
  })

  it('moves oauth_callback, oauth_verifier and oauth_version from params and data into the header (rauth)', async () => {
    const session = new Session({ auth: new OAuth1Auth('ck', FIXED) })

    const prepared = await session.prepareRequest('POST', 'https://api.test/access', {
      params: { oauth_verifier: 'v123', keep: '1' },
      data: { oauth_callback: 'oob', other: 'x' },
    })

    const params = oauthParams(prepared.headers.get('authorization'))
    expect(params).to.include({ oauth_verifier: 'v123', oauth_callback: 'oob' })
    expect(prepared.url).to.equal('https://api.test/access?keep=1')
    expect(prepared.body).to.equal('other=x')
  })

  it('never signs a request twice', async () => {
    const auth = new OAuth1Auth('ck', FIXED)
    const session = new Session({ auth })
    const prepared = await session.prepareRequest('GET', 'https://api.test/x')
    const header = prepared.headers.get('authorization')

    auth.apply(prepared)

    expect(prepared.headers.get('authorization')).to.equal(header)
  })

  it("puts the OAuth parameters in the form body for POST and in the query for GET with rauth's placement", async () => {
    const auth = new OAuth1Auth('ck', FIXED)
    const post = new PreparedRequest('POST', 'https://api.test/p')
    const get = new PreparedRequest('GET', 'https://api.test/g?a=1')

    auth.apply(post, { signatureType: 'RAUTH_BODY_OR_QUERY' })
    auth.apply(get, { signatureType: 'RAUTH_BODY_OR_QUERY' })

    expect(post.headers.get('content-type')).to.equal('application/x-www-form-urlencoded')
    expect(String(post.body)).to.match(/^oauth_nonce=abcdefghijklmnopqrstuvwx&.*&oauth_signature=[^&]+$/)
    expect(post.headers.has('authorization')).to.equal(false)
    expect(get.url).to.match(/^https:\/\/api\.test\/g\?a=1&oauth_nonce=.*&oauth_signature=/)
  })

  it('adds oauth_body_hash for a JSON body when asked, and signs it', async () => {
    const session = new Session({ auth: new OAuth1Auth('ck', { ...FIXED, bodyHash: true }) })

    const prepared = await session.prepareRequest('POST', 'https://api.test/j', { json: { a: 1 } })

    // base64(sha1('{"a":1}')), computed with Python's hashlib
    expect(oauthParams(prepared.headers.get('authorization')).oauth_body_hash).to.equal('n4nHQM60bXQYySSnisV5QdXpZSA=')
  })

  it('signs each same-origin redirect hop for its own URL and leaves a cross-origin hop unsigned', async () => {
    const session = new Session({ auth: new OAuth1Auth('ck', { clientSecret: 'cs' }) })
    const scope = nock('https://api.test')
      .get('/a')
      .reply(302, '', { Location: '/b?page=2' })
      .get('/b')
      .query({ page: '2' })
      .reply(echoReply)
      .get('/c')
      .reply(302, '', { Location: 'https://other.test/d' })
    const other = nock('https://other.test').get('/d').reply(echoReply)

    const sameOrigin = await session.get('https://api.test/a')
    const crossOrigin = await session.get('https://api.test/c')

    const hop = sameOrigin.json<WireEcho>()
    const first = oauthParams(sameOrigin.history[0]?.request.headers.get('authorization'))
    const second = oauthParams(String(hop.headers.authorization))
    expect(second.oauth_signature).to.be.a('string').and.not.equal(first.oauth_signature)
    expect(second.oauth_nonce).to.not.equal(first.oauth_nonce)
    expect(sameOrigin.request.signatureBaseString).to.match(/^GET&https%3A%2F%2Fapi\.test%2Fb&oauth_consumer_key%3Dck%26.*%26page%3D2$/)
    expect(crossOrigin.json<WireEcho>().headers).to.not.have.property('authorization')
    scope.done()
    other.done()
    await session.close()
  })

  it('signs requests made with plain got through authHooks', async () => {
    const client = got.extend(authHooks(new OAuth1Auth('ck', FIXED)))
    const scope = nock('https://api.test').post('/g', 'a=1').reply(echoReply)

    const echo = await client.post('https://api.test/g', { form: { a: '1' } }).json<WireEcho>()

    expect(oauthParams(String(echo.headers.authorization))).to.include({ oauth_consumer_key: 'ck', oauth_token: 'tk' })
    scope.done()
  })

  it('turns a 401 into an HTTPError that carries our base string, redacted, never the secrets', async () => {
    const session = new Session({ auth: new OAuth1Auth('ck', { ...FIXED, clientSecret: 'consumer-secret', resourceOwnerSecret: 'token-secret' }) })
    const scope = nock('https://api.test').post('/x').reply(401, 'Invalid signature')

    const response = await session.post('https://api.test/x', { data: { x_auth_password: 'hunter2', q: 'ok' } })
    const error = (() => {
      try {
        response.raiseForStatus()
      } catch (e) {
        return e as HTTPError
      }
    })()

    expect(error).to.be.instanceOf(HTTPError)
    expect(error?.signatureBaseString).to.match(/^POST&https%3A%2F%2Fapi\.test%2Fx&/)
    expect(error?.signatureBaseString).to.include('q%3Dok').and.include('x_auth_password%3D%255Bredacted%255D')
    const shown = `${error?.message} ${inspect(error)}`
    for (const secret of ['hunter2', 'consumer-secret', 'token-secret']) expect(shown).to.not.include(secret)
    scope.done()
    await session.close()
  })

  it('keeps both secrets out of inspect, JSON and String', () => {
    const auth = new OAuth1Auth('ck', { clientSecret: 'consumer-secret', resourceOwnerKey: 'tk', resourceOwnerSecret: 'token-secret' })

    const shown = [inspect(auth), JSON.stringify(auth), String(auth), inspect(new Session({ auth }))].join(' ')

    expect(shown).to.not.include('consumer-secret')
    expect(shown).to.not.include('token-secret')
    expect(shown).to.include('ck')
  })

  it('logs the redacted base string with NODE_DEBUG=oauth-sessions', async () => {
    const root = fileURLToPath(new URL('../../..', import.meta.url))
    const script = `
      import { OAuth1Auth, Session } from './lib/index.js'
      const session = new Session({ auth: new OAuth1Auth('ck', { clientSecret: 'consumer-secret' }) })
      await session.prepareRequest('POST', 'https://api.test/x', { data: { password: 'hunter2' } })`

    const { stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: root,
      env: { ...process.env, NODE_DEBUG: 'oauth-sessions' },
      timeout: 8_000,
    })

    expect(stderr).to.match(/OAuth 1 base string for POST: POST&https%3A%2F%2Fapi\.test%2Fx&/)
    expect(stderr).to.not.include('hunter2')
    expect(stderr).to.not.include('consumer-secret')
  })
})

describe('OAuth1Auth configuration errors', () => {
  const cases: [string, () => unknown, string][] = [
    ['no consumer key', () => new OAuth1Auth(''), 'clientKey'],
    ['an RSA method without a key', () => new OAuth1Auth('ck', { signatureMethod: 'RSA-SHA256' }), 'rsaKey'],
    ['an unreadable RSA key', () => new OAuth1Auth('ck', { signatureMethod: 'RSA-SHA1', rsaKey: 'not a pem' }), 'rsaKey'],
    ['an unknown method', () => new OAuth1Auth('ck', { signatureMethod: 'HMAC-MD5' as never }), 'signatureMethod'],
    ['an unknown placement', () => new OAuth1Auth('ck', { signatureType: 'COOKIE' as never }), 'signatureType'],
    ['a snake_case option', () => new OAuth1Auth('ck', { client_secret: 'x' } as never), 'client_secret'],
  ]
  for (const [label, make, option] of cases) {
    it(`throws ConfigurationError naming ${option} for ${label}`, () => {
      expect(make).to.throw(ConfigurationError).with.property('option', option)
    })
  }
})

describe('OAuth1Auth body placement checks (oauthlib sanity checks)', () => {
  it('refuses BODY placement for GET before any traffic', async () => {
    const session = new Session({ auth: new OAuth1Auth('ck', { signatureType: 'BODY' }) })

    const error = await session.get('https://api.test/x').catch((e: unknown) => e)

    expect(error).to.be.instanceOf(ConfigurationError).and.include({ option: 'signatureType' })
  })

  it('refuses BODY placement for a JSON body', async () => {
    const session = new Session({ auth: new OAuth1Auth('ck', { signatureType: 'BODY' }) })

    const error = await session.post('https://api.test/x', { json: { a: 1 } }).catch((e: unknown) => e)

    expect(error).to.be.instanceOf(ConfigurationError)
    expect((error as Error).message).to.include('form-encoded body')
  })
})
