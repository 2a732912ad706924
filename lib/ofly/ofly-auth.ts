import type { RedirectContext } from '../auth/auth-strategy.js'
import { AuthBase } from '../auth/multi-auth.js'
import { ConfigurationError } from '../errors.js'
import type { PreparedRequest } from '../http/prepared-request.js'
import { checkHashMethod, signOflyParams, type OflyHashMethod } from './ofly-sign.js'

/**
 * Options of {@link OflyAuth}: rauth's `hash_meth` and an injectable clock.
 *
 * @example
 * ```ts
 * import { OflyAuth } from 'oauth-sessions'
 * const auth = new OflyAuth('app-id', 'app-secret', 'user-1', { hashMeth: 'md5' })
 * ```
 * @group Ofly
 */
export interface OflyAuthOptions {
  /** `sha1` (default) or `md5`. */
  hashMeth?: OflyHashMethod
  /** The clock timestamps are read from; for tests. */
  now?: () => Date
}

/** The parameters a signature adds; a request already signed loses them before it is signed again. */
const SIGNATURE_PARAMS = ['oflyAppId', 'oflyHashMeth', 'oflyTimestamp', 'oflyApiSig']

/**
 * Signs requests the Ofly way (Shutterfly's scheme), as rauth's `OflySession` does, as an
 * {@link AuthStrategy}: every query parameter of the request and `oflyUserid` are signed with the
 * app secret, the URL path and a timestamp, and the query becomes those parameters plus
 * `oflyAppId`, `oflyHashMeth`, `oflyTimestamp` and `oflyApiSig`, sorted by name, values as rauth
 * writes them. Each same-origin redirect hop is signed again for its own URL; a hop to another
 * origin is sent unsigned. Works with a {@link Session}, with plain got through {@link authHooks}
 * and with {@link combine}. {@link OflySession} signs with it.
 *
 * @example
 * ```ts
 * import got from 'got'
 * import { authHooks, OflyAuth, Session } from 'oauth-sessions'
 * const auth = new OflyAuth('app-id', process.env.OFLY_SECRET ?? '', 'user-1')
 * const session = new Session({ auth, baseUrl: 'https://ws.example.com/' })
 * const albums = await session.get('userid/albums', { params: { format: 'json' } })
 * const same = await got('https://ws.example.com/userid/albums?format=json', authHooks(auth)).json()
 * ```
 * @see rauth.OflySession.request
 * @group Ofly
 */
export class OflyAuth extends AuthBase {
  /** The oFlyAppId. */
  readonly appId: string
  /** The oflyUserid requests are signed for. */
  userId: string | undefined
  /** The hash method of the signature. */
  readonly hashMeth: OflyHashMethod
  readonly #appSecret: string
  readonly #now: () => Date
  /** rauth signs a bare-host URL with the empty path: set for a request whose URL had no path. */
  #bareHost = false

  /**
   * @param appId - the oFlyAppId
   * @param appSecret - the shared secret
   * @param userId - the oflyUserid; needed by the time a request is signed
   * @throws {@link ConfigurationError} without an app id, or for a hash method other than sha1 and md5
   */
  constructor(appId: string, appSecret: string, userId?: string, options: OflyAuthOptions = {}) {
    super()
    if (typeof appId !== 'string' || appId === '') throw new ConfigurationError('appId', 'OflyAuth needs the application id (oFlyAppId) as its first argument.')
    if (typeof appSecret !== 'string') throw new ConfigurationError('appSecret', 'OflyAuth needs the shared secret as its second argument.')
    const hashMeth = options.hashMeth ?? 'sha1'
    checkHashMethod(hashMeth)
    this.appId = appId
    this.#appSecret = appSecret
    this.userId = userId
    this.hashMeth = hashMeth
    this.#now = options.now ?? (() => new Date())
  }

  /** The shared secret. Never shown by inspect or logs. */
  get appSecret(): string {
    return this.#appSecret
  }

  /**
   * Signs the request: its query is replaced by the signed one.
   *
   * @throws {@link ConfigurationError} when there is no user id
   */
  apply(request: PreparedRequest): void {
    this.#sign(request, this.#bareHost)
  }

  #sign(request: PreparedRequest, bareHost: boolean): void {
    if (this.userId === undefined || this.userId === '') {
      throw new ConfigurationError('userId', 'An oflyUserid must be provided: pass userId to OflyAuth (or to the OflySession request).')
    }
    const url = new URL(request.url)
    const params: Record<string, string> = {}
    for (const [name, value] of url.searchParams) if (!SIGNATURE_PARAMS.includes(name)) params[name] = value
    params.oflyUserid = this.userId
    url.hash = ''
    url.search = ''
    // The prepared URL always has a path; rauth signs the one the caller wrote, '' for a bare host.
    const signedUrl = bareHost && url.pathname === '/' ? url.origin : url.href
    const signed = signOflyParams(signedUrl, this.appId, this.#appSecret, this.hashMeth, params, this.#now())
    request.url = new URL(`${url.href}?${wireQuery(signed)}`).href
  }

  /** Signs a same-origin redirect hop again for its own URL; a cross-origin hop loses any signature and stays unsigned. */
  onRedirect(request: PreparedRequest, context: RedirectContext): void {
    if (!context.crossOrigin) return this.#sign(request, false)
    const url = new URL(request.url)
    if (!SIGNATURE_PARAMS.some((name) => url.searchParams.has(name))) return
    for (const name of SIGNATURE_PARAMS) url.searchParams.delete(name)
    request.url = url.href
  }

  /**
   * This strategy for another user or hash method (OflySession's per-request `userId` and
   * `hashMeth`), or for a request whose URL was a bare host (`bareHost`: signed with the empty path).
   *
   * @internal
   */
  withRequestOptions(userId: string | undefined, hashMeth: OflyHashMethod | undefined, bareHost = false): OflyAuth {
    const sameUser = userId === undefined || userId === this.userId
    if (sameUser && (hashMeth === undefined || hashMeth === this.hashMeth) && bareHost === this.#bareHost) return this
    const copy = new OflyAuth(this.appId, this.#appSecret, userId ?? this.userId, { hashMeth: hashMeth ?? this.hashMeth, now: this.#now })
    copy.#bareHost = bareHost
    return copy
  }

  /** The strategy with its secret redacted. */
  toJSON(): Record<string, unknown> {
    return { type: 'OflyAuth', appId: this.appId, appSecret: '[redacted]', userId: this.userId, hashMeth: this.hashMeth }
  }

  /** @internal keeps the secret out of `console.log` and `util.inspect`. */
  [Symbol.for('nodejs.util.inspect.custom')](): Record<string, unknown> {
    return this.toJSON()
  }

  /** @internal */
  override toString(): string {
    return `<OflyAuth ${this.appId}>`
  }
}

/**
 * The signed parameters as a query, sorted by name and unencoded as rauth writes them, except
 * for the four characters that would change how a server splits or decodes the query.
 */
function wireQuery(params: Readonly<Record<string, string>>): string {
  const quote = (text: string): string => text.replace(/[%&#+]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)
  return Object.keys(params)
    .sort()
    .map((name) => `${quote(name)}=${quote(params[name] as string)}`)
    .join('&')
}
