import type { Agent as HttpAgent } from 'node:http'
import type { Agent as HttpsAgent } from 'node:https'
import { Readable } from 'node:stream'
import { CookieJar } from 'tough-cookie'
import type { z } from 'zod'
import type { AuthStrategy } from '../auth/auth-strategy.js'
import type { ParamsInit } from './form-encoding.js'
import { HeaderMap, type HeadersInit } from './header-map.js'
import { lazySchema } from './lazy-schema.js'
import { parseOptions } from './parse-options.js'

/**
 * A timeout in milliseconds for connecting and for each wait on the server, or both separately
 * (requests' `(connect, read)` tuple), or `null` for none.
 *
 * @example
 * ```ts
 * import { Session } from 'oauth-sessions'
 * const session = new Session({ timeout: { connect: 3_000, read: 60_000 } }) // requests' timeout=(3, 60)
 * ```
 * @see requests timeout=(connect, read)
 * @group HTTP
 */
export type TimeoutOption =
  | number
  | {
      /** Milliseconds to look up, connect and finish the TLS handshake. */
      connect?: number
      /** Milliseconds to wait for the answer to start and between two reads. */
      read?: number
    }
  | null

/**
 * Retries of failed requests, like urllib3's `Retry` mounted on a requests adapter. A number is
 * the retry limit with the defaults below.
 *
 * @example
 * ```ts
 * import { Session } from 'oauth-sessions'
 * const session = new Session({ retry: { limit: 3, backoffFactor: 1, statusCodes: [429, 503] } })
 * ```
 * @see urllib3.util.Retry
 * @group HTTP
 */
export interface RetryOptions {
  /** How many times to retry. Default 0. */
  limit: number
  /** Methods that may be retried. Default: the idempotent ones (GET, HEAD, PUT, DELETE, OPTIONS, TRACE). */
  methods?: readonly string[]
  /** Statuses that cause a retry. Default: 408, 413, 429, 500, 502, 503, 504. */
  statusCodes?: readonly number[]
  /** urllib3's backoff factor in seconds: the n-th retry waits `backoffFactor * 2^(n-1)`, at most `maxBackoff`. Default 0.5. */
  backoffFactor?: number
  /** The longest wait between two tries (a `Retry-After` included), in milliseconds, at most 2 147 483 647. Default 30 000. */
  maxBackoff?: number
}

/**
 * Proxy URLs by scheme, as requests' `proxies`: `{ https: 'http://proxy:3128' }`. `all` is used
 * for any scheme without its own entry; `no_proxy` lists hosts to reach directly.
 *
 * @example
 * ```ts
 * import { Session } from 'oauth-sessions'
 * const session = new Session({ proxies: { https: 'http://proxy.internal:3128', no_proxy: '.corp.example' } })
 * ```
 * @see requests proxies=
 * @group HTTP
 */
export interface ProxiesOption {
  /** Proxy for http:// URLs. */
  http?: string
  /** Proxy for https:// URLs. */
  https?: string
  /** Proxy for URLs whose scheme has no entry. */
  all?: string
  /** Comma-separated hosts (`.example.com`, `10.0.0.1:8080`, `*`) reached without a proxy. */
  no_proxy?: string
}

/**
 * A client certificate: a PEM file holding both cert and key, a `[certFile, keyFile]` pair (as in
 * requests), or the PEM contents themselves.
 *
 * @example
 * ```ts
 * import { Session } from 'oauth-sessions'
 * const session = new Session({ cert: ['client.pem', 'client-key.pem'] }) // requests' cert=(cert, key)
 * ```
 * @see requests cert=
 * @group HTTP
 */
export type CertOption =
  | string
  | readonly [certFile: string, keyFile: string]
  | {
      /** The certificate chain, PEM. */
      cert: string | Buffer
      /** The private key, PEM. */
      key: string | Buffer
      /** The key's passphrase, if it is encrypted. */
      passphrase?: string
    }

/**
 * Options of {@link Session}; all are optional.
 *
 * @example
 * ```ts
 * import { Session } from 'oauth-sessions'
 * const session = new Session({ baseUrl: 'https://api.example.com/v1/', timeout: 10_000, retry: 2 })
 * ```
 * @group HTTP
 */
