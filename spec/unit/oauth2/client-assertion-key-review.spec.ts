import { generateKeyPairSync } from 'node:crypto'
import { expect } from 'chai'
import { BackendApplicationClient, OAuth2Session, type OAuth2SessionOptions } from '../../../lib/index.js'
import { configurationError } from '../../support/expect-configuration-error.js'

// A private_key_jwt key jose would refuse when signing is a ConfigurationError when the session is
// made, not a TypeError from jose at the first token request.
const small = generateKeyPairSync('rsa', { modulusLength: 1024 })
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' })

function session(options: OAuth2SessionOptions): OAuth2Session {
  return new OAuth2Session('client-1', { client: new BackendApplicationClient('client-1'), clientAuth: 'private_key_jwt', ...options })
}

describe('private_key_jwt keys jose cannot sign with (review #18)', () => {
  const cases: [string, OAuth2SessionOptions, string][] = [
    ['an RSA key under 2048 bits', { clientAssertionKey: small.privateKey }, 'clientAssertionKey'],
    ['an RSA JWK under 2048 bits', { clientAssertionKey: small.privateKey.export({ format: 'jwk' }) as never }, 'clientAssertionKey'],
    ['an EC alg for an RSA key', { clientAssertionKey: rsa.privateKey, clientAssertionAlg: 'ES256' }, 'clientAssertionAlg'],
    ['an RSA alg for a P-256 key', { clientAssertionKey: ec.privateKey, clientAssertionAlg: 'RS256' }, 'clientAssertionAlg'],
    ['ES384 for a P-256 key', { clientAssertionKey: ec.privateKey, clientAssertionAlg: 'ES384' }, 'clientAssertionAlg'],
    ['an unknown alg', { clientAssertionKey: rsa.privateKey, clientAssertionAlg: 'XS256' }, 'clientAssertionAlg'],
  ]
  for (const [name, options, option] of cases) {
    it(`refuses ${name} when the session is made, naming ${option}`, () => {
      const error = configurationError(() => session(options))

      expect(error.option).to.equal(option)
      expect(error.message).not.to.include('BEGIN')
    })
  }

  it('words what each value that is not a private key is, never quoting its key material', async () => {
    const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair
    const publicJwk = ec.publicKey.export({ format: 'jwk' })
    // Each case: its name, the value, the wording expected, and a piece of the value that must not be quoted.
    const cases: [string, unknown, string, string | undefined][] = [
      ['a symmetric JWK', { kty: 'oct', k: 'c2VjcmV0LXZhbHVlLW9mLTMyLWJ5dGVzLWxvbmctLS0' }, 'is not an asymmetric JWK', 'c2VjcmV0'],
      ['a CryptoKey, which this option does not take', pair.privateKey, 'is not an asymmetric JWK', undefined],
      ['an object that is no JWK', { d: 'private-part-x1' }, 'is not an asymmetric JWK', 'private-part-x1'],
      ['a public JWK', publicJwk, 'is a public JWK', publicJwk.x],
      ['a public KeyObject', ec.publicKey, 'is a public key, not a private one', undefined],
      ['a PEM that is not a private key', 'garbled-pem-text', 'is not a private key PEM', 'garbled-pem-text'],
    ]
    for (const [name, given, wording, material] of cases) {
      const error = configurationError(() => session({ clientAssertionKey: given as never }))
      expect(error.option, name).to.equal('clientAssertionKey')
      expect(error.message, name).to.include(`clientAssertionKey ${wording}`)
      if (material !== undefined) expect(error.message, name).not.to.include(material)
    }
  })

  it('still takes RS256 and PS256 with a 2048-bit key, and ES256 with a P-256 one', () => {
    for (const options of [
      { clientAssertionKey: rsa.privateKey },
      { clientAssertionKey: rsa.privateKey, clientAssertionAlg: 'PS256' },
      { clientAssertionKey: ec.privateKey, clientAssertionAlg: 'ES256' },
    ]) {
      expect(session(options)).to.be.instanceOf(OAuth2Session)
    }
  })
})
