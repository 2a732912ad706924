import { setTimeout as sleep } from 'node:timers/promises'
import { OAuth2Session, type OAuth2Token } from '../../lib/index.js'
import { type LoopbackServer, listenLoopback, startServer } from './servers.js'
import { createServer } from 'node:http'
import { loginThroughDevInteractions } from './oidc-login.js'

// oidc-provider on 127.0.0.1 set up to punish a token shared carelessly across processes, for the
// cross-process specs of #16:
//
// - rotateRefreshToken: every refresh spends the refresh token and hands out a new one. Spending a
//   spent one again is reuse: oidc-provider (lib/actions/grants/refresh_token.js) destroys the
//   token, revokes the whole grant (lib/helpers/revoke.js emits 'grant.revoked') and answers
//   invalid_grant "refresh token already used". Two processes refreshing with the same token
//   therefore kill the grant for everyone, which is what the specs must never see.
// - Access and client-credentials tokens live `ttlSeconds` (2 s), so a 10 s run has several expiries.
// - A resource server (`resourceUrl`) that accepts a bearer token only while the provider itself
//   still holds it valid, and otherwise answers 401 `invalid_token`.
// - Counters from the provider's events: tokens issued per grant type, token errors per code,
//   revoked grants, and the resource's answers.
//
//   await using provider = await startRotatingProvider()
//   const token = await provider.userToken()       // code flow for alice: has a refresh token
//   … workers refresh with it …
//   expect(provider.counts.errors.invalid_grant ?? 0).to.equal(0)

/** The confidential client that refreshes (client_secret_post: auto-refresh sends its id and secret in the body). */
export const REFRESH_CLIENT = { id: 'xproc-refresh', secret: 'xproc-refresh-secret' } as const
/** The client of the client-credentials runs (client_secret_basic). */
export const SERVICE_CLIENT = { id: 'xproc-service', secret: 'xproc-service-secret' } as const
const REDIRECT = 'https://app.example/callback'

/** The worker adds this header to its refresh requests (compliance hook), so the provider can tell who is refreshing. */
export const WORKER_HEADER = 'x-xproc-worker'

/** What the provider and the resource saw. */
export interface ProviderCounts {
  /** Tokens issued, by grant type (`refresh_token`, `client_credentials`, `authorization_code`). */
  issued: Record<string, number>
  /** Token endpoint errors, by OAuth error code (`invalid_grant`, …). */
  errors: Record<string, number>
  /** Grants revoked (refresh-token reuse revokes its grant). */
  revoked: number
  /** Resource requests answered 200, and 401 (no valid token). */
  resourceOk: number
  resourceRejected: number
  /** When each token was issued by refresh or client credentials, Unix milliseconds. */
  issuedAt: Array<{ grantType: string; at: number }>
}

/** A refresh the provider holds back (see {@link RotatingProvider.holdNextRefresh}). */
export interface HeldRefresh {
  /** The worker whose request it is (the {@link WORKER_HEADER} it sent). */
  worker: string
  /** When the request arrived, Unix milliseconds. */
  at: number
  /** Resolves once the hold ends: 'dropped' when the client had gone (the request was never processed), else 'passed'. */
  outcome: Promise<'dropped' | 'passed'>
}

/** The running provider and its resource server. */
export interface RotatingProvider extends AsyncDisposable {
  readonly issuer: string
  readonly tokenUrl: string
  /** GET it with a bearer token: 200 `{ ok: true }` while the token is valid, else 401 invalid_token. */
  readonly resourceUrl: string
  /** The access-token (and client-credentials token) lifetime the provider enforces, seconds. */
  readonly ttlSeconds: number
  readonly counts: ProviderCounts
  /** Runs the code flow for a test user through the development login and consent pages: a token with a refresh token. */
  userToken(): Promise<OAuth2Token>
  /**
   * Holds the next refresh request for `ms` before the provider sees it; resolves when one
   * arrives. If its client goes away meanwhile (SIGKILL), the request is dropped unprocessed, so
   * the refresh token it carried is still unspent, as when a process dies before its request
   * reaches the provider.
   */
  holdNextRefresh(ms: number): Promise<HeldRefresh>
  close(): Promise<void>
}

export interface RotatingProviderOptions {
  /** Access-token lifetime in whole seconds (oidc-provider's unit); default 2. */
  ttlSeconds?: number
}

