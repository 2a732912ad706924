import { expect } from 'chai'
import { readFileSync } from 'node:fs'
import { OAuth1Service, OAuth1Session, TokenMissingError, TokenRequestDeniedError, type SignatureMethodName, type SignatureType } from '../../../lib/index.js'
import { startSandbox, type Sandbox } from '../../../lib/testing/index.js'

const rsaPrivate = readFileSync(new URL('../../fixtures/oauth1/rsa-private.pem', import.meta.url), 'utf8')
const rsaPublic = readFileSync(new URL('../../fixtures/oauth1/rsa-public.pem', import.meta.url), 'utf8')

interface ProtectedEcho {
  method: string
  path: string
  placement: 'header' | 'query' | 'body'
  oauth: Record<string, string>
  params: [string, string][]
  body: string
}

/** requests-oauthlib's dance: request token, authorize (redirect), access token. */
async function dance(sandbox: Sandbox, options: { signatureMethod?: SignatureMethodName; signatureType?: SignatureType } = {}): Promise<OAuth1Session> {
  const rsa = options.signatureMethod?.startsWith('RSA') ?? false
  const session = new OAuth1Session(sandbox.oauth1.consumerKey, rsa ? undefined : sandbox.oauth1.consumerSecret, undefined, undefined, {
    callbackUri: 'https://client.example/callback',
    ...options,
    ...(rsa ? { rsaKey: rsaPrivate } : {}),
  })
  await session.fetchRequestToken(sandbox.oauth1.requestTokenUrl)
  const approval = await session.get(session.authorizationUrl(sandbox.oauth1.authorizeUrl), { allowRedirects: false, auth: null })
  session.parseAuthorizationResponse(approval.headers.get('location') ?? '')
  await session.fetchAccessToken(sandbox.oauth1.accessTokenUrl)
  return session
}

