import { lazySchema } from '../../http/lazy-schema.js'
import { ConfigurationError } from '../../errors.js'
import type { ParamPairs } from '../../http/form-encoding.js'
import { Session } from '../../http/session.js'
import {
  checkDevice,
  DEVICE_CODE_GRANT,
  type DeviceAuthorization,
  type DeviceClock,
  type DevicePollProgress,
  deviceClientAuthentication,
  pollForDeviceToken,
  REAL_CLOCK,
  readDeviceAuthorization,
} from '../device-flow.js'
import { JSON_FORM_HEADERS, sendTokenRequest, type TokenPolicy } from '../token-endpoint.js'
import {
  extraParameters,
  grantState,
  OAuth2TokenStrategy,
  type OAuth2TokenOptions,
  requireUrl,
  scopeText,
  TOKEN_SETTING_NAMES,
  type TokenTarget,
} from './oauth2-token-strategy.js'
import type { StrategyClient } from './strategy-token-operations.js'
import type { NewToken } from './token-cache.js'
import { type ClientAuthOptions, configureClientAuth } from '../client-authentication.js'

/**
 * Where {@link OAuth2DeviceCode} prints the code and the URL when no `onVerification` is given:
 * anything with a `write(text)`, `process.stderr` by default.
 *
 * @example
 * ```ts
 * import type { VerificationOutput } from 'oauth-sessions'
 * const lines: string[] = []
 * const output: VerificationOutput = { write: (text) => lines.push(text) }
 * ```
 * @group Auth
 */
export interface VerificationOutput {
  /** Writes `text` (one line, ending in a newline). */
  write(text: string): unknown
}

/**
 * Options of {@link OAuth2DeviceCode}, in camelCase. Any other key is sent as a parameter of the
 * device authorization request (`audience`, `resource` ...): wire values only.
 *
 * @example
 * ```ts
 * import { OAuth2DeviceCode } from 'oauth-sessions'
 * const auth = new OAuth2DeviceCode('https://idp.example.com/device/code', 'https://idp.example.com/token', 'cli-app', {
 *   scope: ['openid', 'offline_access'],
 *   onVerification: (device) => console.error(`Go to ${device.verificationUri}, code ${device.userCode}`),
 *   signal: AbortSignal.timeout(15 * 60_000),
 * })
 * ```
 * @group Auth
 */
export interface OAuth2DeviceCodeOptions extends OAuth2TokenOptions, ClientAuthOptions {
  /** The scopes to request (a list is joined with spaces). */
  scope?: string | readonly string[]
  /** The client secret of a confidential client: Basic authentication, unless `includeClientId` puts it in the body. */
  clientSecret?: string
  /** Sends `client_id` (and `client_secret`) in the body instead of Basic authentication. */
  includeClientId?: boolean
  /**
   * Shows the user where to go: called with the device authorization (`userCode`,
   * `verificationUri`, `verificationUriComplete` ...) before polling starts; polling waits for it.
   * Default: one line on `output` (stderr).
   */
  onVerification?: (device: DeviceAuthorization) => void | Promise<void>
  /** Called after each `authorization_pending` or `slow_down` answer. */
  onPending?: (progress: DevicePollProgress) => void | Promise<void>
  /** Where the code and URL are printed without `onVerification`. Default `process.stderr` (stdout is what scripts capture). */
  output?: VerificationOutput
  /** Ends the device flow (the wait and a request in flight) at once: an {@link AbortError}. Later requests needing a new token end so too. */
  signal?: AbortSignal
  /** The clock polling waits on. Default the real one. */
  clock?: DeviceClock
  /** The Session the device and token requests go through (proxies, agents ...). */
  session?: Session
  /** Extra device authorization request parameters. */
  [param: string]: unknown
}

const isFunction = (value: unknown): boolean => typeof value === 'function'

