import type { IncomingMessage } from 'node:http'
import { parseCookies } from './sandbox-replies.js'

/**
 * What the sandbox's echo endpoints answer: the request as the server received it.
 *
 * @example
 * ```ts
 * import { Session } from 'oauth-sessions'
 * import { startSandbox, type EchoBody } from 'oauth-sessions/testing'
 * const sandbox = await startSandbox()
 * const echo = (await new Session().post(`${sandbox.url}/post`, { data: { a: 1 } })).json<EchoBody>()
 * console.log(echo.form) // { a: '1' }
 * await sandbox.close()
 * ```
 * @group Testing
 */
export interface EchoBody {
  /** The request method. */
  method: string
  /** The path, without the query string. */
  path: string
  /** The raw query string, without `?`, exactly as received. */
  query: string
  /** Query parameters; a repeated name gives an array. */
  args: Record<string, string | string[]>
  /** Headers with lower-case names. */
  headers: Record<string, string | string[]>
  /** Header names as the client spelt them, in order. */
  headerNames: string[]
  /** The body as text (multipart bodies included). */
  data: string
  /** Form fields of a form-encoded or multipart body. */
  form: Record<string, string | string[]>
  /** Files of a multipart body: field name to `{ filename, contentType, content }`. */
  files: Record<
    string,
    {
      /** The file name the client gave. */
      filename: string
      /** The part's Content-Type. */
      contentType: string
      /** The content as text. */
      content: string
    }
  >
  /** The body parsed as JSON, when it was JSON. */
  json: unknown
  /** Cookies the request carried. */
  cookies: Record<string, string>
}

/**
 * Reads a request completely and describes it (httpbin's `/anything`).
 *
 * @internal
 */
export async function echoRequest(request: IncomingMessage, url: URL): Promise<EchoBody> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  const raw = Buffer.concat(chunks)
  const data = raw.toString('utf8')
  const type = request.headers['content-type'] ?? ''
  const body: EchoBody = {
    method: request.method ?? 'GET',
    path: url.pathname,
    query: url.search.slice(1),
    args: group(url.searchParams),
    headers: Object.fromEntries(Object.entries(request.headers).filter((entry): entry is [string, string | string[]] => entry[1] !== undefined)),
    headerNames: request.rawHeaders.filter((_, index) => index % 2 === 0),
    data,
    form: {},
    files: {},
    json: null,
    cookies: parseCookies(request.headers.cookie),
  }
  if (type.startsWith('application/x-www-form-urlencoded')) body.form = group(new URLSearchParams(data))
  if (type.includes('json') && data.length > 0) {
    try {
      body.json = JSON.parse(data)
    } catch {
      body.json = null
    }
  }
  if (type.startsWith('multipart/form-data')) await readMultipart(raw, type, body)
  return body
}

async function readMultipart(raw: Buffer, type: string, body: EchoBody): Promise<void> {
  // The platform's own multipart parser (undici), so the sandbox checks what we send independently.
  const form = await new Request('http://sandbox.invalid/', { method: 'POST', headers: { 'content-type': type }, body: new Uint8Array(raw) }).formData()
  const fields: [string, string][] = []
  for (const [name, value] of form) {
    if (typeof value === 'string') fields.push([name, value])
    else body.files[name] = { filename: value.name, contentType: value.type, content: await value.text() }
  }
  body.form = group(fields)
}

function group(pairs: Iterable<[string, string]>): Record<string, string | string[]> {
  const grouped: Record<string, string | string[]> = {}
  for (const [name, value] of pairs) {
    const existing = grouped[name]
    if (existing === undefined) grouped[name] = value
    else grouped[name] = Array.isArray(existing) ? [...existing, value] : [existing, value]
  }
  return grouped
}
