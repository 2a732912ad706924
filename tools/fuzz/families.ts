import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib'
import type { Rng } from './prng.js'
import { httpMessage, type ReplyIO, type Responder } from './raw-server.js'

/** Every credential value of a case carries this marker, so a leak is found by one search. */
export const SECRET_MARK = 'S3CR3T'

/** The distinctive credentials a case's answers carry. */
export interface CaseSecrets {
  accessToken: string
  refreshToken: string
  idToken: string
  oauthToken: string
  oauthTokenSecret: string
}

/** What a family builds its answers from. */
export interface FamilyContext {
  readonly rng: Rng
  readonly dialect: 'oauth2' | 'oauth1'
  readonly secrets: CaseSecrets
  /** The `token_type` the answer carries (`undefined`: none), recorded by {@link goodToken}. */
  tokenType: unknown
  /**
   * Other values a client may accept as the token (or OAuth 1 secret): a family that puts a
   * well-formed text of its own in the token field adds it here.
   */
  readonly accepted: Set<string>
}

/** A family of hostile answers. */
export interface Family {
  readonly name: string
  /** Sends megabytes: the runner keeps few of these in flight, so that a slow case is not taken for a hung one. */
  readonly heavy?: boolean
  make(context: FamilyContext): Responder
}

type Fields = Record<string, unknown>

/** A well-formed token answer of the case's dialect (token_type Bearer in some spelling, or none). */
export function goodToken(context: FamilyContext): Fields {
  const { rng, secrets } = context
  if (context.dialect === 'oauth1') {
    return { oauth_token: secrets.oauthToken, oauth_token_secret: secrets.oauthTokenSecret, ...(rng.chance(0.5) ? { oauth_callback_confirmed: 'true' } : {}) }
  }
  const fields: Fields = { access_token: secrets.accessToken }
  const type = rng.pick(['Bearer', 'bearer', 'BEARER', undefined])
  setType(context, fields, type)
  if (rng.chance(0.7)) fields.expires_in = rng.pick([3600, '3600', 0, 86_400, 59.5])
  if (rng.chance(0.5)) fields.refresh_token = secrets.refreshToken
  if (rng.chance(0.3)) fields.scope = rng.pick(['read', 'read write', 'a,b'])
  if (rng.chance(0.2)) fields.id_token = secrets.idToken
  return fields
}

function setType(context: FamilyContext, fields: Fields, type: unknown): void {
  if (type === undefined) delete fields.token_type
  else fields.token_type = type
  context.tokenType = type
}

/** The token field of the dialect, and its secret partner. */
function tokenKey(context: FamilyContext): string {
  return context.dialect === 'oauth1' ? 'oauth_token' : 'access_token'
}

function form(fields: Fields): string {
  const params = new URLSearchParams()
  for (const [name, value] of Object.entries(fields)) if (value !== undefined) params.append(name, String(value))
  return params.toString()
}

/** The answer's body in its usual encoding: JSON for OAuth 2, a form (or JSON) for OAuth 1. */
function encodeGood(context: FamilyContext, fields: Fields): { type: string; body: string } {
  if (context.dialect === 'oauth1' && context.rng.chance(0.7)) return { type: 'application/x-www-form-urlencoded', body: form(fields) }
  return { type: 'application/json', body: JSON.stringify(fields) }
}

/** A complete answer with a Content-Length, on a connection left open. */
function reply(status: number, headers: readonly (readonly [string, string])[], body: string | Buffer = ''): Responder {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body
  return (io) => {
    io.write(httpMessage(status, [...headers, ['Content-Length', String(bytes.length)]], bytes))
    io.keepAlive()
  }
}

