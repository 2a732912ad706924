import { createHash } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { timingSafeEqualText } from '../security/timing-safe-equal.js'
import { sendJson } from './sandbox-replies.js'

/**
 * The Ofly application the sandbox accepts, and its endpoints.
 *
 * @example
 * ```ts
 * import { OflyService } from 'oauth-sessions'
 * import { startSandbox } from 'oauth-sessions/testing'
 * const sandbox = await startSandbox()
 * const service = new OflyService({ name: 'sandbox', ...sandbox.ofly })
 * ```
 * @group Testing
 */
export interface SandboxOfly {
  /** The oFlyAppId. */
  appId: string
  /** The shared secret. */
  appSecret: string
  /** Checks the signature and answers `{ oflyUserid }`, the user who authorized. */
  authorizeUrl: string
  /** Protected endpoints live below this URL; they check signature and timestamp and echo. */
  baseUrl: string
}

const APP_ID = 'sandbox-ofly-app'
const APP_SECRET = 'sandbox-ofly-secret'
const USER_ID = 'sandbox-ofly-user'
const WINDOW_SECONDS = 300

/** The sandbox's Ofly application, for the `ofly` description of a running sandbox. @internal */
export const SANDBOX_OFLY = { appId: APP_ID, appSecret: APP_SECRET }

/**
 * Handles `/ofly/*`: recomputes the Ofly signature from the raw query (its own code, not the
 * library's) and checks the timestamp window.
 *
 * @internal
 */
export function handleOfly(request: IncomingMessage, response: ServerResponse, url: URL, route: string): void {
  const raw = (request.url ?? '').split('?')[1] ?? ''
  const params = new Map<string, string>()
  for (const part of raw.split('&')) {
    if (part === '') continue
    const eq = part.indexOf('=')
    params.set(decodeURIComponent(part.slice(0, eq === -1 ? undefined : eq)), eq === -1 ? '' : decodeURIComponent(part.slice(eq + 1)))
  }
  const problem = check(url.pathname, params)
  if (problem !== undefined) return sendJson(response, 401, { error: 'signature_invalid', error_description: problem })
  if (route === 'authorize') return sendJson(response, 200, { oflyUserid: USER_ID })
  if (!route.startsWith('api/')) return sendJson(response, 404, { error: 'not_found' })
  const userId = params.get('oflyUserid')
  if (userId === undefined) return sendJson(response, 400, { error: 'missing_user', error_description: 'oflyUserid is required' })
  const echoed = Object.fromEntries([...params].filter(([name]) => !name.startsWith('ofly')))
  sendJson(response, 200, { path: route.slice(4), method: request.method, user: userId, hashMeth: params.get('oflyHashMeth'), params: echoed })
}

function check(path: string, params: Map<string, string>): string | undefined {
  if (params.get('oflyAppId') !== APP_ID) return 'unknown oflyAppId'
  const method = params.get('oflyHashMeth')
  if (method !== 'SHA1' && method !== 'MD5') return 'oflyHashMeth must be SHA1 or MD5'
  const timestamp = params.get('oflyTimestamp') ?? ''
  const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.(\d{1,3})Z$/.exec(timestamp)
  if (match === null) return 'oflyTimestamp is not YYYY-MM-DDTHH:MM:SS.<ms>Z'
  const when = Date.parse(`${match[1]}Z`) + Number(match[2])
  if (Math.abs(Date.now() - when) > WINDOW_SECONDS * 1000) return `oflyTimestamp is more than ${WINDOW_SECONDS} s away from the server clock`
  const requestParams = [...params].filter(([name]) => !['oflyAppId', 'oflyHashMeth', 'oflyTimestamp', 'oflyApiSig'].includes(name))
  const join = (pairs: [string, string][]): string =>
    pairs
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, value]) => `${name}=${value}`)
      .join('&')
  const oflyParams: [string, string][] = [
    ['oflyAppId', APP_ID],
    ['oflyHashMeth', method],
    ['oflyTimestamp', timestamp],
  ]
  const base = `${APP_SECRET}${decodeURIComponent(path)}?${requestParams.length > 0 ? `${join(requestParams)}&` : ''}${join(oflyParams)}`
  const expected = createHash(method === 'SHA1' ? 'sha1' : 'md5')
    .update(base, 'utf8')
    .digest('hex')
  if (!timingSafeEqualText(params.get('oflyApiSig') ?? '', expected)) return 'oflyApiSig does not match'
  return undefined
}
