import { createHash, randomBytes } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

/** What a DPoP proof check found: the key's thumbprint, or the RFC 9449 error to answer. */
export type SandboxDPoPCheck = { ok: true; jkt: string } | { ok: false; error: 'invalid_dpop_proof' | 'use_dpop_nonce'; description: string }

/** How long a proof's `iat` is accepted, seconds either side of now. */
const PROOF_WINDOW_S = 60
/** The asymmetric algorithms the sandbox verifies (RFC 9449 §4.2: no MAC, no `none`). */
const ALGORITHMS = ['ES256', 'ES384', 'ES512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'EdDSA', 'Ed25519']
/** How many `jti` values the sandbox remembers to refuse a replay. */
const MAX_JTIS = 10_000

let jose: Promise<typeof import('jose')> | undefined

/**
 * The sandbox's DPoP checks (RFC 9449 §4.3), done with jose as a real server would: the proof's
 * `typ`, `alg` and `jwk` header, its signature with that key, `htm`, `htu`, `iat`, a `jti` seen
 * once, the `ath` of the access token, and the server's `nonce` when one is required.
 *
 * @internal
 */
export class SandboxDPoP {
  /** The one nonce the sandbox gives (a fresh one per sandbox). */
  readonly nonce = randomBytes(16).toString('base64url')
  readonly #jtis = new Set<string>()

  /** Whether the request carries a DPoP proof at all. */
  has(request: IncomingMessage): boolean {
    return typeof request.headers.dpop === 'string'
  }

  /** Checks the request's proof for `url`, with `accessToken`'s `ath` and the nonce when asked. */
  async check(request: IncomingMessage, url: URL, options: { accessToken?: string; requireNonce: boolean }): Promise<SandboxDPoPCheck> {
    const proof = request.headers.dpop
    const refuse = (description: string): SandboxDPoPCheck => ({ ok: false, error: 'invalid_dpop_proof', description })
    if (typeof proof !== 'string' || proof === '') return refuse('A DPoP proof is required')
    const { decodeProtectedHeader, importJWK, jwtVerify, calculateJwkThumbprint } = await (jose ??= import('jose'))
    let claims: Record<string, unknown>
    let jkt: string
    try {
      const header = decodeProtectedHeader(proof)
      const jwk = header.jwk
      if (header.typ !== 'dpop+jwt' || typeof header.alg !== 'string' || !ALGORITHMS.includes(header.alg) || jwk === undefined || 'd' in jwk) {
        return refuse('The proof header must have typ dpop+jwt, an asymmetric alg and a public jwk')
      }
      const key = await importJWK(jwk, header.alg)
      claims = (await jwtVerify(proof, key, { typ: 'dpop+jwt', algorithms: ALGORITHMS })).payload as Record<string, unknown>
      jkt = await calculateJwkThumbprint(jwk)
    } catch {
      return refuse('The proof does not verify with its jwk')
    }
    const target = new URL(url.href)
    target.search = ''
    target.hash = ''
    if (claims.htm !== request.method) return refuse('htm is not the method of the request')
    if (claims.htu !== target.href) return refuse('htu is not the URL of the request')
    if (typeof claims.iat !== 'number' || Math.abs(claims.iat - Date.now() / 1000) > PROOF_WINDOW_S) return refuse('iat is missing or too far from now')
    if (typeof claims.jti !== 'string' || claims.jti === '' || this.#jtis.has(claims.jti)) return refuse('jti is missing or was used before')
    if (options.accessToken !== undefined && claims.ath !== createHash('sha256').update(options.accessToken).digest('base64url')) {
      return refuse('ath is not the hash of the access token')
    }
    if (options.requireNonce && claims.nonce !== this.nonce)
      return { ok: false, error: 'use_dpop_nonce', description: 'Authorization server requires nonce in DPoP proof' }
    if (this.#jtis.size >= MAX_JTIS) this.#jtis.clear()
    this.#jtis.add(claims.jti)
    return { ok: true, jkt }
  }
}
