import { ConfigurationError } from '../../errors.js'
import type { Session } from '../../http/session.js'
import { type AuthorizationServerMetadata, discoverMetadata } from '../discovery.js'
import { allowedAlgorithms, type IdTokenClaims, validateIdToken } from '../id-token.js'
import { DEFAULT_CLOCK_SKEW } from '../openid-connect.js'

/** The ID-token settings of OAuth2Implicit (its options of the same names). @internal */
export interface IdTokenSettings {
  readonly jwksUri: string | undefined
  readonly clockSkew: number | undefined
  readonly idTokenSigningAlgs: readonly string[] | undefined
}

/**
 * Validates the ID token of an implicit-grant redirect (OpenID Connect Core §3.2.2.11): as a
 * token response's, with the nonce of the authorization URL. The keys are at `jwksUri`, else at
 * the `jwks_uri` of the issuer's metadata, discovered through `session`.
 *
 * @throws {@link IdTokenValidationError} naming the claim that failed
 * @throws {@link ConfigurationError} naming `clientId` or `jwksUri` when either cannot be known
 * @internal
 */
export async function checkImplicitIdToken(
  session: Session,
  idToken: string,
  settings: IdTokenSettings & { issuer: string; clientId: string | undefined; nonce: string | undefined; insecure: boolean },
): Promise<IdTokenClaims> {
  if (settings.clientId === undefined) {
    throw new ConfigurationError('client_id', 'OAuth2Implicit needs client_id to validate an ID token (its aud): pass clientId.')
  }
  // The metadata is needed only for the keys: with jwksUri given, the algorithms default to RS256.
  const metadata: AuthorizationServerMetadata | undefined =
    settings.jwksUri === undefined ? await discoverMetadata(session, settings.issuer, settings.insecure) : undefined
  const jwksUri = settings.jwksUri ?? metadata?.jwks_uri
  if (jwksUri === undefined) {
    throw new ConfigurationError('jwksUri', "The issuer's metadata names no jwks_uri: pass the jwksUri option to validate its ID tokens.")
  }
  return validateIdToken(session, idToken, {
    issuer: settings.issuer,
    clientId: settings.clientId,
    jwksUri,
    algorithms: allowedAlgorithms(settings.idTokenSigningAlgs, metadata?.id_token_signing_alg_values_supported),
    clockSkew: settings.clockSkew ?? DEFAULT_CLOCK_SKEW,
    nonce: settings.nonce,
    previous: undefined,
    insecure: settings.insecure,
  })
}