/** The settings of the device flow, on top of every strategy's: never sent. */
const deviceSettings = lazySchema((z) =>
  z.object({
    clientSecret: z.string().optional(),
    includeClientId: z.boolean().optional(),
    onVerification: z.custom<NonNullable<OAuth2DeviceCodeOptions['onVerification']>>(isFunction, 'a function').optional(),
    onPending: z.custom<NonNullable<OAuth2DeviceCodeOptions['onPending']>>(isFunction, 'a function').optional(),
    output: z.custom<VerificationOutput>((value) => isFunction((value as VerificationOutput | null)?.write), 'an object with a write(text) method').optional(),
    signal: z.instanceof(AbortSignal).optional(),
    clock: z
      .custom<DeviceClock>(
        (value) => isFunction((value as DeviceClock | null)?.now) && isFunction((value as DeviceClock | null)?.sleep),
        'an object with now() and sleep(ms)',
      )
      .optional(),
  }),
)

const DEVICE_SETTING_NAMES: () => ReadonlySet<string> = lazySchema(() => new Set(Object.keys(deviceSettings().shape)))
const KNOWN: () => ReadonlySet<string> = lazySchema(() => new Set([...TOKEN_SETTING_NAMES(), ...DEVICE_SETTING_NAMES(), 'scope']))

/**
 * The device authorization grant (RFC 8628) as a requests-auth-style strategy, for scripts with
 * no browser: the first request that needs a token asks the device authorization endpoint for a
 * code, shows the user where to enter it (`onVerification`, else one line on stderr), and polls
 * the token endpoint until the user has approved, by RFC 8628 §3.5 (every `interval` seconds, 5
 * when the provider names none, 5 more for good after each `slow_down`, never after `expires_in`).
 * The token goes to the shared token cache ({@link setTokenCache}) under a key without secrets; a
 * refresh token, when the provider issues one, renews it, and the device flow runs again only when
 * no usable token is left.
 *
 * @example
 * ```ts
 * import { OAuth2DeviceCode, Session } from 'oauth-sessions'
 * const auth = new OAuth2DeviceCode('https://idp.example.com/device/code', 'https://idp.example.com/token', 'cli-app', { scope: 'openid offline_access' })
 * // Prints "Open https://idp.example.com/device and enter the code WDJB-MJHT" on stderr, then waits.
 * const me = await new Session({ auth }).get('https://api.example.com/me')
 * ```
 * @throws {@link AccessDeniedError} when the user says no, {@link ExpiredTokenError} or {@link DeviceAuthorizationExpiredError} when the code expired first
 * @see https://www.rfc-editor.org/rfc/rfc8628
 * @group Auth
 */
export class OAuth2DeviceCode extends OAuth2TokenStrategy {
  /** The device authorization endpoint (RFC 8628 §3.1). */
  readonly deviceAuthorizationUrl: string
  /** The token endpoint. */
  readonly tokenUrl: string
  /** The client id. */
  readonly clientId: string
  readonly state: string
  readonly #target: TokenTarget
  /** client_id (and client_secret) when they go in the body. */
  readonly #clientPairs: ParamPairs
  /** Scope and extra parameters of the device authorization request. */
  readonly #extras: [string, string][]
  readonly #onVerification: (device: DeviceAuthorization) => void | Promise<void>
  readonly #onPending: OAuth2DeviceCodeOptions['onPending']
  readonly #clock: DeviceClock