function typed(type: string | undefined): [string, string][] {
  return type === undefined ? [] : [['Content-Type', type]]
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

const valid: Family = {
  name: 'valid',
  make(context) {
    const { type, body } = encodeGood(context, goodToken(context))
    return reply(context.rng.pick([200, 200, 201]), typed(type), body)
  },
}

const contentType: Family = {
  name: 'content-type',
  make(context) {
    const { rng } = context
    const fields = goodToken(context)
    const body = rng.chance(0.6) ? JSON.stringify(fields) : form(fields)
    const type = rng.pick([
      undefined,
      'text/html',
      'text/plain',
      'application/octet-stream',
      'application/x-www-form-urlencoded',
      'application/json',
      'application/json; charset=utf-16',
      'APPLICATION/JSON',
      'application/vnd.api+json',
      ';;;',
      'multipart/form-data; boundary=x',
      '',
    ])
    return reply(200, typed(type), body)
  },
}

const jsonBroken: Family = {
  name: 'json-broken',
  make(context) {
    const { rng } = context
    const whole = JSON.stringify(goodToken(context))
    const depth = 20_000
    const body = rng.pick([
      () => whole.slice(0, rng.int(1, whole.length - 1)),
      () => whole.replace(/"/g, "'"),
      () => `${whole.slice(0, -1)},}`,
      () => `${whole}}`,
      () => `${whole.slice(0, -1)},"n":NaN}`,
      () => whole.replace('"access_token"', 'access_token'),
      () => `{"a":"\\u00"}`,
      () => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`,
      () => `${'['.repeat(depth)}${']'.repeat(depth)}`,
      () => `{"${tokenKey(context)}":"${context.secrets.accessToken}","deep":${'['.repeat(depth)}${']'.repeat(depth)}}`,
      () => `${'['.repeat(depth)}`,
    ])()
    return reply(rng.pick([200, 400]), typed('application/json'), body)
  },
}

const jsonShape: Family = {
  name: 'json-shape',
  make(context) {
    const { rng } = context
    const fields = goodToken(context)
    const body = rng.pick([
      '[]',
      JSON.stringify([fields]),
      '42',
      '1e308',
      'null',
      'true',
      `"${tokenKey(context)}"`,
      JSON.stringify(JSON.stringify(fields)),
      JSON.stringify(Object.values(fields)),
    ])
    return reply(200, typed(rng.pick(['application/json', 'text/plain', undefined])), body)
  },
}

const html: Family = {
  name: 'html',
  make(context) {
    const { rng } = context
    const page = rng.pick([
      '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>',
      '<html><body><form action="/login" method="post"><input name="access_token" value=""></form></body></html>',
      `<html><body>Sign in<script>var t="${context.secrets.accessToken}"</script></body></html>`,
      '<?xml version="1.0"?><error><code>invalid_grant</code></error>',
    ])
    return reply(rng.pick([200, 403, 500, 502, 503]), typed(rng.pick(['text/html', 'text/html; charset=utf-8', 'application/json', undefined])), page)
  },
}

const formBodies: Family = {
  name: 'form',
  make(context) {
    const { rng, secrets } = context
    const fields = goodToken(context)
    const key = tokenKey(context)
    const body = rng.pick([
      () => form(fields),
      () => `${form(fields)}&${key}=other`,
      () => `${key}&x`,
      () => `${form(fields)}&%ZZ=%ZZ`,
      // (No `;`-separated variant: since Python 3.10, and in WHATWG forms, `;` belongs to the value,
      // so such a body is a token with a `;` in it, which no client can tell from a real one.)
      () => `${key}=${secrets.accessToken}&${key}=${secrets.refreshToken}`,
      () => `=&==&&${form(fields)}`,
      () => `${form(fields)}\r\n`,
    ])()
    return reply(200, typed(rng.pick(['application/x-www-form-urlencoded', 'text/plain', 'application/json', undefined])), body)
  },
}

const empty: Family = {
  name: 'empty',
  make(context) {
    const { rng } = context
    return rng.pick<Responder>([
      reply(200, typed('application/json')),
      (io) => {
        io.write(httpMessage(204, [['Content-Type', 'application/json']]))
        io.keepAlive()
      },
      reply(200, typed('application/json'), '   \r\n'),
      reply(201, typed('text/plain')),
      reply(200, typed('application/json'), '{}'),
      reply(202, []),
      (io) => {
        io.write(httpMessage(200, [['Connection', 'close']]))
        io.end()
      },
    ])
  },
}

const huge: Family = {
  name: 'huge',
  heavy: true,
  make(context) {
    const { rng, secrets } = context
    const size = rng.int(1, 3) * 1024 * 1024
    const key = tokenKey(context)
    const fields = goodToken(context)
    return rng.pick<() => Responder>([
      () => reply(200, typed('application/json'), JSON.stringify({ ...fields, padding: 'x'.repeat(size) })),
      () => reply(200, typed('application/json'), JSON.stringify({ ...fields, [key]: `${secrets.accessToken}${'a'.repeat(size)}` })),
      () => reply(200, typed('text/plain'), 'a'.repeat(size)),
      () =>
        reply(
          200,
          [...typed('application/json'), ['Content-Encoding', 'gzip']],
          gzipSync(Buffer.from(JSON.stringify({ ...fields, padding: ' '.repeat(size * 2) }))),
        ),
      () => (io: ReplyIO) => {
        io.write(
          httpMessage(200, [
            ['Content-Type', 'application/json'],
            ['Transfer-Encoding', 'chunked'],
          ]),
        )
        const chunk = Buffer.alloc(64 * 1024, 0x20)
        for (let sent = 0; sent < size; sent += chunk.length) io.write(`${chunk.length.toString(16)}\r\n${chunk.toString()}\r\n`)
        io.write('0\r\n\r\n')
        io.keepAlive()
      },
    ])()
  },
}

const missingKeys: Family = {
  name: 'missing-keys',
  make(context) {
    const { rng, secrets } = context
    const fields = goodToken(context)
    const key = tokenKey(context)
    const variant = rng.pick([
      () => {
        delete fields[key]
        return fields
      },
      () => {
        delete fields.oauth_token_secret
        return fields
      },
      () => ({ refresh_token: secrets.refreshToken }),
      () => ({ token: secrets.accessToken }),
      () => ({ accessToken: secrets.accessToken }),
      () => ({ data: fields }),
      () => ({ [key.toUpperCase()]: secrets.accessToken }),
    ])()
    const { type, body } = encodeGood(context, variant)
    return reply(200, typed(type), body)
  },
}

const wrongTypes: Family = {
  name: 'wrong-types',
  make(context) {
    const { rng, secrets } = context
    const fields = goodToken(context)
    const oauth2 = context.dialect === 'oauth2'
    const field = oauth2
      ? rng.pick(['access_token', 'access_token', 'expires_in', 'expires_in', 'refresh_token', 'token_type', 'scope', 'id_token', 'expires_at'])
      : rng.pick(['oauth_token', 'oauth_token_secret'])
    const value = rng.pick<unknown>([
      123,
      {},
      null,
      '',
      [],
      true,
      { toString: 'x' },
      { toString: 1, valueOf: 1 },
      1e308,
      '   ',
      'abc',
      -5,
      '1e308',
      'NaN',
      'Infinity',
      [secrets.accessToken],
      { access_token: secrets.accessToken },
      'x'.repeat(100_000),
      `${secrets.accessToken}\r\nX-Injected: 1`,
      `${secrets.accessToken}\u0000`,
    ])
    if (field === 'token_type') setType(context, fields, value)
    else fields[field] = value
    // A text that has the form of a token is one, whatever its letters: the client cannot know.
    if (typeof value === 'string' && (oauth2 ? /^[\x21-\x7E]{1,65536}$/ : /^[^\p{Cc}\uFFFD]{1,65536}$/u).test(value)) context.accepted.add(value)
    return reply(200, typed('application/json'), JSON.stringify(fields))
  },
}

const ERROR_CODES: unknown[] = [
  'constructor',
  '__proto__',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'prototype',
  404,
  null,
  true,
  {},
  ['invalid_grant'],
  'e'.repeat(3000),
  'invalid_grant',
  'invalid_client',
  'server_error',
  'temporarily_unavailable',
  '',
  'bad\r\nline',
]

const errorBody: Family = {
  name: 'error-body',
  make(context) {
    const { rng, secrets } = context
    const body: Fields = { error: rng.pick(ERROR_CODES) }
    if (rng.chance(0.5)) body.error_description = rng.pick<unknown>(['The code was used', 123, {}, 'd'.repeat(5000), null])
    if (rng.chance(0.3)) body.error_uri = rng.pick<unknown>(['https://idp.example/errors', 'javascript:alert(1)', 7])
    if (rng.chance(0.4)) Object.assign(body, { access_token: secrets.accessToken, refresh_token: secrets.refreshToken })
    const asForm = rng.chance(0.25)
    return reply(
      rng.pick([400, 401, 200, 500]),
      typed(asForm ? 'application/x-www-form-urlencoded' : 'application/json'),
      asForm ? form(Object.fromEntries(Object.entries(body).map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : v]))) : JSON.stringify(body),
    )
  },
}

const oauthProblem: Family = {
  name: 'oauth-problem',
  make(context) {
    const { rng, secrets } = context
    const problem = rng.pick(['token_rejected', 'signature_invalid', 'timestamp_refused', 'constructor', '__proto__', 'p'.repeat(3000)])
    const fields: Fields = { oauth_problem: problem }
    if (rng.chance(0.5)) fields.oauth_problem_advice = 'Check the clock'
    if (rng.chance(0.5))
      Object.assign(fields, { oauth_token: secrets.oauthToken, oauth_token_secret: secrets.oauthTokenSecret, access_token: secrets.accessToken })
    return reply(rng.pick([400, 401, 200]), typed(rng.pick(['application/x-www-form-urlencoded', 'text/plain', undefined])), form(fields))
  },
}

const RETRY_AFTER = ['0', '1', '120', 'Wed, 21 Oct 2015 07:28:00 GMT', 'abc', '-1', '99999999999', '']

const statuses: Family = {
  name: 'status',
  make(context) {
    const { rng } = context
    const status = rng.int(400, 503)
    const fields = goodToken(context)
    const [type, body] = rng.pick<[string | undefined, string]>([
      ['application/json', JSON.stringify({ error: rng.pick(['invalid_request', 'slow_down', 'server_error']) })],
      ['text/plain', 'Service Unavailable'],
      [undefined, ''],
      ['application/json', JSON.stringify(fields)],
      ['application/x-www-form-urlencoded', form(fields)],
    ])
    return reply(status, [...typed(type), ['Retry-After', rng.pick(RETRY_AFTER)]], body)
  },
}

const redirectLoop: Family = {
  name: 'redirect-loop',
  make(context) {
    const { rng } = context
    const status = rng.pick([301, 302, 303, 307, 308])
    const mode = rng.pick(['self', 'absolute', 'pingpong'])
    return (io, request) => {
      const path = request.path.split('?')[0] ?? '/'
      const target = mode === 'self' ? path : mode === 'absolute' ? `${io.origin}${path}` : `${path.endsWith('/b') ? path.slice(0, -2) : `${path}/b`}`
      io.write(
        httpMessage(status, [
          ['Location', target],
          ['Content-Length', '0'],
        ]),
      )
      io.keepAlive()
    }
  },
}

const oddLocation: Family = {
  name: 'odd-location',
  make(context) {
    const { rng } = context
    const status = rng.pick([301, 302, 303, 307, 308])
    const location = rng.pick<string | undefined>([
      'file:///etc/passwd',
      'javascript:alert(1)',
      'http://[::1',
      undefined,
      '',
      '//',
      'http://',
      'data:text/plain,x',
      'http://127.0.0.1:0/',
      'http://user:pw@127.0.0.1:1/',
      'ftp://127.0.0.1/',
      '%',
      'http://127.0.0.1:1/?access_token=leak',
      '\t',
    ])
    return reply(status, location === undefined ? [] : [['Location', location]])
  },
}

const encoding: Family = {
  name: 'encoding',
  make(context) {
    const { rng, secrets } = context
    const fields = goodToken(context)
    const json = JSON.stringify(fields)
    const key = tokenKey(context)
    const body = rng.pick<() => Buffer>([
      () => Buffer.from(`\uFEFF${json}`, 'utf8'),
      () => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(json, 'utf16le')]),
      () => Buffer.from(json.replace(secrets.accessToken, `${secrets.accessToken}\\ud800`), 'utf8'),
      () => Buffer.concat([Buffer.from(`{"${key}":"${secrets.accessToken}`), Buffer.from([0xff, 0xfe, 0xc0, 0xaf]), Buffer.from('"}')]),
      () => Buffer.concat([Buffer.from(json.slice(0, -1)), Buffer.from(',"name":"'), Buffer.from([0xe9, 0xe8]), Buffer.from('"}')]),
      () => Buffer.from(`\uFEFF${form(fields)}`, 'utf8'),
      () => Buffer.concat([Buffer.from([0xc3]), Buffer.from(json)]),
    ])()
    const type = rng.pick(['application/json', 'application/json; charset=iso-8859-1', 'application/x-www-form-urlencoded', 'text/plain; charset=utf-16'])
    return reply(200, typed(type), body)
  },
}

const contentLength: Family = {
  name: 'content-length',
  make(context) {
    const { rng } = context
    const { type, body } = encodeGood(context, goodToken(context))
    const bytes = Buffer.from(body)
    const variant = rng.pick(['long-close', 'long-hold', 'short', 'twice', 'negative', 'text'])
    return (io) => {
      const declared =
        variant === 'long-close' || variant === 'long-hold'
          ? String(bytes.length + rng.int(1, 500))
          : variant === 'short'
            ? String(rng.int(0, bytes.length - 1))
            : variant === 'negative'
              ? '-1'
              : variant === 'text'
                ? 'ten'
                : String(bytes.length)
      const headers: [string, string][] = [
        ['Content-Type', type],
        ['Content-Length', declared],
      ]
      if (variant === 'twice') headers.push(['Content-Length', String(bytes.length + 3)])
      io.write(httpMessage(200, headers, bytes))
      if (variant === 'long-close') io.end()
      else io.keepAlive()
    }
  },
}

const resets: Family = {
  name: 'reset',
  make(context) {
    const { rng } = context
    const { type, body } = encodeGood(context, goodToken(context))
    const whole = httpMessage(
      200,
      [
        ['Content-Type', type],
        ['Content-Length', String(Buffer.byteLength(body))],
      ],
      body,
    )
    const cut = rng.pick(['before', 'before-fin', 'status-line', 'headers', 'mid-body'])
    return async (io) => {
      if (cut === 'before') return io.reset()
      if (cut === 'before-fin') return io.end()
      const at =
        cut === 'status-line' ? 10 : cut === 'headers' ? whole.indexOf('\r\n\r\n') + 4 : whole.length - Math.max(1, Math.floor(Buffer.byteLength(body) / 2))
      io.write(whole.subarray(0, at))
      await pause(rng.int(0, 20))
      io.reset()
    }
  },
}

const neverAnswers: Family = {
  name: 'never-answers',
  make(context) {
    const { rng } = context
    const { type, body } = encodeGood(context, goodToken(context))
    const stall = rng.pick(['silent', 'headers', 'half-body'])
    return (io) => {
      if (stall === 'silent') return
      const length = Buffer.byteLength(body)
      io.write(
        httpMessage(200, [
          ['Content-Type', type],
          ['Content-Length', String(length)],
        ]),
      )
      if (stall === 'half-body') io.write(body.slice(0, Math.floor(body.length / 2)))
    }
  },
}

const corruptEncoding: Family = {
  name: 'corrupt-encoding',
  make(context) {
    const { rng } = context
    const raw = Buffer.from(JSON.stringify(goodToken(context)))
    const [name, bytes] = rng.pick<() => [string, Buffer]>([
      () => ['gzip', Buffer.from('this is not gzip')],
      () => ['gzip', gzipSync(raw).subarray(0, 12)],
      () => ['deflate', Buffer.from([0x78, 0x9c, 0xff, 0xff, 0x00])],
      () => ['br', Buffer.from([0xff, 0xff, 0xff, 0xff])],
      () => ['gzip', gzipSync(raw)],
      () => ['deflate', deflateSync(raw)],
      () => ['br', brotliCompressSync(raw)],
      () => ['gzip, gzip', gzipSync(raw)],
      () => ['zstd', raw],
      () => ['gzip', Buffer.concat([gzipSync(raw), Buffer.from('trailing garbage')])],
    ])()
    return reply(
      200,
      [
        ['Content-Type', 'application/json'],
        ['Content-Encoding', name],
      ],
      bytes,
    )
  },
}

const chunking: Family = {
  name: 'chunking',
  make(context) {
    const { rng } = context
    const body = JSON.stringify(goodToken(context))
    const good = `${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n`
    const variant = rng.pick(['zz', 'too-big-close', 'no-terminator-hold', 'no-terminator-close', 'extension', 'with-length', 'negative', 'huge', 'no-crlf'])
    return (io) => {
      const headers: [string, string][] = [
        ['Content-Type', 'application/json'],
        ['Transfer-Encoding', 'chunked'],
      ]
      if (variant === 'with-length') headers.push(['Content-Length', String(body.length)])
      io.write(httpMessage(200, headers))
      const chunks: Record<string, string> = {
        zz: `zz\r\n${body}\r\n0\r\n\r\n`,
        'too-big-close': `${(body.length + 100).toString(16)}\r\n${body}`,
        'no-terminator-hold': good,
        'no-terminator-close': good,
        extension: `${body.length.toString(16)};a="\u0000"\r\n${body}\r\n0\r\n\r\n`,
        'with-length': `${good}0\r\n\r\n`,
        negative: `-1\r\n${body}\r\n0\r\n\r\n`,
        huge: `ffffffffffffffff\r\n${body}`,
        'no-crlf': `${body.length.toString(16)}\r\n${body}0\r\n\r\n`,
      }
      io.write(chunks[variant] ?? '')
      if (variant.endsWith('close')) io.end()
      else if (variant !== 'no-terminator-hold') io.keepAlive()
    }
  },
}

const headerBytes: Family = {
  name: 'header-bytes',
  make(context) {
    const { rng } = context
    const { type, body } = encodeGood(context, goodToken(context))
    const length = Buffer.byteLength(body)
    const head = rng.pick([
      `HTTP/1.1 200 OK\r\nContent-Type: ${type}\r\nX-Bad: a\u0000b\r\nContent-Length: ${length}\r\n\r\n`,
      `HTTP/1.1 200 OK\r\nContent-Type: ${type}\r\nBad Name: x\r\nContent-Length: ${length}\r\n\r\n`,
      `HTTP/1.1 200 OK\nContent-Type: ${type}\nContent-Length: ${length}\n\n`,
      `HTTP/1.1 200 OK\r\nContent-Type: ${type}\r\nX-Fold: a\r\n b\r\nContent-Length: ${length}\r\n\r\n`,
      `HTTP/1.1 abc OK\r\nContent-Length: ${length}\r\n\r\n`,
      `HTTP/1.1 999 Odd\r\nContent-Type: ${type}\r\nContent-Length: ${length}\r\n\r\n`,
      `HTTP/1.1 200\r\nContent-Type: ${type}\r\nContent-Length: ${length}\r\n\r\n`,
      `HTTP/1.1 200 OK\r\nContent-Type: ${type}\r\nX-Long: ${'a'.repeat(100_000)}\r\nContent-Length: ${length}\r\n\r\n`,
      `HTTP/1.1 200 OK\r\nContent-Type: ${type}\r\nX-Bare: a\rb\r\nContent-Length: ${length}\r\n\r\n`,
      `HTTP/1.1 200 OK\r\nContent-Type: ${type}\r\n: empty-name\r\nContent-Length: ${length}\r\n\r\n`,
      `HTTP/1.1 200 OK\r\nContent-Type: \u00ff\u00fe\r\nContent-Length: ${length}\r\n\r\n`,
      `HTTP/1.1 302 Found\r\nLocation: /a\u0000b\r\nContent-Length: 0\r\n\r\n`,
    ])
    return (io) => {
      io.write(Buffer.concat([Buffer.from(head, 'latin1'), Buffer.from(body)]))
      io.end()
    }
  },
}

const nonHttp: Family = {
  name: 'non-http',
  make(context) {
    const { rng, secrets } = context
    const bytes = rng.pick<Buffer>([
      Buffer.from('SSH-2.0-OpenSSH_9.6\r\n'),
      Buffer.from([0x16, 0x03, 0x01, 0x00, 0x2a, 0x02, 0x00, 0x00, 0x26, 0x03, 0x03]),
      Buffer.from(Array.from({ length: 64 }, () => rng.int(0, 255))),
      Buffer.from('HTTP/2.0 200 OK\r\n\r\n'),
      Buffer.from([0x00, 0x00, 0x00, 0x00]),
      Buffer.from(`access_token=${secrets.accessToken}&oauth_token=${secrets.oauthToken}\r\n`),
      Buffer.from('ICY 200 OK\r\n\r\n'),
      Buffer.from('220 smtp.example ESMTP\r\n'),
    ])
    const hold = rng.chance(0.3)
    return (io) => {
      io.write(bytes)
      if (!hold) io.end()
    }
  },
}

const proto: Family = {
  name: 'proto',
  make(context) {
    const { rng, secrets } = context
    const fields = goodToken(context)
    const key = tokenKey(context)
    const good = JSON.stringify(fields).slice(1, -1)
    const [type, body] = rng.pick<[string, string]>([
      ['application/json', `{"__proto__":{"polluted":"yes","${key}":"${secrets.refreshToken}"},${good}}`],
      ['application/json', `{"constructor":{"prototype":{"polluted":"yes"}},${good}}`],
      ['application/json', `{"__proto__":{"${key}":"${secrets.accessToken}","polluted":"yes"}}`],
      ['application/json', `{${good},"hasOwnProperty":1,"toString":2,"valueOf":3}`],
      ['application/x-www-form-urlencoded', `__proto__[polluted]=yes&${form(fields)}`],
      ['application/x-www-form-urlencoded', `__proto__=yes&constructor=1&${form(fields)}`],
      ['application/x-www-form-urlencoded', `constructor[prototype][polluted]=yes&${form(fields)}`],
      ['application/x-www-form-urlencoded', `__proto__=${secrets.accessToken}`],
      ['application/json', `{"error":"__proto__","__proto__":{"error":"invalid_grant"}}`],
    ])
    return reply(200, typed(type), body)
  },
}

const tokenTypes: Family = {
  name: 'token-type',
  make(context) {
    const { rng } = context
    const fields = goodToken(context)
    if (context.dialect === 'oauth2') {
      const type = rng.pick([
        'MAC',
        'mac',
        'DPoP',
        'dpop',
        'N_A',
        'pop',
        'Basic',
        'Bearer ',
        'bearer,mac',
        '',
        'Béarer',
        'urn:ietf:params:oauth:token-type:jwt',
        'Bearer',
        'bEaReR',
      ])
      setType(context, fields, type)
      if (/mac/i.test(type)) Object.assign(fields, { mac_key: 'adijq39jdlaska9asud', mac_algorithm: 'hmac-sha-256' })
    }
    const { type, body } = encodeGood(context, fields)
    return reply(200, typed(type), body)
  },
}

/** Every family, in a fixed order (the case index picks one). */
export const FAMILIES: readonly Family[] = [
  valid,
  contentType,
  jsonBroken,
  jsonShape,
  html,
  formBodies,
  empty,
  huge,
  missingKeys,
  wrongTypes,
  errorBody,
  oauthProblem,
  statuses,
  redirectLoop,
  oddLocation,
  encoding,
  contentLength,
  resets,
  neverAnswers,
  corruptEncoding,
  chunking,
  headerBytes,
  nonHttp,
  proto,
  tokenTypes,
]
