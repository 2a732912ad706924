import { expect } from 'chai'
import nock from 'nock'
import { setImmediate } from 'node:timers/promises'
import { inspect } from 'node:util'
import { BearerAuth, HTTPBasicAuth, Session, type AuthStrategy } from '../../../lib/index.js'
import { echoReply, type WireEcho } from '../../support/nock-echo.js'

describe('HTTPBasicAuth', () => {
  it('sends the RFC 7617 header, Latin-1 encoded like requests when the credentials fit', async () => {
    const session = new Session({ auth: new HTTPBasicAuth('Aladdin', 'open sesame') })
    const scope = nock('https://api.test').get('/b').twice().reply(echoReply)

    const ascii = await session.get('https://api.test/b')
    const latin1 = await session.get('https://api.test/b', { auth: new HTTPBasicAuth('jos\u00e9', 'pw') })

    // RFC 7617 section 2 example; 'josé:pw' in Latin-1 is 6a 6f 73 e9 3a 70 77
    expect(ascii.json<WireEcho>().headers.authorization).to.equal('Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==')
    expect(latin1.json<WireEcho>().headers.authorization).to.equal('Basic am9z6Tpwdw==')
    scope.done()
    await session.close()
  })

  it('falls back to UTF-8 for characters outside Latin-1', async () => {
    const session = new Session({ auth: new HTTPBasicAuth('\u7528\u6237', 'pw') })
    const scope = nock('https://api.test').get('/b').reply(echoReply)

    const response = await session.get('https://api.test/b')

    expect(response.json<WireEcho>().headers.authorization).to.equal(`Basic ${Buffer.from('\u7528\u6237:pw', 'utf8').toString('base64')}`)
    scope.done()
    await session.close()
  })

  it('takes Basic credentials from the URL user-info and removes them from the URL', async () => {
    const session = new Session()
    const scope = nock('https://api.test').get('/u').reply(echoReply)

    const response = await session.get('https://user%40corp:p%3Ass@api.test/u')

    expect(response.json<WireEcho>().headers.authorization).to.equal(`Basic ${Buffer.from('user@corp:p:ss', 'latin1').toString('base64')}`)
    expect(response.request.url).to.equal('https://api.test/u')
    scope.done()
    await session.close()
  })

  it('keeps the password out of inspect, JSON, String and the session summary', () => {
    const auth = new HTTPBasicAuth('user', 'hunter2')
    const session = new Session({ auth })

    const shown = [inspect(auth), JSON.stringify(auth), String(auth), inspect(session), JSON.stringify(session)].join(' ')

    expect(shown).to.not.include('hunter2')
    expect(shown).to.include('user')
  })

  it('compares credentials with equals()', () => {
    expect(new HTTPBasicAuth('a', 'b').equals(new HTTPBasicAuth('a', 'b'))).to.equal(true)
    expect(new HTTPBasicAuth('a', 'b').equals(new HTTPBasicAuth('a', 'c'))).to.equal(false)
  })
})

describe('BearerAuth', () => {
  it('sends Authorization: Bearer and can change its token', async () => {
    const auth = new BearerAuth('first')
    const session = new Session({ auth })
    const scope = nock('https://api.test').get('/t').twice().reply(echoReply)

    const before = await session.get('https://api.test/t')
    auth.setToken('second')
    const after = await session.get('https://api.test/t')

    expect(before.json<WireEcho>().headers.authorization).to.equal('Bearer first')
    expect(after.json<WireEcho>().headers.authorization).to.equal('Bearer second')
    expect(`${inspect(auth)} ${JSON.stringify(auth)}`).to.not.include('second')
    scope.done()
    await session.close()
  })

  it('is skipped for one request with auth: null', async () => {
    const session = new Session({ auth: new BearerAuth('tok') })
    const scope = nock('https://api.test').get('/t').reply(echoReply)

    const response = await session.get('https://api.test/t', { auth: null })

    expect(response.json<WireEcho>().headers).to.not.have.property('authorization')
    scope.done()
    await session.close()
  })
})

describe('AuthStrategy hooks', () => {
  it('awaits an asynchronous apply before sending', async () => {
    const strategy: AuthStrategy = {
      async apply(request) {
        await setImmediate()
        request.headers.set('X-Async', 'done')
      },
    }
    const session = new Session({ auth: strategy })
    const scope = nock('https://api.test').get('/a').reply(echoReply)

    const response = await session.get('https://api.test/a')

    expect(response.json<WireEcho>().headers['x-async']).to.equal('done')
    scope.done()
    await session.close()
  })

  it('sends the request onResponse returns once, and never loops', async () => {
    let token = 'expired'
    let calls = 0
    const refreshing: AuthStrategy = {
      apply(request) {
        request.headers.set('Authorization', `Bearer ${token}`)
      },
      onResponse(response, request) {
        calls++
        if (response.status !== 401) return undefined
        token = 'fresh'
        const retry = request.clone()
        retry.headers.set('Authorization', `Bearer ${token}`)
        return retry
      },
    }
    const session = new Session({ auth: refreshing })
    const scope = nock('https://api.test')
      .get('/p')
      .matchHeader('authorization', 'Bearer expired')
      .reply(401, { error: 'invalid_token' })
      .get('/p')
      .matchHeader('authorization', 'Bearer fresh')
      .reply(401, { error: 'still no' })

    const response = await session.get('https://api.test/p')

    expect(response.status).to.equal(401)
    expect(response.json()).to.deep.equal({ error: 'still no' })
    expect(calls).to.equal(1)
    scope.done()
    await session.close()
  })
})

describe('Session redaction', () => {
  it('keeps header tokens, credential params and proxy passwords out of inspect, JSON and String', () => {
    const session = new Session({
      headers: { Authorization: 'Bearer header-secret', 'X-API-Key': 'key-secret' },
      params: { access_token: 'param-secret', page: '1' },
      proxies: { https: 'http://user:proxy-secret@proxy.test:3128' },
    })

    const shown = [inspect(session, { depth: 10 }), JSON.stringify(session), String(session)].join(' ')

    for (const secret of ['header-secret', 'key-secret', 'param-secret', 'proxy-secret']) expect(shown).to.not.include(secret)
    expect(shown).to.include('page=1')
  })
})
