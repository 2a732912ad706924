import { writeFileSync } from 'node:fs'
import picocolors from 'picocolors'
import type { Response } from '../http/response.js'
import type { RequestOptions } from '../http/session-options.js'
import { OAuthSessionsError } from '../errors.js'
import { openTokenStore } from './cli-token-store.js'
import { oauth1SessionOf, oauth2SessionOf } from './cli-sessions.js'
import { LoginRequiredError, UsageError } from './cli-errors.js'
import { nameValuePair } from './name-value.js'
import { clientCredentialsToken, profileOf, usable } from './token-command.js'
import type { CliIO, GlobalOptions } from './program.js'

/**
 * The options of `oauth-sessions request`, as commander gives them.
 *
 * @internal
 */
export interface RequestCommandOptions {
  header?: string[]
  data?: string[]
  json?: string
  form?: string[]
  query?: string[]
  output?: string
  include?: boolean
}

/**
 * Thrown when the API answered 4xx or 5xx: the body has been printed, and the command exits 1.
 *
 * @internal
 */
export class HttpStatusError extends OAuthSessionsError {
  override name = 'HttpStatusError'
  override code = 'ERR_HTTP_STATUS'
  /** The status code of the answer. */
  readonly status: number

  constructor(status: number, reason: string, method: string, url: string) {
    super(`${method} ${url} answered ${status}${reason === '' ? '' : ` ${reason}`}.`)
    this.status = status
  }
}

const METHOD = /^[A-Za-z]+$/

/**
 * `oauth-sessions request <profile> [METHOD] <url>`: sends one request with the profile's
 * credentials (an OAuth 2 access token from the store, refreshed once on 401 `invalid_token`; an
 * OAuth 1 signature for `oauth1` profiles) and prints the answer's body on stdout (or into `-o`);
 * `--include` prints the status line and headers first. A JSON body is pretty-printed, coloured
 * unless `NO_COLOR` is set, when stdout is a terminal (or `FORCE_COLOR` is set); raw otherwise.
 * A 4xx or 5xx answer is {@link HttpStatusError} (exit 1) after its body is printed.
 *
 * @internal
 */
export async function sendRequest(name: string, words: string[], options: RequestCommandOptions, globals: GlobalOptions, io: CliIO): Promise<void> {
  const [method, url] = methodAndUrl(words, options)
  const request = requestOptions(options)
  const { config, profile } = profileOf(name, globals, io)
  const store = await openTokenStore(config, io, profile.flow !== 'oauth1')
  let response: Response
  if (profile.flow === 'oauth1') {
    await using session = await oauth1SessionOf(name, profile, store, io, true)
    response = await session.request(method, url, request)
  } else {
    // A client-credentials profile gets its first token (or a renewed one) through the store, as `token` does.
    if (profile.flow === 'client_credentials') {
      const stored = await store.get(name)
      if (stored === undefined || !usable(stored.token)) await clientCredentialsToken(name, profile, store, io)
    } else if ((await store.get(name)) === undefined) {
      // A user flow's token comes from a person's login only: without it the request would go out with no credentials.
      throw new LoginRequiredError(name, `No token is stored for profile ${JSON.stringify(name)}`)
    }
    await using session = await oauth2SessionOf(name, profile, store, io)
    response = await session.request(method, url, request)
  }
  printResponse(response, options, io)
  if (response.status >= 400) throw new HttpStatusError(response.status, response.reason, method, response.redactedUrl)
}

/** `[METHOD] <url>`: one word is the URL (GET, or POST with a body, as curl does); two are the method and the URL. */
function methodAndUrl(words: string[], options: RequestCommandOptions): [string, string] {
  const [first, second] = words as [string, string | undefined]
  const usage = '`request` takes a profile, an optional method and a URL: `oauth-sessions request <profile> [METHOD] <url>`.'
  if (words.length > 2 || (words.length === 2 && !METHOD.test(first))) throw new UsageError(usage)
  const url = second ?? first
  // Checked here, before any traffic: the Session's own message speaks of a baseUrl the command has no flag for.
  if (!isHttpUrl(url)) throw new UsageError(`${JSON.stringify(url)} is not an absolute http(s) URL; ${usage}`)
  return second === undefined ? [hasBody(options) ? 'POST' : 'GET', url] : [first.toUpperCase(), url]
}

function isHttpUrl(text: string): boolean {
  try {
    return /^https?:$/.test(new URL(text).protocol)
  } catch {
    return false
  }
}