export interface SessionOptions {
  /** Relative request URLs resolve against this (rauth's `base_url`, joined like `urljoin`). */
  baseUrl?: string | URL
  /** Headers sent with every request; a request's own headers win. */
  headers?: HeadersInit
  /** Query parameters sent with every request; a request's own params of the same name win. */
  params?: ParamsInit
  /** Credentials applied to every request. */
  auth?: AuthStrategy
  /** The cookie jar kept across requests; a new in-memory jar when not given. */
  cookies?: CookieJar
  /** Milliseconds, at most 2 147 483 647 (Node's longest timer); default 30 000; `null` waits forever. */
  timeout?: TimeoutOption
  /**
   * Milliseconds for the whole request, redirects, retries and a 401 retry included (unlike
   * `timeout`, which bounds each phase), at most 2 147 483 647 (Node's longest timer). Default
   * none. Past it the request ends in `TimeoutError` with `phase: 'deadline'`.
   */
  deadline?: number | null
  /** The longest redirect chain followed. Default 30, as requests. */
  maxRedirects?: number
  /** Whether redirects are followed. Default true. */
  allowRedirects?: boolean
  /**
   * The largest body read, in bytes after decompression; default 64 MiB; `null` lifts the cap.
   * Past it the request ends in `ResponseTooLargeError`. Streamed bodies are not counted.
   */
  maxResponseSize?: number | null
  /**
   * The cap for token endpoints and the other authorization answers (OAuth 1 request and access
   * tokens, the oauth2_proxy login); default 1 MiB; `null` lifts it.
   */
  maxTokenResponseSize?: number | null
  /** Retries of failed idempotent requests. Default none, as in requests. */
  retry?: number | RetryOptions
  /** `false` skips TLS verification (tests only); a string is a CA bundle file, as in requests. */
  verify?: boolean | string
  /** A client certificate for mutual TLS. */
  cert?: CertOption
  /** Extra trusted CA certificates (PEM contents). */
  ca?: string | Buffer | readonly (string | Buffer)[]
  /** Proxy URLs by scheme. */
  proxies?: ProxiesOption
  /** Honour HTTP_PROXY, HTTPS_PROXY, ALL_PROXY and NO_PROXY from the environment. Default true, as requests. */
  trustEnv?: boolean
  /** Your own agents, used for every request instead of the Session's keep-alive agents and proxies. */
  agent?: {
    /** The agent for http:// URLs. */
    http?: HttpAgent
    /** The agent for https:// URLs. */
    https?: HttpsAgent
  }
}

/**
 * Options of one request; each overrides the Session's setting for that request only.
 *
 * @example
 * ```ts
 * import { Session } from 'oauth-sessions'
 * const session = new Session()
 * await session.post('https://api.example.com/items', { json: { name: 'x' }, params: { dry_run: 1 } })
 * ```
 * @group HTTP
 */
export interface RequestOptions {
  /** Query parameters appended to the URL (after any it already has); `null` is none, as Python's `None`. */
  params?: ParamsInit | null
  /** An object or pairs are sent form-encoded; a string, Buffer or stream is sent as it is; `null` is none. */
  data?: ParamsInit | string | Buffer | Uint8Array | Readable | null
  /** Sent as JSON with `Content-Type: application/json` (unless you set another). */
  json?: unknown
  /** A raw body: FormData for multipart, or a string, Buffer or stream. */
  body?: FormData | string | Buffer | Uint8Array | Readable
  /** Headers for this request (a header set to `null` removes a session header); `null` is none. */
  headers?: HeadersInit | null
  /** Cookies for this request only, on top of the jar's; `null` is none. */
  cookies?: Readonly<Record<string, string>> | null
  /** Credentials for this request instead of the Session's; `null` sends none. */
  auth?: AuthStrategy | null
  /** The timeout for this request. */
  timeout?: TimeoutOption
  /** Milliseconds for this whole request, redirects and retries included; `null`: none. */
  deadline?: number | null
  /** The largest body read for this request, in bytes; `null` lifts the cap. */
  maxResponseSize?: number | null
  /** Whether to follow redirects for this request. */
  allowRedirects?: boolean
  /** Leave the body unread and give it as {@link Response.raw}. */
  stream?: boolean
  /** Cancels the request when aborted. */
  signal?: AbortSignal
}

/**
 * Options of {@link Session.send}: the per-request settings that still matter once a request is
 * prepared.
 *
 * @example
 * ```ts
 * import { Session } from 'oauth-sessions'
 * const session = new Session()
 * const prepared = await session.prepareRequest('GET', 'https://api.example.com/export')
 * const response = await session.send(prepared, { stream: true, timeout: 120_000 })
 * ```
 * @group HTTP
 */
