import { createHash, randomBytes } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { JWK } from 'jose'
import { timingSafeEqualText } from '../security/timing-safe-equal.js'
import { SandboxPushedRequests } from './sandbox-par.js'
import { SandboxDPoP } from './sandbox-dpop.js'
import { sendJson } from './sandbox-replies.js'

/**
 * The OAuth 2 client and user the sandbox accepts, and its endpoints.
 *
 * @example
 * ```ts
 * import { OAuth2Session } from 'oauth-sessions'
 * import { startSandbox } from 'oauth-sessions/testing'
 * const sandbox = await startSandbox()
 * const session = new OAuth2Session(sandbox.oauth2.clientId, { redirectUri: 'http://127.0.0.1/cb' })
 * ```
 * @group Testing
 */
export interface SandboxOAuth2 {
  /** The client id. */
  clientId: string
  /** The client secret. */
  clientSecret: string
  /** The user of the password grant. */
  username: string
  /** Their password. */
  password: string
  /**
   * Approves at once: redirects with `code` (or a fragment `access_token` / `id_token` for
   * `response_type=token` / `id_token`); `deny=1` refuses. A `request_uri` from
   * {@link SandboxOAuth2.pushedAuthorizationRequestUrl} stands for the parameters pushed there.
   */
  authorizeUrl: string
  /**
   * The pushed authorization request endpoint (RFC 9126): POST the authorization request's
   * parameters, authenticated as at the token endpoint (or `client_id` alone, as a public client);
   * answers 201 with a single-use `request_uri`, valid 60 seconds (`expires_in=N` in the query sets it).
   */
  pushedAuthorizationRequestUrl: string
  /**
   * Every grant and refresh. Query switches: `expires_in=N` (token lifetime, seconds), `error=CODE`
   * (answer that error), `mode=facebook` (text/plain form answer), `mode=linkedin` (no token_type),
   * `rotate=1` (a refresh spends its refresh token: one presented again is refused with
   * `invalid_grant` and revokes the whole grant, as RFC 9700 §4.14.2 and oidc-provider do),
   * `dpop=required` (a DPoP proof is required, RFC 9449) and `dpop=nonce` (required, with the
   * sandbox's nonce: a first proof without it is answered 400 `use_dpop_nonce` and a `DPoP-Nonce`).
   * A request with a valid DPoP proof gets a DPoP-bound token (`token_type: 'DPoP'`) with or without
   * the switch; the API below {@link SandboxOAuth2.baseUrl} then accepts it only as
   * `Authorization: DPoP` with a proof of the same key carrying its `ath` (and, under `dpop=nonce`,
   * the nonce: else 401 `WWW-Authenticate: DPoP error="use_dpop_nonce"`), and refuses it as Bearer.
   * Proofs are verified with jose: signature, `typ`, `htm`, `htu`, `iat`, `jti` replay, `ath`.
   */
  tokenUrl: string
  /** POST `token=...` to make an access token expire at once. */
  expireUrl: string
  /**
   * GET: what the token endpoint did so far, as JSON: `{ issued: { <grant_type>: count },
   * reusedRefreshTokens: count }` (the tokens it issued by grant, and the spent refresh tokens
   * presented again under `rotate=1`).
   */
  statsUrl: string
  /** Protected endpoints live below this URL (`me` answers who the token belongs to). */
  baseUrl: string
  /**
   * OpenID Connect UserInfo: GET with the access token of a grant with scope `openid`; answers
   * `{ sub, name, email, email_verified }`. With scope `openid`, every token response but client
   * credentials carries an ID token (RS256, a key the sandbox made when it started, `iss` the
   * issuer, `aud` the client id, the authorization request's `nonce` echoed).
   */
  userinfoUrl: string
  /** The JSON Web Key Set of the sandbox's ID-token signing key. */
  jwksUrl: string
  /**
   * The issuer: the sandbox's origin. Its metadata is served at `/.well-known/openid-configuration`
   * and `/.well-known/oauth-authorization-server`, so `OAuth2Session.discover(sandbox.oauth2.issuer)` works.
   */
  issuer: string
  /**
   * The device authorization endpoint (RFC 8628 §3.1). Query switches: `interval=N` (default 1
   * second; `interval=none` leaves `interval` out of the answer, as oidc-provider does, so the
   * client must take RFC 8628's 5 seconds), `expires_in=N` (default 600 seconds), `slow_down=N`
   * (the first N polls of this device code answer `slow_down`, as a server does to a client that
   * polls too often). Other polls answer `authorization_pending` until the user code is approved
   * at {@link SandboxOAuth2.verificationUrl}.
   */
  deviceAuthorizationUrl: string
  /** The device verification page: GET shows a form; POST `user_code=...` approves it as the user would (`deny=1` refuses). */
  verificationUrl: string
  /** The revocation endpoint (RFC 7009): POST `token=...`; revoking a refresh token revokes its whole grant. */
  revocationUrl: string
  /** The introspection endpoint (RFC 7662): POST `token=...`; answers `{ active, ... }`. */
  introspectionUrl: string
  /**
   * The same provider with Facebook's paths and habits, for ported Facebook snippets: `dialog/oauth`
   * and `oauth/authorize` (a code when `response_type` is left out), `oauth/access_token` (the code
   * grant when `grant_type` is left out) and the protected API at the root (`me`).
   */
  facebookUrl: string
}