describe('the OAuth 1.0a dance against the sandbox provider', () => {
  let sandbox: Sandbox
  before(async () => {
    sandbox = await startSandbox({ oauth1: { rsaPublicKey: rsaPublic } })
  })
  after(() => sandbox.close())

  for (const signatureMethod of ['HMAC-SHA1', 'HMAC-SHA256', 'HMAC-SHA512', 'PLAINTEXT', 'RSA-SHA1', 'RSA-SHA256', 'RSA-SHA512'] as const) {
    for (const signatureType of ['AUTH_HEADER', 'QUERY', 'BODY'] as const) {
      it(`completes the dance and calls the API with ${signatureMethod} in the ${signatureType.toLowerCase()}`, async () => {
        const session = await dance(sandbox, { signatureMethod, signatureType })

        const read =
          signatureType === 'BODY'
            ? await session.put(`${sandbox.oauth1.baseUrl}me`, { params: { fields: 'id name', q: '~*' } })
            : await session.get(`${sandbox.oauth1.baseUrl}me`, { params: { fields: 'id name', q: '~*' } })
        const write = await session.post(`${sandbox.oauth1.baseUrl}statuses`, { data: { status: 'Hello Ladies + Gentlemen' } })

        const readEcho = read.raiseForStatus().json<ProtectedEcho>()
        const writeEcho = write.raiseForStatus().json<ProtectedEcho>()
        const expected = { AUTH_HEADER: 'header', QUERY: 'query', BODY: 'body' }[signatureType]
        expect(readEcho.placement).to.equal(expected)
        expect(writeEcho.placement).to.equal(expected)
        expect(readEcho.oauth.oauth_signature_method).to.equal(signatureMethod)
        expect(writeEcho.params).to.deep.include(['status', 'Hello Ladies + Gentlemen'])
        expect(session.authorized).to.equal(true)
        await session.close()
      })
    }
  }

  it('runs the rauth dance with OAuth1Service, oob verifier and rauth placement (headerAuth: false)', async () => {
    const service = new OAuth1Service({ name: 'sandbox', ...sandbox.oauth1 })

    const [requestToken, requestTokenSecret] = await service.getRequestToken('GET', { params: { oauth_callback: 'oob' } })
    const authorize = await service.getSession().get(service.getAuthorizeUrl(requestToken), { auth: null })
    const verifier = authorize.json<{ oauth_verifier: string }>().oauth_verifier
    const session = await service.getAuthSession(requestToken, requestTokenSecret, 'POST', { data: { oauth_verifier: verifier } })
    const viaBody = await session.post('statuses', { data: { status: 'rauth' }, headerAuth: false })
    const viaQuery = await session.get('me', { headerAuth: false })

    expect(viaBody.raiseForStatus().json<ProtectedEcho>().placement).to.equal('body')
    expect(viaQuery.raiseForStatus().json<ProtectedEcho>().placement).to.equal('query')
    expect(session.accessTokenResponse?.text).to.include('screen_name=sandbox_user')
    expect(service.getSession([session.accessToken ?? '', session.accessTokenSecret ?? ''])).to.equal(session)
    await service.close()
  })

  it('decodes a JSON token answer by its Content-Type', async () => {
    const service = new OAuth1Service({ ...sandbox.oauth1, requestTokenUrl: `${sandbox.oauth1.requestTokenUrl}?format=json` })

    const [token, secret] = await service.getRequestToken('POST', { params: { oauth_callback: 'oob' } })

    expect(token).to.match(/^[A-Za-z0-9]{32}$/)
    expect(secret).to.match(/^[A-Za-z0-9]{32}$/)
    expect(service.requestTokenResponse?.headers.get('content-type')).to.equal('application/json')
    await service.close()
  })

  it('reports a wrong consumer secret as TokenRequestDeniedError with our base string', async () => {
    const session = new OAuth1Session(sandbox.oauth1.consumerKey, 'wrong-secret', undefined, undefined, { callbackUri: 'oob' })

    const error = await session.fetchRequestToken(sandbox.oauth1.requestTokenUrl).catch((e: unknown) => e)

    expect(error).to.be.instanceOf(TokenRequestDeniedError).and.include({ status: 401 })
    const denied = error as TokenRequestDeniedError
    expect(denied.body).to.include('signature_invalid')
    // The sandbox computed the same base string with its own code: only the key was wrong.
    const expectedBase = JSON.parse(denied.body).expected_base_string as string
    expect(denied.signatureBaseString).to.equal(expectedBase)
    expect(denied.message).to.not.include('wrong-secret')
    await session.close()
  })

  it('is refused when a signed request is replayed (same nonce and timestamp)', async () => {
    const session = await dance(sandbox)
    const prepared = await session.prepareRequest('GET', `${sandbox.oauth1.baseUrl}me`)

    const first = await session.send(prepared.clone())
    const replay = await session.send(prepared.clone())

    expect(first.status).to.equal(200)
    expect(replay.status).to.equal(401)
    expect(replay.json()).to.include({ oauth_problem: 'nonce_used' })
    await session.close()
  })

  it('is refused with a timestamp outside the window', async () => {
    const session = await dance(sandbox)
    const stale = new OAuth1Session(sandbox.oauth1.consumerKey, sandbox.oauth1.consumerSecret, session.accessToken, session.accessTokenSecret, {
      timestamp: () => Math.floor(Date.now() / 1000) - 3600,
    })

    const response = await stale.get(`${sandbox.oauth1.baseUrl}me`)

    expect(response.status).to.equal(401)
    expect(response.json()).to.include({ oauth_problem: 'timestamp_refused' })
    await session.close()
    await stale.close()
  })

  it('raises TokenMissingError when the user denies access', async () => {
    const session = new OAuth1Session(sandbox.oauth1.consumerKey, sandbox.oauth1.consumerSecret, undefined, undefined, {
      callbackUri: 'https://client.example/cb',
    })
    await session.fetchRequestToken(sandbox.oauth1.requestTokenUrl)
    const denied = await session.get(`${session.authorizationUrl(sandbox.oauth1.authorizeUrl)}&deny=1`, { allowRedirects: false, auth: null })

    const error = (() => {
      try {
        session.parseAuthorizationResponse(denied.headers.get('location') ?? '')
      } catch (e) {
        return e
      }
    })()

    expect(error).to.be.instanceOf(TokenMissingError)
    expect((error as TokenMissingError).keys).to.deep.equal(['denied'])
    await session.close()
  })
})