export type SendOptions = Pick<RequestOptions, 'timeout' | 'deadline' | 'maxResponseSize' | 'allowRedirects' | 'stream' | 'signal' | 'cookies' | 'auth'>

/**
 * The longest wait Node's timers hold, in milliseconds (2^31 - 1, about 24.8 days): a longer
 * `setTimeout` fires after 1 ms and `AbortSignal.timeout` throws, so every millisecond option is
 * capped here.
 *
 * @internal
 */
export const MAX_TIMER_MS = 2_147_483_647

/** @internal milliseconds, from 0 to {@link MAX_TIMER_MS}. */
export const millisecondsSchema = lazySchema((z) => z.number().finite().nonnegative().max(MAX_TIMER_MS))

const headersSchema = lazySchema((z) => z.custom<HeadersInit>((value) => typeof value === 'object' && value !== null, 'an object of headers'))
const paramsSchema = lazySchema((z) => z.custom<ParamsInit>((value) => typeof value === 'object' && value !== null, 'an object of params'))
const authSchema = lazySchema((z) =>
  z.custom<AuthStrategy>(
    (value) => typeof value === 'object' && value !== null && typeof (value as AuthStrategy).apply === 'function',
    'an AuthStrategy (an object with an apply(request) method)',
  ),
)
const sizeSchema = lazySchema((z) => z.union([z.number().int().nonnegative(), z.null()]))
const deadlineSchema = lazySchema((z) => z.union([millisecondsSchema(), z.null()]))
const timeoutSchema = lazySchema((z) =>
  z.union([millisecondsSchema(), z.null(), z.object({ connect: millisecondsSchema().optional(), read: millisecondsSchema().optional() }).strict()]),
)

/**
 * The schema of {@link SessionOptions}; a subclass's is `sessionOptionsSchema().extend({ ... })`.
 *
 * @internal
 */
export const sessionOptionsSchema = lazySchema(
  (z) =>
    z
      .object({
        baseUrl: z.union([z.string(), z.instanceof(URL)]).optional(),
        headers: headersSchema().optional(),
        params: paramsSchema().optional(),
        auth: authSchema().optional(),
        cookies: z.instanceof(CookieJar, { message: 'a tough-cookie CookieJar' }).optional(),
        timeout: timeoutSchema().optional(),
        deadline: deadlineSchema().optional(),
        maxResponseSize: sizeSchema().optional(),
        maxTokenResponseSize: sizeSchema().optional(),
        maxRedirects: z.number().int().nonnegative().optional(),
        allowRedirects: z.boolean().optional(),
        retry: z
          .union([
            z.number().int().nonnegative(),
            z
              .object({
                limit: z.number().int().nonnegative(),
                methods: z.array(z.string()).readonly().optional(),
                statusCodes: z.array(z.number().int()).readonly().optional(),
                backoffFactor: z
                  .number()
                  .nonnegative()
                  .max(MAX_TIMER_MS / 1000)
                  .optional(),
                maxBackoff: millisecondsSchema().optional(),
              })
              .strict(),
          ])
          .optional(),
        verify: z.union([z.boolean(), z.string().min(1)]).optional(),
        cert: z
          .union([
            z.string().min(1),
            z.tuple([z.string().min(1), z.string().min(1)]).readonly(),
            z
              .object({
                cert: z.union([z.string(), z.instanceof(Buffer)]),
                key: z.union([z.string(), z.instanceof(Buffer)]),
                passphrase: z.string().optional(),
              })
              .strict(),
          ])
          .optional(),
        ca: z.union([z.string(), z.instanceof(Buffer), z.array(z.union([z.string(), z.instanceof(Buffer)])).readonly()]).optional(),
        proxies: z
          .object({
            http: z.url().optional(),
            https: z.url().optional(),
            all: z.url().optional(),
            no_proxy: z.string().optional(),
          })
          .strict()
          .optional(),
        trustEnv: z.boolean().optional(),
        agent: z.object({ http: z.any().optional(), https: z.any().optional() }).strict().optional(),
      })
      .strict() satisfies z.ZodType<SessionOptions>,
)

/**
 * FormData for `z.instanceof`, read when a body is checked: reading the global at import loads
 * Node's fetch implementation (undici), several milliseconds of every cold start.
 */
const FORM_DATA = {
  name: 'FormData',
  [Symbol.hasInstance]: (value: unknown) => value instanceof FormData,
} as unknown as typeof FormData

