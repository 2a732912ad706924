import { createHash, generateKeyPairSync } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import { inspect } from 'node:util'
import { expect } from 'chai'
import { calculateJwkThumbprint, decodeProtectedHeader, importJWK, type JWK, jwtVerify } from 'jose'
import nock from 'nock'
import {
  BackendApplicationClient,
  DPoPKeyError,
  MemoryTokenStore,
  OAuth2Service,
  type OAuth2SessionOptions,
  OAuth2Session,
  TokenRequestError,
  UnsupportedTokenTypeError,
} from '../../../lib/index.js'
import { configurationError } from '../../support/expect-configuration-error.js'

const IDP = 'https://idp.test'
const TOKEN_URL = `${IDP}/token`
const API = 'https://api.test'

/** A proof as the server sees it: verified with the public key of its own `jwk` header (jose, not our signer). */
interface CheckedProof {
  header: Record<string, unknown>
  claims: Record<string, unknown>
  thumbprint: string
}

async function checkProof(proof: unknown): Promise<CheckedProof> {
  expect(proof, 'a DPoP header').to.be.a('string')
  const header = decodeProtectedHeader(proof as string) as Record<string, unknown>
  const jwk = header.jwk as JWK
  expect(jwk, 'the jwk header').to.be.an('object')
  expect(jwk).to.not.have.any.keys('d', 'p', 'q', 'dp', 'dq', 'qi')
  const key = await importJWK(jwk, header.alg as string)
  const { payload, protectedHeader } = await jwtVerify(proof as string, key, { typ: 'dpop+jwt' })
  return { header: protectedHeader as Record<string, unknown>, claims: payload as Record<string, unknown>, thumbprint: await calculateJwkThumbprint(jwk) }
}

/** What a recorder holds, and how an interceptor feeds it. */
interface Recorder {
  proofs: unknown[]
  authorizations: unknown[]
  take(headers: IncomingHttpHeaders): void
  /** A nock reply that records the request's headers, then answers `status` with `body` and `headers`. */
  answer(status: number, body?: nock.ReplyBody, headers?: nock.ReplyHeaders): (this: nock.ReplyFnContext) => nock.ReplyFnResult
}

/** Collects the DPoP header of each request an interceptor answers. */
function recorder(): Recorder {
  const proofs: unknown[] = []
  const authorizations: unknown[] = []
  const take = (headers: IncomingHttpHeaders): void => {
    proofs.push(headers.dpop)
    authorizations.push(headers.authorization)
  }
  return {
    proofs,
    authorizations,
    take,
    answer(status, body, headers) {
      return function () {
        take(this.req.headers)
        return [status, body ?? '', headers ?? {}]
      }
    },
  }
}

function clientCredentials(options: OAuth2SessionOptions = {}): OAuth2Session {
  return new OAuth2Session('client-1', { client: new BackendApplicationClient('client-1'), clientSecret: 'secret-1', dpop: true, ...options })
}

const ath = (token: string) => createHash('sha256').update(token).digest('base64url')

