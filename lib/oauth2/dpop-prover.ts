import { createHash, randomUUID } from 'node:crypto'
import type { AuthResponse } from '../auth/auth-strategy.js'
import type { HeaderMap } from '../http/header-map.js'
import type { PreparedRequest } from '../http/prepared-request.js'
import type { Response } from '../http/response.js'
import { type DPoPAlgorithm, type DPoPKey, type DPoPKeyOptions, generateDPoPKey, keyFromOption, keyFromStoredJwk } from './dpop-key.js'
import type { OAuth2Token } from './oauth2-token.js'
import { decodeTokenBody } from './token-endpoint.js'

/**
 * The `dpop` option of {@link OAuth2Session}: `true` for DPoP with a key pair made for the session
 * (ES256), an object to give the key or the algorithm, `false` (default) for plain Bearer tokens.
 *
 * @example
 * ```ts
 * import { OAuth2Session, type DPoPOption } from 'oauth-sessions'
 * const dpop: DPoPOption = true
 * const session = new OAuth2Session('client-id', { dpop, autoRefreshUrl: 'https://idp.example.com/token' })
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc9449
 * @group OAuth 2
 */
export type DPoPOption = boolean | DPoPKeyOptions

/** The field of a token record that holds the private JWK its DPoP binding needs. @internal */
export const DPOP_KEY_FIELD = 'dpop_jwk'

/** How many origins' nonces a session remembers; the oldest is forgotten first. */
const MAX_NONCE_ORIGINS = 64
/** RFC 9449 §8.1: a nonce is 1*NQCHAR; a longer one than this is no nonce but a hostile header. */
const NONCE = /^[\x21\x23-\x5B\x5D-\x7E]{1,1024}$/

let jose: Promise<typeof import('jose')> | undefined

/**
 * One DPoP-proved token request, as the token endpoint client sees it: `send` adds the proof (and
 * sends once more, with the server's nonce, on `use_dpop_nonce`), `bind` records with a DPoP-bound
 * token the key that proved it.
 *
 * @internal
 */
export interface DPoPTokenRequest {
  send(
    method: string,
    url: string,
    headers: HeaderMap,
    send: (headers: HeaderMap, forHop: (target: string) => Promise<HeaderMap>) => Promise<Response>,
  ): Promise<Response>
  bind(token: OAuth2Token): OAuth2Token
}

/**
 * The DPoP state of one session (RFC 9449): its key (given, or made on first use), the nonces
 * servers gave, by origin, and the proofs of token and resource requests.
 *
 * @internal
 */
export class DPoPProver {
  readonly #given: DPoPKey | undefined
  readonly #alg: DPoPAlgorithm
  #own: DPoPKey | undefined
  #making: Promise<DPoPKey> | undefined
  readonly #nonces = new Map<string, string>()
  readonly #stored = new WeakMap<object, DPoPKey>()

  private constructor(option: DPoPKeyOptions) {
    this.#given = option.privateKey === undefined ? undefined : keyFromOption(option.privateKey, option.alg)
    this.#alg = this.#given?.alg ?? option.alg ?? 'ES256'
    this.#own = this.#given
  }

  /** The prover of a `dpop` option, or `undefined` when DPoP is off; the key is checked now, before any traffic. */
  static from(option: DPoPOption | undefined): DPoPProver | undefined {
    if (option === undefined || option === false) return undefined
    return new DPoPProver(option === true ? {} : option)
  }

  /** The algorithm of the session's own key. */
  get alg(): DPoPAlgorithm {
    return this.#alg
  }

  /** What `serialize()` carries: the session's key as a private JWK once it has one, else `true` (a key is made on first use). */
  serialized(): true | { privateKey: Record<string, string>; alg: DPoPAlgorithm } {
    return this.#own === undefined ? true : { privateKey: { ...this.#own.privateJwk }, alg: this.#own.alg }
  }

  /** The key that proves requests for `token`: the one stored with it, else the session's own. */
  async keyFor(token: OAuth2Token): Promise<DPoPKey> {
    const stored = Object.hasOwn(token, DPOP_KEY_FIELD) ? token[DPOP_KEY_FIELD] : undefined
    if (stored !== undefined) return this.#storedKey(stored)
    return this.#ownKey()
  }