/** Starts the provider and its resource on 127.0.0.1. */
export async function startRotatingProvider(options: RotatingProviderOptions = {}): Promise<RotatingProvider> {
  const ttlSeconds = options.ttlSeconds ?? 2
  const counts: ProviderCounts = { issued: {}, errors: {}, revoked: 0, resourceOk: 0, resourceRejected: 0, issuedAt: [] }
  const closing: LoopbackServer[] = []
  const close = async (): Promise<void> => {
    await Promise.all(closing.splice(0).map((server) => server.close()))
  }
  try {
    const listening = await startServer()
    closing.push(listening)
    keepConnections(listening)
    const issuer = listening.url
    // Loaded here so that specs without oidc-provider do not pay for it.
    const { default: Provider } = await import('oidc-provider')
    const grant_types = ['authorization_code', 'refresh_token', 'client_credentials']
    const provider = new Provider(issuer, {
      clients: [
        {
          client_id: REFRESH_CLIENT.id,
          client_secret: REFRESH_CLIENT.secret,
          token_endpoint_auth_method: 'client_secret_post',
          redirect_uris: [REDIRECT],
          response_types: ['code'],
          grant_types,
        },
        { client_id: SERVICE_CLIENT.id, client_secret: SERVICE_CLIENT.secret, redirect_uris: [REDIRECT], response_types: ['code'], grant_types },
      ],
      features: { clientCredentials: { enabled: true }, devInteractions: { enabled: true } },
      pkce: { required: () => true },
      cookies: { keys: ['oauth-sessions-xproc-key'] },
      issueRefreshToken: () => true,
      rotateRefreshToken: true,
      ttl: { AccessToken: ttlSeconds, ClientCredentials: ttlSeconds },
      findAccount: (_ctx: unknown, id: string) => ({ accountId: id, claims: () => ({ sub: id }) }),
    })

    provider.on('grant.success', (ctx) => {
      const grantType = String(ctx.oidc?.params?.grant_type)
      counts.issued[grantType] = (counts.issued[grantType] ?? 0) + 1
      if (grantType !== 'authorization_code') counts.issuedAt.push({ grantType, at: Date.now() })
    })
    provider.on('grant.error', (_ctx, error) => {
      const code = String((error as { error?: unknown }).error)
      counts.errors[code] = (counts.errors[code] ?? 0) + 1
    })
    provider.on('grant.revoked', () => {
      counts.revoked++
    })

    let hold: { ms: number; arrived: (held: HeldRefresh) => void } | undefined
    provider.use(async (ctx, next) => {
      const worker = ctx.get(WORKER_HEADER)
      const armed = hold
      if (armed === undefined || ctx.method !== 'POST' || ctx.path !== '/token' || worker === '') return next()
      hold = undefined
      let settle: (outcome: 'dropped' | 'passed') => void = () => {}
      const outcome = new Promise<'dropped' | 'passed'>((resolve) => (settle = resolve))
      armed.arrived({ worker, at: Date.now(), outcome })
      await sleep(armed.ms)
      if (ctx.req.socket.destroyed) {
        ctx.respond = false
        settle('dropped')
        return
      }
      settle('passed')
      return next()
    })
    listening.server.on('request', provider.callback())

    const resource = await listenLoopback(
      createServer((request, response) => {
        const [scheme, value] = (request.headers.authorization ?? '').split(' ')
        const check = scheme?.toLowerCase() === 'bearer' && value !== undefined ? validToken(value) : Promise.resolve(false)
        check.then(
          (valid) => {
            if (valid) {
              counts.resourceOk++
              response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}')
            } else {
              counts.resourceRejected++
              response.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"' }).end()
            }
          },
          () => response.writeHead(500).end(),
        )
      }),
    )
    closing.push(resource)
    keepConnections(resource)

    async function validToken(value: string): Promise<boolean> {
      const found = (await provider.AccessToken.find(value)) ?? (await provider.ClientCredentials.find(value))
      return found !== undefined && !found.isExpired
    }

    return {
      issuer,
      tokenUrl: `${issuer}/token`,
      resourceUrl: `${resource.url}/resource`,
      ttlSeconds,
      counts,
      userToken: () => userToken(issuer),
      holdNextRefresh: (ms) => new Promise((arrived) => (hold = { ms, arrived })),
      close,
      [Symbol.asyncDispose]: close,
    }
  } catch (error) {
    await close()
    throw error
  }
}

/** The code flow with PKCE for alice, through oidc-provider's development login and consent pages. */
async function userToken(issuer: string): Promise<OAuth2Token> {
  const session = new OAuth2Session(REFRESH_CLIENT.id, {
    redirectUri: REDIRECT,
    scope: ['openid', 'offline_access'],
    pkce: 'S256',
    clientSecret: REFRESH_CLIENT.secret,
  })
  try {
    const [url] = session.authorizationUrl(`${issuer}/auth`, undefined, { prompt: 'consent' })
    const callback = await loginThroughDevInteractions(session, url, REDIRECT)
    return await session.fetchToken(`${issuer}/token`, { authorizationResponse: callback, includeClientId: true })
  } finally {
    await session.close()
  }
}

/**
 * Keeps idle keep-alive connections open for the whole run. Node closes them after 5 s by
 * default; a worker's agent may reuse one at the moment the server closes it, and that request
 * fails with ECONNRESET (the keep-alive race, seen once in a loaded CI run of 13,735 requests):
 * a fault of the test servers, not of the token sharing the run measures. close() still ends them.
 */
function keepConnections(listening: LoopbackServer): void {
  listening.server.keepAliveTimeout = 120_000
  listening.server.headersTimeout = 121_000
}
