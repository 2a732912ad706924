import { randomUUID } from 'node:crypto'
import { ConfigurationError } from '../../errors.js'
import {
  OAuth2AuthorizationCode,
  OAuth2AuthorizationCodePKCE,
  OAuth2Implicit,
  type OAuth2AuthorizationCodeOptions,
  type OAuth2BrowserOptions,
} from './oauth2-browser-strategies.js'
import {
  OAuth2ClientCredentials,
  OAuth2ResourceOwnerPasswordCredentials,
  type OAuth2GrantOptions,
  type OAuth2PasswordOptions,
} from './oauth2-grant-strategies.js'
import { scopeText } from './oauth2-token-strategy.js'
import { OAuth2DeviceCode, type OAuth2DeviceCodeOptions } from './oauth2-device-code.js'
import { JSON_FORM_HEADERS, type TokenPolicy } from '../token-endpoint.js'

/**
 * What the Okta presets add: the authorization server (`default` unless given).
 *
 * @example
 * ```ts
 * import { OktaImplicit } from 'oauth-sessions'
 * new OktaImplicit('testserver.okta-emea.com', 'client-id', { authorizationServer: 'aus1234', prompt: 'none' })
 * ```
 * @group Auth
 */
export interface OktaOptions {
  /** The Okta authorization server. Default `default`. */
  authorizationServer?: string
}

/** Okta's endpoints: `https://<instance>/oauth2/<authorization server>/v1/<endpoint>`. */
function oktaUrl(instance: string, options: OktaOptions, endpoint: 'authorize' | 'token'): string {
  checkOktaInstance(instance)
  return `https://${instance}/oauth2/${options.authorizationServer || 'default'}/v1/${endpoint}`
}

const OKTA_INSTANCES = 'such as "testserver.okta-emea.com" or "127.0.0.1:8443"'

/**
 * An Okta instance is an authority: a host name, IPv4 or bracketed IPv6 address, with an optional
 * port, and no scheme, user info, path, query or fragment. The message never repeats the value.
 */
