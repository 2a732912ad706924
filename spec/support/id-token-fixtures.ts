import { type CryptoKey, exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT } from 'jose'
import nock from 'nock'

/** The issuer, client and JWKS path of the ID-token specs (OpenID Connect Core §3.1.3.7 on nock). */
export const ISSUER = 'https://idp.example'
export const JWKS_PATH = '/jwks'
export const CLIENT = 'client-1'

/** A signing key of the issuer, and its public JWK as the JWKS serves it. */
export interface Signer {
  readonly key: CryptoKey
  readonly jwk: JWK
}

/** A fresh signing key pair with its `kid` and `alg`. */
export async function signer(kid: string, alg = 'RS256'): Promise<Signer> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true })
  return { key: privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } }
}

function now(): number {
  return Math.floor(Date.now() / 1000)
}

/** A valid ID token for CLIENT from ISSUER signed by `by`, with `claims` on top (`undefined` removes one). */
export async function signIdToken(by: Signer, claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}): Promise<string> {
  const payload: Record<string, unknown> = { iss: ISSUER, sub: 'user-7', aud: CLIENT, iat: now(), exp: now() + 600, ...claims }
  for (const [name, value] of Object.entries(payload)) if (value === undefined) delete payload[name]
  return new SignJWT(payload as JWTPayload).setProtectedHeader({ alg: by.jwk.alg as string, kid: by.jwk.kid, ...header }).sign(by.key)
}

/** The issuer's JWKS with the signers' public keys, fetched without credentials. */
export function serveJwks(...signers: Signer[]): nock.Scope {
  return nock(ISSUER)
    .get(JWKS_PATH)
    .matchHeader('authorization', (value) => value === undefined)
    .reply(200, { keys: signers.map((one) => one.jwk) }, { 'Content-Type': 'application/json' })
}
