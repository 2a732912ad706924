import type { CookieJar } from 'tough-cookie'
import type { PreparedRequest } from './prepared-request.js'

/**
 * Sets the Cookie header of one hop from the jar (plus per-request cookies), or removes it when
 * there is none. The in-memory store is read synchronously and skipped when empty: this runs on
 * every request, so a promise is returned only for an asynchronous store.
 *
 * @internal
 */
export function attachJarCookies(jar: CookieJar, request: PreparedRequest, extra: string): Promise<void> | undefined {
  const fromJar = jarCookieString(jar, request.url)
  if (typeof fromJar !== 'string') return fromJar.then((value) => setCookieHeader(request, value, extra))
  setCookieHeader(request, fromJar, extra)
  return undefined
}

function setCookieHeader(request: PreparedRequest, fromJar: string, extra: string): void {
  const value = fromJar === '' ? extra : extra === '' ? fromJar : `${fromJar}; ${extra}`
  if (value === '') request.headers.delete('cookie')
  else request.headers.set('Cookie', value)
}

/**
 * Stores the Set-Cookie lines of one answer in the jar, ignoring invalid ones as browsers do.
 *
 * @internal
 * @returns the cookies stored, name to value
 */
export async function storeSetCookies(jar: CookieJar, lines: readonly string[], url: string): Promise<Record<string, string>> {
  const stored: Record<string, string> = {}
  for (const line of lines) {
    const cookie = await jar.setCookie(line, url, { ignoreError: true })
    if (cookie) stored[cookie.key] = cookie.value
  }
  return stored
}

/**
 * The in-memory stores that have held a cookie. An empty jar is skipped without a lookup, but the
 * emptiness test walks the index's keys (a `for...in` over one key per domain), which costs as
 * much as the jar is large: 10,000 cookies made every request about 4 times dearer. So a store is
 * tested until it first holds a cookie, and looked up from then on (an emptied jar still answers
 * the empty string, only through the lookup).
 */
const storesWithCookies = new WeakSet<object>()

function jarCookieString(jar: CookieJar, url: string): string | Promise<string> {
  const store = jar.store as CookieJar['store'] & { idx?: Record<string, unknown> }
  if (!store.synchronous) return jar.getCookieString(url)
  if (store.idx !== undefined && !storesWithCookies.has(store)) {
    if (isEmpty(store.idx)) return ''
    storesWithCookies.add(store)
  }
  return jar.getCookieStringSync(url)
}

function isEmpty(record: Record<string, unknown>): boolean {
  for (const _ in record) return false
  return true
}