function hasBody(options: RequestCommandOptions): boolean {
  return options.data !== undefined || options.json !== undefined || options.form !== undefined
}

/** The Session's request options for the flags; a wrong flag is a {@link UsageError} before any traffic. */
function requestOptions(options: RequestCommandOptions): RequestOptions {
  const bodies = [options.data, options.json, options.form].filter((body) => body !== undefined)
  if (bodies.length > 1) throw new UsageError('Give one body: -d/--data, -j/--json or --form.')
  const request: RequestOptions = {}
  if (options.header !== undefined) request.headers = options.header.map((header) => headerPair(header))
  if (options.query !== undefined) request.params = options.query.map((item) => nameValuePair(item, '--query'))
  if (options.form !== undefined) request.data = options.form.map((item) => nameValuePair(item, '--form'))
  if (options.data !== undefined) {
    request.data = options.data.join('&')
    request.headers = [['Content-Type', 'application/x-www-form-urlencoded'], ...((request.headers as [string, string][] | undefined) ?? [])]
  }
  if (options.json !== undefined) {
    try {
      request.json = JSON.parse(options.json)
    } catch {
      throw new UsageError('-j/--json takes JSON text, such as \'{"name": "value"}\'; this is not valid JSON.')
    }
    // As curl's --json: the answer is asked for as JSON too, unless a -H says otherwise.
    const headers = (request.headers as [string, string][] | undefined) ?? []
    if (!headers.some(([name]) => name.toLowerCase() === 'accept')) request.headers = [...headers, ['Accept', 'application/json']]
  }
  return request
}

/** `Name: value` of `-H`. */
function headerPair(header: string): [string, string] {
  const colon = header.indexOf(':')
  const name = colon < 0 ? '' : header.slice(0, colon).trim()
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name))
    throw new UsageError(`-H takes "Name: value", such as -H 'Accept: application/json'; got a header without a valid name.`)
  return [name, header.slice(colon + 1).trim()]
}

/** Status line and headers (with --include), then the body: to `-o`, raw, or pretty JSON on a terminal. */
function printResponse(response: Response, options: RequestCommandOptions, io: CliIO): void {
  const tty = (io.stdout as { isTTY?: boolean }).isTTY === true || (io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== '0')
  const colour = tty && (io.env.NO_COLOR === undefined || io.env.NO_COLOR === '')
  if (options.include === true) {
    const lines = [`HTTP/1.1 ${response.status} ${response.reason}`, ...[...response.headers].map(([name, value]) => `${name}: ${value}`)]
    io.stdout.write(`${lines.join('\n')}\n\n`)
  }
  if (options.output !== undefined) {
    writeFileSync(options.output, response.content)
    return
  }
  const type = response.headers.get('content-type') ?? ''
  if (tty && /[/+]json\b/i.test(type)) {
    let value: unknown
    try {
      value = JSON.parse(response.text)
    } catch {
      value = undefined
    }
    if (value !== undefined) {
      io.stdout.write(`${colour ? colourJson(value) : JSON.stringify(value, null, 2)}\n`)
      return
    }
  }
  io.stdout.write(response.content)
  // On a terminal, as httpie does: a body without a final newline would run into the next line (an error line, the prompt).
  const content = response.content
  if (tty && content.length > 0 && content[content.length - 1] !== 0x0a) io.stdout.write('\n')
}

/** JSON.stringify(value, null, 2) with picocolors: keys blue, strings green, numbers yellow, true/false/null magenta. */
function colourJson(value: unknown): string {
  const colours = picocolors.createColors(true)
  const render = (item: unknown, indent: string): string => {
    if (item === null || typeof item === 'boolean') return colours.magenta(String(item))
    if (typeof item === 'number') return colours.yellow(String(item))
    if (typeof item === 'string') return colours.green(JSON.stringify(item))
    const inner = `${indent}  `
    if (Array.isArray(item)) {
      if (item.length === 0) return '[]'
      return `[\n${item.map((entry) => `${inner}${render(entry, inner)}`).join(',\n')}\n${indent}]`
    }
    const entries = Object.entries(item as Record<string, unknown>)
    if (entries.length === 0) return '{}'
    return `{\n${entries.map(([key, entry]) => `${inner}${colours.blue(JSON.stringify(key))}: ${render(entry, inner)}`).join(',\n')}\n${indent}}`
  }
  return render(value, '')
}