function checkOktaInstance(instance: string): void {
  const refuse = (what: string): never => {
    throw new ConfigurationError('instance', `The Okta instance is a host name with an optional port, ${OKTA_INSTANCES}: ${what}`)
  }
  if (!instance) throw new ConfigurationError('instance', `Okta instance is mandatory, ${OKTA_INSTANCES}.`)
  if (typeof instance !== 'string') refuse('pass it as a string.')
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(instance)) refuse('give it without the scheme; the presets always use https.')
  if (/[/?#]/.test(instance)) refuse('give it without a path, query or fragment; the presets add /oauth2/<authorizationServer>/v1/ themselves.')
  if (instance.includes('@')) refuse('give it without a user name or password.')
  const authority = /^(\[[0-9A-Fa-f:.]+\]|[\p{L}\p{N}._~-]+)(?::(.*))?$/u.exec(instance)
  if (authority === null) refuse('it has a character a host name cannot have (an IPv6 address goes in brackets, "[::1]:8443").')
  const port = authority?.[2]
  if (port !== undefined && !(/^[0-9]{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535)) {
    refuse('the port after the colon must be a number from 1 to 65535.')
  }
  if (!URL.canParse(`https://${instance}/`)) refuse('it is not a valid host name.')
}

function requireClientId(clientId: string): void {
  if (!clientId) throw new ConfigurationError('clientId', 'client_id is mandatory: the application (client) id the provider issued.')
}

/** The preset's own option removed, so it is not sent as a parameter. */
function withoutPresetOptions<T extends object>(options: T & OktaOptions): T {
  const { authorizationServer: _server, ...rest } = options
  return rest as T
}

/** What the Okta browser presets send: client_id, the preset's settings, the user's options, a scope and a nonce. */
function oktaBrowserOptions<T extends OAuth2BrowserOptions>(
  clientId: string,
  options: T & OktaOptions,
  defaultScope: string,
  preset: OAuth2BrowserOptions = {},
): T {
  requireClientId(clientId)
  return {
    client_id: clientId,
    ...preset,
    ...withoutPresetOptions(options),
    scope: scopeText(options.scope) || defaultScope,
    nonce: options.nonce || randomUUID(),
  }
}

/**
 * requests-auth's `OktaAuthorizationCode`: {@link OAuth2AuthorizationCode} against an Okta
 * authorization server, scope `openid` and a fresh UUID nonce unless given.
 *
 * @example
 * ```ts
 * import { OktaAuthorizationCode, Session } from 'oauth-sessions'
 * const okta = new OktaAuthorizationCode('testserver.okta-emea.com', '54239d18-c68c-4c47-8bdd-ce71ea1d50cd')
 * await new Session({ auth: okta }).get('https://api.example.com/')
 * ```
 * @see requests_auth.OktaAuthorizationCode
 * @group Auth
 */
export class OktaAuthorizationCode extends OAuth2AuthorizationCode {
  constructor(instance: string, clientId: string, options: OAuth2AuthorizationCodeOptions & OktaOptions = {}) {
    super(oktaUrl(instance, options, 'authorize'), oktaUrl(instance, options, 'token'), oktaBrowserOptions(clientId, options, 'openid'))
  }
}

/**
 * requests-auth's `OktaAuthorizationCodePKCE`: {@link OAuth2AuthorizationCodePKCE} against an
 * Okta authorization server, scope `openid` and a fresh UUID nonce unless given.
 *
 * @example
 * ```ts
 * import { OktaAuthorizationCodePKCE, Session } from 'oauth-sessions'
 * const okta = new OktaAuthorizationCodePKCE('testserver.okta-emea.com', '54239d18-c68c-4c47-8bdd-ce71ea1d50cd')
 * await new Session({ auth: okta }).get('https://api.example.com/')
 * ```
 * @see requests_auth.OktaAuthorizationCodePKCE
 * @group Auth
 */
export class OktaAuthorizationCodePKCE extends OAuth2AuthorizationCodePKCE {
  constructor(instance: string, clientId: string, options: OAuth2AuthorizationCodeOptions & OktaOptions = {}) {
    super(oktaUrl(instance, options, 'authorize'), oktaUrl(instance, options, 'token'), oktaBrowserOptions(clientId, options, 'openid'))
  }
}

/**
 * requests-auth's `OktaImplicit`: {@link OAuth2Implicit} for an access token from an Okta
 * authorization server; scope `openid profile email` and a fresh UUID nonce unless given.
 *
 * @example
 * ```ts
 * import { OktaImplicit, Session } from 'oauth-sessions'
 * const okta = new OktaImplicit('testserver.okta-emea.com', '54239d18-c68c-4c47-8bdd-ce71ea1d50cd')
 * await new Session({ auth: okta }).get('https://api.example.com/')
 * ```
 * @see requests_auth.OktaImplicit
 * @group Auth
 */
export class OktaImplicit extends OAuth2Implicit {
  constructor(instance: string, clientId: string, options: OAuth2BrowserOptions & OktaOptions = {}) {
    super(oktaUrl(instance, options, 'authorize'), oktaBrowserOptions(clientId, options, 'openid profile email'))
  }
}

/**
 * requests-auth's `OktaImplicitIdToken`: {@link OAuth2Implicit} for an OpenID Connect ID token
 * (`response_type=id_token`, token field `id_token`) from an Okta authorization server. With the
 * `issuer` option (such as `https://<org>.okta.com/oauth2/default`) the ID token is validated
 * (signature through the issuer's discovered JWKS, or `jwksUri`; `iss`, `aud`, `exp`, `iat`, nonce);
 * without it, it is kept unchecked, as requests-auth keeps it.
 *
 * @example
 * ```ts
 * import { OktaImplicitIdToken, Session } from 'oauth-sessions'
 * const okta = new OktaImplicitIdToken('testserver.okta-emea.com', '54239d18-c68c-4c47-8bdd-ce71ea1d50cd')
 * await new Session({ auth: okta }).get('https://api.example.com/')
 * ```
 * @see requests_auth.OktaImplicitIdToken
 * @group Auth
 */
export class OktaImplicitIdToken extends OAuth2Implicit {
  constructor(instance: string, clientId: string, options: OAuth2BrowserOptions & OktaOptions = {}) {
    super(
      oktaUrl(instance, options, 'authorize'),
      oktaBrowserOptions(clientId, options, 'openid profile email', { responseType: 'id_token', tokenFieldName: 'id_token' }),
    )
  }
}

/**
 * requests-auth's `OktaClientCredentials`: {@link OAuth2ClientCredentials} against an Okta
 * authorization server; `scope` is mandatory, as Okta requires one for this grant.
 *
 * @example
 * ```ts
 * import { OktaClientCredentials, Session } from 'oauth-sessions'
 * const okta = new OktaClientCredentials('testserver.okta-emea.com', 'client-id', process.env.OKTA_SECRET ?? '', { scope: ['scope1', 'scope2'] })
 * await new Session({ auth: okta }).get('https://api.example.com/')
 * ```
 * @see requests_auth.OktaClientCredentials
 * @group Auth
 */
export class OktaClientCredentials extends OAuth2ClientCredentials {
  constructor(instance: string, clientId: string, clientSecret: string, options: OAuth2GrantOptions & OktaOptions = {}) {
    if (!scopeText(options.scope))
      throw new ConfigurationError('scope', 'scope is mandatory for Okta client credentials: name the custom scopes of your authorization server.')
    super(oktaUrl(instance, options, 'token'), clientId, clientSecret, withoutPresetOptions(options))
  }
}

/**
 * requests-auth's `OktaResourceOwnerPasswordCredentials`: {@link OAuth2ResourceOwnerPasswordCredentials}
 * against an Okta authorization server, the client authenticated with Basic; scope `openid`
 * unless given.
 *
 * @example
 * ```ts
 * import { OktaResourceOwnerPasswordCredentials, Session } from 'oauth-sessions'
 * const okta = new OktaResourceOwnerPasswordCredentials('testserver.okta-emea.com', 'user', process.env.PASSWORD ?? '', 'client-id', process.env.OKTA_SECRET ?? '')
 * await new Session({ auth: okta }).get('https://api.example.com/')
 * ```
 * @see requests_auth.OktaResourceOwnerPasswordCredentials
 * @group Auth
 */
export class OktaResourceOwnerPasswordCredentials extends OAuth2ResourceOwnerPasswordCredentials {
  constructor(instance: string, username: string, password: string, clientId: string, clientSecret: string, options: OAuth2PasswordOptions & OktaOptions = {}) {
    requireClientId(clientId)
    if (!clientSecret) throw new ConfigurationError('clientSecret', 'client_secret is mandatory.')
    super(oktaUrl(instance, options, 'token'), username, password, {
      ...withoutPresetOptions(options),
      scope: scopeText(options.scope) || 'openid',
      sessionAuth: [clientId, clientSecret],
    })
  }
}

/** Entra ID's (Azure AD's) authorization endpoint for a tenant. */
function entraAuthorizeUrl(tenantId: string): string {
  if (!tenantId) throw new ConfigurationError('tenantId', 'tenant_id is mandatory: the directory (tenant) id, a UUID, or "common" / "organizations".')
  if (/[/:?#\s]/.test(tenantId))
    throw new ConfigurationError('tenantId', `tenantId is the directory id alone, such as 45239d18-c68c-4c47-8bdd-ce71ea1d50cd (got "${tenantId}").`)
  return `https://login.microsoftonline.com/${tenantId}/oauth2/authorize`
}

/**
 * requests-auth's `AzureActiveDirectoryImplicit` (Microsoft Entra ID): {@link OAuth2Implicit} for
 * an access token from the tenant's authorization endpoint, with a fresh UUID nonce unless given.
 * Also exported as `EntraIdImplicit`.
 *
 * @example
 * ```ts
 * import { AzureActiveDirectoryImplicit, Session } from 'oauth-sessions'
 * const aad = new AzureActiveDirectoryImplicit('45239d18-c68c-4c47-8bdd-ce71ea1d50cd', '54239d18-c68c-4c47-8bdd-ce71ea1d50cd')
 * await new Session({ auth: aad }).get('https://graph.microsoft.com/v1.0/me')
 * ```
 * @see requests_auth.AzureActiveDirectoryImplicit
 * @group Auth
 */
export class AzureActiveDirectoryImplicit extends OAuth2Implicit {
  constructor(tenantId: string, clientId: string, options: OAuth2BrowserOptions = {}) {
    requireClientId(clientId)
    const nonce = options.nonce || randomUUID()
    super(entraAuthorizeUrl(tenantId), { client_id: clientId, ...options, nonce })
  }
}

/**
 * requests-auth's `AzureActiveDirectoryImplicitIdToken` (Microsoft Entra ID): {@link OAuth2Implicit}
 * for an OpenID Connect ID token (`response_type=id_token`, token field `id_token`). Also exported
 * as `EntraIdImplicitIdToken`. With the `issuer` option (`https://login.microsoftonline.com/<tenant-id>/v2.0`)
 * the ID token is validated (signature through the issuer's discovered JWKS, or `jwksUri`; `iss`,
 * `aud`, `exp`, `iat`, nonce); without it, it is kept unchecked, as requests-auth keeps it.
 *
 * @example
 * ```ts
 * import { AzureActiveDirectoryImplicitIdToken, Session } from 'oauth-sessions'
 * const aad = new AzureActiveDirectoryImplicitIdToken('45239d18-c68c-4c47-8bdd-ce71ea1d50cd', '54239d18-c68c-4c47-8bdd-ce71ea1d50cd')
 * await new Session({ auth: aad }).get('https://api.example.com/')
 * ```
 * @see requests_auth.AzureActiveDirectoryImplicitIdToken
 * @group Auth
 */
export class AzureActiveDirectoryImplicitIdToken extends OAuth2Implicit {
  constructor(tenantId: string, clientId: string, options: OAuth2BrowserOptions = {}) {
    requireClientId(clientId)
    const nonce = options.nonce || randomUUID()
    super(entraAuthorizeUrl(tenantId), { client_id: clientId, responseType: 'id_token', tokenFieldName: 'id_token', ...options, nonce })
  }
}

/**
 * requests-auth's `WakaTimeAuthorizationCode`: {@link OAuth2AuthorizationCode} against WakaTime;
 * a list of scopes is joined with commas, as WakaTime expects. The client secret is sent to the
 * token endpoint only, never through the browser.
 *
 * @example
 * ```ts
 * import { Session, WakaTimeAuthorizationCode } from 'oauth-sessions'
 * const wakaTime = new WakaTimeAuthorizationCode('aPJQV0op6Pu3b66MWDi9b1wB', process.env.WAKATIME_SECRET ?? '', ['email', 'read_stats'])
 * await new Session({ auth: wakaTime }).get('https://wakatime.com/api/v1/users/current')
 * ```
 * @see requests_auth.WakaTimeAuthorizationCode
 * @group Auth
 */
export class WakaTimeAuthorizationCode extends OAuth2AuthorizationCode {
  constructor(clientId: string, clientSecret: string, scope: string | readonly string[], options: OAuth2AuthorizationCodeOptions = {}) {
    requireClientId(clientId)
    if (!clientSecret && options.clientAuth === undefined)
      throw new ConfigurationError('clientSecret', 'client_secret is mandatory: the waka_sec_... secret of your WakaTime app.')
    const scopes = scopeText(scope, ',')
    if (!scopes) throw new ConfigurationError('scope', 'Scope is mandatory, such as "email" or ["email", "read_stats"].')
    super('https://wakatime.com/oauth/authorize', 'https://wakatime.com/oauth/token', {
      client_id: clientId,
      client_secret: clientSecret,
      ...options,
      scope: scopes,
    })
  }
}

const GITHUB_AUTHORIZE_URL = 'https://github.com/login/oauth/authorize'
const GITHUB_DEVICE_URL = 'https://github.com/login/device/code'
const GITHUB_TOKEN_URL = 'https://github.com/login/oauth/access_token'

/**
 * {@link OAuth2DeviceCode} against GitHub (an OAuth App or GitHub App with "Device Flow"
 * enabled): `client_id` in the body, as GitHub documents, and `Accept: application/json` on every
 * request, without which GitHub answers form-encoded. GitHub answers `authorization_pending` and
 * `slow_down` with HTTP 200; they are polled through as RFC 8628 §3.5 says. GitHub has no RFC 7009
 * revocation endpoint (it revokes through its REST API), so `revoke()` needs a `revocationUrl` of
 * your own.
 *
 * @example
 * ```ts
 * import { GitHubDeviceCode, Session } from 'oauth-sessions'
 * const github = new GitHubDeviceCode('Iv1.0123456789abcdef', { scope: ['read:user'] })
 * // stderr: "Open https://github.com/login/device and enter the code WDJB-MJHT"
 * console.log((await new Session({ auth: github }).get('https://api.github.com/user')).json())
 * ```
 * @see https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps#device-flow
 * @group Auth
 */
export class GitHubDeviceCode extends OAuth2DeviceCode {
  constructor(clientId: string, options: OAuth2DeviceCodeOptions = {}) {
    requireClientId(clientId)
    super(GITHUB_DEVICE_URL, GITHUB_TOKEN_URL, clientId, { includeClientId: true, ...options })
  }
}

/**
 * {@link OAuth2AuthorizationCode} against GitHub: the browser flow of an OAuth App, `client_id`
 * in the authorization URL and the token request, `client_secret` in the token request only, and
 * `Accept: application/json` on it (GitHub answers form-encoded without). GitHub answers a refused
 * code with HTTP 200 and an `error`; it is the typed error all the same.
 *
 * @example
 * ```ts
 * import { GitHubAuthorizationCode, Session } from 'oauth-sessions'
 * const github = new GitHubAuthorizationCode('Iv1.0123456789abcdef', process.env.GITHUB_SECRET ?? '', { scope: 'read:user' })
 * await new Session({ auth: github }).get('https://api.github.com/user')
 * ```
 * @see https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps#web-application-flow
 * @group Auth
 */
export class GitHubAuthorizationCode extends OAuth2AuthorizationCode {
  constructor(clientId: string, clientSecret: string, options: OAuth2AuthorizationCodeOptions = {}) {
    requireClientId(clientId)
    if (!clientSecret && options.clientAuth === undefined)
      throw new ConfigurationError('clientSecret', 'client_secret is mandatory: the client secret of your GitHub OAuth App.')
    super(GITHUB_AUTHORIZE_URL, GITHUB_TOKEN_URL, { client_id: clientId, client_secret: clientSecret, ...options })
  }

  /** @internal GitHub answers form-encoded without `Accept: application/json`. */
  protected override get tokenRequestHeaders(): Readonly<Record<string, string>> {
    return JSON_FORM_HEADERS
  }

  /** @internal GitHub answers a refused code with HTTP 200 and an `error`. */
  protected override get tokenErrorPolicy(): TokenPolicy['errors'] {
    return 'error-key'
  }
}
