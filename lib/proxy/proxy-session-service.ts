import type { z } from 'zod'
import { lazySchema } from '../http/lazy-schema.js'
import { parseOptions } from '../http/parse-options.js'
import { httpUrlSchema } from '../http/parse-url.js'
import { ProxySession, type ProxySessionOptions, proxySessionOptionsSchema } from './proxy-session.js'

/**
 * Options of {@link ProxySessionService}.
 *
 * @example
 * ```ts
 * import { ProxySessionService } from 'oauth-sessions'
 * const service = new ProxySessionService({ name: 'dashboards', authenticationBaseUrl: 'https://dashboards.example.com/oauth2/start' })
 * ```
 * @group Proxy
 */
export interface ProxySessionServiceOptions {
  /** A name for the service. */
  name?: string
  /** The proxy's start URL. */
  authenticationBaseUrl: string
  /** Where the provider's login form posts. Default `https://github.com/session`. */
  authenticationSessionUrl?: string
  /** Extra fields of the login POST. */
  authenticationPostdata?: Readonly<Record<string, string>>
  /** Options for every session the service makes. */
  sessionOptions?: ProxySessionOptions
}

const serviceOptionsSchema = lazySchema(
  (z) =>
    z
      .object({
        name: z.string().optional(),
        authenticationBaseUrl: httpUrlSchema(),
        authenticationSessionUrl: httpUrlSchema().optional(),
        authenticationPostdata: z.record(z.string(), z.string()).optional(),
        sessionOptions: proxySessionOptionsSchema().optional(),
      })
      .strict() satisfies z.ZodType<ProxySessionServiceOptions>,
)

/**
 * A service for sites behind a bitly oauth2_proxy, used like the other services:
 * `getAuthSession(username, password)` signs in and returns the session.
 *
 * @example
 * ```ts
 * import { ProxySessionService } from 'oauth-sessions'
 * const service = new ProxySessionService({ authenticationBaseUrl: 'https://dashboards.example.com/oauth2/start' })
 * const session = await service.getAuthSession('monitoring-bot', process.env.BOT_PASSWORD ?? '')
 * console.log((await session.get('https://dashboards.example.com/status')).status)
 * ```
 * @group Proxy
 */
export class ProxySessionService {
  /** The service's name. */
  readonly name: string | undefined
  /** The proxy's start URL. */
  readonly authenticationBaseUrl: string
  /** Where the provider's login form posts. */
  readonly authenticationSessionUrl: string | undefined
  /** Extra fields of the login POST. */
  readonly authenticationPostdata: Readonly<Record<string, string>> | undefined
  readonly #sessionOptions: ProxySessionOptions

  constructor(options: ProxySessionServiceOptions) {
    options = parseOptions(serviceOptionsSchema(), options, 'ProxySessionService') as ProxySessionServiceOptions
    this.name = options.name
    this.authenticationBaseUrl = options.authenticationBaseUrl
    this.authenticationSessionUrl = options.authenticationSessionUrl
    this.authenticationPostdata = options.authenticationPostdata
    this.#sessionOptions = options.sessionOptions ?? {}
  }

  /** A session that is not signed in yet. */
  getSession(): ProxySession {
    return new ProxySession(this.#options())
  }

  /** A session signed in as this user. */
  getAuthSession(username: string, password: string): Promise<ProxySession> {
    return ProxySession.create({ ...this.#options(), oauth2Username: username, oauth2Password: password })
  }

  #options(): ProxySessionOptions {
    const options: ProxySessionOptions = { ...this.#sessionOptions, authenticationBaseUrl: this.authenticationBaseUrl }
    if (this.authenticationSessionUrl !== undefined) options.authenticationSessionUrl = this.authenticationSessionUrl
    if (this.authenticationPostdata !== undefined) options.authenticationPostdata = this.authenticationPostdata
    return options
  }
}