/**
 * Options of the sandbox's OAuth 2 provider.
 *
 * @example
 * ```ts
 * import { generateKeyPairSync } from 'node:crypto'
 * import { startSandbox } from 'oauth-sessions/testing'
 * const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
 * const sandbox = await startSandbox({ oauth2: { clientJwks: { 'jwt-client': publicKey.export({ format: 'jwk' }) } } })
 * ```
 * @group Testing
 */
export interface SandboxOAuth2Options {
  /**
   * Clients that authenticate with `private_key_jwt` (RFC 7523 §2.2), by client id, with the
   * public JWK their assertions are verified with. The token endpoint checks the signature, `iss`
   * and `sub` (the client id), `aud` (the issuer or the token endpoint, of either origin), `exp`,
   * and that no `jti` is used twice; such a client then gets any grant the sandbox client gets.
   */
  clientJwks?: Readonly<Record<string, JWK>>
}

interface Grant {
  clientId: string
  redirectUri: string | undefined
  scope: string
  challenge: string | undefined
  method: string | undefined
  nonce: string | undefined
}

interface DeviceGrant {
  userCode: string
  scope: string
  expiresAt: number
  state: 'pending' | 'approved' | 'denied'
  /** How many next polls still answer `slow_down` (the `slow_down=N` switch). */
  slowDowns: number
}

interface IssuedToken {
  /** The grant it belongs to: a refresh keeps it, so a reused refresh token revokes them all. */
  grant?: string
  subject: string
  scope: string
  expiresAt: number
  extras: Record<string, string>
  /** The thumbprint of the DPoP key the token is bound to (RFC 9449 §6), if any. */
  jkt?: string
  /** Whether its DPoP proofs must carry the sandbox's nonce (`dpop=nonce`). */
  dpopNonce?: boolean
}

const CLIENT_ID = 'sandbox-client'
const CLIENT_SECRET = 'sandbox-client-secret'
const USERNAME = 'sandbox-user'
const PASSWORD = 'sandbox-password'

/**
 * The sandbox's OAuth 2 authorization server and API.
 *
 * @internal
 */
export class SandboxOAuth2Provider {
  readonly #codes = new Map<string, Grant>()
  readonly #accessTokens = new Map<string, IssuedToken>()
  readonly #refreshTokens = new Map<string, IssuedToken>()
  /** Refresh tokens spent under `rotate=1`, and their grant. */
  readonly #spentRefreshTokens = new Map<string, string | undefined>()
  readonly #issued: Record<string, number> = {}
  #reusedRefreshTokens = 0
  /** Device authorizations by device code. */
  readonly #devices = new Map<string, DeviceGrant>()
  /** Pushed authorization requests (RFC 9126). */
  readonly #pushed = new SandboxPushedRequests()
  readonly #dpop = new SandboxDPoP()
  readonly #clientJwks: Readonly<Record<string, JWK>>
  /** The `jti`s of the client assertions accepted so far: each is single use. */
  readonly #assertionIds = new Set<string>()
  /** The ID-token signing key pair, made when the sandbox starts (jose, RS256). */
  readonly #signingKey = signingKeyPair()

  constructor(options: SandboxOAuth2Options = {}) {
    this.#clientJwks = { ...options.clientJwks }
    // Made now, awaited when first needed; a failure shows there, not as an unhandled rejection.
    this.#signingKey.catch(() => undefined)
  }

