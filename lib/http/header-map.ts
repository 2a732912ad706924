import { SECRET_HEADERS } from '../security/secret-names.js'

/**
 * Header values as callers may give them: a plain object, a HeaderMap, a `Headers` or pairs.
 * A `null` or `undefined` value removes that header from the session's defaults for one request,
 * as `None` does in requests.
 *
 * @example
 * ```ts
 * import { Session } from 'oauth-sessions'
 * const session = new Session({ headers: { Accept: 'application/json', 'X-Trace': '1' } })
 * await session.get('https://api.example.com/', { headers: { 'X-Trace': null } }) // not sent this time
 * ```
 * @group HTTP
 */
export type HeadersInit = Readonly<Record<string, string | number | readonly string[] | null | undefined>> | HeaderMap | Iterable<readonly [string, string]>

/**
 * A case-insensitive header collection that keeps the spelling it was first given.
 *
 * `get('content-type')` and `get('Content-Type')` are the same header, like requests'
 * `CaseInsensitiveDict`. Multi-valued headers (`set-cookie`) are kept as arrays.
 *
 * @example
 * ```ts
 * import { HeaderMap } from 'oauth-sessions'
 * const headers = new HeaderMap({ 'Content-Type': 'application/json' })
 * headers.get('content-type') // 'application/json'
 * ```
 * @see requests.structures.CaseInsensitiveDict
 * @group HTTP
 */
export class HeaderMap implements Iterable<[string, string]> {
  readonly #entries = new Map<string, { name: string; value: string | string[]; secret?: boolean }>()

  constructor(init?: HeadersInit) {
    if (init !== undefined) this.merge(init)
  }

  /** The number of distinct header names. */
  get size(): number {
    return this.#entries.size
  }

  /** The value of a header, multiple values joined with `, ` (as Python's dict access shows). */
  get(name: string): string | undefined {
    const entry = this.#entries.get(name.toLowerCase())
    if (entry === undefined) return undefined
    return Array.isArray(entry.value) ? entry.value.join(', ') : entry.value
  }

  /** Every value of a header, as an array (one entry per `Set-Cookie` line, for example). */
  getAll(name: string): string[] {
    const entry = this.#entries.get(name.toLowerCase())
    if (entry === undefined) return []
    return Array.isArray(entry.value) ? [...entry.value] : [entry.value]
  }

  /** Whether the header is present, whatever its case. */
  has(name: string): boolean {
    return this.#entries.has(name.toLowerCase())
  }

  /**
   * Sets a header, replacing any value under any spelling of the same name. `secret: true` marks a
   * credential header that is not one of the usual ones (an API key under a custom name), so that
   * `toJSON()` and `util.inspect` redact it; the mark stays for later values of that header.
   */
  set(name: string, value: string | number | readonly string[], options?: { secret?: boolean }): this {
    const key = name.toLowerCase()
    const existing = this.#entries.get(key)
    const stored = Array.isArray(value) ? [...(value as readonly string[])] : String(value)
    const secret = options?.secret === true || existing?.secret === true
    this.#entries.set(key, secret ? { name: existing?.name ?? name, value: stored, secret } : { name: existing?.name ?? name, value: stored })
    return this
  }

  /** Adds a value to a header, keeping the values already there. */
  append(name: string, value: string): this {
    const key = name.toLowerCase()
    const existing = this.#entries.get(key)
    if (existing === undefined) this.#entries.set(key, { name, value })
    else existing.value = [...(Array.isArray(existing.value) ? existing.value : [existing.value]), value]
    return this
  }

  /** Removes a header whatever its case; returns whether it was there. */
  delete(name: string): boolean {
    return this.#entries.delete(name.toLowerCase())
  }

  /**
   * Applies `init` on top of this map: present values replace, `null`/`undefined` values delete.
   *
   * @returns this map
   */
  merge(init: HeadersInit): this {
    if (init instanceof HeaderMap) {
      for (const entry of init.#entries.values()) this.set(entry.name, entry.value, { secret: entry.secret === true })
      return this
    }
    if (isIterable(init)) {
      for (const [name, value] of init) this.set(name, value)
      return this
    }
    for (const name of Object.keys(init)) {
      const value = init[name]
      if (value === null || value === undefined) this.delete(name)
      else this.set(name, value)
    }
    return this
  }

  /** A copy that can be changed without touching this one. */
  clone(): HeaderMap {
    const copy = new HeaderMap()
    for (const [key, entry] of this.#entries) {
      copy.#entries.set(key, { ...entry, value: Array.isArray(entry.value) ? [...entry.value] : entry.value })
    }
    return copy
  }

  /** The headers as a plain object with their original spelling, multi-values kept as arrays. */
  toObject(): Record<string, string | string[]> {
    const object: Record<string, string | string[]> = {}
    for (const entry of this.#entries.values()) object[entry.name] = entry.value
    return object
  }

  /** The header names as they were first spelt. */
  keys(): IterableIterator<string> {
    return Array.from(this.#entries.values(), (entry) => entry.name)[Symbol.iterator]()
  }

  /** `[name, value]` pairs, multi-values joined with `, `. */
  entries(): IterableIterator<[string, string]> {
    return this[Symbol.iterator]()
  }

  /** `[name, value]` pairs, multi-values joined with `, `. */
  [Symbol.iterator](): IterableIterator<[string, string]> {
    const pairs: [string, string][] = []
    for (const entry of this.#entries.values()) {
      pairs.push([entry.name, Array.isArray(entry.value) ? entry.value.join(', ') : entry.value])
    }
    return pairs[Symbol.iterator]()
  }

  /**
   * The lower-case names of the headers whose values are credentials: the usual ones
   * (`Authorization`, `Cookie` ...) and those set with `{ secret: true }`. These are the headers
   * that never follow a redirect to another origin.
   */
  secretNames(): string[] {
    const names: string[] = []
    for (const [key, entry] of this.#entries) if (entry.secret === true || SECRET_HEADERS.has(key)) names.push(key)
    return names
  }

  /** The headers with credential values (`Authorization`, `Cookie` ...) shown as `[redacted]`. */
  toJSON(): Record<string, string | string[]> {
    const object: Record<string, string | string[]> = {}
    for (const [key, entry] of this.#entries) object[entry.name] = entry.secret === true || SECRET_HEADERS.has(key) ? '[redacted]' : entry.value
    return object
  }

  /** @internal keeps credentials out of `console.log` and `util.inspect`. */
  [Symbol.for('nodejs.util.inspect.custom')](): Record<string, string | string[]> {
    return this.toJSON()
  }
}

function isIterable(value: unknown): value is Iterable<readonly [string, string]> {
  return typeof value === 'object' && value !== null && Symbol.iterator in value
}
