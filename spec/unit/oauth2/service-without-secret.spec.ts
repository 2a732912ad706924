import { generateKeyPairSync } from 'node:crypto'
import { expect } from 'chai'
import { jwtVerify } from 'jose'
import nock from 'nock'
import { OAuth2Service } from '../../../lib/index.js'
import { configurationError } from '../../support/expect-configuration-error.js'

const TOKEN = { access_token: 'at-1', token_type: 'Bearer', expires_in: 3600 }
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' })

describe('OAuth2Service for a client without a secret', () => {
  afterEach(() => nock.cleanAll())

  it('takes no clientSecret with private_key_jwt, and authenticates with the assertion only', async () => {
    let body = new URLSearchParams()
    const scope = nock('https://svc.test')
      .post('/token')
      .reply(200, (_uri, sent) => {
        body = new URLSearchParams(String(sent))
        return TOKEN
      })
    const service = new OAuth2Service({
      clientId: 'svc',
      accessTokenUrl: 'https://svc.test/token',
      clientAuth: 'private_key_jwt',
      clientAssertionKey: ec.privateKey,
    })

    const session = await service.getAuthSession({ data: { grant_type: 'client_credentials' } })

    expect(session.accessToken).to.equal('at-1')
    expect(service.clientSecret).to.equal(undefined)
    expect([...body.keys()]).to.deep.equal(['grant_type', 'client_assertion_type', 'client_assertion'])
    await jwtVerify(body.get('client_assertion') as string, ec.publicKey, { issuer: 'svc', audience: 'https://svc.test/token' })
    scope.done()
  })

  it('takes no clientSecret with none (a public client): client_id in the body', async () => {
    const scope = nock('https://svc.test').post('/token', 'grant_type=authorization_code&code=c1&client_id=app').reply(200, TOKEN)
    const service = new OAuth2Service({ clientId: 'app', accessTokenUrl: 'https://svc.test/token', clientAuth: 'none' })

    const session = await service.getAuthSession({ data: { grant_type: 'authorization_code', code: 'c1' } })

    expect(session.accessToken).to.equal('at-1')
    scope.done()
  })

  it('keeps clientSecret required without clientAuth (rauth) and for the secret methods, naming clientSecret', () => {
    for (const clientAuth of [undefined, 'client_secret_basic', 'client_secret_post', 'client_secret_jwt'] as const) {
      const options = clientAuth === undefined ? {} : { clientAuth }
      expect(configurationError(() => new OAuth2Service({ clientId: 'svc', ...options })).option, String(clientAuth)).to.equal('clientSecret')
    }
  })
})
