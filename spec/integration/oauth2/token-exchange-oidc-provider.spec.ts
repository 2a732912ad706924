import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { expect } from 'chai'
import { type CryptoKey, generateKeyPair, jwtVerify, SignJWT } from 'jose'
import { errors, type GrantContext } from 'oidc-provider'
import {
  BackendApplicationClient,
  InvalidGrantError,
  InvalidTargetError,
  JwtBearerClient,
  OAuth2JwtBearer,
  OAuth2Session,
  OAuth2TokenExchange,
  Session,
} from '../../../lib/index.js'
import { useTokenCache } from '../../../lib/testing/index.js'
import { closeAfterAll, startOidcProvider, startServer } from '../../support/servers.js'

/*
 * Token exchange (RFC 8693) and JWT bearer (RFC 7523 §2.1) against oidc-provider on 127.0.0.1.
 *
 * PEER-ASSISTED: oidc-provider implements neither grant, so this spec registers both with
 * provider.registerGrantType and the two handlers are ours. They check each request as the RFCs
 * say, independently of the library: the token exchange handler finds the subject (and actor)
 * token among the provider's own tokens and refuses an audience it does not serve
 * (invalid_target); the JWT bearer handler verifies the assertion's ES256 signature with jose
 * against a key pair this spec made, its iss, aud and lifetime, and refuses a jti it has seen.
 * Then the provider issues a real token (its ClientCredentials model), which a small resource
 * server on 127.0.0.1 accepts only when the provider's own introspection endpoint says it is
 * active. Client authentication (Basic, post), the parsing of repeated parameters and the error
 * bodies are the provider's own code.
 */

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange'
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer'
const ACCESS = 'urn:ietf:params:oauth:token-type:access_token'