  /** Handles `/oauth2/*`; `route` is the path below `/oauth2/`. */
  handle(request: IncomingMessage, response: ServerResponse, url: URL, route: string, raw: Buffer): void | Promise<void> {
    if (route === 'authorize') return this.#authorize(request, response, url)
    if (route === 'token') return this.#assertedToken(request, response, url, raw)
    if (route === 'expire') return this.#expire(response, raw)
    if (route === 'device') return this.#deviceAuthorization(request, response, url, raw)
    if (route === 'device/verify') return this.#verify(request, response, raw)
    if (route === 'par') return this.#par(request, response, url, raw)
    if (route === 'revoke') return this.#revokeToken(request, response, raw)
    if (route === 'introspect') return this.#introspect(request, response, raw)
    if (route === 'jwks') return this.#jwks(response)
    if (route === 'userinfo') return this.#userinfo(request, response)
    if (route === 'stats') return sendJson(response, 200, { issued: { ...this.#issued }, reusedRefreshTokens: this.#reusedRefreshTokens })
    if (route.startsWith('api/')) return this.#api(request, response, url, route.slice(4))
    return sendJson(response, 404, { error: 'not_found', error_description: `No OAuth 2 endpoint at /oauth2/${route}` })
  }

  /** The metadata document (RFC 8414, OpenID Connect Discovery) of the issuer `origin`. */
  metadata(response: ServerResponse, origin: string): void {
    sendJson(response, 200, {
      issuer: origin,
      authorization_endpoint: `${origin}/oauth2/authorize`,
      token_endpoint: `${origin}/oauth2/token`,
      device_authorization_endpoint: `${origin}/oauth2/device`,
      pushed_authorization_request_endpoint: `${origin}/oauth2/par`,
      revocation_endpoint: `${origin}/oauth2/revoke`,
      introspection_endpoint: `${origin}/oauth2/introspect`,
      userinfo_endpoint: `${origin}/oauth2/userinfo`,
      jwks_uri: `${origin}/oauth2/jwks`,
      id_token_signing_alg_values_supported: ['RS256'],
      subject_types_supported: ['public'],
      scopes_supported: ['openid', 'email', 'profile', 'offline_access'],
      response_types_supported: ['code', 'token', 'id_token'],
      grant_types_supported: ['authorization_code', 'refresh_token', 'password', 'client_credentials', DEVICE_GRANT],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
      token_endpoint_auth_signing_alg_values_supported: ['RS256', 'PS256', 'ES256', 'ES384', 'EdDSA'],
      revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      code_challenge_methods_supported: ['S256', 'plain'],
      dpop_signing_alg_values_supported: ['ES256', 'ES384', 'ES512', 'RS256', 'PS256', 'EdDSA', 'Ed25519'],
    })
  }

  /** RFC 8628 §3.1–3.2: a device code and a user code for a public or confidential client. */
  #deviceAuthorization(request: IncomingMessage, response: ServerResponse, url: URL, raw: Buffer): void {
    const form = new URLSearchParams(raw.toString('utf8'))
    if (clientId(request, form) === undefined) return sendJson(response, 401, { error: 'invalid_client', error_description: 'Client authentication failed' })
    const interval = url.searchParams.get('interval') === 'none' ? undefined : positive(url.searchParams.get('interval'), 1)
    const expiresIn = positive(url.searchParams.get('expires_in'), 600)
    const slowDowns = positive(url.searchParams.get('slow_down'), 0)
    const deviceCode = secret()
    const userCode = userCodeText()
    this.#devices.set(deviceCode, { userCode, scope: form.get('scope') ?? '', expiresAt: Date.now() + expiresIn * 1000, state: 'pending', slowDowns })
    const origin = `http://${request.headers.host ?? 'localhost'}`
    sendJson(response, 200, {
      device_code: deviceCode,
      user_code: userCode,
      verification_uri: `${origin}/oauth2/device/verify`,
      verification_uri_complete: `${origin}/oauth2/device/verify?user_code=${userCode}`,
      expires_in: expiresIn,
      ...(interval === undefined ? {} : { interval }),
    })
  }

  /** RFC 9126 §2: a POST of the authorization request, from a public or confidential client. */
  #par(request: IncomingMessage, response: ServerResponse, url: URL, raw: Buffer): void {
    if (request.method !== 'POST') return sendJson(response, 405, { error: 'invalid_request', error_description: 'POST the authorization request' })
    const form = new URLSearchParams(raw.toString('utf8'))
    this.#pushed.push(response, url, form, clientId(request, form))
  }

  /** The verification page: GET shows a form, POST `user_code` approves (or `deny=1` refuses) as the user would. */
  #verify(request: IncomingMessage, response: ServerResponse, raw: Buffer): void {
    if (request.method !== 'POST') {
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' })
      response.end('<!doctype html><html><body><form method="post"><label>Code <input name="user_code"></label><button>Approve</button></form></body></html>')
      return
    }
    const form = new URLSearchParams(raw.toString('utf8'))
    const typed = (form.get('user_code') ?? '').toUpperCase().replace(/[^A-Z0-9]/g, '')
    for (const device of this.#devices.values()) {
      if (device.state === 'pending' && device.expiresAt > Date.now() && timingSafeEqualText(device.userCode.replace('-', ''), typed)) {
        device.state = form.get('deny') === null ? 'approved' : 'denied'
        return sendJson(response, 200, { user_code: device.userCode, [device.state]: true })
      }
    }
    sendJson(response, 400, { error: 'invalid_request', error_description: 'The code is unknown, expired or was used' })
  }

