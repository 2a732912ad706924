import { readServiceJSON, Service } from '../http/service.js'
import { ConfigurationError } from '../errors.js'
import { lazySchema } from '../http/lazy-schema.js'
import { parseOptions } from '../http/parse-options.js'
import { OflySession, type OflySessionOptions, oflySessionOptionsSchema } from './ofly-session.js'

/**
 * Options of {@link OflyService}: rauth's constructor arguments in camelCase.
 *
 * @example
 * ```ts
 * import { OflyService } from 'oauth-sessions'
 * const service = new OflyService({ name: 'example', appId: '123', appSecret: '456', authorizeUrl: 'http://example.com/authorize' })
 * ```
 * @see rauth.OflyService
 * @group Ofly
 */
export interface OflyServiceOptions {
  /** The oFlyAppId. */
  appId: string
  /** The shared secret. */
  appSecret: string
  /** A name for the service. */
  name?: string
  /** The authorization page. */
  authorizeUrl?: string
  /** The API's base URL; relative request URLs of sessions resolve against it. */
  baseUrl?: string
  /** The oflyUserid, when already known. */
  userId?: string
  /** Options for every session the service makes. */
  sessionOptions?: OflySessionOptions
  /** The class sessions are built with (rauth's `session_obj`): {@link OflySession} (default) or a subclass. */
  sessionClass?: typeof OflySession
}

const serviceSchema = lazySchema((z) =>
  z
    .object({
      appId: z.string(),
      appSecret: z.string(),
      name: z.string().optional(),
      authorizeUrl: z.string().optional(),
      baseUrl: z.string().optional(),
      userId: z.string().optional(),
      sessionOptions: oflySessionOptionsSchema().optional(),
      sessionClass: z.unknown().optional(),
    })
    .strict(),
)

/**
 * rauth's `OflyService`: an Ofly provider (Shutterfly) and its application credentials; it signs
 * the authorize URL and hands out signed {@link OflySession}s.
 *
 * @example
 * ```ts
 * import { OflyService } from 'oauth-sessions'
 * declare const service: OflyService
 * console.log('Visit', service.getAuthorizeUrl())
 * const session = service.getAuthSession('user-id-from-the-redirect')
 * const albums = await session.get('albums')
 * ```
 * @see rauth.OflyService
 * @group Ofly
 */
export class OflyService extends Service<OflySession, typeof OflySession> {
  /** The oFlyAppId. */
  readonly appId: string
  /** The authorization page. */
  authorizeUrl: string | undefined
  /** The API's base URL. */
  baseUrl: string | undefined
  /** The oflyUserid, when known. */
  userId: string | undefined
  readonly #appSecret: string
  readonly #sessionOptions: OflySessionOptions

  /**
   * @throws {@link ConfigurationError} without `appId` or `appSecret`, or naming `sessionClass` when it is not {@link OflySession} or a subclass
   */
  constructor(options: OflyServiceOptions) {
    parseOptions(serviceSchema(), options, 'OflyService')
    if (!options?.appId) throw new ConfigurationError('appId', 'OflyService needs appId.')
    if (typeof options.appSecret !== 'string') throw new ConfigurationError('appSecret', 'OflyService needs appSecret.')
    super({ type: 'OflyService', baseSessionClass: OflySession, secretKeys: ['appSecret'] }, options.name, options.sessionClass)
    this.appId = options.appId
    this.#appSecret = options.appSecret
    this.authorizeUrl = options.authorizeUrl
    this.baseUrl = options.baseUrl
    this.userId = options.userId
    this.#sessionOptions = options.sessionOptions ?? {}
  }

  /** The shared secret. Never shown by inspect or logs. */
  get appSecret(): string {
    return this.#appSecret
  }

  /**
   * The signed authorize URL, with any extra parameters signed too, by the `sign` of
   * {@link OflyService.sessionClass} (rauth calls `session_obj.sign`).
   *
   * @see rauth.OflyService.get_authorize_url
   */
  getAuthorizeUrl(params: Readonly<Record<string, string>> = {}): string {
    if (this.authorizeUrl === undefined) throw new ConfigurationError('authorizeUrl', 'This OflyService has no authorizeUrl: pass it to the constructor.')
    return `${this.authorizeUrl}?${this.sessionClass.sign(this.authorizeUrl, this.appId, this.#appSecret, 'sha1', params, this.#sessionOptions.now?.())}`
  }

  /**
   * A session signing requests for `userId` (the same instance for the same user).
   *
   * @see rauth.OflyService.get_session
   */
  getSession(userId: string): OflySession {
    return this.memoSession(userId, () => {
      const options: OflySessionOptions = { ...this.#sessionOptions, service: this }
      if (this.baseUrl !== undefined && options.baseUrl === undefined) options.baseUrl = this.baseUrl
      return new this.sessionClass(this.appId, this.#appSecret, userId, options)
    })
  }

  /**
   * A session for the user id the authorize redirect returned.
   *
   * @see rauth.OflyService.get_auth_session
   */
  getAuthSession(userId: string): OflySession {
    return this.getSession(userId)
  }

  /** Everything {@link OflyService.fromJSON} needs, the secret included: calling it is your explicit act (toJSON() redacts). */
  override serialize(): Record<string, unknown> {
    return {
      type: 'OflyService',
      name: this.name,
      appId: this.appId,
      appSecret: this.#appSecret,
      authorizeUrl: this.authorizeUrl,
      baseUrl: this.baseUrl,
      userId: this.userId,
    }
  }

  /** Rebuilds a service from {@link OflyService.serialize} output (the name of DESIGN's porting rules; `fromJSON` does the same). */
  static deserialize(json: Record<string, unknown> | string, overrides: Partial<OflyServiceOptions> = {}): OflyService {
    return OflyService.fromJSON(json, overrides)
  }

  /** Rebuilds a service from {@link OflyService.serialize} output. */
  static fromJSON(json: Record<string, unknown> | string, overrides: Partial<OflyServiceOptions> = {}): OflyService {
    const options = readServiceJSON(json, 'OflyService', ['name', 'appId', 'appSecret', 'authorizeUrl', 'baseUrl', 'userId'])
    return new OflyService({ ...(options as unknown as OflyServiceOptions), ...overrides })
  }

  /** @internal the oFlyAppId, which `String()` shows when the service has no name. */
  protected override get identifier(): string {
    return this.appId
  }
}