describe('DPoP proofs on token requests (RFC 9449 §5)', () => {
  afterEach(() => nock.cleanAll())

  it('sends a dpop+jwt proof with the public jwk, htm, htu without query, iat and a fresh jti, and keeps the key with the bound token', async () => {
    const seen = recorder()
    const scope = nock(IDP)
      .post('/token')
      .query({ tenant: 'a' })
      .times(2)
      .reply(function () {
        seen.take(this.req.headers)
        return [200, { access_token: `at-${seen.proofs.length}`, token_type: 'DPoP', expires_in: 300 }]
      })
    const session = clientCredentials()
    const before = Math.floor(Date.now() / 1000)

    const token = await session.fetchToken(`${TOKEN_URL}?tenant=a#frag`)
    await session.fetchToken(`${TOKEN_URL}?tenant=a`)

    const [first, second] = await Promise.all(seen.proofs.map(checkProof))
    expect(first?.header).to.include({ typ: 'dpop+jwt', alg: 'ES256' })
    expect(first?.claims).to.include({ htm: 'POST', htu: TOKEN_URL })
    expect(first?.claims).to.not.have.any.keys('nonce', 'ath')
    expect(first?.claims.iat).to.be.within(before, before + 5)
    expect(first?.claims.jti).to.be.a('string').and.not.equal(second?.claims.jti)
    expect(first?.thumbprint, 'one key per session').to.equal(second?.thumbprint)
    expect(token.token_type).to.equal('DPoP')
    const stored = token.dpop_jwk as JWK
    expect(stored).to.include({ kty: 'EC', crv: 'P-256', alg: 'ES256' }).and.have.property('d')
    expect(await calculateJwkThumbprint(stored)).to.equal(first?.thumbprint)
    scope.done()
  })

  it('proves refreshes and device polls too, with the key of the token held', async () => {
    const seen = recorder()
    const scope = nock(IDP)
      .post('/token', (body) => body.grant_type === 'refresh_token')
      .reply(seen.answer(200, { access_token: 'at-2', token_type: 'DPoP', refresh_token: 'rt-2' }))
      .post('/token', (body) => body.grant_type === 'urn:ietf:params:oauth:grant-type:device_code')
      .reply(seen.answer(200, { access_token: 'at-3', token_type: 'DPoP' }))
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const held = { ...privateKey.export({ format: 'jwk' }), alg: 'ES256' }
    // The session's own key differs from the one stored with its token: the token's wins.
    const session = new OAuth2Session('client-1', { dpop: true, token: { access_token: 'at-1', token_type: 'DPoP', refresh_token: 'rt-1', dpop_jwk: held } })

    await session.refreshToken(TOKEN_URL)
    await session.pollDeviceToken(
      {
        deviceCode: 'dc',
        userCode: 'U',
        verificationUri: 'https://idp.test/device',
        expiresIn: 60,
        interval: 1,
        expiresAt: Date.now() + 60_000,
        device_code: 'dc',
        user_code: 'U',
        verification_uri: 'https://idp.test/device',
        expires_in: 60,
      },
      { tokenUrl: TOKEN_URL, clock: { now: () => Date.now(), sleep: async () => {} } },
    )

    const proofs = await Promise.all(seen.proofs.map(checkProof))
    const heldThumbprint = await calculateJwkThumbprint(held as JWK)
    expect(proofs.map((proof) => proof.thumbprint)).to.deep.equal([heldThumbprint, heldThumbprint])
    expect(proofs.map((proof) => proof.claims.htm)).to.deep.equal(['POST', 'POST'])
    scope.done()
  })

  it('retries once with the server nonce on 400 use_dpop_nonce, and remembers it for the next request', async () => {
    const seen = recorder()
    const scope = nock(IDP)
      .post('/token')
      .reply(seen.answer(400, { error: 'use_dpop_nonce', error_description: 'nonce required' }, { 'DPoP-Nonce': 'n-1' }))
      .post('/token')
      .times(2)
      .reply(seen.answer(200, { access_token: 'at-1', token_type: 'DPoP' }))
    const session = clientCredentials()

    await session.fetchToken(TOKEN_URL)
    await session.fetchToken(TOKEN_URL)

    const proofs = await Promise.all(seen.proofs.map(checkProof))
    expect(proofs.map((proof) => proof.claims.nonce)).to.deep.equal([undefined, 'n-1', 'n-1'])
    scope.done()
  })

  it('retries only once: a second use_dpop_nonce is the typed TokenRequestError', async () => {
    let calls = 0
    const scope = nock(IDP)
      .post('/token')
      .times(2)
      .reply(() => {
        calls += 1
        return [400, { error: 'use_dpop_nonce' }, { 'DPoP-Nonce': `n-${calls}` }]
      })
    const session = clientCredentials()

    const error = await session.fetchToken(TOKEN_URL).catch((caught: unknown) => caught)

    expect(error).to.be.instanceOf(TokenRequestError).and.include({ error: 'use_dpop_nonce', status: 400 })
    expect(calls).to.equal(2)
    scope.done()
  })

  it('ignores an absurd DPoP-Nonce (huge, control characters, quotes): no retry, never echoed in a proof', async () => {
    const seen = recorder()
    const scope = nock(IDP)
      .post('/token')
      .reply(seen.answer(400, { error: 'use_dpop_nonce' }, { 'DPoP-Nonce': 'x'.repeat(5000) }))
      .post('/token')
      .reply(seen.answer(400, { error: 'use_dpop_nonce' }, { 'DPoP-Nonce': 'a"b\\c' }))
      .post('/token')
      .reply(seen.answer(200, { access_token: 'at-1', token_type: 'DPoP' }))
    const session = clientCredentials()

    const huge = await session.fetchToken(TOKEN_URL).catch((caught: unknown) => caught)
    const quoted = await session.fetchToken(TOKEN_URL).catch((caught: unknown) => caught)
    await session.fetchToken(TOKEN_URL)

    expect(huge).to.be.instanceOf(TokenRequestError).and.include({ error: 'use_dpop_nonce' })
    expect(quoted).to.be.instanceOf(TokenRequestError).and.include({ error: 'use_dpop_nonce' })
    const proofs = await Promise.all(seen.proofs.map(checkProof))
    expect(proofs.map((proof) => proof.claims.nonce)).to.deep.equal([undefined, undefined, undefined])
    scope.done()
  })

  it('proves a token exchange (RFC 8693) as well', async () => {
    const seen = recorder()
    const scope = nock(IDP)
      .post('/token', (body) => body.grant_type === 'urn:ietf:params:oauth:grant-type:token-exchange')
      .reply(seen.answer(200, { access_token: 'ex-1', token_type: 'DPoP', issued_token_type: 'urn:ietf:params:oauth:token-type:access_token' }))
    const session = new OAuth2Session('gateway', { clientSecret: 's', autoRefreshUrl: TOKEN_URL, dpop: true })

    const issued = await session.exchangeToken({ subjectToken: 'user-token', subjectTokenType: 'access_token' })

    const [proof] = await Promise.all(seen.proofs.map(checkProof))
    expect(proof?.claims).to.include({ htm: 'POST', htu: TOKEN_URL })
    expect(issued.dpop_jwk).to.be.an('object')
    scope.done()
  })
})

