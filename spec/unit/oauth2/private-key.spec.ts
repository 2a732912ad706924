import { createSecretKey, generateKeyPairSync } from 'node:crypto'
import { expect } from 'chai'
import { algorithmsFor, type PrivateKeyProblem, readPrivateKey } from '../../../lib/oauth2/private-key.js'

// The one private-key reader of dpop.privateKey and clientAssertionKey: what it takes, and the
// problem it names for what it does not (each caller words its own error).
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
const ec = generateKeyPairSync('ec', { namedCurve: 'P-384' })

function problemOf(given: unknown, accept: { cryptoKey: false } | undefined = undefined): PrivateKeyProblem {
  let seen: PrivateKeyProblem | undefined
  const refuse = (problem: PrivateKeyProblem): never => {
    seen = problem
    throw new Error(problem)
  }
  expect(() => (accept === undefined ? readPrivateKey(given, refuse) : readPrivateKey(given, refuse, accept))).to.throw(Error)
  return seen as PrivateKeyProblem
}

describe('readPrivateKey and algorithmsFor', () => {
  it('reads a KeyObject, a PEM and a private JWK (returning the JWK)', () => {
    const jwk = { ...ec.privateKey.export({ format: 'jwk' }), alg: 'ES384' }
    const refuse = (): never => {
      throw new Error('refused')
    }
    // The very key (chai's deep.equal takes any two KeyObjects as equal), and keys equal to the ones given.
    const given = readPrivateKey(rsa.privateKey, refuse)
    expect(given.key).to.equal(rsa.privateKey)
    expect(given.jwk).to.equal(undefined)
    expect(readPrivateKey(rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }), refuse).key.equals(rsa.privateKey)).to.equal(true)
    const read = readPrivateKey(jwk, refuse)
    expect(read.key.equals(ec.privateKey)).to.equal(true)
    expect(read.jwk).to.equal(jwk)
  })

  it('names the problem of each value that is not a private key', () => {
    expect(problemOf('junk')).to.equal('unreadable-pem')
    expect(problemOf(rsa.publicKey.export({ type: 'spki', format: 'pem' }))).to.equal('unreadable-pem')
    expect(problemOf(rsa.publicKey)).to.equal('not-private')
    expect(problemOf(createSecretKey(Buffer.alloc(32)))).to.equal('not-private')
    expect(problemOf(ec.publicKey.export({ format: 'jwk' }))).to.equal('public-jwk')
    expect(problemOf({ kty: 'EC', d: 'x' })).to.equal('unreadable-jwk')
    expect(problemOf({ d: 'x' })).to.equal('not-a-key')
    expect(problemOf(42)).to.equal('not-a-key')
  })

  it('names a symmetric (oct) JWK as a secret one, not a public one', () => {
    expect(problemOf({ kty: 'oct', k: Buffer.alloc(32).toString('base64url') })).to.equal('secret-jwk')
    expect(problemOf({ kty: 'oct', k: 'x', d: 'x' })).to.equal('secret-jwk')
  })

  it('reads an extractable CryptoKey, and with { cryptoKey: false } takes none as a key', async () => {
    const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair
    const refuse = (): never => {
      throw new Error('refused')
    }
    expect(readPrivateKey(pair.privateKey, refuse).key.asymmetricKeyType).to.equal('ec')
    expect(problemOf(pair.privateKey, { cryptoKey: false })).to.equal('not-a-key')
    expect(problemOf(pair.publicKey)).to.equal('not-private')
  })

  it('lists the JWS algorithms of each key kind, the default first', () => {
    expect(algorithmsFor(rsa.privateKey)).to.deep.equal(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'])
    expect(algorithmsFor(generateKeyPairSync('rsa-pss', { modulusLength: 2048 }).privateKey)).to.deep.equal(['PS256', 'PS384', 'PS512'])
    expect(algorithmsFor(ec.privateKey)).to.deep.equal(['ES384'])
    expect(algorithmsFor(generateKeyPairSync('ed25519').privateKey)).to.deep.equal(['EdDSA', 'Ed25519'])
    expect(algorithmsFor(generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).privateKey)).to.deep.equal([])
  })
})
