import type { Service } from '../http/service.js'
import type { OAuth2Session } from './oauth2-session.js'
import type { AuthStrategy } from '../auth/auth-strategy.js'
import type { HeadersInit } from '../http/header-map.js'
import type { RequestOptions, SessionOptions, TimeoutOption } from '../http/session-options.js'
import type { AssertionSource, OAuth2Client } from './grant-clients.js'
import type { OAuth2Token } from './oauth2-token.js'
import type { PkceMethod } from './pkce.js'
import type { DPoPOption } from './dpop-prover.js'
import type { TokenStore } from '../tokens/token-store.js'
import type { ClientAuthOptions } from './client-authentication.js'
import type { StoreUnavailablePolicy } from '../tokens/shared-renewal.js'
import type { OpenIdConnectOptions } from './openid-connect.js'

/**
 * Called with the new token after an automatic refresh: save it.
 *
 * @example
 * ```ts
 * import type { TokenUpdater } from 'oauth-sessions'
 * const save: TokenUpdater = async (token) => { await writeFile('token.json', JSON.stringify(token)) }
 * declare function writeFile(path: string, text: string): Promise<void>
 * ```
 * @group OAuth 2
 */
export type TokenUpdater = (token: OAuth2Token) => void | Promise<void>

/**
 * Options of {@link OAuth2Session}: requests-oauthlib's keyword arguments in camelCase, rauth's
 * (`clientSecret`, `accessToken`, `accessTokenKey`, `service`), client authentication
 * ({@link ClientAuthOptions}: `clientAuth` ...), and every {@link SessionOptions} entry.
 *
 * @example
 * ```ts
 * import { OAuth2Session } from 'oauth-sessions'
 * const session = new OAuth2Session('client-id', {
 *   redirectUri: 'https://app.example/callback',
 *   scope: ['read', 'write'],
 *   autoRefreshUrl: 'https://idp.example.com/token',
 *   autoRefreshKwargs: { client_id: 'client-id', client_secret: process.env.CLIENT_SECRET ?? '' },
 *   tokenUpdater: (token) => console.log('new token', token.expires_at),
 * })
 * ```
 * @see requests_oauthlib.OAuth2Session
 * @group OAuth 2
 */