  /** RFC 7009: revokes the token (a refresh token takes its grant with it); unknown tokens are fine. */
  #revokeToken(request: IncomingMessage, response: ServerResponse, raw: Buffer): void {
    const form = new URLSearchParams(raw.toString('utf8'))
    if (clientCredentials(request, form) === undefined)
      return sendJson(response, 401, { error: 'invalid_client' }, { 'WWW-Authenticate': 'Basic realm="sandbox"' })
    const token = form.get('token') ?? ''
    const refresh = this.#refreshTokens.get(token)
    if (refresh !== undefined) {
      this.#refreshTokens.delete(token)
      this.#revoke(refresh.grant)
    }
    this.#accessTokens.delete(token)
    response.writeHead(200, { 'Cache-Control': 'no-store', 'Content-Length': 0 })
    response.end()
  }

  /** RFC 7662: what the sandbox knows of a token, `{ active: false }` for an unknown, expired or revoked one. */
  #introspect(request: IncomingMessage, response: ServerResponse, raw: Buffer): void {
    const form = new URLSearchParams(raw.toString('utf8'))
    if (clientCredentials(request, form) === undefined)
      return sendJson(response, 401, { error: 'invalid_client' }, { 'WWW-Authenticate': 'Basic realm="sandbox"' })
    const token = form.get('token') ?? ''
    const access = this.#accessTokens.get(token)
    const refresh = this.#refreshTokens.get(token)
    const issued = access !== undefined && access.expiresAt > Date.now() / 1000 ? access : refresh
    if (issued === undefined) return sendJson(response, 200, { active: false })
    sendJson(response, 200, {
      active: true,
      scope: issued.scope,
      client_id: CLIENT_ID,
      username: issued.subject,
      sub: issued.subject,
      token_type: issued === access ? 'Bearer' : 'refresh_token',
      ...(Number.isFinite(issued.expiresAt) ? { exp: Math.floor(issued.expiresAt) } : {}),
      iss: `http://${request.headers.host ?? 'localhost'}`,
    })
  }

  /** Handles `/facebook/*`: Facebook's paths over the same clients, codes and tokens; `route` is the path below `/facebook/`. */
  handleFacebook(request: IncomingMessage, response: ServerResponse, url: URL, route: string, raw: Buffer): void | Promise<void> {
    if (route === 'dialog/oauth' || route === 'oauth/authorize') {
      // Facebook's dialog answers with a code when response_type is left out (requests-oauth2 and rauth's snippet leave it out).
      if (!url.searchParams.has('response_type')) url.searchParams.set('response_type', 'code')
      return this.#authorize(request, response, url)
    }
    // Facebook needs no grant_type for the code exchange.
    if (route === 'oauth/access_token') return this.#token(request, response, url, raw, 'authorization_code')
    return this.#api(request, response, url, route)
  }

  async #authorize(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const query = this.#pushed.resolve(url.searchParams)
    if (typeof query === 'string') return sendJson(response, 400, { error: 'invalid_request_uri', error_description: query })
    const redirectUri = query.get('redirect_uri')
    if (query.get('client_id') !== CLIENT_ID || redirectUri === null) {
      return sendJson(response, 400, { error: 'invalid_request', error_description: 'unknown client_id or no redirect_uri' })
    }
    const state = query.get('state')
    const type = query.get('response_type')
    const answer = new URLSearchParams()
    if (query.get('deny') !== null) answer.set('error', 'access_denied')
    else if (type === 'code') {
      const code = secret()
      this.#codes.set(code, {
        clientId: CLIENT_ID,
        redirectUri,
        scope: query.get('scope') ?? '',
        challenge: query.get('code_challenge') ?? undefined,
        method: query.get('code_challenge_method') ?? undefined,
        nonce: query.get('nonce') ?? undefined,
      })
      answer.set('code', code)
    } else if (type === 'token') {
      const [token, lifetime] = this.#issue(USERNAME, query.get('scope') ?? '', 3600, {})
      answer.set('access_token', token)
      answer.set('token_type', 'Bearer')
      answer.set('expires_in', String(lifetime))
    } else if (type === 'id_token') {
      answer.set('id_token', await this.#idToken(issuerOf(request), USERNAME, query.get('nonce') ?? undefined, true))
    } else {
      answer.set('error', 'unsupported_response_type')
    }
    if (state !== null) answer.set('state', state)
    const target = new URL(redirectUri)
    if ((type === 'token' || type === 'id_token') && !answer.has('error')) target.hash = answer.toString()
    else for (const [name, value] of answer) target.searchParams.append(name, value)
    response.writeHead(302, { Location: target.href, 'Content-Type': 'text/plain' })
    response.end(`Redirecting to ${target.href}`)
  }

  /** The token endpoint, with a `private_key_jwt` client assertion checked first when there is one. */
  async #assertedToken(request: IncomingMessage, response: ServerResponse, url: URL, raw: Buffer): Promise<void> {
    const form = new URLSearchParams(raw.toString('utf8'))
    if (!form.has('client_assertion')) return this.#token(request, response, url, raw)
    const asserted = await this.#checkAssertion(request, form)
    if (asserted === undefined) return sendJson(response, 401, { error: 'invalid_client', error_description: 'The client assertion was refused' })
    return this.#token(request, response, url, raw, undefined, asserted)
  }

  /** RFC 7523 §3 for a client of `clientJwks`: the client id when its assertion holds, else undefined. */
  async #checkAssertion(request: IncomingMessage, form: URLSearchParams): Promise<string | undefined> {
    const assertion = form.get('client_assertion') ?? ''
    if (form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' || form.has('client_secret')) return undefined
    if (request.headers.authorization !== undefined) return undefined
    // Loaded on first use: a sandbox without private_key_jwt clients never loads jose.
    const { decodeJwt, importJWK, jwtVerify } = await import('jose')
    try {
      const issuer = decodeJwt(assertion).iss
      const jwk = issuer === undefined || !Object.hasOwn(this.#clientJwks, issuer) ? undefined : this.#clientJwks[issuer]
      if (issuer === undefined || jwk === undefined) return undefined
      const origins = [`http://${request.headers.host ?? ''}`]
      const { payload } = await jwtVerify(assertion, await importJWK(jwk, jwk.alg ?? algorithmOf(jwk)), {
        issuer,
        subject: issuer,
        audience: [...origins, ...origins.map((origin) => `${origin}/oauth2/token`)],
        requiredClaims: ['exp', 'jti'],
        maxTokenAge: '10 minutes',
      })
      if (typeof payload.jti !== 'string' || this.#assertionIds.has(payload.jti)) return undefined
      this.#assertionIds.add(payload.jti)
      return issuer
    } catch {
      return undefined
    }
  }

  async #token(request: IncomingMessage, response: ServerResponse, url: URL, raw: Buffer, defaultGrant?: string, asserted?: string): Promise<void> {
    const forced = url.searchParams.get('error')
    if (forced !== null) return sendJson(response, 400, { error: forced, error_description: `The sandbox was asked to answer ${forced}` })
    const form = new URLSearchParams(raw.toString('utf8'))
    // A device is usually a public client (RFC 8628 §3.4): its client_id alone is enough there.
    const client = asserted ?? (form.get('grant_type') === DEVICE_GRANT ? clientId(request, form) : clientCredentials(request, form))
    if (client === undefined)
      return sendJson(
        response,
        401,
        { error: 'invalid_client', error_description: 'Client authentication failed' },
        { 'WWW-Authenticate': 'Basic realm="sandbox"' },
      )
    // RFC 9449 §5: a proof binds the token; the dpop switch makes one (and the nonce) required.
    const dpopMode = url.searchParams.get('dpop')
    let jkt: string | undefined
    if (dpopMode !== null || this.#dpop.has(request)) {
      const checked = await this.#dpop.check(request, new URL(url.pathname, `http://${request.headers.host ?? 'localhost'}`), {
        requireNonce: dpopMode === 'nonce',
      })
      const nonceHeader = dpopMode === 'nonce' ? { 'DPoP-Nonce': this.#dpop.nonce } : undefined
      if (!checked.ok) return sendJson(response, 400, { error: checked.error, error_description: checked.description }, nonceHeader)
      jkt = checked.jkt
    }
    const lifetime = Number(url.searchParams.get('expires_in') ?? 3600)
    const grantType = form.get('grant_type') ?? defaultGrant ?? null
    let subject = USERNAME
    let scope = form.get('scope') ?? ''
    let grant = secret()
    let nonce: string | undefined
    const extras: Record<string, string> = {}
    if (grantType === 'authorization_code') {
      const grant = this.#codes.get(form.get('code') ?? '')
      this.#codes.delete(form.get('code') ?? '')
      if (grant === undefined) return sendJson(response, 400, { error: 'invalid_grant', error_description: 'The code is unknown or was used' })
      if (grant.redirectUri !== (form.get('redirect_uri') ?? undefined))
        return sendJson(response, 400, { error: 'invalid_grant', error_description: 'redirect_uri differs' })
      if (grant.challenge !== undefined && !pkceMatches(grant, form.get('code_verifier'))) {
        return sendJson(response, 400, { error: 'invalid_grant', error_description: 'PKCE verification failed' })
      }
      scope = grant.scope
      nonce = grant.nonce
    } else if (grantType === 'refresh_token') {
      const presented = form.get('refresh_token') ?? ''
      if (this.#spentRefreshTokens.has(presented)) {
        this.#reusedRefreshTokens += 1
        this.#revoke(this.#spentRefreshTokens.get(presented))
        return sendJson(response, 400, { error: 'invalid_grant', error_description: 'The refresh token was used already: the grant is revoked' })
      }
      const previous = this.#refreshTokens.get(presented)
      if (previous === undefined) return sendJson(response, 400, { error: 'invalid_grant', error_description: 'The refresh token is unknown or revoked' })
      if (url.searchParams.get('rotate') === '1') {
        this.#refreshTokens.delete(presented)
        this.#spentRefreshTokens.set(presented, previous.grant)
      }
      subject = previous.subject
      scope = previous.scope
      if (previous.grant !== undefined) grant = previous.grant
    } else if (grantType === DEVICE_GRANT) {
      const deviceCode = form.get('device_code') ?? ''
      const device = this.#devices.get(deviceCode)
      if (device === undefined) return sendJson(response, 400, { error: 'invalid_grant', error_description: 'The device code is unknown or was used' })
      if (device.expiresAt <= Date.now()) {
        this.#devices.delete(deviceCode)
        return sendJson(response, 400, { error: 'expired_token', error_description: 'The device code expired' })
      }
      // A poll too soon is refused whatever the user did meanwhile (RFC 8628 §3.5).
      if (device.slowDowns > 0) {
        device.slowDowns -= 1
        return sendJson(response, 400, { error: 'slow_down', error_description: 'Polling too often: wait 5 seconds more between polls' })
      }
      if (device.state === 'denied') {
        this.#devices.delete(deviceCode)
        return sendJson(response, 400, { error: 'access_denied', error_description: 'The user refused' })
      }
      if (device.state === 'pending') return sendJson(response, 400, { error: 'authorization_pending', error_description: 'The user has not approved yet' })
      this.#devices.delete(deviceCode)
      scope = device.scope
    } else if (grantType === 'password') {
      if (!timingSafeEqualText(form.get('username') ?? '', USERNAME) || !timingSafeEqualText(form.get('password') ?? '', PASSWORD)) {
        return sendJson(response, 400, { error: 'invalid_grant', error_description: 'Wrong username or password' })
      }
    } else if (grantType === 'client_credentials') {
      subject = client
      for (const name of ['audience', 'resource']) {
        const value = form.get(name)
        if (value !== null) extras[name] = value
      }
    } else {
      return sendJson(response, 400, { error: 'unsupported_grant_type' })
    }
    const [accessToken, expiresIn] = this.#issue(subject, scope, lifetime, extras, grant)
    if (jkt !== undefined) Object.assign(this.#accessTokens.get(accessToken) as IssuedToken, { jkt, dpopNonce: dpopMode === 'nonce' })
    this.#issued[grantType] = (this.#issued[grantType] ?? 0) + 1
    const body: Record<string, string | number> = { access_token: accessToken, token_type: jkt === undefined ? 'Bearer' : 'DPoP', expires_in: expiresIn, scope }
    if (grantType !== 'client_credentials') {
      const refreshToken = secret()
      this.#refreshTokens.set(refreshToken, { grant, subject, scope, expiresAt: Number.POSITIVE_INFINITY, extras })
      body.refresh_token = refreshToken
    }
    const mode = url.searchParams.get('mode')
    if (mode === 'facebook') {
      response.writeHead(200, { 'Content-Type': 'text/plain; charset=UTF-8' })
      response.end(new URLSearchParams({ access_token: accessToken, expires: String(expiresIn) }).toString())
      return
    }
    if (mode === 'linkedin') delete body.token_type
    // OpenID Connect: an ID token with every user grant of scope openid, the authorization request's nonce echoed.
    if (grantType !== 'client_credentials' && scope.split(' ').includes('openid')) body.id_token = await this.#idToken(issuerOf(request), subject, nonce, false)
    sendJson(response, 200, body)
  }

  #expire(response: ServerResponse, raw: Buffer): void {
    const token = new URLSearchParams(raw.toString('utf8')).get('token') ?? ''
    const issued = this.#accessTokens.get(token)
    if (issued === undefined) return sendJson(response, 404, { error: 'not_found' })
    issued.expiresAt = 0
    sendJson(response, 200, { expired: true })
  }

  async #api(request: IncomingMessage, response: ServerResponse, url: URL, path: string): Promise<void> {
    const [, scheme, header] = /^(Bearer|DPoP) (.+)$/i.exec(request.headers.authorization ?? '') ?? []
    const token = header ?? url.searchParams.get('access_token') ?? url.searchParams.get('oauth2_access_token') ?? ''
    const issued = this.#accessTokens.get(token)
    if (issued === undefined || issued.expiresAt <= Date.now() / 1000) {
      const error = issued === undefined ? 'invalid_token", error_description="unknown token' : 'invalid_token", error_description="The access token expired'
      const challenge = issued?.jkt === undefined ? 'Bearer realm="sandbox"' : 'DPoP algs="ES256 EdDSA RS256 PS256"'
      return sendJson(response, 401, { error: 'invalid_token' }, { 'WWW-Authenticate': `${challenge}, error="${error}"` })
    }
    const dpopScheme = scheme?.toLowerCase() === 'dpop'
    if (issued.jkt !== undefined || dpopScheme) {
      // RFC 9449 §7: a bound token only as DPoP with a proof of its key; a Bearer token never as DPoP.
      const refuse = (error: string, description: string, extra: Record<string, string> = {}) =>
        sendJson(response, 401, { error }, { 'WWW-Authenticate': `DPoP error="${error}", error_description="${description}"`, ...extra })
      if (issued.jkt === undefined || !dpopScheme) return refuse('invalid_token', 'The token is not sent with the scheme it is bound to')
      const target = new URL(url.pathname, `http://${request.headers.host ?? 'localhost'}`)
      const checked = await this.#dpop.check(request, target, { accessToken: token, requireNonce: issued.dpopNonce === true })
      if (!checked.ok) return refuse(checked.error, checked.description, issued.dpopNonce === true ? { 'DPoP-Nonce': this.#dpop.nonce } : {})
      if (checked.jkt !== issued.jkt) return refuse('invalid_token', 'The proof is not signed with the key the token is bound to')
    }
    sendJson(response, 200, {
      path,
      method: request.method,
      user: issued.subject,
      scope: issued.scope,
      ...issued.extras,
      via: header === undefined ? 'query' : 'header',
      ...(issued.jkt === undefined ? {} : { dpop: true }),
    })
  }

  /**
   * An OpenID Connect ID token of `subject` (RS256 with the sandbox's key, `kid` in the JWKS), with
   * the nonce when one was sent; `bearer`: also accepted as a bearer token (the implicit
   * `response_type=id_token` flavour of requests-auth sends it to APIs).
   */
  async #idToken(issuer: string, subject: string, nonce: string | undefined, bearer: boolean): Promise<string> {
    const { SignJWT } = await import('jose')
    const { privateKey } = await this.#signingKey
    const now = Math.floor(Date.now() / 1000)
    const claims: Record<string, string | number | boolean> = {
      iss: issuer,
      sub: subject,
      aud: CLIENT_ID,
      iat: now,
      exp: now + 3600,
      auth_time: now,
      email: `${subject}@sandbox.example`,
      email_verified: true,
    }
    if (nonce !== undefined) claims.nonce = nonce
    const token = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: SIGNING_KID, typ: 'JWT' }).sign(privateKey)
    if (bearer) this.#accessTokens.set(token, { subject, scope: 'openid', expiresAt: now + 3600, extras: {} })
    return token
  }

  /** The JWKS: the public half of the signing key. */
  async #jwks(response: ServerResponse): Promise<void> {
    const { publicJwk } = await this.#signingKey
    sendJson(response, 200, { keys: [publicJwk] })
  }

  /** OpenID Connect UserInfo (Core §5.3) for an access token of scope openid. */
  #userinfo(request: IncomingMessage, response: ServerResponse): void {
    const token = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1] ?? ''
    const issued = this.#accessTokens.get(token)
    if (issued === undefined || issued.expiresAt <= Date.now() / 1000 || !issued.scope.split(' ').includes('openid')) {
      return sendJson(response, 401, { error: 'invalid_token' }, { 'WWW-Authenticate': 'Bearer realm="sandbox", error="invalid_token"' })
    }
    sendJson(response, 200, { sub: issued.subject, name: 'Sandbox User', email: `${issued.subject}@sandbox.example`, email_verified: true })
  }

  #issue(subject: string, scope: string, lifetime: number, extras: Record<string, string>, grant?: string): [string, number] {
    const token = secret()
    const expiresIn = Number.isFinite(lifetime) && lifetime >= 0 ? lifetime : 3600
    this.#accessTokens.set(token, { grant, subject, scope, expiresAt: Date.now() / 1000 + expiresIn, extras })
    return [token, expiresIn]
  }

  /** Revokes every access and refresh token of a grant. */
  #revoke(grant: string | undefined): void {
    if (grant === undefined) return
    for (const tokens of [this.#accessTokens, this.#refreshTokens]) {
      for (const [token, issued] of tokens) if (issued.grant === grant) tokens.delete(token)
    }
  }
}

