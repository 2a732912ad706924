import { lazySchema } from '../../http/lazy-schema.js'
import type { AuthStrategy } from '../../auth/auth-strategy.js'
import { ConfigurationError } from '../../errors.js'
import { parseOptions } from '../../http/parse-options.js'
import type { Session } from '../../http/session.js'
import { parseOperationToken, tokenOperationSchema } from '../oauth2-session-schemas.js'
import type { TokenRequest } from '../token-endpoint.js'
import { introspectTokenAt, revokeAndForget, revokeTokenAt, type TokenIntrospection, tokenOperationBody } from '../token-revocation.js'
import { requestsAuthView, tokenCache } from './token-cache.js'

/**
 * Options of a requests-auth-style strategy's `revoke()` and `introspect()`.
 *
 * @example
 * ```ts
 * import { OAuth2ClientCredentials } from 'oauth-sessions'
 * declare const auth: OAuth2ClientCredentials
 * await auth.revoke(undefined, { url: 'https://idp.example.com/revoke', signal: AbortSignal.timeout(10_000) })
 * ```
 * @group Auth
 */
export interface StrategyTokenOperationOptions {
  /** `token_type_hint` (RFC 7009 §2.1). Sent when given, and for the cached tokens (`refresh_token`, `access_token`). */
  tokenTypeHint?: string
  /** The endpoint of this call; default the strategy's `revocationUrl` / `introspectionUrl`. */
  url?: string
  /** Ends the request at once when aborted. */
  signal?: AbortSignal
}

const operationSchema = lazySchema(() => tokenOperationSchema().pick({ tokenTypeHint: true, url: true, signal: true }))

/**
 * How a strategy's client talks to its token endpoint's siblings: the Session, the client
 * authentication strategy (Basic ...), or else the client id and secret that go in the body.
 *
 * @internal
 */
export interface StrategyClient {
  session: Session
  auth: AuthStrategy | undefined
  clientId?: string | undefined
  clientSecret?: string | undefined
}

/** What a strategy hands the operations below. @internal */
export interface OperationHost {
  owner: string
  /** The token cache key (requests-auth's state). */
  key: string
  client: StrategyClient
  revocationUrl: string | undefined
  introspectionUrl: string | undefined
  timeoutMs: number
  insecureTransport: boolean
}

/**
 * Revokes a token at the strategy's revocation endpoint (RFC 7009); with none given, the cached
 * refresh token, then the cached access token, then forgets them in the token cache, by the rules
 * of {@link OAuth2Session.revokeToken}.
 *
 * @internal
 */
export async function revokeStrategyToken(host: OperationHost, token: string | undefined, options: StrategyTokenOperationOptions): Promise<void> {
  const settings = parseOptions(operationSchema(), options, `${host.owner}.revoke`)
  const url = endpoint(host, 'revocation', settings.url)
  if (token !== undefined) {
    await revokeTokenAt(
      host.client.session,
      operationRequest(host, url, parseOperationToken(token, `${host.owner}.revoke`), settings.tokenTypeHint, settings.signal),
    )
    return
  }
  const store = requestsAuthView(tokenCache())
  const cached = (await store.get(host.key))?.token ?? {}
  await revokeAndForget(
    cached,
    (held, hint) => revokeTokenAt(host.client.session, operationRequest(host, url, held, settings.tokenTypeHint ?? hint, settings.signal)),
    () => store.delete(host.key),
    `${host.owner}.revoke: the token cache holds no token of this strategy; pass the token to revoke.`,
  )
}

/**
 * Asks the strategy's introspection endpoint (RFC 7662) about a token; with none given, the cached
 * access token.
 *
 * @internal
 */
export async function introspectStrategyToken(
  host: OperationHost,
  token: string | undefined,
  options: StrategyTokenOperationOptions,
): Promise<TokenIntrospection> {
  const settings = parseOptions(operationSchema(), options, `${host.owner}.introspect`)
  const url = endpoint(host, 'introspection', settings.url)
  let asked = token === undefined ? undefined : parseOperationToken(token, `${host.owner}.introspect`)
  let hint = settings.tokenTypeHint
  if (asked === undefined) {
    const cached = (await requestsAuthView(tokenCache()).get(host.key))?.token.access_token
    if (typeof cached !== 'string') {
      throw new ConfigurationError('token', `${host.owner}.introspect: the token cache holds no token of this strategy; pass the token to introspect.`)
    }
    asked = cached
    hint ??= 'access_token'
  }
  return introspectTokenAt(host.client.session, operationRequest(host, url, asked, hint, settings.signal))
}

function endpoint(host: OperationHost, kind: 'revocation' | 'introspection', given: string | undefined): string {
  const url = given ?? (kind === 'revocation' ? host.revocationUrl : host.introspectionUrl)
  if (url !== undefined) return url
  const method = kind === 'revocation' ? 'revoke' : 'introspect'
  throw new ConfigurationError(
    `${kind}Url`,
    `${host.owner}.${method} needs the ${kind} endpoint: pass ${kind}Url to the constructor, or { url } to ${method}().`,
  )
}

/** A revocation or introspection request, client-authenticated as the strategy's token requests. */
function operationRequest(host: OperationHost, url: string, token: string, hint: string | undefined, signal: AbortSignal | undefined): TokenRequest {
  const { auth, clientId, clientSecret } = host.client
  return {
    url,
    body: tokenOperationBody(token, hint, { clientId, clientSecret, includeClientId: auth === undefined }),
    clientAuth: auth ?? null,
    timeout: host.timeoutMs,
    signal,
    insecureTransport: host.insecureTransport,
  }
}