describe('token exchange and JWT bearer against oidc-provider (peer-assisted grants)', function () {
  this.timeout(20_000)
  const closeLater = closeAfterAll()
  let issuer: string
  let api: string
  let signingKey: CryptoKey
  let otherKey: CryptoKey
  /** What the token exchange handler received, one entry per request. */
  const exchanges: Record<string, unknown>[] = []
  /** The jti of each assertion the JWT bearer handler accepted. */
  const acceptedJtis: string[] = []

  before(async () => {
    const pair = await generateKeyPair('ES256')
    signingKey = pair.privateKey
    otherKey = (await generateKeyPair('ES256')).privateKey
    const publicKey = pair.publicKey
    const provider = await closeLater(
      startOidcProvider(
        () => ({
          clients: [
            client('gateway', 'gateway-secret', 'client_secret_basic'),
            client('gateway-post', 'post-secret', 'client_secret_post'),
            { client_id: 'orders-rs', client_secret: 'rs-secret', grant_types: [], response_types: [], redirect_uris: [] },
          ],
          features: {
            clientCredentials: { enabled: true },
            introspection: { enabled: true, allowedPolicy: async (_ctx: unknown, caller: { clientId: string }) => caller.clientId === 'orders-rs' },
          },
          scopes: ['orders:read', 'reports'],
          cookies: { keys: ['oauth-sessions-spec-key'] },
        }),
        (provider) => {
          provider.registerGrantType(
            TOKEN_EXCHANGE,
            async (ctx: GrantContext) => {
              const params = ctx.oidc.params
              // What was sent, as the provider parsed it (parameters it knows but did not get are undefined there).
              exchanges.push({ ...Object.fromEntries(Object.entries(params).filter(([, value]) => value !== undefined)), client: ctx.oidc.client.clientId })
              if (params.subject_token_type !== ACCESS) throw new errors.InvalidRequest('subject_token_type must be an access token')
              const subject = await provider.ClientCredentials.find(String(params.subject_token))
              if (subject === undefined || subject.isExpired) throw new errors.InvalidGrant('subject_token is not an active token')
              if (params.actor_token !== undefined && (await provider.ClientCredentials.find(String(params.actor_token))) === undefined) {
                throw new errors.InvalidGrant('actor_token is not an active token')
              }
              if ([params.audience].flat().includes('forbidden')) throw new errors.InvalidTarget('audience forbidden is not served here')
              const token = new provider.ClientCredentials({ client: ctx.oidc.client, scope: typeof params.scope === 'string' ? params.scope : undefined })
              ctx.body = { access_token: await token.save(), issued_token_type: ACCESS, token_type: 'Bearer', expires_in: token.expiration }
            },
            ['subject_token', 'subject_token_type', 'actor_token', 'actor_token_type', 'audience', 'resource', 'scope', 'requested_token_type'],
            ['audience', 'resource'],
          )
          provider.registerGrantType(
            JWT_BEARER,
            async (ctx: GrantContext) => {
              let jti: unknown
              try {
                const { payload } = await jwtVerify(String(ctx.oidc.params.assertion), publicKey, {
                  issuer: ctx.oidc.client.clientId,
                  audience: `${issuer}/token`,
                  maxTokenAge: '5m',
                  requiredClaims: ['sub', 'exp', 'jti'],
                })
                jti = payload.jti
              } catch {
                throw new errors.InvalidGrant('the assertion does not verify')
              }
              if (typeof jti !== 'string' || acceptedJtis.includes(jti)) throw new errors.InvalidGrant('the assertion was used before')
              acceptedJtis.push(jti)
              const token = new provider.ClientCredentials({
                client: ctx.oidc.client,
                scope: typeof ctx.oidc.params.scope === 'string' ? ctx.oidc.params.scope : undefined,
              })
              ctx.body = { access_token: await token.save(), token_type: 'Bearer', expires_in: token.expiration }
            },
            ['assertion', 'scope'],
          )
        },
      ),
    )
    issuer = provider.issuer
    api = (await closeLater(startServer(resourceServer))).url
  })

  /** A resource server that asks the provider's introspection endpoint about each Bearer token. */
  async function resourceServer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const token = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1]
    const info = token === undefined ? { active: false } : await introspect(token)
    response.writeHead(info.active ? 200 : 401, {
      'Content-Type': 'application/json',
      ...(info.active ? {} : { 'WWW-Authenticate': 'Bearer error="invalid_token"' }),
    })
    response.end(JSON.stringify(info))
  }

  async function introspect(token: string): Promise<{ active: boolean; client_id?: string; scope?: string }> {
    const answer = await fetch(`${issuer}/token/introspection`, {
      method: 'POST',
      headers: { Authorization: `Basic ${Buffer.from('orders-rs:rs-secret').toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token }),
    })
    return (await answer.json()) as { active: boolean }
  }

  /** A client-credentials token of the gateway: the subject token of the exchanges. */
  async function subjectToken(): Promise<string> {
    const session = new OAuth2Session('gateway', { client: new BackendApplicationClient('gateway'), clientSecret: 'gateway-secret' })
    return (await session.fetchToken(`${issuer}/token`)).access_token as string
  }

  function assertion(key: CryptoKey = signingKey, jti: string = randomUUID()): Promise<string> {
    return new SignJWT({})
      .setProtectedHeader({ alg: 'ES256' })
      .setIssuer('gateway')
      .setSubject('user-42')
      .setAudience(`${issuer}/token`)
      .setJti(jti)
      .setIssuedAt()
      .setExpirationTime('2m')
      .sign(key)
  }

  describe('exchangeToken', () => {
    it('is received with repeated audience and resource, Basic-authenticated, and the adopted token works at the resource server', async () => {
      const subject = await subjectToken()
      const gateway = new OAuth2Session('gateway', { clientSecret: 'gateway-secret', autoRefreshUrl: `${issuer}/token` })
      const before = exchanges.length

      const issued = await gateway.exchangeToken({
        subjectToken: subject,
        subjectTokenType: 'access_token',
        audience: ['orders', 'billing'],
        resource: ['https://orders.example/', 'https://billing.example/'],
        scope: 'orders:read',
        adopt: true,
      })
      const answer = await gateway.get(`${api}/orders`)

      expect(exchanges.slice(before)).to.deep.equal([
        {
          grant_type: TOKEN_EXCHANGE,
          subject_token: subject,
          subject_token_type: ACCESS,
          audience: ['orders', 'billing'],
          resource: ['https://orders.example/', 'https://billing.example/'],
          scope: 'orders:read',
          client: 'gateway',
        },
      ])
      expect(issued.issued_token_type).to.equal(ACCESS)
      expect(gateway.accessToken).to.equal(issued.access_token)
      expect(answer.status).to.equal(200)
      expect(answer.json()).to.include({ active: true, client_id: 'gateway', scope: 'orders:read' })
      // The resource server does refuse a token the provider did not issue.
      expect((await new Session().get(`${api}/orders`, { headers: { Authorization: 'Bearer not-issued' } })).status).to.equal(401)
    })

    it('authenticates with client_secret_post (includeClientId) and sends an actor token with its type', async () => {
      const [subject, actor] = [await subjectToken(), await subjectToken()]
      const gateway = new OAuth2Session('gateway-post', { clientSecret: 'post-secret' })
      const before = exchanges.length

      const issued = await gateway.exchangeToken({
        url: `${issuer}/token`,
        subjectToken: subject,
        subjectTokenType: 'access_token',
        actorToken: actor,
        actorTokenType: 'access_token',
        includeClientId: true,
      })

      expect(exchanges.slice(before)[0]).to.include({ client: 'gateway-post', actor_token: actor, actor_token_type: ACCESS })
      expect((await introspect(issued.access_token)).active).to.equal(true)
    })

    it('turns the provider’s invalid_target into InvalidTargetError', async () => {
      const gateway = new OAuth2Session('gateway', { clientSecret: 'gateway-secret', autoRefreshUrl: `${issuer}/token` })

      const error = await gateway
        .exchangeToken({ subjectToken: await subjectToken(), subjectTokenType: 'access_token', audience: 'forbidden' })
        .catch((e: unknown) => e)

      expect(error).to.be.instanceOf(InvalidTargetError).and.include({ error: 'invalid_target', status: 400 })
    })

    it('through OAuth2TokenExchange: one exchange for two requests, accepted by the resource server', async () => {
      const subject = await subjectToken()
      const auth = new OAuth2TokenExchange(`${issuer}/token`, {
        clientId: 'gateway',
        clientSecret: 'gateway-secret',
        subjectToken: async () => subject,
        subjectTokenType: 'access_token',
        audience: 'orders',
      })
      const session = new Session({ auth })
      const before = exchanges.length

      const first = await session.get(`${api}/orders`)
      const second = await session.get(`${api}/orders`)

      expect([first.status, second.status]).to.deep.equal([200, 200])
      expect(exchanges.length - before).to.equal(1)
    })
  })

  describe('JWT bearer', () => {
    let restore: () => void
    beforeEach(() => {
      restore = useTokenCache().restore
    })
    afterEach(() => restore())

    it('gets a token for a signed assertion the provider verifies, and a fresh assertion (new jti) when it re-grants', async () => {
      const session = new OAuth2Session('gateway', { client: new JwtBearerClient('gateway', { assertion: () => assertion() }), clientSecret: 'gateway-secret' })
      const before = acceptedJtis.length

      await session.fetchToken(`${issuer}/token`, { scope: 'reports' })
      session.token = { ...session.token, expires_at: 1 }
      const answer = await session.get(`${api}/reports`)

      expect(answer.status).to.equal(200)
      expect(answer.json()).to.include({ active: true, client_id: 'gateway' })
      const jtis = acceptedJtis.slice(before)
      expect(jtis).to.have.length(2)
      expect(new Set(jtis).size).to.equal(2)
    })

    it('is refused by the provider for an assertion signed with another key, or used twice', async () => {
      const forged = new OAuth2Session('gateway', { client: new JwtBearerClient('gateway'), clientSecret: 'gateway-secret' })
      const replayed = await assertion()
      await forged.fetchToken(`${issuer}/token`, { assertion: replayed })

      const wrongKey = await forged.fetchToken(`${issuer}/token`, { assertion: await assertion(otherKey) }).catch((e: unknown) => e)
      const again = await forged.fetchToken(`${issuer}/token`, { assertion: replayed }).catch((e: unknown) => e)

      expect(wrongKey).to.be.instanceOf(InvalidGrantError)
      expect(again).to.be.instanceOf(InvalidGrantError)
    })

    it('through OAuth2JwtBearer: the token the provider issued is accepted by the resource server', async () => {
      const auth = new OAuth2JwtBearer(`${issuer}/token`, () => assertion(), { clientId: 'gateway', clientSecret: 'gateway-secret', subject: 'user-42' })

      const answer = await new Session({ auth }).get(`${api}/reports`)

      expect(answer.status).to.equal(200)
      expect(answer.json()).to.include({ active: true, client_id: 'gateway' })
    })
  })
})

function client(clientId: string, secret: string, method: string): Record<string, unknown> {
  return {
    client_id: clientId,
    client_secret: secret,
    token_endpoint_auth_method: method,
    grant_types: ['client_credentials', TOKEN_EXCHANGE, JWT_BEARER],
    response_types: [],
    redirect_uris: [],
  }
}
