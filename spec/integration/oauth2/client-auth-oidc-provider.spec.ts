import { execFileSync } from 'node:child_process'
import { generateKeyPairSync, type KeyObject, X509Certificate } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TLSSocket } from 'node:tls'
import { expect } from 'chai'
import { BackendApplicationClient, InvalidClientError, OAuth2Session, type OAuth2SessionOptions } from '../../../lib/index.js'
import { loginThroughDevInteractions } from '../../support/oidc-login.js'
import { closeAfterAll, startOidcProvider, startTlsServer } from '../../support/servers.js'

const REDIRECT = 'https://app.example/callback'
/** A secret with every character form-encoding changes: oidc-provider decodes Basic credentials (RFC 6749 §2.3.1). */
const BASIC_SECRET = 'b+asic/se:cret% !'
const JWT_SECRET = 'a-client-secret-of-at-least-32-bytes-for-hs256!'

/** Certificates made with openssl in a temp dir: a CA, the https server's, a CA-signed client's, a self-signed client's. */
function makeCertificates(): Record<'ca' | 'serverKey' | 'serverCert' | 'clientKey' | 'clientCert' | 'selfKey' | 'selfCert', string> {
  const dir = mkdtempSync(join(tmpdir(), 'client-auth-certs-'))
  try {
    const openssl = (...args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' })
    const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes']
    openssl('req', '-x509', ...ecKey, '-keyout', 'ca.key', '-out', 'ca.pem', '-subj', '/CN=spec-ca', '-days', '1')
    writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1\n')
    writeFileSync(join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n')
    openssl('req', ...ecKey, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1')
    openssl(
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'server.pem',
      '-days',
      '1',
      '-extfile',
      'server.ext',
    )
    openssl('req', ...ecKey, '-keyout', 'client.key', '-out', 'client.csr', '-subj', '/CN=tls-client')
    openssl(
      'x509',
      '-req',
      '-in',
      'client.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'client.pem',
      '-days',
      '1',
      '-extfile',
      'client.ext',
    )
    openssl('req', '-x509', ...ecKey, '-keyout', 'self.key', '-out', 'self.pem', '-subj', '/CN=self-signed-client', '-days', '1')
    const read = (name: string): string => readFileSync(join(dir, name), 'utf8')
    return {
      ca: read('ca.pem'),
      serverKey: read('server.key'),
      serverCert: read('server.pem'),
      clientKey: read('client.key'),
      clientCert: read('client.pem'),
      selfKey: read('self.key'),
      selfCert: read('self.pem'),
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * Every client authentication method against oidc-provider on 127.0.0.1: the provider verifies
 * each (Basic decoding, secrets, assertion signatures with the registered public keys, `aud`,
 * single-use `jti`, the TLS client certificate), so a wrong wire is an invalid_client here.
 */
describe('clientAuth against oidc-provider', function () {
  this.timeout(30_000)
  const closeLater = closeAfterAll()
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const certs = makeCertificates()
  let issuer: string
  let mtlsOrigin: string

  before(async () => {
    let handler: ((request: IncomingMessage, response: ServerResponse) => void) | undefined
    // The mTLS endpoints: the same provider behind an https listener that asks for client certificates.
    const tls = await closeLater(
      startTlsServer({ key: certs.serverKey, cert: certs.serverCert, ca: certs.ca, requestCert: true, rejectUnauthorized: false }, (request, response) =>
        handler?.(request, response),
      ),
    )
    mtlsOrigin = tls.url
    const selfSigned = new X509Certificate(certs.selfCert)
    const provider = await closeLater(
      startOidcProvider(
        () => ({
          clients: [
            { client_id: 'basic-client', client_secret: BASIC_SECRET, token_endpoint_auth_method: 'client_secret_basic', ...machine() },
            { client_id: 'post-client', client_secret: 'post-secret', token_endpoint_auth_method: 'client_secret_post', ...machine() },
            { client_id: 'jwt-client', client_secret: JWT_SECRET, token_endpoint_auth_method: 'client_secret_jwt', ...machine() },
            {
              client_id: 'rsa-client',
              token_endpoint_auth_method: 'private_key_jwt',
              jwks: { keys: [{ ...rsa.publicKey.export({ format: 'jwk' }), kid: 'rsa-1', use: 'sig' }] },
              ...machine(),
            },
            {
              client_id: 'ec-client',
              token_endpoint_auth_method: 'private_key_jwt',
              jwks: { keys: [{ ...ec.publicKey.export({ format: 'jwk' }), kid: 'ec-1', use: 'sig' }] },
              ...machine(),
            },
            {
              client_id: 'public-client',
              token_endpoint_auth_method: 'none',
              redirect_uris: [REDIRECT],
              response_types: ['code'],
              grant_types: ['authorization_code'],
            },
            { client_id: 'tls-client', token_endpoint_auth_method: 'tls_client_auth', tls_client_auth_subject_dn: 'CN=tls-client', ...machine() },
            {
              client_id: 'self-signed-client',
              token_endpoint_auth_method: 'self_signed_tls_client_auth',
              jwks: { keys: [{ ...selfSigned.publicKey.export({ format: 'jwk' }), x5c: [selfSigned.raw.toString('base64')] }] },
              ...machine(),
            },
          ],
          clientAuthMethods: [
            'client_secret_basic',
            'client_secret_post',
            'client_secret_jwt',
            'private_key_jwt',
            'none',
            'tls_client_auth',
            'self_signed_tls_client_auth',
          ],
          discovery: {
            mtls_endpoint_aliases: { token_endpoint: `${mtlsOrigin}/token`, introspection_endpoint: `${mtlsOrigin}/token/introspection` },
          },
          features: {
            clientCredentials: { enabled: true },
            devInteractions: { enabled: true },
            introspection: { enabled: true },
            mTLS: {
              enabled: true,
              tlsClientAuth: true,
              selfSignedTlsClientAuth: true,
              getCertificate: (ctx: { socket: Partial<TLSSocket> }) => ctx.socket.getPeerX509Certificate?.(),
              certificateAuthorized: (ctx: { socket: Partial<TLSSocket> }) => ctx.socket.authorized === true,
              certificateSubjectMatches: (ctx: { socket: Partial<TLSSocket> }, property: string, expected: string) =>
                property === 'tls_client_auth_subject_dn' && ctx.socket.getPeerX509Certificate?.()?.subject === expected,
            },
          },
          pkce: { required: () => true },
          cookies: { keys: ['oauth-sessions-spec-key'] },
          findAccount: (_ctx: unknown, id: string) => ({ accountId: id, claims: () => ({ sub: id }) }),
        }),
        (started) => {
          handler = started.callback()
        },
      ),
    )
    issuer = provider.issuer
  })

  function machine(): Record<string, unknown> {
    return { grant_types: ['client_credentials'], response_types: [], redirect_uris: [] }
  }

  async function discovered(clientId: string, options: OAuth2SessionOptions): Promise<OAuth2Session> {
    return OAuth2Session.discover(issuer, clientId, { client: new BackendApplicationClient(clientId), ...options })
  }

  it('client_secret_basic: the provider decodes the form-encoded id and secret', async () => {
    const session = await discovered('basic-client', { clientAuth: 'client_secret_basic', clientSecret: BASIC_SECRET })

    expect((await session.fetchToken()).access_token).to.be.a('string')
    expect((await session.introspectToken()).active).to.equal(true)
  })

  it("client_secret_basic with clientAuthEncoding 'raw' is refused by a provider that decodes, as RFC 6749 allows it to", async () => {
    const session = await discovered('basic-client', { clientAuth: 'client_secret_basic', clientAuthEncoding: 'raw', clientSecret: BASIC_SECRET })

    const error = await session.fetchToken().catch((caught: unknown) => caught)

    expect(error).to.have.property('error').that.is.oneOf(['invalid_client', 'invalid_request'])
  })

  it('client_secret_post', async () => {
    const session = await discovered('post-client', { clientAuth: 'client_secret_post', clientSecret: 'post-secret' })

    expect((await session.fetchToken()).access_token).to.be.a('string')
    expect((await session.introspectToken()).client_id).to.equal('post-client')
  })

  it('client_secret_jwt (HS256), at the token and introspection endpoints', async () => {
    const session = await discovered('jwt-client', { clientAuth: 'client_secret_jwt', clientSecret: JWT_SECRET })

    await session.fetchToken()
    // A second assertion: a replayed jti would be refused ("client assertion tokens must only be used once").
    expect((await session.introspectToken()).active).to.equal(true)
  })

  const keyForms: [string, () => KeyObject | string | Record<string, unknown>, string, Partial<OAuth2SessionOptions>][] = [
    ['a KeyObject', () => rsa.privateKey, 'rsa-client', { clientAssertionKid: 'rsa-1' }],
    ['a PEM', () => rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, 'rsa-client', {}],
    ['a JWK (its kid and alg)', () => ({ ...ec.privateKey.export({ format: 'jwk' }), kid: 'ec-1', alg: 'ES256' }), 'ec-client', {}],
  ]
  for (const [form, key, clientId, extra] of keyForms) {
    it(`private_key_jwt with the key as ${form}`, async () => {
      const session = await discovered(clientId, { clientAuth: 'private_key_jwt', clientAssertionKey: key() as never, ...extra })

      await session.fetchToken()
      expect((await session.introspectToken()).client_id).to.equal(clientId)
    })
  }

  it('private_key_jwt with the endpoint as aud, and without discovery', async () => {
    const session = new OAuth2Session('rsa-client', {
      client: new BackendApplicationClient('rsa-client'),
      clientAuth: 'private_key_jwt',
      clientAssertionKey: rsa.privateKey,
    })

    expect((await session.fetchToken(`${issuer}/token`)).access_token).to.be.a('string')
  })

  it('private_key_jwt signed with a key the client did not register is invalid_client', async () => {
    const session = await discovered('rsa-client', {
      clientAuth: 'private_key_jwt',
      clientAssertionKey: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey,
    })

    expect(await session.fetchToken().catch((caught: unknown) => caught)).to.be.instanceOf(InvalidClientError)
  })

  it('none: a public client redeems its code with client_id in the body (and PKCE)', async () => {
    const session = await OAuth2Session.discover(issuer, 'public-client', { clientAuth: 'none', redirectUri: REDIRECT, scope: 'openid' })
    const [url] = session.authorizationUrl()
    const callback = await loginThroughDevInteractions(session, url, REDIRECT)

    expect((await session.fetchToken({ authorizationResponse: callback })).access_token).to.be.a('string')
  })

  it('tls_client_auth: the CA-signed certificate goes to the mtls_endpoint_aliases, where the provider checks its subject', async () => {
    const session = await discovered('tls-client', { clientAuth: 'tls_client_auth', cert: { cert: certs.clientCert, key: certs.clientKey }, ca: certs.ca })

    await session.fetchToken()
    expect((await session.introspectToken()).client_id).to.equal('tls-client')
  })

  it('self_signed_tls_client_auth: the provider matches the registered certificate thumbprint', async () => {
    const session = await discovered('self-signed-client', {
      clientAuth: 'self_signed_tls_client_auth',
      cert: { cert: certs.selfCert, key: certs.selfKey },
      ca: certs.ca,
    })

    expect((await session.fetchToken()).access_token).to.be.a('string')
  })

  it('tls_client_auth with a certificate the provider does not accept is invalid_client', async () => {
    const session = await discovered('tls-client', { clientAuth: 'tls_client_auth', cert: { cert: certs.selfCert, key: certs.selfKey }, ca: certs.ca })

    expect(await session.fetchToken().catch((caught: unknown) => caught)).to.be.instanceOf(InvalidClientError)
  })
})
