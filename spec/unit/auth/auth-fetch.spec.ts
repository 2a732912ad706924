import { expect } from 'chai'
import { createHmac } from 'node:crypto'
import { inspect } from 'node:util'
import nock from 'nock'
import OAuth from 'oauth-1.0a'
import {
  authFetch,
  BearerAuth,
  BodyNotReplayableError,
  HeaderApiKey,
  HTTPBasicAuth,
  OAuth1Auth,
  TooManyRedirectsError,
  type AuthStrategy,
  type FetchFunction,
} from '../../../lib/index.js'
import { configurationError, configurationRejection } from '../../support/expect-configuration-error.js'
import { echoReply, type WireEcho } from '../../support/nock-echo.js'
import { rejection } from '../../support/rejection.js'
import { trafficCounter } from '../../support/traffic-counter.js'

const NONCE = 'abcdefghijklmnopqrstuvwx'
const TIMESTAMP = 1700000000

function oauth1(): OAuth1Auth {
  return new OAuth1Auth('ck', { clientSecret: 'c s&', resourceOwnerKey: 'tk', resourceOwnerSecret: 't~s', nonce: NONCE, timestamp: TIMESTAMP })
}

/** oauth-1.0a's signature of the same request: independent code, same nonce and timestamp. */
function referenceSignature(method: string, url: string, data: Record<string, string> = {}): string {
  const reference = new OAuth({
    consumer: { key: 'ck', secret: 'c s&' },
    signature_method: 'HMAC-SHA1',
    hash_function: (base, key) => createHmac('sha1', key).update(base).digest('base64'),
  })
  reference.getNonce = () => NONCE
  reference.getTimeStamp = () => TIMESTAMP
  return reference.authorize({ url, method, data }, { key: 'tk', secret: 't~s' }).oauth_signature
}

function headerParams(header: string | string[] | undefined): Record<string, string> {
  const params: Record<string, string> = {}
  for (const match of String(header ?? '').matchAll(/([a-z_]+)="([^"]*)"/g)) params[match[1] as string] = decodeURIComponent(match[2] as string)
  return params
}

