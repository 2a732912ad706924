import { expect } from 'chai'
import { readFileSync } from 'node:fs'
import { OAuth1Auth, Session, type OAuth1AuthOptions, type RequestOptions } from '../../../lib/index.js'

interface Fixture {
  name: string
  method: string
  url: string
  request: { params?: Record<string, string> | [string, string][]; data?: Record<string, string> | string; json?: unknown; headers?: Record<string, string> }
  auth: Record<string, string | boolean | null>
  wire: { url: string; authorization: string | null; contentType: string | null; body: string | null }
}

// Recorded by spec/fixtures/oauth1/generate.py from requests-oauthlib 1.3 / oauthlib 3.2 (Debian).
const fixtures = JSON.parse(readFileSync(new URL('../../fixtures/oauth1/requests-oauthlib.json', import.meta.url), 'utf8')) as Fixture[]
const rsaKey = readFileSync(new URL('../../fixtures/oauth1/rsa-private.pem', import.meta.url), 'utf8')
const CREDENTIALS = {
  clientKey: 'dpf43f3p2l4k3l03',
  clientSecret: 'kd94hf93k423kf44',
  resourceOwnerKey: 'nnch734d00sl2jdk',
  resourceOwnerSecret: 'pfkkdhi9sl3r4s00',
}

function authFor(fixture: Fixture): OAuth1Auth {
  const python = fixture.auth
  const options: OAuth1AuthOptions = { nonce: '7d8f3e4a9b2c1d0e5f6a', timestamp: '1191242096' }
  if (!('client_secret' in python)) options.clientSecret = CREDENTIALS.clientSecret
  if (!('resource_owner_key' in python)) options.resourceOwnerKey = CREDENTIALS.resourceOwnerKey
  if (!('resource_owner_secret' in python)) options.resourceOwnerSecret = CREDENTIALS.resourceOwnerSecret
  if (typeof python.signature_type === 'string') options.signatureType = python.signature_type as OAuth1AuthOptions['signatureType']
  if (typeof python.signature_method === 'string') options.signatureMethod = python.signature_method as OAuth1AuthOptions['signatureMethod']
  if (typeof python.realm === 'string') options.realm = python.realm
  if (typeof python.callback_uri === 'string') options.callbackUri = python.callback_uri
  if (typeof python.verifier === 'string') options.verifier = python.verifier
  if (python.force_include_body === true) options.forceIncludeBody = true
  if (options.signatureMethod?.toString().startsWith('RSA')) options.rsaKey = rsaKey
  return new OAuth1Auth(CREDENTIALS.clientKey, options)
}

describe('OAuth1Auth on the wire, against requests-oauthlib', () => {
  for (const fixture of fixtures) {
    it(`matches requests-oauthlib for ${fixture.name}`, async () => {
      const auth = authFor(fixture)
      const session = new Session({ auth })
      const options: RequestOptions = {}
      if (fixture.request.params !== undefined) options.params = fixture.request.params
      if (fixture.request.data !== undefined) options.data = fixture.request.data
      if (fixture.request.headers !== undefined) options.headers = fixture.request.headers
      if (fixture.request.json !== undefined) options.body = JSON.stringify(fixture.request.json).replace(':', ': ')
      if (fixture.request.json !== undefined) options.headers = { 'Content-Type': 'application/json' }

      const prepared = await session.prepareRequest(fixture.method, fixture.url, options)

      expect(prepared.url).to.equal(new URL(fixture.wire.url).href)
      expect(prepared.headers.get('authorization') ?? null).to.equal(fixture.wire.authorization)
      expect(prepared.headers.get('content-type') ?? null).to.equal(fixture.wire.contentType)
      expect(prepared.body === undefined ? null : String(prepared.body)).to.equal(fixture.wire.body)
      await session.close()
    })
  }
})
