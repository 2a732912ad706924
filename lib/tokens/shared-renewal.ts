import { setTimeout as sleep } from 'node:timers/promises'
import { OAuthSessionsError } from '../errors.js'
import type { OAuth2Token } from '../oauth2/oauth2-token.js'
import { TokenStoreUnavailableError } from './token-store-unavailable-error.js'
import type { StoredToken, TokenLease, TokenStore } from './token-store.js'

/**
 * What to do when the shared store cannot be used (down, timing out, or a peer's lease never
 * ending): `'fail'` raises {@link TokenStoreUnavailableError}; `'proceed'` renews without the store,
 * which is harmless for a client-credentials grant and may spend a rotating refresh token twice.
 *
 * @example
 * ```ts
 * import { OAuth2Session, type StoreUnavailablePolicy } from 'oauth-sessions'
 * const policy: StoreUnavailablePolicy = 'fail'
 * ```
 * @group Tokens
 */
export type StoreUnavailablePolicy = 'fail' | 'proceed'

/**
 * How one renewal through a shared store runs.
 *
 * @internal
 */
export interface SharedRenewalPlan {
  store: TokenStore
  key: string
  /** The token this process holds, possibly expired or empty. */
  local: OAuth2Token
  /** The store version of the local token, when it came from the store or was written there. */
  localVersion: number | undefined
  /** The local token was refused (a 401): a stored token of the same version is no better. */
  force: boolean
  /**
   * The local token was renewed here and the store never took it (`localVersion` is then the version
   * it replaced): its refresh token, not the stored one's, is the live one.
   */
  localUnwritten?: boolean | undefined
  /** Whether a token can be used as it is (it has an access token and has not expired). */
  usable(token: OAuth2Token): boolean
  /** Gets a new token from the provider, starting from `current` (the freshest known), within `deadlineMs`. */
  renew(current: OAuth2Token, deadlineMs: number): Promise<OAuth2Token>
  /** Whether an error of `renew` means the grant was refused (so a peer may have rotated it). */
  refused(error: unknown): boolean
  /** The error for a refusal no peer explains. */
  reauthorization(error: unknown): unknown
  onUnavailable: StoreUnavailablePolicy
  /** The lease's lifetime; the renewal's deadline is inside it. */
  leaseMs: number
  /** How long to wait for a peer that holds the lease. */
  waitMs: number
  /** Extends the lease while `renew` runs (it has no deadline of its own); the lease then only ends when its holder dies. */
  keepLease?: boolean | undefined
}

/** What a shared renewal ended with. @internal */
export interface SharedRenewalResult {
  token: OAuth2Token
  /** Its version in the store; undefined when it could not be written there. */
  version: number | undefined
  /** True when this process got it from the provider (its tokenUpdater runs); false when a peer did. */
  renewedHere: boolean
  /** True when the store did not take it: `version` is then the version of the stored token it replaces. */
  unwritten?: boolean
}

/** Store errors after which renewing without the store ('proceed') would only repeat a refused renewal. */
const final = new WeakSet<TokenStoreUnavailableError>()

/** The first wait between two reads while a peer refreshes, and the longest. */
const FIRST_POLL_MS = 20
const LONGEST_POLL_MS = 250
/** The share of the lease the renewal may use: the rest covers the write and the clock of the store. */
const DEADLINE_SHARE = 0.8

/**
 * Renews a token that several processes share through a store (DESIGN §10): re-read (a peer may
 * have renewed it already) → lease → re-read → renew within a deadline inside the lease →
 * compare-and-set → release. A process that cannot get the lease polls the store until a newer
 * usable token appears or the lease frees up, for at most `waitMs`. A refused renewal re-reads
 * before it raises: a peer may have rotated the refresh token. The in-process single flight is
 * the caller's.
 *
 * @internal
 */