/** The sandbox's client and user, for the `oauth2` description of a running sandbox. @internal */
export const SANDBOX_OAUTH2 = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, username: USERNAME, password: PASSWORD }

/** The `kid` of the sandbox's ID-token signing key. */
const SIGNING_KID = 'sandbox-rs256'

/** The ID-token signing key: a fresh RS256 pair (jose, loaded when a sandbox starts) and its public JWK. */
async function signingKeyPair(): Promise<{ privateKey: CryptoKey; publicJwk: Record<string, unknown> }> {
  const { exportJWK, generateKeyPair } = await import('jose')
  const { privateKey, publicKey } = await generateKeyPair('RS256')
  return { privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid: SIGNING_KID, alg: 'RS256', use: 'sig' } }
}

/** The issuer a request reached: the sandbox's origin, as its metadata names it. */
function issuerOf(request: IncomingMessage): string {
  return `http://${request.headers.host ?? 'localhost'}`
}

/** The grant type of the device access token request (RFC 8628 §3.4). */
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code'

/** A public client (`client_id` alone) or a confidential one with the right secret; the client id, or undefined when refused. */
function clientId(request: IncomingMessage, form: URLSearchParams): string | undefined {
  if (request.headers.authorization === undefined && !form.has('client_secret')) return form.get('client_id') === CLIENT_ID ? CLIENT_ID : undefined
  return clientCredentials(request, form)
}