  /** A token request proved with the key of `held` (the token the session has: a refresh proves with its key). */
  forTokenRequest(held: OAuth2Token): DPoPTokenRequest {
    let used: DPoPKey | undefined
    return {
      send: async (method, url, headers, send) => {
        const key = await this.keyFor(held)
        used = key
        const forHop = (target: string) => this.#withProof(headers, key, method, target)
        const response = await send(await this.#withProof(headers, key, method, url), forHop)
        const nonce = this.#remember(url, response.headers)
        if (nonce === undefined || response.status !== 400 || !asksForNonce(response)) return response
        const retried = await send(await this.#withProof(headers, key, method, url), forHop)
        this.#remember(url, retried.headers)
        return retried
      },
      bind: (token) => {
        // A provider's own field of that name is no key of ours.
        const bound: OAuth2Token = { ...token }
        delete bound[DPOP_KEY_FIELD]
        if (used !== undefined && isDPoPTokenType(token.token_type)) bound[DPOP_KEY_FIELD] = { ...used.privateJwk }
        return bound
      },
    }
  }

  /** Puts a DPoP-bound token on a resource request: `Authorization: DPoP <token>` and a proof with `ath`. */
  async authorize(request: PreparedRequest, token: OAuth2Token): Promise<void> {
    const accessToken = token.access_token ?? ''
    const key = await this.keyFor(token)
    request.headers.set('Authorization', `DPoP ${accessToken}`)
    request.headers.set('DPoP', await this.proof(key, request.method, request.url, accessToken), { secret: true })
  }

  /**
   * Reads a resource server's answer: remembers its `DPoP-Nonce`, and says whether it is a 401
   * asking for one (`WWW-Authenticate: DPoP error="use_dpop_nonce"`) that a retry can now meet.
   */
  asksForNonce(response: AuthResponse): boolean {
    const nonce = this.#remember(response.url, response.headers)
    return (
      nonce !== undefined && response.status === 401 && /\bDPoP\b[\s\S]*\berror\s*=\s*"?use_dpop_nonce\b/i.test(response.headers.get('www-authenticate') ?? '')
    )
  }

  /** A DPoP proof JWT (RFC 9449 §4.2) for one request; `accessToken` adds its `ath`. */
  async proof(key: DPoPKey, method: string, url: string, accessToken?: string): Promise<string> {
    const { SignJWT } = await (jose ??= import('jose'))
    const target = new URL(url)
    const payload: Record<string, unknown> = { htm: method.toUpperCase(), htu: htu(target), iat: Math.floor(Date.now() / 1000), jti: randomUUID() }
    const nonce = this.#nonces.get(target.origin)
    if (nonce !== undefined) payload.nonce = nonce
    if (accessToken !== undefined) payload.ath = createHash('sha256').update(accessToken).digest('base64url')
    return new SignJWT(payload).setProtectedHeader({ alg: key.alg, typ: 'dpop+jwt', jwk: key.publicJwk }).sign(key.privateKey)
  }

  /** The nonce a server sent for its origin, kept when it is a nonce (RFC 9449 §8.1); an absurd header is ignored. */
  #remember(url: string, headers: HeaderMap): string | undefined {
    const value = headers.get('dpop-nonce')
    if (value === undefined || !NONCE.test(value) || !URL.canParse(url)) return undefined
    const origin = new URL(url).origin
    this.#nonces.delete(origin)
    if (this.#nonces.size >= MAX_NONCE_ORIGINS) this.#nonces.delete(this.#nonces.keys().next().value as string)
    this.#nonces.set(origin, value)
    return value
  }

  async #withProof(headers: HeaderMap, key: DPoPKey, method: string, url: string): Promise<HeaderMap> {
    const copy = headers.clone()
    copy.set('DPoP', await this.proof(key, method, url), { secret: true })
    return copy
  }

  /** The session's own key: the given one, or one made once (concurrent first requests share it). */
  #ownKey(): Promise<DPoPKey> {
    if (this.#own !== undefined) return Promise.resolve(this.#own)
    this.#making ??= generateDPoPKey(this.#alg).then((key) => {
      this.#own = key
      return key
    })
    return this.#making
  }

  /**
   * A token's stored key, parsed once per key object: the cache holds the JWK objects themselves
   * (weakly), never a copy of their private part in a key string.
   */
  #storedKey(stored: unknown): DPoPKey {
    const cacheable = typeof stored === 'object' && stored !== null
    const known = cacheable ? this.#stored.get(stored) : undefined
    if (known !== undefined) return known
    const key = keyFromStoredJwk(stored)
    if (cacheable) this.#stored.set(stored, key)
    return key
  }
}

/** Whether a token endpoint's 400 is RFC 9449 §8's `use_dpop_nonce`. */
function asksForNonce(response: Response): boolean {
  try {
    return decodeTokenBody(response).error === 'use_dpop_nonce'
  } catch {
    return false
  }
}

/** Whether a token's `token_type` says it is DPoP-bound (RFC 9449 §5: `DPoP`, case-insensitive). @internal */
export function isDPoPTokenType(tokenType: unknown): boolean {
  return typeof tokenType === 'string' && tokenType.toLowerCase() === 'dpop'
}

/** RFC 9449 §4.2: the `htu` is the target URI without query and fragment (and without user info). */
function htu(url: URL): string {
  const target = new URL(url.href)
  target.search = ''
  target.hash = ''
  target.username = ''
  target.password = ''
  return target.href
}