export async function renewShared(plan: SharedRenewalPlan): Promise<SharedRenewalResult> {
  const endsAt = Date.now() + plan.waitMs
  // A token renewed here that the store did not take is newer than the stored one it replaced: only a later one beats it.
  const adoptable = (stored: StoredToken): boolean =>
    plan.usable(stored.token) && (plan.localUnwritten ? stored.version > (plan.localVersion ?? 0) : !(plan.force && stored.version === plan.localVersion))
  const peer = (stored: StoredToken): SharedRenewalResult => ({ token: stored.token, version: stored.version, renewedHere: false })
  try {
    for (let round = 0; ; round += 1) {
      const stored = await readStored(plan.store, plan.key, plan.leaseMs)
      if (stored !== undefined && adoptable(stored)) return peer(stored)
      // The lease runs from when it was asked for: the store's clock may have started it then.
      const leaseAsked = Date.now()
      const lease = await takeLease(plan.store, plan.key, plan.leaseMs)
      if (lease !== undefined) return await underLease(plan, lease, leaseAsked, adoptable, peer)
      if (Date.now() >= endsAt) {
        throw new TokenStoreUnavailableError(
          storeName(plan.store),
          'wait',
          `Another process holds the refresh lease of token key ${plan.key} and no new token came within ${plan.waitMs} ms. ` +
            'Raise refreshWaitMs, or check the process that holds it (its lease ends after refreshLeaseMs).',
        )
      }
      const delay = Math.min(LONGEST_POLL_MS, FIRST_POLL_MS * 1.5 ** round) * (0.75 + Math.random() / 2)
      await sleep(Math.max(1, Math.min(delay, endsAt - Date.now())))
    }
  } catch (error) {
    if (!(error instanceof TokenStoreUnavailableError) || plan.onUnavailable === 'fail' || final.has(error)) throw error
    // 'proceed': renew as a lone process would; the store takes the token only over the version it replaces, never over a peer's newer one.
    const token = await plan.renew(plan.local, plan.leaseMs * DEADLINE_SHARE)
    const ifVersion = plan.localVersion ?? 0
    const written = await storeCall(plan.store, plan.key, 'set', plan.leaseMs, () => plan.store.set(plan.key, token, { ifVersion })).catch(() => undefined)
    if (typeof written?.version === 'number') return { token, version: written.version, renewedHere: true }
    return { token, version: plan.localVersion, renewedHere: true, unwritten: true }
  }
}

async function underLease(
  plan: SharedRenewalPlan,
  lease: TokenLease,
  leaseAsked: number,
  adoptable: (stored: StoredToken) => boolean,
  peer: (stored: StoredToken) => SharedRenewalResult,
): Promise<SharedRenewalResult> {
  try {
    const current = await readStored(plan.store, plan.key, plan.leaseMs)
    if (current !== undefined && adoptable(current)) return peer(current)
    let token: OAuth2Token
    // A renewal without a deadline of its own (a browser flow waits for the user) keeps the lease alive while it runs.
    const heartbeat = plan.keepLease ? setInterval(() => void lease.extend(plan.leaseMs).catch(() => false), plan.leaseMs / 3) : undefined
    heartbeat?.unref()
    try {
      // The stored token is the freshest known, unless the local one was renewed here and never stored (its refresh token is the live one).
      const from = plan.localUnwritten ? plan.local : (current?.token ?? plan.local)
      // The deadline ends inside the lease, whatever the store calls before it took.
      const deadline = leaseAsked + plan.leaseMs * DEADLINE_SHARE - Date.now()
      token = await plan.renew(from, Math.max(1, deadline))
    } catch (error) {
      if (!plan.refused(error)) throw error
      // A peer whose lease had expired may have rotated the grant: its token is the one to use.
      let after: StoredToken | undefined
      try {
        after = await readStored(plan.store, plan.key, plan.leaseMs)
      } catch (storeError) {
        // Unread, the store may hold a peer's rotation: asking the user to authorize again could be wrong.
        const unread = new TokenStoreUnavailableError(
          storeName(plan.store),
          'get',
          `The refresh of token key ${plan.key} was refused, and the token store could not be read again to see whether another process renewed the token meanwhile. Retry once the store answers; if it is refused again, the user must authorize again.`,
        )
        Object.assign(unread, { cause: storeError })
        final.add(unread)
        throw unread
      }
      if (after !== undefined && after.version !== current?.version && plan.usable(after.token)) return peer(after)
      throw plan.reauthorization(error)
    } finally {
      clearInterval(heartbeat)
    }
    let written: StoredToken | undefined
    try {
      written = await storeCall(plan.store, plan.key, 'set', plan.leaseMs, () => plan.store.set(plan.key, token, { ifVersion: current?.version ?? 0 }))
    } catch {
      // The new token is this process's only copy: it is used here; the next renewal writes again.
      process.emitWarning(`The renewed token of key ${plan.key} could not be written to the token store; other processes still hold the previous one.`)
      return { token, version: current?.version, renewedHere: true, unwritten: true }
    }
    if (typeof written?.version === 'number') return { token, version: written.version, renewedHere: true }
    // Lost the compare-and-set: the lease expired while renewing and a peer wrote. Its token wins.
    const winner = await readStored(plan.store, plan.key, plan.leaseMs).catch(() => undefined)
    if (winner !== undefined && plan.usable(winner.token)) return peer(winner)
    return { token, version: winner?.version ?? current?.version, renewedHere: true, unwritten: true }
  } finally {
    // A release that fails leaves the lease to expire by itself.
    await storeCall(plan.store, plan.key, 'release', plan.leaseMs, () => lease.release()).catch(() => undefined)
  }
}