const rawBodySchema = lazySchema((z) => z.union([z.string(), z.instanceof(Uint8Array), z.instanceof(Readable)]))

/**
 * The schema of {@link RequestOptions}. Per request only its keys are checked (the hot path);
 * zod runs when one is unknown. A subclass with its own per-request options extends it.
 *
 * @internal
 */
export const requestOptionsSchema = lazySchema(
  (z) =>
    z
      .object({
        params: paramsSchema().nullable().optional(),
        data: z.union([rawBodySchema(), paramsSchema()]).nullable().optional(),
        json: z.unknown().optional(),
        body: z.union([z.instanceof(FORM_DATA), rawBodySchema()]).optional(),
        headers: headersSchema().nullable().optional(),
        cookies: z.record(z.string(), z.string()).nullable().optional(),
        auth: authSchema().nullable().optional(),
        timeout: timeoutSchema().optional(),
        deadline: deadlineSchema().optional(),
        maxResponseSize: sizeSchema().optional(),
        allowRedirects: z.boolean().optional(),
        stream: z.boolean().optional(),
        signal: z.instanceof(AbortSignal, { message: 'an AbortSignal' }).optional(),
      })
      .strict() satisfies z.ZodType<RequestOptions>,
)

/** Milliseconds as a timer takes them: a number from 0 to {@link MAX_TIMER_MS}. */
function isTimerMs(value: unknown): boolean {
  return typeof value === 'number' && value >= 0 && value <= MAX_TIMER_MS
}

/**
 * Cheap checks of the per-request values a wrong one of would escape as a raw error (a RangeError
 * from a timer, a TypeError from a merge): a value that passes needs no zod; one that fails is
 * parsed by its schema for the ConfigurationError. `undefined` (and `null` where it means none)
 * always passes.
 */
const QUICK_VALUE_CHECKS: Readonly<Record<string, (value: unknown) => boolean>> = {
  deadline: isTimerMs,
  timeout: (value) => isTimerMs(value) || (typeof value === 'object' && value !== null && timeoutObjectValid(value)),
  maxResponseSize: (value) => Number.isInteger(value) && (value as number) >= 0,
  headers: (value) => typeof value === 'object',
  params: (value) => typeof value === 'object',
  cookies: (value) => typeof value === 'object',
  allowRedirects: (value) => typeof value === 'boolean',
  stream: (value) => typeof value === 'boolean',
}

function timeoutObjectValid(value: object): boolean {
  const { connect, read } = value as { connect?: unknown; read?: unknown }
  return (
    (connect === undefined || isTimerMs(connect)) &&
    (read === undefined || isTimerMs(read)) &&
    Object.keys(value).every((key) => key === 'connect' || key === 'read')
  )
}

/**
 * The hot-path check of per-request values (after {@link checkOptionKeys} checked the keys): only
 * the keys present are looked at, each with a cheap test; zod runs only for a value that fails
 * it, to build the ConfigurationError naming the option.
 *
 * @param owner - the class and method, for the message
 * @internal
 */
export function checkRequestValues(options: object, owner: string): void {
  for (const key in options) {
    const value = (options as Record<string, unknown>)[key]
    if (value === undefined || value === null) continue
    const check = QUICK_VALUE_CHECKS[key]
    if (check === undefined || check(value)) continue
    parseOptions(requestOptionsSchema().pick({ [key]: true } as Record<keyof RequestOptions, true>), { [key]: value }, owner)
  }
}

/**
 * The schema of {@link SendOptions}.
 *
 * @internal
 */
export const sendOptionsSchema = lazySchema(
  () =>
    requestOptionsSchema().pick({
      timeout: true,
      deadline: true,
      maxResponseSize: true,
      allowRedirects: true,
      stream: true,
      signal: true,
      cookies: true,
      auth: true,
    }) satisfies z.ZodType<SendOptions>,
)

/**
 * Parses Session options once, at construction; a wrong option throws `ConfigurationError`.
 *
 * @internal
 */
export function parseSessionOptions(options: unknown, owner: string): SessionOptions {
  return parseOptions(sessionOptionsSchema(), options, owner) as SessionOptions
}

/** @internal the defaults requests sends, spelt for Node. */
export function defaultHeaders(): HeaderMap {
  return new HeaderMap({
    'User-Agent': `oauth-sessions/${VERSION} node/${process.versions.node}`,
    'Accept-Encoding': 'gzip, deflate, br',
    Accept: '*/*',
  })
}

/** @internal the package version, sent in User-Agent. */
export const VERSION = '0.1.0'