  constructor(deviceAuthorizationUrl: string, tokenUrl: string, clientId: string, options: OAuth2DeviceCodeOptions = {}) {
    const { clientSecret, includeClientId, onVerification, onPending, output, signal, clock, ...rest } = options
    super(rest)
    const parsed = deviceSettings().safeParse({ clientSecret, includeClientId, onVerification, onPending, output, signal, clock })
    if (!parsed.success) throw ConfigurationError.fromZod(parsed.error, new.target.name)
    if (typeof clientId !== 'string' || clientId === '') {
      throw new ConfigurationError('clientId', 'client_id is mandatory: the id of the application the provider issued (RFC 8628 §3.1).')
    }
    this.deviceAuthorizationUrl = requireUrl('deviceAuthorizationUrl', deviceAuthorizationUrl, 'Device authorization URL')
    this.tokenUrl = requireUrl('tokenUrl', tokenUrl, 'Token URL')
    this.clientId = clientId
    const configured = configureClientAuth(clientId, clientSecret, rest, new.target.name)
    const { auth, pairs } = deviceClientAuthentication(clientId, clientSecret, { includeClientId }, configured)
    this.#clientPairs = pairs
    this.#target = { session: options.session ?? new Session(), url: this.tokenUrl, auth: auth ?? undefined, signal }
    const scope = scopeText(options.scope)
    this.#extras = [...(scope ? [['scope', scope] as [string, string]] : []), ...extraParameters(rest, KNOWN())]
    // The cache key names the grant and the client, never a secret.
    this.state = grantState(this.tokenUrl, [['grant_type', DEVICE_CODE_GRANT], ['client_id', clientId], ...this.#extras])
    const shown = output ?? process.stderr
    this.#onVerification = onVerification ?? ((device) => void shown.write(verificationLine(device)))
    this.#onPending = onPending
    this.#clock = clock ?? REAL_CLOCK
  }

  /** Runs the device flow: device authorization, the user told, then polling. */
  protected async requestNewToken(): Promise<NewToken> {
    const target = this.#target
    const response = await sendTokenRequest(target.session, {
      url: this.deviceAuthorizationUrl,
      body: [...this.#clientPairs, ...this.#extras],
      clientAuth: target.auth ?? null,
      headers: JSON_FORM_HEADERS,
      timeout: this.timeoutMs,
      signal: target.signal,
      insecureTransport: this.insecureTransport,
    })
    const device = readDeviceAuthorization(response, this.insecureTransport, this.#clock.now())
    await this.#onVerification(device)
    return pollForDeviceToken({
      device,
      checked: checkDevice(device),
      url: this.tokenUrl,
      poll: () => this.postTokenTo(target, [['grant_type', DEVICE_CODE_GRANT], ['device_code', device.deviceCode], ...this.#clientPairs]),
      signal: target.signal,
      onPending: this.#onPending,
      clock: this.#clock,
    })
  }

  /** Refreshes with the client's credentials; the scope is left out, so the one granted is kept (RFC 6749 §6). */
  protected override refreshToken(refreshToken: string): Promise<NewToken> {
    return this.postTokenTo(this.#target, [['grant_type', 'refresh_token'], ...this.#clientPairs, ['refresh_token', refreshToken]])
  }

  /** @internal RFC 8628 asks for JSON; GitHub answers form-encoded without the Accept. */
  protected override get tokenRequestHeaders(): Readonly<Record<string, string>> {
    return JSON_FORM_HEADERS
  }

  /**
   * @internal an `error` at any status is a refusal: GitHub answers `authorization_pending` and
   * `slow_down` with HTTP 200.
   */
  protected override get tokenErrorPolicy(): TokenPolicy['errors'] {
    return 'error-key'
  }

  /** @internal */
  protected override get acceptsClientAuth(): boolean {
    return true
  }

  /** @internal */
  protected get tokenClient(): StrategyClient {
    const { session, auth } = this.#target
    if (auth !== undefined) return { session, auth }
    const secret = this.#clientPairs.find(([name]) => name === 'client_secret')?.[1]
    return { session, auth: undefined, clientId: this.clientId, clientSecret: secret }
  }

  /** The strategy without secrets. */
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), deviceAuthorizationUrl: this.deviceAuthorizationUrl, tokenUrl: this.tokenUrl, clientId: this.clientId }
  }
}

/**
 * C0 and C1 controls (escape sequences) and format characters (bidi overrides such as U+202E,
 * zero-width ones): a provider's text must not drive the user's terminal, nor show other than it is.
 */
const CONTROLS = /[\p{Cc}\p{Cf}]/gu

/** The one line printed on stderr: where to go, and the code; the provider's text without control characters. */
function verificationLine(device: DeviceAuthorization): string {
  const clean = (text: string): string => text.replace(CONTROLS, '')
  const complete = device.verificationUriComplete === undefined ? '' : ` (or open ${clean(device.verificationUriComplete)})`
  return `Open ${clean(device.verificationUri)} and enter the code ${clean(device.userCode)}${complete}\n`
}