/**
 * `store.get(key)`, checked: what a store of the user's throws or answers that is not a
 * {@link StoredToken} becomes {@link TokenStoreUnavailableError}, quoting none of it.
 *
 * @internal
 */
export async function readStored(store: TokenStore, key: string, timeoutMs: number): Promise<StoredToken | undefined> {
  const stored: unknown = await storeCall(store, key, 'get', timeoutMs, () => store.get(key))
  if (stored === undefined || isStoredToken(stored)) return stored
  throw new TokenStoreUnavailableError(
    storeName(store),
    'get',
    `Token store ${storeName(store)}: get of key ${key} answered something that is not a stored token ({ token, version, updatedAt }, the token an object whose access_token and refresh_token are strings).`,
  )
}

function isStoredToken(value: unknown): value is StoredToken {
  if (typeof value !== 'object' || value === null) return false
  const { token, version } = value as Partial<StoredToken>
  if (typeof version !== 'number' || !Number.isFinite(version)) return false
  if (typeof token !== 'object' || token === null || Array.isArray(token)) return false
  return ['access_token', 'refresh_token'].every((name) => token[name] === undefined || typeof token[name] === 'string')
}

/** `store.lease`, checked as {@link readStored} checks get. */
async function takeLease(store: TokenStore, key: string, ttlMs: number): Promise<TokenLease | undefined> {
  const lease: unknown = await storeCall(store, key, 'lease', ttlMs, () => store.lease(key, ttlMs))
  if (lease === undefined) return undefined
  const { extend, release } = (lease ?? {}) as Partial<TokenLease>
  if (typeof extend === 'function' && typeof release === 'function') return lease as TokenLease
  throw new TokenStoreUnavailableError(
    storeName(store),
    'lease',
    `Token store ${storeName(store)}: lease of key ${key} answered something that is not a lease ({ extend, release }) nor undefined.`,
  )
}

/**
 * A store call, bounded by `timeoutMs` (a store of the user's may never answer); anything it throws
 * that is not already typed (an {@link OAuthSessionsError}) becomes {@link TokenStoreUnavailableError}.
 *
 * @internal
 */
export async function storeCall<T>(store: TokenStore, key: string, operation: string, timeoutMs: number, call: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new TokenStoreUnavailableError(
            storeName(store),
            operation,
            `Token store ${storeName(store)}: ${operation} of key ${key} did not answer within ${timeoutMs} ms.`,
          ),
        ),
      timeoutMs,
    )
  })
  try {
    return await Promise.race([call(), timeout])
  } catch (error) {
    // A store's own typed error (TokenDecryptionError: a wrong key) says more than "unavailable", and is no reason to proceed without the store.
    if (error instanceof OAuthSessionsError) throw error
    // Not kept as the cause: util.inspect prints a cause's message, and a store of your own may quote a token in it.
    throw new TokenStoreUnavailableError(
      storeName(store),
      operation,
      `Token store ${storeName(store)}: ${operation} of key ${key} failed (${errorName(error)}).`,
    )
  } finally {
    clearTimeout(timer)
  }
}

function storeName(store: TokenStore): string {
  return (store as object).constructor?.name ?? 'TokenStore'
}

/** An error's class and code, never its message (a store's message may quote what it was given). */
function errorName(error: unknown): string {
  if (!(error instanceof Error)) return typeof error
  const code = (error as NodeJS.ErrnoException).code
  return code === undefined ? error.name : `${error.name} ${code}`
}
