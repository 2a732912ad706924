import { expect } from 'chai'
import got from 'got'
import nock from 'nock'
import { authHooks, BearerAuth, HTTPBasicAuth, type AuthStrategy } from '../../../lib/index.js'
import { echoReply, type WireEcho } from '../../support/nock-echo.js'

describe('authHooks: a strategy on plain got', () => {
  it('applies the strategy to a got request', async () => {
    const client = got.extend(authHooks(new HTTPBasicAuth('Aladdin', 'open sesame')))
    const scope = nock('https://api.test').get('/me').reply(echoReply)

    const echo = await client('https://api.test/me').json<WireEcho>()

    expect(echo.headers.authorization).to.equal('Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==')
    scope.done()
  })

  it('lets a strategy rewrite the URL and a form body, with a correct Content-Length', async () => {
    const signer: AuthStrategy = {
      apply(request) {
        const url = new URL(request.url)
        url.searchParams.set('sig', 'abc')
        request.url = url.href
        request.body = `${String(request.body)}&signed=yes`
      },
    }
    const client = got.extend(authHooks(signer))
    const scope = nock('https://api.test').post('/f', 'a=1&signed=yes').query({ sig: 'abc' }).reply(echoReply)

    const echo = await client.post('https://api.test/f', { form: { a: '1' } }).json<WireEcho>()

    expect(echo.body).to.equal('a=1&signed=yes')
    expect(echo.headers['content-length']).to.equal('14')
    scope.done()
  })

  it('drops credentials on a cross-origin redirect and keeps them on a same-origin one', async () => {
    const client = got.extend(authHooks(new BearerAuth('tok')))
    const scope = nock('https://api.test').get('/a').reply(302, '', { Location: '/b' }).get('/b').reply(302, '', { Location: 'https://other.test/c' })
    const sameOrigin = nock('https://api.test').get('/b2').reply(echoReply)
    const other = nock('https://other.test').get('/c').reply(echoReply)
    scope.get('/same').reply(302, '', { Location: '/b2' })

    const crossed = await client('https://api.test/a').json<WireEcho>()
    const kept = await client('https://api.test/same').json<WireEcho>()

    expect(crossed.headers).to.not.have.property('authorization')
    expect(kept.headers.authorization).to.equal('Bearer tok')
    scope.done()
    sameOrigin.done()
    other.done()
  })

  it('calls onRedirect for each hop when the strategy has it', async () => {
    const hops: string[] = []
    const signer: AuthStrategy = {
      apply(request) {
        request.headers.set('X-Sig', new URL(request.url).pathname)
      },
      onRedirect(request, context) {
        hops.push(`${context.status}:${context.crossOrigin}`)
        request.headers.set('X-Sig', new URL(request.url).pathname)
      },
    }
    const client = got.extend(authHooks(signer))
    const scope = nock('https://api.test').get('/a').reply(307, '', { Location: '/b' }).get('/b').reply(echoReply)

    const echo = await client('https://api.test/a').json<WireEcho>()

    expect(echo.headers['x-sig']).to.equal('/b')
    expect(hops).to.deep.equal(['307:false'])
    scope.done()
  })

  it('retries once with the request onResponse returns', async () => {
    let token = 'old'
    const strategy: AuthStrategy = {
      apply(request) {
        request.headers.set('Authorization', `Bearer ${token}`)
      },
      onResponse(response, request) {
        if (response.status !== 401) return undefined
        token = 'new'
        const retry = request.clone()
        retry.headers.set('Authorization', `Bearer ${token}`)
        return retry
      },
    }
    const client = got.extend(authHooks(strategy))
    const scope = nock('https://api.test')
      .get('/p')
      .matchHeader('authorization', 'Bearer old')
      .reply(401)
      .get('/p')
      .matchHeader('authorization', 'Bearer new')
      .reply(200, { ok: true })

    const body = await client('https://api.test/p').json()

    expect(body).to.deep.equal({ ok: true })
    scope.done()
  })
})
