import { expect } from 'chai'
import * as library from '../../../lib/index.js'
import {
  AbortError,
  AccessDeniedError,
  AuthorizationPendingError,
  DeviceAuthorizationExpiredError,
  ExpiredTokenError,
  SlowDownError,
  AuthorizationTimeoutError,
  ConfigurationError,
  ConnectionError,
  DiscoveryError,
  DPoPKeyError,
  InvalidMetadataError,
  IdTokenValidationError,
  UserinfoError,
  GrantNotProvidedError,
  HeaderMap,
  HTTPError,
  InsecureTransportError,
  IssuerMismatchError,
  InvalidClientError,
  InvalidGrantError,
  ReauthorizationRequiredError,
  InvalidRequestError,
  InvalidScopeError,
  InvalidTokenError,
  JSONDecodeError,
  MismatchingStateError,
  OAuthSessionsError,
  PreparedRequest,
  ProxyAuthenticationError,
  RedirectPortInUseError,
  Response,
  ScopeChangedWarning,
  ServerError,
  StateNotProvidedError,
  TokenRedirectRefusedError,
  UnsupportedTokenTypeError,
  RevocationUnsupportedTokenTypeError,
  EndpointUnavailableError,
  InvalidTargetError,
  InvalidTokenResponseError,
  RedirectListenerError,
  ResponseTooLargeError,
  BrowserOpenError,
  BodyNotReplayableError,
  TemporarilyUnavailableError,
  TimeoutError,
  TokenExpiredError,
  TokenStoreUnavailableError,
  TokenDecryptionError,
  TokenMissing,
  TokenMissingError,
  TokenRequestDenied,
  TokenRequestDeniedError,
  TokenRequestError,
  TokenUpdated,
  TooManyRedirectsError,
  InvalidRedirectError,
  CredentialRedirectRefusedError,
  UnauthorizedClientError,
  UnsupportedGrantTypeError,
  UnsupportedResponseTypeError,
  VerifierMissing,
  VerifierMissingError,
} from '../../../lib/index.js'

function answer(status: number): Response {
  const request = new PreparedRequest('POST', 'https://idp.test/token')
  return new Response({ status, headers: new HeaderMap(), url: 'https://idp.test/token', request, elapsed: 1, body: Buffer.from('{}') })
}

type ErrorClass = abstract new (...args: never[]) => OAuthSessionsError