export interface OAuth2SessionOptions extends SessionOptions, ClientAuthOptions, OpenIdConnectOptions {
  /** The grant (default {@link WebApplicationClient}). */
  client?: OAuth2Client
  /** Refresh an expired token at this URL before a request. */
  autoRefreshUrl?: string
  /**
   * The device authorization endpoint (RFC 8628 §3.1) of {@link OAuth2Session.deviceAuthorization}
   * when it is called without a URL.
   */
  deviceAuthorizationUrl?: string
  /** Extra parameters of automatic refresh requests (often client_id and client_secret). */
  autoRefreshKwargs?: Readonly<Record<string, string>>
  /** The scopes to request. */
  scope?: string | readonly string[]
  /** The redirect URI registered with the provider. */
  redirectUri?: string
  /** A token you already have. */
  token?: OAuth2Token
  /** A fixed state (non-empty: it is the one the callback must carry), or a generator of states. */
  state?: string | (() => string)
  /** Called with each automatically refreshed token. */
  tokenUpdater?: TokenUpdater
  /**
   * PKCE (RFC 7636) for the authorization code grant: `S256` by default (servers without PKCE
   * ignore the extra parameters, as RFC 6749 §3.1 requires); `false` sends none, as
   * requests-oauthlib does by default.
   */
  pkce?: PkceMethod | false
  /**
   * The PKCE code verifier of an authorization URL another session made (its
   * {@link OAuth2Session.codeVerifier}): a web app's callback handler builds a new session with the
   * saved `state` and this. 43 to 128 letters, digits or `-._~` (RFC 7636 §4.1); needs PKCE on.
   */
  codeVerifier?: string
  /** The client secret (rauth), used for token requests. An empty one is sent as `client_secret=`, as oauthlib does. */
  clientSecret?: string
  /** An access token you already have (rauth). */
  accessToken?: string
  /** rauth's back reference to the service that made the session. */
  service?: Service<OAuth2Session> | undefined
  /** The query parameter name (non-empty) of the token when `bearerAuth` is false. Default `access_token` (rauth). */
  accessTokenKey?: string
  /** `false` sends the token as a query parameter instead of an Authorization header (rauth). */
  bearerAuth?: boolean
  /** Allow plain http to hosts other than loopback (OAUTHLIB_INSECURE_TRANSPORT). */
  insecureTransport?: boolean
  /** Accept a token whose scope differs from the one asked for (OAUTHLIB_RELAX_TOKEN_SCOPE). */
  relaxTokenScope?: boolean
  /**
   * The provider's issuer identifier (an https URL, exactly as its metadata spells it). When set,
   * an authorization response (`fetchToken({ authorizationResponse })`, `tokenFromFragment`) whose
   * RFC 9207 `iss` differs, or that carries `iss` twice, is an {@link IssuerMismatchError} before
   * any token request. Without it `iss` is ignored, as requests-oauthlib ignores it.
   */
  issuer?: string
  /**
   * The provider always sends `iss` (its metadata says `authorization_response_iss_parameter_supported: true`):
   * a response without it is then an {@link IssuerMismatchError} too. Needs `issuer`. Default `false`.
   */
  issuerParameterRequired?: boolean
  /**
   * Where the token lives, shared with every session (in any process or host) that uses the same
   * store and {@link OAuth2SessionOptions.tokenKey | tokenKey}: a {@link FileTokenStore}, a
   * {@link RedisTokenStore}, or any {@link TokenStore}. A session with a store starts from the
   * stored token, renews it once for all of them (a lease, then compare-and-set), and writes every
   * new token there; `tokenUpdater` is then optional and {@link TokenUpdated} is never thrown.
   * See docs/tokens-across-processes.md.
   */
  tokenStore?: TokenStore
  /**
   * The token's key in `tokenStore`. Default: {@link tokenKeyFor} of the token endpoint
   * (`autoRefreshUrl`, else the URL of `fetchToken`), the client id, the grant, `tokenSubject` and
   * the scope. Pass your own for a token per user (`user:42`), or `tokenSubject`.
   */
  tokenKey?: string
  /**
   * Whose token it is (a user id), part of the default `tokenKey`. A shared token of a user grant
   * (authorization code, password ...) needs `tokenKey` or this, so that users never share a key;
   * client credentials need neither.
   */
  tokenSubject?: string
  /**
   * What a renewal does when the store cannot be used (down, or a peer's lease never ends):
   * `'fail'` raises {@link TokenStoreUnavailableError}, `'proceed'` renews without the store.
   * Default `'fail'` for a refresh token (spending one twice can revoke the grant) and
   * `'proceed'` for client credentials (a second token is harmless).
   */
  onStoreUnavailable?: StoreUnavailablePolicy
  /** How long a refresh holds the store's lease, milliseconds; the refresh must end within 80% of it. Default 15000. */
  refreshLeaseMs?: number
  /** How long a session waits for another process's refresh before `onStoreUnavailable` applies, milliseconds. Default 20000. */
  refreshWaitMs?: number
  /** The revocation endpoint (RFC 7009) of {@link OAuth2Session.revokeToken}: an absolute http(s) URL. */
  revocationUrl?: string
  /** The introspection endpoint (RFC 7662) of {@link OAuth2Session.introspectToken}: an absolute http(s) URL. */
  introspectionUrl?: string
  /**
   * The pushed authorization request endpoint (RFC 9126) of {@link OAuth2Session.pushAuthorizationRequest}
   * when it is called without a URL: an absolute http(s) URL. Default the discovered
   * `pushed_authorization_request_endpoint`.
   */
  pushedAuthorizationRequestUrl?: string
  /**
   * This client must push its authorization requests (RFC 9126 §6, the client metadata of the same
   * name): {@link OAuth2Session.authorizationUrl} then refuses, as it does when the issuer's
   * metadata says `require_pushed_authorization_requests`. Default `false`.
   */
  requirePushedAuthorizationRequests?: boolean
  /**
   * DPoP (RFC 9449): `true` makes an ES256 key pair for the session; `{ privateKey, alg? }` gives
   * the key (or `{ alg }` the algorithm of the pair made). Every token request (fetch, refresh,
   * device polling, token exchange) then carries a `DPoP` proof; a DPoP-bound token
   * (`token_type: 'DPoP'`) goes to resource servers as `Authorization: DPoP <token>` with a proof
   * carrying its `ath`; a `use_dpop_nonce` answer is retried once with the server's nonce. The key
   * goes with each bound token (its `dpop_jwk` field) into the `tokenStore` and `serialize()`.
   * Default `false`: plain Bearer tokens. See docs/modern-oauth2.md.
   */
  dpop?: DPoPOption
}

/**
 * Per-request options of {@link OAuth2Session}: requests-oauthlib's `withhold_token`,
 * `client_id` and `client_secret` (for an automatic refresh) and rauth's `bearer_auth`.
 *
 * @example
 * ```ts
 * import { OAuth2Session } from 'oauth-sessions'
 * declare const session: OAuth2Session
 * await session.get('https://api.example.com/public', { withholdToken: true })
 * ```
 * @group OAuth 2
 */
export interface OAuth2RequestOptions extends RequestOptions {
  /** Send no token with this request. */
  withholdToken?: boolean
  /** `false` sends the token as a query parameter for this request. */
  bearerAuth?: boolean
  /** The client id for an automatic refresh this request triggers. */
  clientId?: string
  /** The client secret for an automatic refresh this request triggers. */
  clientSecret?: string
}

/**
 * Options of {@link OAuth2Session.fetchToken}: requests-oauthlib's keyword arguments. Any other
 * key is sent as an extra parameter of the token request (`audience`, `resource` ...).
 *
 * @example
 * ```ts
 * import { OAuth2Session } from 'oauth-sessions'
 * declare const session: OAuth2Session
 * const token = await session.fetchToken('https://idp.example.com/token', {
 *   authorizationResponse: 'https://app.example/callback?code=abc&state=xyz',
 *   clientSecret: process.env.CLIENT_SECRET,
 * })
 * ```
 * @group OAuth 2
 */