describe('DPoP on resource requests (RFC 9449 §7)', () => {
  afterEach(() => nock.cleanAll())

  async function boundSession(): Promise<OAuth2Session> {
    nock(IDP).post('/token').reply(200, { access_token: 'at-1', token_type: 'DPoP', expires_in: 300 }, { 'DPoP-Nonce': 'as-nonce' })
    const session = clientCredentials()
    await session.fetchToken(TOKEN_URL)
    return session
  }

  it('sends Authorization: DPoP with a proof carrying ath, htm and htu without query and fragment', async () => {
    const session = await boundSession()
    const seen = recorder()
    const scope = nock(API).put('/v1/items/7').query({ verbose: '1' }).reply(seen.answer(204))

    await session.put(`${API}/v1/items/7?verbose=1#top`, { json: { a: 1 } })

    expect(seen.authorizations).to.deep.equal(['DPoP at-1'])
    const [proof] = await Promise.all(seen.proofs.map(checkProof))
    expect(proof?.claims).to.include({ htm: 'PUT', htu: `${API}/v1/items/7`, ath: ath('at-1') })
    // The token endpoint's nonce is the authorization server's: another origin gets none.
    expect(proof?.claims).to.not.have.property('nonce')
    expect(await calculateJwkThumbprint(session.token.dpop_jwk as JWK)).to.equal(proof?.thumbprint)
    scope.done()
  })

  it('retries once on 401 WWW-Authenticate DPoP error="use_dpop_nonce", with the nonce, and keeps it per origin', async () => {
    const session = await boundSession()
    const seen = recorder()
    const challenge = {
      'WWW-Authenticate': 'DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof"',
      'DPoP-Nonce': 'rs-1',
    }
    const scope = nock(API)
      .get('/me')
      .reply(seen.answer(401, '', challenge))
      .get('/me')
      .times(2)
      .reply(seen.answer(200, { ok: true }))

    const first = await session.get(`${API}/me`)
    const second = await session.get(`${API}/me`)

    expect([first.status, second.status]).to.deep.equal([200, 200])
    const proofs = await Promise.all(seen.proofs.map(checkProof))
    expect(proofs.map((proof) => proof.claims.nonce)).to.deep.equal([undefined, 'rs-1', 'rs-1'])
    expect(new Set(proofs.map((proof) => proof.claims.jti)).size, 'a fresh jti on the retry').to.equal(3)
    scope.done()
  })

  it('retries only once at a resource server: a second use_dpop_nonce answer is returned as it is', async () => {
    const session = await boundSession()
    let calls = 0
    const scope = nock(API)
      .get('/me')
      .times(2)
      .reply(() => {
        calls += 1
        return [401, '', { 'WWW-Authenticate': 'DPoP error="use_dpop_nonce"', 'DPoP-Nonce': `rs-${calls}` }]
      })

    const response = await session.get(`${API}/me`)

    expect(response.status).to.equal(401)
    expect(calls).to.equal(2)
    scope.done()
  })

  it('gives a same-origin redirect hop a proof of its own URL', async () => {
    const session = await boundSession()
    const seen = recorder()
    const scope = nock(API)
      .get('/old')
      .reply(seen.answer(302, '', { Location: '/new?x=1' }))
      .get('/new')
      .query({ x: '1' })
      .reply(seen.answer(200, 'ok'))

    await session.get(`${API}/old`)

    const proofs = await Promise.all(seen.proofs.map(checkProof))
    expect(proofs.map((proof) => proof.claims.htu)).to.deep.equal([`${API}/old`, `${API}/new`])
    expect(seen.authorizations).to.deep.equal(['DPoP at-1', 'DPoP at-1'])
    scope.done()
  })

  it('keeps DPoP headers out of toJSON, inspect and String of the session, and redacts dpop_jwk', async () => {
    const session = await boundSession()
    const d = (session.token.dpop_jwk as Record<string, string>).d as string

    const shown = [JSON.stringify(session), inspect(session, { depth: 10 }), String(session)].join('\n')

    expect(shown).to.not.include(d)
    expect(shown).to.include('[redacted]')
    expect(JSON.parse(JSON.stringify(session)).dpop).to.deep.equal({ alg: 'ES256' })
  })

  it('sends a Bearer token of a DPoP session as Bearer, with no proof (the server did not bind it)', async () => {
    nock(IDP).post('/token').reply(200, { access_token: 'at-b', token_type: 'Bearer' })
    const session = clientCredentials()
    const token = await session.fetchToken(TOKEN_URL)
    const scope = nock(API, { badheaders: ['dpop'] })
      .get('/me')
      .matchHeader('authorization', 'Bearer at-b')
      .reply(200, 'ok')

    await session.get(`${API}/me`)

    expect(token).to.not.have.property('dpop_jwk')
    scope.done()
  })

  it('refuses a DPoP-bound token on a session without dpop (UnsupportedTokenTypeError), before any traffic', async () => {
    const session = new OAuth2Session('client-1', { token: { access_token: 'at-1', token_type: 'DPoP' } })

    const error = await session.get(`${API}/me`).catch((caught: unknown) => caught)

    expect(error).to.be.instanceOf(UnsupportedTokenTypeError)
  })
})