/** One instance of every error class of the public API, with the code it must carry. */
const CASES: ReadonlyArray<[ErrorClass, () => OAuthSessionsError, string]> = [
  [OAuthSessionsError, () => new OAuthSessionsError('x'), 'ERR_OAUTH_SESSIONS'],
  [ConfigurationError, () => new ConfigurationError('timeout', 'x'), 'ERR_CONFIGURATION'],
  [TokenMissingError, () => new TokenMissingError('oauth_token', [], 'The body'), 'ERR_TOKEN_MISSING'],
  [HTTPError, () => new HTTPError(answer(500)), 'ERR_HTTP_STATUS'],
  [TooManyRedirectsError, () => new TooManyRedirectsError(3, []), 'ERR_TOO_MANY_REDIRECTS'],
  [TimeoutError, () => new TimeoutError('GET', 'https://api.test/', 'socket', 100, undefined), 'ERR_TIMEOUT'],
  [AbortError, () => new AbortError('GET', 'https://api.test/', undefined), 'ERR_ABORTED'],
  [JSONDecodeError, () => new JSONDecodeError('https://api.test/', 200, 'text/html', undefined), 'ERR_JSON_DECODE'],
  [TokenRequestDeniedError, () => new TokenRequestDeniedError(answer(401)), 'ERR_TOKEN_REQUEST_DENIED'],
  [VerifierMissingError, () => new VerifierMissingError(), 'ERR_VERIFIER_MISSING'],
  [ProxyAuthenticationError, () => new ProxyAuthenticationError('two_factor', 'x'), 'ERR_PROXY_AUTHENTICATION'],
  [TokenRequestError, () => new TokenRequestError({ error: 'vendor_specific_error' }, answer(400)), 'ERR_TOKEN_REQUEST'],
  [InvalidRequestError, () => new InvalidRequestError({ error: 'invalid_request' }), 'ERR_INVALID_REQUEST'],
  [InvalidClientError, () => new InvalidClientError({ error: 'invalid_client' }), 'ERR_INVALID_CLIENT'],
  [InvalidGrantError, () => new InvalidGrantError({ error: 'invalid_grant' }), 'ERR_INVALID_GRANT'],
  [
    ReauthorizationRequiredError,
    () => new ReauthorizationRequiredError(new InvalidGrantError({ error: 'invalid_grant' }), 'key'),
    'ERR_REAUTHORIZATION_REQUIRED',
  ],
  [UnauthorizedClientError, () => new UnauthorizedClientError({ error: 'unauthorized_client' }), 'ERR_UNAUTHORIZED_CLIENT'],
  [UnsupportedGrantTypeError, () => new UnsupportedGrantTypeError({ error: 'unsupported_grant_type' }), 'ERR_UNSUPPORTED_GRANT_TYPE'],
  [InvalidScopeError, () => new InvalidScopeError({ error: 'invalid_scope' }), 'ERR_INVALID_SCOPE'],
  [AccessDeniedError, () => new AccessDeniedError({ error: 'access_denied' }), 'ERR_ACCESS_DENIED'],
  [UnsupportedResponseTypeError, () => new UnsupportedResponseTypeError({ error: 'unsupported_response_type' }), 'ERR_UNSUPPORTED_RESPONSE_TYPE'],
  [ServerError, () => new ServerError({ error: 'server_error' }), 'ERR_SERVER_ERROR'],
  [TemporarilyUnavailableError, () => new TemporarilyUnavailableError({ error: 'temporarily_unavailable' }), 'ERR_TEMPORARILY_UNAVAILABLE'],
  [InvalidTokenError, () => new InvalidTokenError({ error: 'invalid_token' }), 'ERR_INVALID_TOKEN'],
  [AuthorizationPendingError, () => new AuthorizationPendingError({ error: 'authorization_pending' }), 'ERR_AUTHORIZATION_PENDING'],
  [SlowDownError, () => new SlowDownError({ error: 'slow_down' }), 'ERR_SLOW_DOWN'],
  [ExpiredTokenError, () => new ExpiredTokenError({ error: 'expired_token' }), 'ERR_EXPIRED_TOKEN'],
  [DeviceAuthorizationExpiredError, () => new DeviceAuthorizationExpiredError(600), 'ERR_DEVICE_AUTHORIZATION_EXPIRED'],
  [TokenExpiredError, () => new TokenExpiredError(), 'ERR_TOKEN_EXPIRED'],
  [TokenStoreUnavailableError, () => new TokenStoreUnavailableError('RedisTokenStore', 'get', 'x'), 'ERR_TOKEN_STORE_UNAVAILABLE'],
  [TokenDecryptionError, () => new TokenDecryptionError('api', 'unknown_key'), 'ERR_TOKEN_DECRYPTION'],
  [TokenUpdated, () => new TokenUpdated({ access_token: 'a' }), 'ERR_TOKEN_UPDATED'],
  [InsecureTransportError, () => new InsecureTransportError('http://idp.test/token'), 'ERR_INSECURE_TRANSPORT'],
  [MismatchingStateError, () => new MismatchingStateError(), 'ERR_MISMATCHING_STATE'],
  [IssuerMismatchError, () => new IssuerMismatchError('https://idp.test', ['https://evil.test']), 'ERR_ISSUER_MISMATCH'],
  [ScopeChangedWarning, () => new ScopeChangedWarning(['a'], ['b']), 'ERR_SCOPE_CHANGED'],
  [AuthorizationTimeoutError, () => new AuthorizationTimeoutError(60, 'http://localhost:5000/'), 'ERR_AUTHORIZATION_TIMEOUT'],
  [RedirectPortInUseError, () => new RedirectPortInUseError(5000, '127.0.0.1'), 'ERR_REDIRECT_PORT_IN_USE'],
  [GrantNotProvidedError, () => new GrantNotProvidedError('code', ['state']), 'ERR_GRANT_NOT_PROVIDED'],
  [StateNotProvidedError, () => new StateNotProvidedError(), 'ERR_STATE_NOT_PROVIDED'],
  [RedirectListenerError, () => new RedirectListenerError('form_too_large', 'x'), 'ERR_REDIRECT_LISTENER'],
  [TokenRedirectRefusedError, () => new TokenRedirectRefusedError(307, 'https://evil.test/'), 'ERR_TOKEN_REDIRECT_REFUSED'],
  [BrowserOpenError, () => new BrowserOpenError(new Error('no browser')), 'ERR_BROWSER_OPEN'],
  [ResponseTooLargeError, () => new ResponseTooLargeError('GET', 'https://api.test/', 1024, 2048), 'ERR_RESPONSE_TOO_LARGE'],
  [CredentialRedirectRefusedError, () => new CredentialRedirectRefusedError(307, 'https://evil.test/'), 'ERR_CREDENTIAL_REDIRECT_REFUSED'],
  [BodyNotReplayableError, () => new BodyNotReplayableError(307), 'ERR_BODY_NOT_REPLAYABLE'],
  [InvalidRedirectError, () => new InvalidRedirectError(302, 'https://api.test/', 'file:///etc/passwd', 'uses file:'), 'ERR_INVALID_REDIRECT'],
  [UnsupportedTokenTypeError, () => new UnsupportedTokenTypeError('MAC'), 'ERR_UNSUPPORTED_TOKEN_TYPE'],
  [InvalidTokenResponseError, () => new InvalidTokenResponseError('expires_in', 'is an object'), 'ERR_INVALID_TOKEN_RESPONSE'],
  [DiscoveryError, () => new DiscoveryError('https://idp.test', []), 'ERR_DISCOVERY'],
  [InvalidMetadataError, () => new InvalidMetadataError('https://idp.test/.well-known/openid-configuration', 'issuer', 'is missing'), 'ERR_INVALID_METADATA'],
  [IdTokenValidationError, () => new IdTokenValidationError('iss', 'is not the expected issuer'), 'ERR_ID_TOKEN_INVALID'],
  [UserinfoError, () => new UserinfoError('it has no sub'), 'ERR_USERINFO_INVALID'],
  [
    RevocationUnsupportedTokenTypeError,
    () => new RevocationUnsupportedTokenTypeError({ error: 'unsupported_token_type' }),
    'ERR_REVOCATION_UNSUPPORTED_TOKEN_TYPE',
  ],
  [EndpointUnavailableError, () => new EndpointUnavailableError({ error: 'temporarily_unavailable' }, answer(503), 30), 'ERR_ENDPOINT_UNAVAILABLE'],
  [InvalidTargetError, () => new InvalidTargetError({ error: 'invalid_target' }, answer(400)), 'ERR_INVALID_TARGET'],
  [DPoPKeyError, () => new DPoPKeyError('has no private part'), 'ERR_DPOP_KEY'],
]