export interface FetchTokenOptions {
  /** The authorization code. */
  code?: string
  /** The full callback URL; the code (and state) are read from it. */
  authorizationResponse?: string
  /** Form-encoded parameters to add to the request body. */
  body?: string
  /** Client authentication for the token request; `null` for none. Default: Basic with client id and secret. */
  auth?: AuthStrategy | null
  /** The user name (password grant). */
  username?: string
  /** The password (password grant). */
  password?: string
  /** `POST` (default) or `GET`. */
  method?: 'POST' | 'GET'
  /** Send the parameters in the query string even for POST. */
  forceQuerystring?: boolean
  /** Request headers; default Accept JSON and a form Content-Type. */
  headers?: HeadersInit
  /** The timeout of this request. */
  timeout?: TimeoutOption
  /** Send client_id (and client_secret) in the body instead of Basic auth. */
  includeClientId?: boolean
  /** The client secret. */
  clientSecret?: string
  /** A PKCE code verifier you made yourself. */
  codeVerifier?: string
  /**
   * The assertion of an assertion grant ({@link JwtBearerClient}, RFC 7523 §2.1): the JWT, or a
   * function called for this request (and each renewal of its token) that returns a fresh one.
   * Sent as the `assertion` parameter; never shown.
   */
  assertion?: AssertionSource
  /** Ends the token request at once when aborted. */
  signal?: AbortSignal
  /**
   * Extra parameters of the token request: wire values only (text, numbers, booleans, lists of
   * text). A request setting (`allowRedirects`, `stream` ...) is refused, never sent.
   */
  [param: string]: unknown
}

/**
 * Options of {@link OAuth2Session.refreshToken}. Any other key is sent as an extra parameter.
 *
 * @example
 * ```ts
 * import { OAuth2Session } from 'oauth-sessions'
 * declare const session: OAuth2Session
 * await session.refreshToken('https://idp.example.com/token', { client_id: 'id', client_secret: 'secret' })
 * ```
 * @group OAuth 2
 */
export interface RefreshTokenOptions {
  /** The refresh token; default the session token's. */
  refreshToken?: string
  /** Form-encoded parameters to add to the request body. */
  body?: string
  /** Client authentication for the refresh request. */
  auth?: AuthStrategy | null
  /** Request headers; default Accept JSON and a form Content-Type. */
  headers?: HeadersInit
  /** The timeout of this request. */
  timeout?: TimeoutOption
  /** Ends the refresh request at once when aborted. */
  signal?: AbortSignal
  /** Extra parameters of the refresh request: wire values only, as for {@link FetchTokenOptions}. */
  [param: string]: unknown
}

/**
 * Options of {@link OAuth2Session.revokeToken} and {@link OAuth2Session.introspectToken}: the hint,
 * the endpoint when the session has none, and client authentication as for fetchToken.
 *
 * @example
 * ```ts
 * import { OAuth2Session } from 'oauth-sessions'
 * declare const session: OAuth2Session
 * await session.revokeToken(session.token.refresh_token, { tokenTypeHint: 'refresh_token', url: 'https://idp.example.com/revoke' })
 * ```
 * @group OAuth 2
 */
export interface TokenOperationOptions extends ClientRequestOptions {
  /** `token_type_hint` (RFC 7009 §2.1): `'access_token'`, `'refresh_token'` or a server's own type. Sent only when given, or for the session's own tokens. */
  tokenTypeHint?: string
  /** The endpoint of this call; default the session's `revocationUrl` / `introspectionUrl`. */
  url?: string
}

/**
 * The request settings of every client-authenticated call beyond fetchToken and refreshToken
 * (revocation, introspection, token exchange, pushed authorization requests): how the client
 * authenticates for this call (else as the session's `clientAuth` says, else Basic with the
 * client id and secret), and the request's headers, timeout and signal.
 *
 * @example
 * ```ts
 * import { OAuth2Session, type ClientRequestOptions } from 'oauth-sessions'
 * declare const session: OAuth2Session
 * const asPublicClient: ClientRequestOptions = { includeClientId: true, timeout: 5000, signal: AbortSignal.timeout(10_000) }
 * await session.introspectToken('a-token', asPublicClient)
 * ```
 * @group OAuth 2
 */
export interface ClientRequestOptions {
  /** Client authentication; `null` for none. Default: Basic with client id and secret, as at the token endpoint. */
  auth?: AuthStrategy | null
  /** Send client_id (and client_secret) in the body instead of Basic auth (`client_secret_post`). */
  includeClientId?: boolean
  /** The client secret; default the session's. */
  clientSecret?: string
  /** Request headers; default Accept JSON and a form Content-Type. */
  headers?: HeadersInit
  /** The timeout of this request. */
  timeout?: TimeoutOption
  /** Ends the request at once when aborted. */
  signal?: AbortSignal
}
