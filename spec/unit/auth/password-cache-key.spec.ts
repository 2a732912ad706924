import { expect } from 'chai'
import { createHash } from 'node:crypto'
import { OAuth2ResourceOwnerPasswordCredentials } from '../../../lib/index.js'

const TOKEN_URL = 'https://idp.example/token'

describe('the password grant cache key', () => {
  it('does not depend on the password, so the key in a cache file tells nothing about it', () => {
    const first = new OAuth2ResourceOwnerPasswordCredentials(TOKEN_URL, 'alice', 'correct horse')
    const second = new OAuth2ResourceOwnerPasswordCredentials(TOKEN_URL, 'alice', 'battery staple')
    const guessed = createHash('sha512').update(`${TOKEN_URL}?grant_type=password&username=alice&password=correct+horse`).digest('hex')

    expect(first.state).to.equal(second.state)
    expect(first.state).to.not.equal(guessed)
  })

  it('still tells users and clients apart', () => {
    const alice = new OAuth2ResourceOwnerPasswordCredentials(TOKEN_URL, 'alice', 'pw')
    const bob = new OAuth2ResourceOwnerPasswordCredentials(TOKEN_URL, 'bob', 'pw')
    const viaClient = new OAuth2ResourceOwnerPasswordCredentials(TOKEN_URL, 'alice', 'pw', { sessionAuth: ['client-2', 'secret-2'] })

    expect(new Set([alice.state, bob.state, viaClient.state]).size).to.equal(3)
  })
})
