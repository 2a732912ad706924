import type { Service } from '../http/service.js'
import type { AuthStrategy } from '../auth/auth-strategy.js'
import { combine, MultiAuth } from '../auth/multi-auth.js'
import { ConfigurationError, parseSerialized } from '../errors.js'
import type { Response } from '../http/response.js'
import { Session } from '../http/session.js'
import type { z } from 'zod'
import { lazySchema } from '../http/lazy-schema.js'
import { checkOptionKeys, type OptionsSchema, parseOptions } from '../http/parse-options.js'
import { type RequestOptions, requestOptionsSchema, type SessionOptions, sessionOptionsSchema } from '../http/session-options.js'
import { OflyAuth } from './ofly-auth.js'
import { signOfly, urlsplitPath, type OflyHashMethod } from './ofly-sign.js'

/** @internal OflySession's options: the Session's, the service back-reference and a clock for tests. */
export const oflySessionOptionsSchema = lazySchema(
  (z) =>
    sessionOptionsSchema().extend({
      service: z.custom<NonNullable<OflySessionOptions['service']>>((value) => typeof value === 'object' && value !== null, 'a Service').optional(),
      now: z.custom<() => Date>((value) => typeof value === 'function', 'a function returning a Date').optional(),
    }) satisfies z.ZodType<OflySessionOptions>,
)

/** @internal OflySession's per-request options: rauth's user id and hash method on top of the Session's. */
export const oflyRequestOptionsSchema = lazySchema(
  (z) =>
    requestOptionsSchema().extend({
      userId: z.string().optional(),
      hashMeth: z.enum(['sha1', 'md5']).optional(),
    }) satisfies z.ZodType<OflyRequestOptions>,
)

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
 * `oflyAppId`, `oflyHashMeth`, `oflyTimestamp` and `oflyApiSig`. Its `auth` is an
 * {@link OflyAuth} (combined after the `auth` option, when one is given), which signs each
 * same-origin redirect hop again.
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
  /** The signer every request goes through. */
  readonly ofly: OflyAuth
  /** rauth's back reference to the service that made this session. */
  service: Service<OflySession> | undefined
  readonly #appSecret: string

  /** @internal */
  static override get requestOptionsSchema(): OptionsSchema {
    return oflyRequestOptionsSchema()
  }

  constructor(appId: string, appSecret: string, userId?: string, options: OflySessionOptions = {}) {
    const { service, now, ...sessionOptions } = parseOptions(oflySessionOptionsSchema(), options, new.target.name) as OflySessionOptions
    super(sessionOptions)
    if (!appId) throw new ConfigurationError('appId', 'OflySession needs the application id (oFlyAppId) as its first argument.')
    this.appId = appId
    this.#appSecret = appSecret
    this.ofly = new OflyAuth(appId, appSecret, userId, now === undefined ? {} : { now })
    this.auth = this.auth === undefined ? this.ofly : combine(this.auth, this.ofly)
    this.service = service
  }

  /** The oflyUserid requests are made for (the {@link OflySession.ofly} signer's). */
  get userId(): string | undefined {
    return this.ofly.userId
  }

  /** Changes the oflyUserid later requests are signed for. */
  set userId(value: string | undefined) {
    this.ofly.userId = value
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
    // Before the user id check: an unknown option (`user_id`) is the likelier mistake.
    checkOptionKeys(oflyRequestOptionsSchema(), options, this.constructor.name, 'request')
    const { userId, hashMeth, ...rest } = options ?? {}
    if ((userId ?? this.userId ?? '') === '') {
      throw new ConfigurationError('userId', 'An oflyUserid must be provided: pass userId to the session or to this request.')
    }
    const bareHost = this.#isBareHost(String(url))
    if (userId === undefined && hashMeth === undefined && !bareHost && rest.auth === undefined && this.#signsWithOfly()) return super.request(method, url, rest)
    // Another user, hash method or auth for this request, or a bare host: the Ofly signature still comes last.
    const ofly = this.ofly.withRequestOptions(userId, hashMeth, bareHost)
    const others = rest.auth === null ? [] : rest.auth !== undefined ? [rest.auth] : this.#otherStrategies()
    return super.request(method, url, { ...rest, auth: others.length === 0 ? ofly : combine(...others, ofly) })
  }

  /**
   * Whether rauth would sign `url` with the empty path: `urlsplit` of it (joined to `baseUrl` when
   * relative, as rauth's `_set_url` does) has no path, as `http://api.example.test` has not.
   */
  #isBareHost(url: string): boolean {
    if (/^https?:\/\//i.test(url)) return urlsplitPath(url) === ''
    return this.baseUrl !== undefined && /^(?:[?#]|$)/.test(url) && urlsplitPath(this.baseUrl) === ''
  }

  /** Whether the session's `auth` still holds its Ofly signer. */
  #signsWithOfly(): boolean {
    return this.auth === this.ofly || (this.auth instanceof MultiAuth && this.auth.strategies.includes(this.ofly))
  }

  /** The strategies of the session's `auth` besides its Ofly signer. */
  #otherStrategies(): AuthStrategy[] {
    if (this.auth === undefined || this.auth === this.ofly) return []
    if (this.auth instanceof MultiAuth) return this.auth.strategies.filter((strategy) => strategy !== this.ofly)
    return [this.auth]
  }

  /** {@link OflySession.serialize} with the app secret shown as `[redacted]`: JSON loggers call this. */
  override toJSON(): Record<string, unknown> {
    return { ...this.serialize(), appSecret: '[redacted]' }
  }

  /** Everything `fromJSON` (alias `deserialize`) needs, the secret included: calling it is your explicit act. */
  serialize(): Record<string, unknown> {
    return { type: 'OflySession', appId: this.appId, appSecret: this.#appSecret, userId: this.userId, baseUrl: this.baseUrl }
  }

  /** Rebuilds a session from {@link OflySession.serialize} output (`fromJSON` does the same). */
  static deserialize(json: Record<string, unknown> | string, options: OflySessionOptions = {}): OflySession {
    return OflySession.fromJSON(json, options)
  }

  /** Rebuilds a session from {@link OflySession.serialize} output. */
  static fromJSON(json: Record<string, unknown> | string, options: OflySessionOptions = {}): OflySession {
    const data = parseSerialized(json, 'OflySession') as Record<string, string | undefined>
    if (data.type !== 'OflySession' || data.appId === undefined) throw new ConfigurationError('json', 'This is not the output of OflySession.serialize().')
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