describe('the code of every error class', () => {
  for (const [ErrorClass, make, code] of CASES) {
    it(`gives ${ErrorClass.name} the code ${code}`, () => {
      const error = make()

      expect(error).to.be.instanceOf(ErrorClass).and.instanceOf(OAuthSessionsError)
      expect(error.code).to.equal(code)
    })
  }

  it('covers every error class the package exports, each with a code of its own', () => {
    const exported = (Object.values(library) as unknown[]).filter(
      (value) => typeof value === 'function' && (value === OAuthSessionsError || value.prototype instanceof OAuthSessionsError),
    )

    // ConnectionError's code is the system one: see its own spec below.
    expect(new Set(exported)).to.deep.equal(new Set([...CASES.map(([ErrorClass]) => ErrorClass), ConnectionError]))
    expect(new Set(CASES.map(([, , code]) => code)).size).to.equal(CASES.length)
  })

  it('gives an RFC 6749 subclass the error string upper-cased, and an unknown code ERR_TOKEN_REQUEST', () => {
    for (const [ErrorClass, make, code] of CASES) {
      if (!(ErrorClass.prototype instanceof TokenRequestError)) continue
      // Not a code of its own: an invalid_grant that the token store could not explain either.
      if (ErrorClass === ReauthorizationRequiredError) continue
      // RFC 7009's unsupported_token_type would collide with UnsupportedTokenTypeError's code (a token_type
      // this library cannot send); a 503 is a status, not a code: each has a code of its own.
      if (ErrorClass === RevocationUnsupportedTokenTypeError || ErrorClass === EndpointUnavailableError) continue
      expect(code).to.equal(`ERR_${(make() as TokenRequestError).error.toUpperCase()}`)
    }

    expect(new TokenRequestError({ error: 'authorization_pending' }).code).to.equal('ERR_TOKEN_REQUEST')
    expect(new TokenRequestError({ error: 'vendor_specific_error' }).code).to.equal('ERR_TOKEN_REQUEST')
  })

  it('keeps the system error code on ConnectionError, as got does', () => {
    const error = new ConnectionError('GET', 'http://127.0.0.1:1/', 'ECONNREFUSED', undefined)

    expect(error.code).to.equal('ECONNREFUSED')
    expect(error).to.be.instanceOf(OAuthSessionsError)
  })

  it('keeps the Python aliases working as the same classes', () => {
    expect(TokenMissing).to.equal(TokenMissingError)
    expect(TokenRequestDenied).to.equal(TokenRequestDeniedError)
    expect(VerifierMissing).to.equal(VerifierMissingError)
    expect(new VerifierMissing().code).to.equal('ERR_VERIFIER_MISSING')
  })

  it('shows the code among the enumerable properties a logger prints', () => {
    const error = new InvalidGrantError({ error: 'invalid_grant' })

    expect(Object.keys(error)).to.include('code')
    expect(JSON.parse(JSON.stringify(error))).to.include({ code: 'ERR_INVALID_GRANT' })
  })
})
