import { expect } from 'chai'
import { OAuth1Service, OAuth1Session, OAuth2Service, OAuth2Session, OflyService, OflySession } from '../../../lib/index.js'

const SECRETS = ['consumer-secret-7f3a', 'token-secret-9b1c', 'client-secret-4d2e', 'access-token-8a6f', 'refresh-token-2c9d', 'app-secret-5e7b']

describe('JSON.stringify of sessions and services', () => {
  it('never carries a secret, while serialize() carries what a restore needs', () => {
    const holders = [
      new OAuth1Session('key', 'consumer-secret-7f3a', 'token', 'token-secret-9b1c'),
      new OAuth1Service({ consumerKey: 'key', consumerSecret: 'consumer-secret-7f3a' }),
      new OAuth2Session('client', { clientSecret: 'client-secret-4d2e', token: { access_token: 'access-token-8a6f', refresh_token: 'refresh-token-2c9d' } }),
      new OAuth2Service({ clientId: 'client', clientSecret: 'client-secret-4d2e' }),
      new OflySession('app', 'app-secret-5e7b', 'user'),
      new OflyService({ appId: 'app', appSecret: 'app-secret-5e7b' }),
    ]

    const logged = holders.map((holder) => JSON.stringify(holder)).join(' ')
    const serialized = holders.map((holder) => JSON.stringify(holder.serialize())).join(' ')

    for (const secret of SECRETS) {
      expect(logged, secret).to.not.include(secret)
      expect(serialized, secret).to.include(secret)
    }
  })
})