/** The JWS algorithm of a JWK without `alg`: by its key type and curve. */
function algorithmOf(jwk: JWK): string {
  if (jwk.kty === 'RSA') return 'RS256'
  if (jwk.kty === 'OKP') return 'EdDSA'
  return jwk.crv === 'P-384' ? 'ES384' : jwk.crv === 'P-521' ? 'ES512' : 'ES256'
}

/** A positive whole number from a query switch, else `fallback`. */
function positive(given: string | null, fallback: number): number {
  const value = Number(given ?? fallback)
  return Number.isInteger(value) && value > 0 ? value : fallback
}

/** A user code such as `WDJB-MJHT`: consonants only, as RFC 8628 §6.1 suggests, so no word is spelled. */
function userCodeText(): string {
  const letters = 'BCDFGHJKLMNPQRSTVWXZ'
  const picked = [...randomBytes(8)].map((byte) => letters[byte % letters.length]).join('')
  return `${picked.slice(0, 4)}-${picked.slice(4)}`
}

/** client_secret_basic or client_secret_post; returns the client id, or undefined when refused. */
function clientCredentials(request: IncomingMessage, form: URLSearchParams): string | undefined {
  const basic = /^Basic (.+)$/i.exec(request.headers.authorization ?? '')?.[1]
  let id = form.get('client_id') ?? ''
  let secretGiven = form.get('client_secret') ?? ''
  if (basic !== undefined) {
    const decoded = Buffer.from(basic, 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    id = decodeURIComponent(decoded.slice(0, colon))
    secretGiven = decodeURIComponent(decoded.slice(colon + 1))
  }
  return id === CLIENT_ID && timingSafeEqualText(secretGiven, CLIENT_SECRET) ? id : undefined
}

function pkceMatches(grant: Grant, verifier: string | null): boolean {
  if (verifier === null) return false
  const expected = grant.method === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier
  return timingSafeEqualText(expected, grant.challenge ?? '')
}

function secret(): string {
  return randomBytes(24).toString('base64url')
}
