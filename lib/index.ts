export { OAuthSessionsError, ConfigurationError, TokenMissingError, TokenMissingError as TokenMissing, InvalidTokenResponseError } from './errors.js'
export {
  HTTPError,
  TooManyRedirectsError,
  TimeoutError,
  ConnectionError,
  JSONDecodeError,
  AbortError,
  InvalidRedirectError,
  CredentialRedirectRefusedError,
  ResponseTooLargeError,
} from './http/http-errors.js'
export {
  TokenRequestDeniedError,
  TokenRequestDeniedError as TokenRequestDenied,
  VerifierMissingError,
  VerifierMissingError as VerifierMissing,
} from './oauth1/oauth1-errors.js'
export { ProxyAuthenticationError } from './proxy/proxy-errors.js'
export { Session } from './http/session.js'
export { Response, type ResponseInit } from './http/response.js'
export type { LinkEntry } from './http/parse-link-header.js'
export { PreparedRequest, type RequestBody } from './http/prepared-request.js'
export { HeaderMap, type HeadersInit } from './http/header-map.js'
export type { ParamsInit, ParamValue, ParamPairs } from './http/form-encoding.js'
export type {
  SessionOptions,
  RequestOptions,
  SendOptions,
  TimeoutOption,
  RetryOptions,
  ProxiesOption,
  CertOption,
} from './http/session-options.js'
export type { AuthStrategy, AuthResponse, RedirectContext } from './auth/auth-strategy.js'
export { HTTPBasicAuth, Basic } from './auth/http-basic-auth.js'
export { AuthBase, MultiAuth, combine } from './auth/multi-auth.js'
export { HeaderApiKey, QueryApiKey } from './auth/api-keys.js'
export { BearerAuth } from './auth/bearer-auth.js'
export { authHooks, type GotAuthOptions } from './auth/got-auth-hooks.js'
export { authFetch, type AuthFetchOptions, type FetchFunction } from './auth/auth-fetch.js'
export { BodyNotReplayableError } from './auth/auth-fetch-errors.js'
export { timingSafeEqualText } from './security/timing-safe-equal.js'
export { OAuth1Auth } from './oauth1/oauth1-auth.js'
export type { OAuth1AuthOptions, OAuth1Placement, SignatureType, SignatureExplanation } from './oauth1/oauth1-auth-options.js'
export type { SignatureMethod, SignatureMethodName, SigningSecrets } from './oauth1/signature-methods.js'
export {
  SIGNATURE_HMAC,
  SIGNATURE_HMAC_SHA1,
  SIGNATURE_HMAC_SHA256,
  SIGNATURE_HMAC_SHA512,
  SIGNATURE_RSA,
  SIGNATURE_RSA_SHA1,
  SIGNATURE_RSA_SHA256,
  SIGNATURE_RSA_SHA512,
  SIGNATURE_PLAINTEXT,
  SIGNATURE_TYPE_AUTH_HEADER,
  SIGNATURE_TYPE_QUERY,
  SIGNATURE_TYPE_BODY,
} from './oauth1/signature-constants.js'
export { percentEncode } from './oauth1/percent-encode.js'
export { OAuth1Session, type OAuth1SessionOptions, type OAuth1RequestOptions, type OAuth1Token } from './oauth1/oauth1-session.js'
export { OAuth1Service, type OAuth1ServiceOptions, type TokenRequestOptions } from './oauth1/oauth1-service.js'
export { parseUtf8Qsl, parseJsonToken, type TokenDecoder } from './oauth1/token-decoders.js'
export { OAuth2Session } from './oauth2/oauth2-session.js'
export type {
  OAuth2SessionOptions,
  OAuth2RequestOptions,
  FetchTokenOptions,
  RefreshTokenOptions,
  TokenOperationOptions,
  ClientRequestOptions,
  TokenUpdater,
} from './oauth2/oauth2-session-options.js'
export type { TokenIntrospection } from './oauth2/token-revocation.js'
export { TOKEN_TYPE_URIS, type ExchangeTokenOptions, type ExchangedToken, type TokenTypeIdentifier } from './oauth2/token-exchange.js'
export type { ClientAssertionKey, ClientAuthMethod, ClientAuthOptions } from './oauth2/client-authentication.js'
export {
  OAuth2Client,
  WebApplicationClient,
  MobileApplicationClient,
  LegacyApplicationClient,
  BackendApplicationClient,
  JwtBearerClient,
  type AssertionSource,
  type TokenRequestInput,
  type RefreshRequestInput,
} from './oauth2/grant-clients.js'
export type { OAuth2Token } from './oauth2/oauth2-token.js'
export type { DeviceAuthorization, DeviceAuthorizationOptions, DeviceClock, DevicePollProgress, PollDeviceTokenOptions } from './oauth2/device-flow.js'
export type { PushAuthorizationRequestOptions } from './oauth2/pushed-authorization.js'
export type { PkceMethod } from './oauth2/pkce.js'
export type { ComplianceHookType, ComplianceHooks, RequestHook, ResponseHook } from './oauth2/compliance-hooks.js'
export {
  TokenRequestError,
  InvalidRequestError,
  InvalidClientError,
  InvalidGrantError,
  ReauthorizationRequiredError,
  UnauthorizedClientError,
  UnsupportedGrantTypeError,
  InvalidScopeError,
  AccessDeniedError,
  UnsupportedResponseTypeError,
  ServerError,
  TemporarilyUnavailableError,
  InvalidTokenError,
  AuthorizationPendingError,
  SlowDownError,
  ExpiredTokenError,
  DeviceAuthorizationExpiredError,
  TokenExpiredError,
  TokenUpdated,
  InsecureTransportError,
  MismatchingStateError,
  IssuerMismatchError,
  ScopeChangedWarning,
  TokenRedirectRefusedError,
  UnsupportedTokenTypeError,
  RevocationUnsupportedTokenTypeError,
  EndpointUnavailableError,
  InvalidTargetError,
  type OAuth2ErrorBody,
} from './oauth2/oauth2-errors.js'
export { DiscoveryError, InvalidMetadataError, type DiscoveryAttempt } from './oauth2/discovery-errors.js'
export type { AuthorizationServerMetadata } from './oauth2/discovery.js'
export type { DPoPOption } from './oauth2/dpop-prover.js'
export type { DPoPAlgorithm, DPoPKeyOptions } from './oauth2/dpop-key.js'
export { DPoPKeyError } from './oauth2/dpop-errors.js'
export { IdTokenValidationError, UserinfoError } from './oauth2/id-token-errors.js'
export type { IdTokenClaims } from './oauth2/id-token.js'
export type { OpenIdConnectOptions, UserinfoOptions } from './oauth2/openid-connect.js'
export { OAuth2Service, type OAuth2ServiceOptions, type AccessTokenOptions, type OAuth2TokenDecoder } from './oauth2/oauth2-service.js'
export { OAuth2Handler, OAuth2Handler as OAuth2, type OAuth2HandlerOptions } from './oauth2/oauth2-handler.js'
export { OAuth2Auth, type OAuth2AuthOptions, type TokenPlacement } from './oauth2/oauth2-auth.js'
export { OflySession, type OflySessionOptions, type OflyRequestOptions } from './ofly/ofly-session.js'
export { OflyService, type OflyServiceOptions } from './ofly/ofly-service.js'
export { OflyAuth, type OflyAuthOptions } from './ofly/ofly-auth.js'
export { Service, type SessionClass } from './http/service.js'
export type { OflyHashMethod } from './ofly/ofly-sign.js'
export { ProxySession, type ProxySessionOptions } from './proxy/proxy-session.js'
export { ProxySessionService, type ProxySessionServiceOptions } from './proxy/proxy-session-service.js'
export { FileTokenStore, type FileTokenStoreOptions } from './tokens/file-token-store.js'
export { MemoryTokenStore, type TokenStoreSummary } from './tokens/memory-token-store.js'
export type { TokenStore, StoredToken, TokenLease, SetTokenOptions } from './tokens/token-store.js'
export {
  RedisTokenStore,
  type RedisTokenStoreOptions,
  type RedisTokenStoreSummary,
  type NodeRedisScriptClient,
  type IoRedisScriptClient,
} from './tokens/redis-token-store.js'
export { TokenStoreUnavailableError } from './tokens/token-store-unavailable-error.js'
export { tokenKeyFor, type TokenKeyParts } from './tokens/token-key.js'
export type { StoreUnavailablePolicy } from './tokens/shared-renewal.js'
export {
  EncryptedTokenStore,
  type EncryptedTokenStoreOptions,
  type EncryptedTokenStoreSummary,
  type TokenEncryptionKey,
} from './tokens/encrypted-token-store.js'
export { TokenDecryptionError, type TokenDecryptionReason } from './tokens/token-decryption-error.js'
export { TokenMemoryCache, JsonTokenFileCache, setTokenCache, tokenCache, type NewToken } from './oauth2/requests-auth/token-cache.js'
export { OAuth2ClientCredentials, OAuth2ResourceOwnerPasswordCredentials, type OAuth2GrantOptions } from './oauth2/requests-auth/oauth2-grant-strategies.js'
export type { OAuth2TokenOptions } from './oauth2/requests-auth/oauth2-token-strategy.js'
export { OAuth2DeviceCode, type OAuth2DeviceCodeOptions, type VerificationOutput } from './oauth2/requests-auth/oauth2-device-code.js'
export type { StrategyTokenOperationOptions } from './oauth2/requests-auth/strategy-token-operations.js'
export { OAuth2JwtBearer, type OAuth2JwtBearerOptions } from './oauth2/requests-auth/oauth2-jwt-bearer.js'
export { OAuth2TokenExchange, type OAuth2TokenExchangeOptions } from './oauth2/requests-auth/oauth2-token-exchange.js'
export type { OAuth2PasswordOptions } from './oauth2/requests-auth/oauth2-grant-strategies.js'
export {
  OAuth2AuthorizationCode,
  OAuth2AuthorizationCodePKCE,
  OAuth2Implicit,
  type OAuth2BrowserOptions,
  type OAuth2AuthorizationCodeOptions,
} from './oauth2/requests-auth/oauth2-browser-strategies.js'
export {
  OktaAuthorizationCode,
  OktaAuthorizationCodePKCE,
  OktaImplicit,
  OktaImplicitIdToken,
  OktaClientCredentials,
  OktaResourceOwnerPasswordCredentials,
  AzureActiveDirectoryImplicit,
  AzureActiveDirectoryImplicit as EntraIdImplicit,
  AzureActiveDirectoryImplicitIdToken,
  AzureActiveDirectoryImplicitIdToken as EntraIdImplicitIdToken,
  WakaTimeAuthorizationCode,
  GitHubAuthorizationCode,
  GitHubDeviceCode,
  type OktaOptions,
} from './oauth2/requests-auth/oauth2-presets.js'
export { DisplaySettings, setDisplaySettings, displaySettings, type DisplaySettingsOptions } from './oauth2/requests-auth/display-settings.js'
export { setBrowserOpener, browserOpener, systemBrowser, type BrowserOpener } from './oauth2/requests-auth/browser-opener.js'
export {
  AuthorizationTimeoutError,
  RedirectPortInUseError,
  GrantNotProvidedError,
  StateNotProvidedError,
  RedirectListenerError,
  BrowserOpenError,
} from './oauth2/requests-auth/browser-flow-errors.js'
