import { ConfigurationError } from '../errors.js'
import type { OAuth2Token } from '../oauth2/oauth2-token.js'
import type { SetTokenOptions, StoredToken } from './token-store.js'

/**
 * The compare-and-set of {@link TokenStore.set} that every in-process store shares: the entry to
 * store, or undefined when `ifVersion` is not the current version (0 for no entry). The version
 * goes on from the current one, or from the one a delete retired, so versions never repeat and
 * `ifVersion` cannot be fooled by a delete and a new write.
 *
 * @internal
 */
export function nextStoredToken(
  current: StoredToken | undefined,
  retiredVersion: number | undefined,
  token: OAuth2Token,
  options: SetTokenOptions,
): StoredToken | undefined {
  if (options.ifVersion !== undefined && (current?.version ?? 0) !== options.ifVersion) return undefined
  return { token: { ...token }, version: (current?.version ?? retiredVersion ?? 0) + 1, updatedAt: Date.now() }
}

/**
 * A copy of a stored entry and its token: changing what a store returned never changes the store behind its version.
 *
 * @internal
 */
export function copyStoredToken(stored: StoredToken): StoredToken {
  return { ...stored, token: { ...stored.token } }
}

/**
 * A lease's duration checked: a positive, finite number of milliseconds. NaN or Infinity would be
 * written to a file as `null` (the file would then read as corrupt, and be replaced), and would
 * make a lease in memory free for anyone.
 *
 * @internal
 */
export function checkLeaseMs(store: string, option: 'ttlMs' | 'ms', ms: number): number {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms <= 0)
    throw new ConfigurationError(option, `${store} lease ${option} must be a positive number of milliseconds, such as 10000.`)
  return ms
}