describe('plain Bearer sessions are unchanged by DPoP', () => {
  afterEach(() => nock.cleanAll())

  it('sends no DPoP header to the token endpoint or the API, and exactly the headers it sent before', async () => {
    const headers: IncomingHttpHeaders[] = []
    const scope = nock(IDP, { badheaders: ['dpop'] })
      .post('/token', 'grant_type=client_credentials')
      .reply(function () {
        headers.push(this.req.headers)
        return [400, { error: 'use_dpop_nonce' }, { 'DPoP-Nonce': 'n-1' }]
      })
    const api = nock(API, { badheaders: ['dpop'] })
      .get('/me')
      .matchHeader('authorization', 'Bearer at-1')
      .reply(200, 'ok')
    const session = new OAuth2Session('client-1', { client: new BackendApplicationClient('client-1'), clientSecret: 'secret-1' })
    const bearer = new OAuth2Session('client-1', { token: { access_token: 'at-1', token_type: 'Bearer' } })

    const error = await session.fetchToken(TOKEN_URL).catch((caught: unknown) => caught)
    await bearer.get(`${API}/me`)

    // No DPoP, no retry on a nonce demand it never asked for.
    expect(error).to.be.instanceOf(TokenRequestError)
    expect(Object.keys(headers[0] ?? {}).sort()).to.deep.equal([
      'accept',
      'accept-encoding',
      'authorization',
      'connection',
      'content-length',
      'content-type',
      'host',
      'user-agent',
    ])
    expect(JSON.parse(JSON.stringify(session))).to.not.have.property('dpop')
    expect(session.serialize().dpop).to.equal(undefined)
    scope.done()
    api.done()
  })
})