describe('authFetch: a strategy on fetch', () => {
  describe('applying a strategy to what fetch takes', () => {
    it('sends a Bearer header through the global fetch', async () => {
      const scope = nock('https://api.test').get('/me').reply(echoReply)

      const response = await authFetch(new BearerAuth('tok-1'))('https://api.test/me')

      const echo = (await response.json()) as WireEcho
      expect(response.status).to.equal(200)
      expect(echo.headers.authorization).to.equal('Bearer tok-1')
      scope.done()
    })

    it('sends Basic credentials for a URL object, keeping the caller headers given as pairs', async () => {
      const scope = nock('https://api.test').get('/basic').query({ page: '2' }).reply(echoReply)

      const response = await authFetch(new HTTPBasicAuth('Aladdin', 'open sesame'))(new URL('https://api.test/basic?page=2'), {
        headers: [['X-Trace', '1']],
      })

      const echo = (await response.json()) as WireEcho
      expect(echo.headers.authorization).to.equal('Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==')
      expect(echo.headers['x-trace']).to.equal('1')
      scope.done()
    })

    it('signs an OAuth 1 form body (URLSearchParams) with HMAC-SHA1 as oauth-1.0a computes it', async () => {
      const scope = nock('https://api.test').post('/statuses', 'status=Hello+world%21&lang=en').reply(echoReply)
      const url = 'https://api.test/statuses'

      const response = await authFetch(oauth1())(url, { method: 'POST', body: new URLSearchParams({ status: 'Hello world!', lang: 'en' }) })

      const echo = (await response.json()) as WireEcho
      const params = headerParams(echo.headers.authorization)
      expect(String(echo.headers['content-type'])).to.match(/^application\/x-www-form-urlencoded/)
      expect(params).to.include({ oauth_consumer_key: 'ck', oauth_token: 'tk', oauth_nonce: NONCE, oauth_timestamp: String(TIMESTAMP) })
      expect(params.oauth_signature).to.equal(referenceSignature('POST', url, { status: 'Hello world!', lang: 'en' }))
      scope.done()
    })

    it('reads the form body of a Request object to sign it, and sends it unchanged', async () => {
      const scope = nock('https://api.test').put('/items/7', 'name=a+b').query({ v: '1' }).reply(echoReply)
      const url = 'https://api.test/items/7?v=1'
      const request = new Request(url, { method: 'PUT', body: new URLSearchParams({ name: 'a b' }), headers: { 'X-From': 'request' } })

      const response = await authFetch(oauth1())(request)

      const echo = (await response.json()) as WireEcho
      expect(echo.headers['x-from']).to.equal('request')
      expect(headerParams(echo.headers.authorization).oauth_signature).to.equal(referenceSignature('PUT', url, { name: 'a b' }))
      scope.done()
    })

    it('sends string and byte bodies as given', async () => {
      const scope = nock('https://api.test').post('/json', '{"a":1}').reply(echoReply).post('/bytes', 'xyz').reply(echoReply)
      const fetchWithAuth = authFetch(new BearerAuth('tok-1'))

      const json = (await (
        await fetchWithAuth('https://api.test/json', { method: 'POST', body: '{"a":1}', headers: { 'Content-Type': 'application/json' } })
      ).json()) as WireEcho
      const bytes = (await (await fetchWithAuth('https://api.test/bytes', { method: 'POST', body: new TextEncoder().encode('xyz') })).json()) as WireEcho

      expect(json.headers['content-type']).to.equal('application/json')
      expect(json.body).to.equal('{"a":1}')
      expect(bytes.body).to.equal('xyz')
      expect(bytes.headers.authorization).to.equal('Bearer tok-1')
      scope.done()
    })

    it('sends through a custom fetch, one call per hop, each with redirect: manual', async () => {
      const calls: Array<{ url: string; redirect: RequestRedirect | undefined; authorization: string | null }> = []
      const custom: FetchFunction = async (input, init) => {
        calls.push({ url: String(input), redirect: init?.redirect, authorization: new Headers(init?.headers).get('authorization') })
        return calls.length === 1 ? new Response(null, { status: 302, headers: { Location: '/two' } }) : new Response('done')
      }

      const response = await authFetch(new BearerAuth('tok-1'), custom)('https://api.test/one')

      expect(await response.text()).to.equal('done')
      expect(response.redirected).to.equal(true)
      expect(calls).to.deep.equal([
        { url: 'https://api.test/one', redirect: 'manual', authorization: 'Bearer tok-1' },
        { url: 'https://api.test/two', redirect: 'manual', authorization: 'Bearer tok-1' },
      ])
    })
  })

  describe('redirects, with the Session rule', () => {
    it('keeps credentials on a same-origin hop and drops Authorization, Cookie and secret headers on a cross-origin one', async () => {
      const scope = nock('https://api.test').get('/a').reply(302, '', { Location: '/b' }).get('/b').reply(302, '', { Location: 'https://other.test/c' })
      const same = nock('https://api.test').get('/same').reply(302, '', { Location: '/kept' }).get('/kept').reply(echoReply)
      const other = nock('https://other.test').get('/c').reply(echoReply)
      const auth = combineBearerAndKey()
      const fetchWithAuth = authFetch(auth)

      const kept = (await (await fetchWithAuth('https://api.test/same', { headers: { Cookie: 'sid=1' } })).json()) as WireEcho
      const crossed = (await (await fetchWithAuth('https://api.test/a', { headers: { Cookie: 'sid=1' } })).json()) as WireEcho

      expect(kept.headers).to.include({ authorization: 'Bearer tok-1', 'x-api-key': 'key-1', cookie: 'sid=1' })
      expect(crossed.headers).to.not.have.any.keys('authorization', 'x-api-key', 'cookie')
      scope.done()
      same.done()
      other.done()
    })

    it('re-signs an OAuth 1 request for each same-origin hop, and signs nothing across origins', async () => {
      const hop = nock('https://api.test').get('/old').reply(301, '', { Location: '/new?x=1' }).get('/new').query({ x: '1' }).reply(echoReply)
      const away = nock('https://api.test').get('/away').reply(302, '', { Location: 'https://other.test/elsewhere' })
      const other = nock('https://other.test').get('/elsewhere').reply(echoReply)
      const fetchWithAuth = authFetch(oauth1())

      const resigned = (await (await fetchWithAuth('https://api.test/old')).json()) as WireEcho
      const crossed = (await (await fetchWithAuth('https://api.test/away')).json()) as WireEcho

      expect(headerParams(resigned.headers.authorization).oauth_signature).to.equal(referenceSignature('GET', 'https://api.test/new?x=1'))
      expect(crossed.headers).to.not.have.property('authorization')
      hop.done()
      away.done()
      other.done()
    })

    it('turns a 303 into a GET without the body, and keeps method and body on a 307 (signed again)', async () => {
      const seeOther = nock('https://api.test').post('/form', 'a=1').reply(303, '', { Location: '/result' }).get('/result').reply(echoReply)
      const temporary = nock('https://api.test').post('/move', 'a=1').reply(307, '', { Location: '/moved' }).post('/moved', 'a=1').reply(echoReply)
      const fetchWithAuth = authFetch(oauth1())
      const form = { method: 'POST', body: new URLSearchParams({ a: '1' }) }

      const got303 = (await (await fetchWithAuth('https://api.test/form', form)).json()) as WireEcho
      const got307 = (await (await fetchWithAuth('https://api.test/move', form)).json()) as WireEcho

      expect(got303).to.include({ method: 'GET', body: '' })
      expect(got303.headers).to.not.have.property('content-type')
      expect(got307).to.include({ method: 'POST', body: 'a=1' })
      expect(headerParams(got307.headers.authorization).oauth_signature).to.equal(referenceSignature('POST', 'https://api.test/moved', { a: '1' }))
      seeOther.done()
      temporary.done()
    })

    it('stops at maxRedirects with TooManyRedirectsError (default 30, as the Session)', async () => {
      const loop = nock('https://api.test').get('/loop').times(3).reply(302, '', { Location: '/loop' })
      const long = nock('https://api.test').get('/long').times(31).reply(302, '', { Location: '/long' })

      const short = await rejection(authFetch(new BearerAuth('tok-1'), undefined, { maxRedirects: 2 })('https://api.test/loop'))
      const byDefault = await rejection(authFetch(new BearerAuth('tok-1'))('https://api.test/long'))

      expect(short).to.be.instanceOf(TooManyRedirectsError).and.include({ code: 'ERR_TOO_MANY_REDIRECTS' })
      expect((short as Error).message).to.include('Exceeded 2 redirects')
      expect((byDefault as Error).message).to.include('Exceeded 30 redirects')
      loop.done()
      long.done()
    })

    it("honours redirect: 'manual' (the 3xx is the answer) and 'error' (fetch refuses it)", async () => {
      const scope = nock('https://api.test').get('/r').times(2).reply(302, '', { Location: '/elsewhere' })
      const fetchWithAuth = authFetch(new BearerAuth('tok-1'))

      const manual = await fetchWithAuth('https://api.test/r', { redirect: 'manual' })
      const error = await rejection(fetchWithAuth('https://api.test/r', { redirect: 'error' }))

      expect(manual.status).to.equal(302)
      expect(manual.headers.get('location')).to.equal('/elsewhere')
      expect(error).to.be.instanceOf(TypeError)
      scope.done()
    })
  })

  describe('a 401, as the Session handles it', () => {
    it('lets the strategy answer a challenge once (onResponse), and returns a second 401 as it is', async () => {
      const scope = nock('https://api.test')
        .get('/private')
        .reply(401, '', { 'WWW-Authenticate': 'Challenge nonce="n-1"' })
        .get('/private')
        .matchHeader('authorization', 'Challenge n-1')
        .reply(200, 'in')
        .get('/denied')
        .reply(401, '', { 'WWW-Authenticate': 'Challenge nonce="n-2"' })
        .get('/denied')
        .matchHeader('authorization', 'Challenge n-2')
        .reply(401, '', { 'WWW-Authenticate': 'Challenge nonce="n-3"' })
      const fetchWithAuth = authFetch(challengeAuth())

      const answered = await fetchWithAuth('https://api.test/private')
      const refused = await fetchWithAuth('https://api.test/denied')

      expect([answered.status, await answered.text()]).to.deep.equal([200, 'in'])
      expect(refused.status).to.equal(401)
      scope.done()
    })

    it('sends no retry to the origin a redirect led to', async () => {
      const first = nock('https://api.test').get('/start').reply(302, '', { Location: 'https://other.test/end' })
      const other = nock('https://other.test').get('/end').reply(401, '', { 'WWW-Authenticate': 'Challenge nonce="n-1"' })

      const response = await authFetch(challengeAuth())('https://api.test/start')

      expect(response.status).to.equal(401)
      first.done()
      other.done()
    })
  })

  describe('bodies that cannot be signed or sent again', () => {
    it('refuses a streamed form body before any traffic, with a ConfigurationError naming body', async () => {
      const traffic = trafficCounter()
      try {
        const error = await configurationRejection(() =>
          authFetch(oauth1())('https://api.test/stream', {
            method: 'POST',
            body: new Blob(['a=1']).stream(),
            headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
            duplex: 'half',
          } as RequestInit),
        )

        expect(error.option).to.equal('body')
        expect(error.message).to.include('URLSearchParams')
        expect(traffic.count).to.equal(0)
      } finally {
        traffic.stop()
      }
    })

    it('streams another body unread, and refuses a 307 that asks for it again with BodyNotReplayableError', async () => {
      const scope = nock('https://api.test').put('/upload', 'raw bytes').reply(echoReply).put('/again', 'raw bytes').reply(307, '', { Location: '/elsewhere' })
      const fetchWithAuth = authFetch(new BearerAuth('tok-1'))
      const upload = (path: string) =>
        fetchWithAuth(`https://api.test/${path}`, { method: 'PUT', body: new Blob(['raw bytes']).stream(), duplex: 'half' } as RequestInit)

      const echo = (await (await upload('upload')).json()) as WireEcho
      const error = await rejection(upload('again'))

      expect(echo.headers.authorization).to.equal('Bearer tok-1')
      expect(error).to.be.instanceOf(BodyNotReplayableError).and.include({ code: 'ERR_BODY_NOT_REPLAYABLE', status: 307 })
      scope.done()
    })
  })

  describe('bad arguments and secrets', () => {
    it('names the wrong argument with a ConfigurationError when authFetch is called', () => {
      expect(configurationError(() => authFetch({} as AuthStrategy)).option).to.equal('strategy')
      expect(configurationError(() => authFetch(new BearerAuth('t'), 'fetch' as unknown as FetchFunction)).option).to.equal('fetchImpl')
      expect(configurationError(() => authFetch(new BearerAuth('t'), undefined, { max_redirects: 3 } as never)).message).to.include('maxRedirects')
    })

    it('refuses a relative or non-http URL before the strategy runs', async () => {
      let applied = 0
      const counting: AuthStrategy = {
        apply() {
          applied++
        },
      }

      const relative = await configurationRejection(() => authFetch(counting)('/me'))
      const file = await configurationRejection(() => authFetch(counting)('file:///etc/passwd'))

      expect([relative.option, file.option, applied]).to.deep.equal(['input', 'input', 0])
    })

    it('shows no secret of the strategy through the returned function', () => {
      const fetchWithAuth = authFetch(new BearerAuth('very-secret-token'))

      for (const shown of [inspect(fetchWithAuth, { showHidden: true, depth: 5 }), String(fetchWithAuth), JSON.stringify({ fetchWithAuth })]) {
        expect(shown).to.not.include('very-secret-token')
      }
      expect(Object.keys(fetchWithAuth)).to.deep.equal([])
    })

    it('keeps the caller signal: an aborted fetch rejects as fetch does', async () => {
      const scope = nock('https://api.test').get('/slow').delay(500).reply(200, 'late')
      const controller = new AbortController()

      const pending = authFetch(new BearerAuth('tok-1'))('https://api.test/slow', { signal: controller.signal })
      setTimeout(() => controller.abort(), 50)
      const error = await rejection(pending)

      expect((error as Error).name).to.equal('AbortError')
      scope.done()
    })
  })
})

/** A Bearer token and an API key under a header of its own name (marked secret). */
function combineBearerAndKey(): AuthStrategy {
  const bearer = new BearerAuth('tok-1')
  const key = new HeaderApiKey('key-1', 'X-API-Key')
  return {
    apply(request) {
      bearer.apply(request)
      key.apply(request)
    },
  }
}

/** A challenge-response strategy (Digest's shape): the 401 names a nonce, the retry answers it. */
function challengeAuth(): AuthStrategy {
  return {
    apply() {},
    onResponse(response, request) {
      const nonce = /nonce="([^"]+)"/.exec(response.headers.get('www-authenticate') ?? '')?.[1]
      if (response.status !== 401 || nonce === undefined) return undefined
      const retry = request.clone()
      retry.headers.set('Authorization', `Challenge ${nonce}`)
      return retry
    },
  }
}
