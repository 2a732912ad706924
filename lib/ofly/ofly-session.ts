import type { Service } from '../http/service.js'
import { ConfigurationError, parseSerialized } from '../errors.js'
import { toPairs } from '../http/form-encoding.js'
import type { Response } from '../http/response.js'
import { Session } from '../http/session.js'
import type { RequestOptions, SessionOptions } from '../http/session-options.js'
import { signOfly, type OflyHashMethod } from './ofly-sign.js'

/**
 * Options of {@link OflySession}: rauth's `service` back reference, an injectable clock, and
 * every {@link SessionOptions} entry.
 *
 * @example
 * ```ts
 * import { OflySession } from 'oauth-sessions'
 * const session = new OflySession('app-id', 'app-secret', 'user-1', { baseUrl: 'https://ws.example.com/' })
 * ```
 * @group Ofly
 */
export interface OflySessionOptions extends SessionOptions {
  /** rauth's back reference to the service that made the session. */
  service?: Service<OflySession> | undefined
  /** The clock timestamps are read from; for tests. */
  now?: () => Date
}

/**
 * Per-request options of {@link OflySession.request}: rauth's `user_id` and `hash_meth`.
 *
 * @example
 * ```ts
 * import { OflySession } from 'oauth-sessions'
 * declare const session: OflySession
 * await session.get('https://ws.example.com/userid/albums', { userId: 'user-2', hashMeth: 'md5' })
 * ```
 * @group Ofly
 */
export interface OflyRequestOptions extends RequestOptions {
  /** The oflyUserid for this request (default the session's). */
  userId?: string
  /** `sha1` (default) or `md5`. */
  hashMeth?: OflyHashMethod
}

/**
 * A {@link Session} that signs every request the Ofly way (Shutterfly's scheme), as rauth's
 * `OflySession`: the request's params gain `oflyUserid`, and the query string carries
 * `oflyAppId`, `oflyHashMeth`, `oflyTimestamp` and `oflyApiSig`.
 *
 * @example
 * ```ts
 * import { OflySession } from 'oauth-sessions'
 * const session = new OflySession('app-id', 'app-secret', 'user-1')
 * const albums = await session.get('https://ws.example.com/userid/albums', { params: { format: 'json' } })
 * ```
 * @see rauth.OflySession
 * @group Ofly
 */
export class OflySession extends Session<OflyRequestOptions> {
  /** The oFlyAppId. */
  readonly appId: string
  /** The oflyUserid requests are made for. */
  userId: string | undefined
  /** rauth's back reference to the service that made this session. */
  service: Service<OflySession> | undefined
  readonly #appSecret: string
  readonly #now: () => Date

  constructor(appId: string, appSecret: string, userId?: string, options: OflySessionOptions = {}) {
    const { service, now, ...sessionOptions } = options
    super(sessionOptions)
    if (!appId) throw new ConfigurationError('appId', 'OflySession needs the application id (oFlyAppId) as its first argument.')
    this.appId = appId
    this.#appSecret = appSecret
    this.userId = userId
    this.service = service
    this.#now = now ?? (() => new Date())
  }

  /** The shared secret (rauth's `app_secret`). Never shown by inspect or logs. */
  get appSecret(): string {
    return this.#appSecret
  }

  /**
   * Signs `params` for `url` exactly as rauth does and returns the query string.
   *
   * @example
   * ```ts
   * import { OflySession } from 'oauth-sessions'
   * const query = OflySession.sign('https://ws.example.com/userid/albums', 'app-id', 'app-secret', 'sha1', { oflyUserid: 'user-1' })
   * ```
   * @throws {@link ConfigurationError} for a hash method other than sha1 and md5
   * @see rauth.OflySession.sign
   */
  static sign(
    url: string,
    appId: string,
    appSecret: string,
    hashMeth: string = 'sha1',
    params: Readonly<Record<string, string>> = {},
    now: Date = new Date(),
  ): string {
    return signOfly(url, appId, appSecret, hashMeth, params, now)
  }

  /**
   * Sends a signed request.
   *
   * @throws {@link ConfigurationError} before any traffic when there is no user id or the hash method is unknown
   * @see rauth.OflySession.request
   */
  override async request(method: string, url: string | URL, options: OflyRequestOptions = {}): Promise<Response> {
    const { userId = this.userId, hashMeth = 'sha1', params, ...rest } = options
    if (userId === undefined || userId === '') {
      throw new ConfigurationError('userId', 'An oflyUserid must be provided: pass userId to the session or to this request.')
    }
    // The Session resolves the URL (baseUrl), headers and body; the Ofly query is added after,
    // unencoded as rauth writes it, then normalised like any URL.
    const prepared = await this.prepareRequest(method, url, rest)
    const signedParams: Record<string, string> = Object.fromEntries(toPairs(params))
    signedParams.oflyUserid = userId
    const query = signOfly(prepared.url, this.appId, this.#appSecret, hashMeth, signedParams, this.#now())
    const base = prepared.url.split('#')[0] as string
    prepared.url = new URL(`${base}${base.includes('?') ? '&' : '?'}${query}`).href
    return this.send(prepared, rest)
  }

  /** Everything `fromJSON` needs, the secret included: serialising is your explicit act. */
  override toJSON(): Record<string, unknown> {
    return { type: 'OflySession', appId: this.appId, appSecret: this.#appSecret, userId: this.userId, baseUrl: this.baseUrl }
  }

  /** Rebuilds a session from {@link OflySession.toJSON} output. */
  static fromJSON(json: Record<string, unknown> | string, options: OflySessionOptions = {}): OflySession {
    const data = parseSerialized(json, 'OflySession') as Record<string, string | undefined>
    if (data.type !== 'OflySession' || data.appId === undefined) throw new ConfigurationError('json', 'This is not the output of OflySession.toJSON().')
    return new OflySession(data.appId, data.appSecret ?? '', data.userId, { ...(data.baseUrl === undefined ? {} : { baseUrl: data.baseUrl }), ...options })
  }

  /** @internal keeps the secret out of `console.log` and `util.inspect`. */
  [Symbol.for('nodejs.util.inspect.custom')](): object {
    return { OflySession: { ...super.toJSON(), appId: this.appId, appSecret: '[redacted]', userId: this.userId } }
  }

  /** @internal */
  override toString(): string {
    return `<OflySession ${this.appId}>`
  }
}