describe('DPoP keys: given, checked, serialized and shared through the store', () => {
  afterEach(() => nock.cleanAll())

  const keys = {
    ES256: () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey,
    PS256: () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey,
    EdDSA: () => generateKeyPairSync('ed25519').privateKey,
  } as const

  for (const [alg, make] of Object.entries(keys)) {
    it(`signs with a given ${alg} key (KeyObject; the alg is the one the key implies)`, async () => {
      const privateKey = make()
      const seen = recorder()
      const scope = nock(IDP)
        .post('/token')
        .reply(seen.answer(200, { access_token: 'at-1', token_type: 'DPoP' }))
      const session = clientCredentials({ dpop: { privateKey } })

      await session.fetchToken(TOKEN_URL)

      const [proof] = await Promise.all(seen.proofs.map(checkProof))
      expect(proof?.header.alg).to.equal(alg)
      const given = privateKey.export({ format: 'jwk' }) as JWK
      expect(proof?.thumbprint).to.equal(await calculateJwkThumbprint(given))
      scope.done()
    })
  }

  it('takes a key as a PEM or a private JWK, with an alg that fits (RS256 for RSA)', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
    const seen = recorder()
    const scope = nock(IDP)
      .post('/token')
      .times(2)
      .reply(seen.answer(200, { access_token: 'at-1', token_type: 'DPoP' }))

    await clientCredentials({ dpop: { privateKey: rsa.export({ format: 'pem', type: 'pkcs8' }) as string, alg: 'RS256' as const } }).fetchToken(TOKEN_URL)
    await clientCredentials({ dpop: { privateKey: rsa.export({ format: 'jwk' }), alg: 'RS256' as const } }).fetchToken(TOKEN_URL)

    const proofs = await Promise.all(seen.proofs.map(checkProof))
    expect(proofs.map((proof) => proof.header.alg)).to.deep.equal(['RS256', 'RS256'])
    scope.done()
  })

  it('makes a key pair of the alg asked for when no key is given', async () => {
    const seen = recorder()
    const scope = nock(IDP)
      .post('/token')
      .reply(seen.answer(200, { access_token: 'at-1', token_type: 'DPoP' }))

    await clientCredentials({ dpop: { alg: 'EdDSA' as const } }).fetchToken(TOKEN_URL)

    const [proof] = await Promise.all(seen.proofs.map(checkProof))
    expect(proof?.header.alg).to.equal('EdDSA')
    expect(proof?.header.jwk).to.have.property('crv').that.equals('Ed25519')
    scope.done()
  })

  it('refuses, before any traffic, an alg that does not fit the key, a public key, junk and unknown keys of the option', () => {
    const ec = keys.ES256()
    const publicJwk = { kty: 'EC', crv: 'P-256', x: (ec.export({ format: 'jwk' }) as JWK).x, y: (ec.export({ format: 'jwk' }) as JWK).y }

    const wrongAlg = configurationError(() => new OAuth2Session('c', { dpop: { privateKey: ec, alg: 'RS256' } }))
    const publicOnly = configurationError(() => new OAuth2Session('c', { dpop: { privateKey: publicJwk } }))
    const junk = configurationError(() => new OAuth2Session('c', { dpop: { privateKey: '-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----' } }))
    const unknown = configurationError(() => new OAuth2Session('c', { dpop: { privateKey: ec, algorithm: 'ES256' } as never }))
    const badAlg = configurationError(() => new OAuth2Session('c', { dpop: { alg: 'HS256' } as never }))
    const symmetric = configurationError(() => new OAuth2Session('c', { dpop: { privateKey: { kty: 'oct', k: 'c2VjcmV0LWJ5dGVz' } } }))

    expect(wrongAlg.option).to.equal('dpop.alg')
    expect(wrongAlg.message).to.include('ES256')
    expect(publicOnly.option).to.equal('dpop.privateKey')
    expect(junk.option).to.equal('dpop.privateKey')
    expect(junk.message).to.not.include('not a key')
    expect(unknown.option).to.equal('dpop.algorithm')
    expect(badAlg.option).to.equal('dpop.alg')
    expect(symmetric.option).to.equal('dpop.privateKey')
    expect(symmetric.message).to.include('symmetric (oct) JWK').and.not.include('public JWK').and.not.include('c2VjcmV0')
  })

  it('serialize() carries the key, and fromJSON restores a session that proves with it', async () => {
    const seen = recorder()
    const scope = nock(IDP)
      .post('/token')
      .reply(seen.answer(200, { access_token: 'at-1', token_type: 'DPoP' }))
    const api = nock(API).get('/me').reply(seen.answer(200, 'ok'))
    const session = clientCredentials()
    expect(session.serialize().dpop, 'before the key is made').to.equal(true)
    await session.fetchToken(TOKEN_URL)

    const json = JSON.stringify(session.serialize())
    const restored = OAuth2Session.fromJSON(json, { client: new BackendApplicationClient('client-1') })
    await restored.get(`${API}/me`)

    const [fetched, used] = await Promise.all(seen.proofs.map(checkProof))
    expect(used?.thumbprint).to.equal(fetched?.thumbprint)
    expect(used?.claims.ath).to.equal(ath('at-1'))
    expect(restored.serialize().dpop).to.deep.equal(session.serialize().dpop)
    scope.done()
    api.done()
  })

  it('writes the key with the token into its store, and a peer with its own key proves with the stored one', async () => {
    const seen = recorder()
    const scope = nock(IDP).post('/token').reply(200, { access_token: 'at-1', token_type: 'DPoP', expires_in: 300 })
    const api = nock(API).get('/me').times(2).reply(seen.answer(200, 'ok'))
    const store = new MemoryTokenStore()
    const shared = { tokenStore: store, autoRefreshUrl: TOKEN_URL }
    const first = clientCredentials(shared)
    const peer = clientCredentials({ ...shared, dpop: { privateKey: keys.ES256() } })

    await first.fetchToken(TOKEN_URL)
    await first.get(`${API}/me`)
    await peer.get(`${API}/me`)

    const stored = await store.get(first.tokenKey as string)
    expect(stored?.token.dpop_jwk).to.be.an('object').with.property('d')
    const proofs = await Promise.all(seen.proofs.map(checkProof))
    expect(proofs[1]?.thumbprint).to.equal(proofs[0]?.thumbprint)
    expect(await calculateJwkThumbprint(stored?.token.dpop_jwk as JWK)).to.equal(proofs[0]?.thumbprint)
    scope.done()
    api.done()
  })

  it('raises DPoPKeyError for a stored dpop_jwk that is no usable key, naming no key material', async () => {
    const session = new OAuth2Session('client-1', {
      dpop: true,
      token: { access_token: 'at-1', token_type: 'DPoP', dpop_jwk: { kty: 'EC', crv: 'P-256', d: 'secret-d', alg: 'ES256' } },
    })

    const error = await session.get(`${API}/me`).catch((caught: unknown) => caught)

    expect(error).to.be.instanceOf(DPoPKeyError).and.include({ code: 'ERR_DPOP_KEY' })
    expect((error as Error).message).to.not.include('secret-d')
  })

  it('gives OAuth2Service sessions DPoP through sessionOptions (their fetchToken; rauth getAuthSession sends no proof)', async () => {
    const seen = recorder()
    const scope = nock(IDP)
      .post('/token')
      .reply(seen.answer(200, { access_token: 'at-1', token_type: 'DPoP' }))
    const service = new OAuth2Service({
      clientId: 'client-1',
      clientSecret: 'secret-1',
      accessTokenUrl: TOKEN_URL,
      sessionOptions: { dpop: true, client: new BackendApplicationClient('client-1') },
    })

    const session = service.getSession()
    await session.fetchToken(TOKEN_URL)

    const [proof] = await Promise.all(seen.proofs.map(checkProof))
    expect(proof?.claims).to.include({ htm: 'POST', htu: TOKEN_URL })
    expect(session.token.token_type).to.equal('DPoP')
    scope.done()
  })
})
