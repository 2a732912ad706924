import { ConfigurationError } from '../errors.js'
import { timingSafeEqualText } from '../security/timing-safe-equal.js'
import { readStored, renewShared, type StoreUnavailablePolicy, storeCall } from '../tokens/shared-renewal.js'
import type { TokenStore } from '../tokens/token-store.js'
import { InvalidGrantError, ReauthorizationRequiredError, ScopeChangedWarning } from './oauth2-errors.js'
import type { OAuth2SessionOptions, TokenUpdater } from './oauth2-session-options.js'
import { isExpired, type OAuth2Token } from './oauth2-token.js'

/** How often a session holding a valid shared token looks at the store for a peer's newer one. */
const STORE_RECHECK_MS = 1000

/** What the shared part of a session sees of the session: its token, and the settings renewals need. */
export interface SharedTokenHost {
  /** The session's token. */
  readonly token: OAuth2Token
  /** Replaces the session's token. */
  setToken(token: OAuth2Token): void
  /** The token's key in the store, while one is known. */
  readonly tokenKey: string | undefined
  /** The session's `deadline` option. */
  readonly deadline: number | undefined
  /** The session's `tokenUpdater`, told of automatic renewals. */
  readonly tokenUpdater: TokenUpdater | undefined
}

/** The store options of a session, as given. */
type SharedOptions = Pick<OAuth2SessionOptions, 'tokenStore' | 'tokenKey' | 'tokenSubject' | 'onStoreUnavailable' | 'refreshLeaseMs' | 'refreshWaitMs'>

/**
 * How one OAuth2Session shares its token through a {@link TokenStore} (DESIGN §10): which version
 * of the stored token it holds, whether its token is one the store did not take, when it last
 * looked for a peer's newer token, and the refresh token the provider refused.
 *
 * @internal
 */
export class SharedSessionToken {
  readonly store: TokenStore
  /** The `tokenKey` option. */
  readonly key: string | undefined
  /** The `tokenSubject` option, part of the default key. */
  readonly subject: string | undefined
  readonly leaseMs: number
  readonly #waitMs: number
  readonly #policy: StoreUnavailablePolicy
  readonly #host: SharedTokenHost
  /** The store version of the token held, when it came from the store or was written there (or the one it replaced, while #unwritten). */
  #version: number | undefined
  /** The token held was renewed here and the store did not take it: its refresh token is the live one, newer than the stored one's. */
  #unwritten = false
  /** When the store was last read for a newer token. */
  #checkedAt = 0
  /** The refresh token of the last renewal through the store, and the refusal of one, which is not sent again. */
  #renewingFrom: string | undefined
  #refusal: { refreshToken: string; refused: InvalidGrantError } | undefined

  private constructor(store: TokenStore, options: SharedOptions, renewsByGrant: boolean, host: SharedTokenHost) {
    this.store = store
    this.key = options.tokenKey
    this.subject = options.tokenSubject
    this.leaseMs = options.refreshLeaseMs ?? 15_000
    this.#waitMs = options.refreshWaitMs ?? 20_000
    // A grant renewed by running it again (client credentials) can go on without the store; a refresh token cannot.
    this.#policy = options.onStoreUnavailable ?? (renewsByGrant ? 'proceed' : 'fail')
    this.#host = host
  }

  /**
   * The shared part of a session with a `tokenStore`, or `undefined` without one; the store
   * settings are checked here.
   *
   * @throws {@link ConfigurationError} for a user grant with neither `tokenKey` nor `tokenSubject`, or a store setting without a store
   */
  static from(
    options: SharedOptions,
    grant: { grantType: string; renewsByGrant: boolean; clientOwnsToken: boolean },
    host: SharedTokenHost,
  ): SharedSessionToken | undefined {
    if (options.tokenStore === undefined) {
      for (const name of ['tokenKey', 'tokenSubject', 'onStoreUnavailable', 'refreshLeaseMs', 'refreshWaitMs'] as const) {
        if (options[name] !== undefined) throw new ConfigurationError(name, `${name} is a setting of a shared token: it needs tokenStore.`)
      }
      return undefined
    }
    if (options.tokenKey === undefined && options.tokenSubject === undefined && !grant.clientOwnsToken) {
      // Without a subject, every user's session would share one key: one user would be sent another's token.
      throw new ConfigurationError(
        'tokenKey',
        `A shared ${grant.grantType} token belongs to one user: pass tokenKey (such as 'user:42') or tokenSubject (the user's id, part of the default key).`,
      )
    }
    return new SharedSessionToken(options.tokenStore, options, grant.renewsByGrant, host)
  }

  /** Whether the store was read for a newer token less than a second ago. */
  get recentlyChecked(): boolean {
    return Date.now() - this.#checkedAt < STORE_RECHECK_MS
  }

  /** Takes a newer valid token from the store; a store that cannot be read leaves the valid token held. */
  async recheck(): Promise<OAuth2Token> {
    const host = this.#host
    const key = host.tokenKey
    this.#checkedAt = Date.now()
    if (key === undefined) return host.token
    const held = host.token
    // A renewed token the store did not take is offered again, over the version it replaced: its peers
    // hold a spent refresh token until it is there.
    if (this.#unwritten) await this.#publishUnwritten(key)
    const stored = await readStored(this.store, key, this.leaseMs).catch(() => undefined)
    // A renewal that ended while this read was out has the newer token: the read is stale.
    if (stored === undefined || !usableToken(stored.token) || host.token !== held) return host.token
    // Only a later version is a peer's newer token. A token the store did not take is newer than the stored one it
    // replaced; a lower version is a store gone back in time (restored from a snapshot), whose refresh token may be spent.
    if (stored.version > (this.#version ?? 0)) this.adopt(stored.token, stored.version)
    return host.token
  }

  /** Writes the token the store did not take over the version it replaced (or into a store that lost the key); a store still down (or a peer's newer token) leaves it as it is. */
  async #publishUnwritten(key: string): Promise<void> {
    const token = this.#host.token
    const ifVersion = this.#version ?? 0
    const offer = (version: number) =>
      storeCall(this.store, key, 'set', this.leaseMs, () => this.store.set(key, token, { ifVersion: version })).catch(() => undefined)
    // A store that came back empty (a restart) has no version to write over: the token goes in only while the key is still empty.
    const written = (await offer(ifVersion)) ?? (ifVersion === 0 ? undefined : await offer(0))
    if (written !== undefined && this.#host.token === token) this.adopt(token, written.version)
  }

  /** A session without a token starts from the store's: false when it holds none; a store that cannot be read is raised. */
  async load(): Promise<boolean> {
    const key = this.#host.tokenKey
    if (key === undefined) return false
    // A store that cannot be read is raised even under 'proceed': without a token there is nothing to proceed with.
    const stored = await readStored(this.store, key, this.leaseMs)
    if (stored === undefined) return false
    this.adopt(stored.token, stored.version)
    return true
  }

  /** Renews the shared token with `renew`, through the store (renewShared), and keeps what it gives. */
  async renew(force: boolean, renew: (current: OAuth2Token, deadline: number) => Promise<OAuth2Token>, automatic = false): Promise<OAuth2Token> {
    const host = this.#host
    const key = host.tokenKey
    if (key === undefined) {
      throw new ConfigurationError('tokenKey', 'A shared token needs a key: pass tokenKey, or autoRefreshUrl (the token endpoint names the default key).')
    }
    let scopeWarning: ScopeChangedWarning | undefined
    const result = await renewShared({
      store: this.store,
      key,
      local: host.token,
      localVersion: this.#version,
      localUnwritten: this.#unwritten,
      force,
      usable: usableToken,
      renew: async (current, deadline) => {
        // A refresh token the provider refused already is not sent again: every request would repeat the refusal.
        this.#renewingFrom = current.refresh_token
        const refusal = this.#refusal
        if (refusal !== undefined && typeof current.refresh_token === 'string' && timingSafeEqualText(current.refresh_token, refusal.refreshToken)) {
          throw new ReauthorizationRequiredError(refusal.refused, key)
        }
        try {
          return await renew(current, Math.min(deadline, host.deadline ?? deadline))
        } catch (error) {
          // The new token came with another scope: it is stored (a rotated refresh token is never lost), then the warning is raised.
          if (!(error instanceof ScopeChangedWarning) || error.token === undefined) throw error
          scopeWarning = error
          return error.token as OAuth2Token
        }
      },
      refused: (error) => error instanceof InvalidGrantError,
      reauthorization: (error) => {
        if (error instanceof ReauthorizationRequiredError) return error
        const spent = this.#renewingFrom
        if (typeof spent === 'string') this.#refusal = { refreshToken: spent, refused: error as InvalidGrantError }
        return new ReauthorizationRequiredError(error as InvalidGrantError, key)
      },
      onUnavailable: this.#policy,
      leaseMs: this.leaseMs,
      waitMs: this.#waitMs,
    })
    this.adopt(result.token, result.version, result.unwritten === true)
    // As without a store, tokenUpdater is told of automatic renewals; fetchToken and refreshToken return their token.
    if (automatic && result.renewedHere && host.tokenUpdater !== undefined) await host.tokenUpdater(result.token)
    if (scopeWarning !== undefined && result.renewedHere) throw scopeWarning
    return result.token
  }

  /** Writes a token the session fetched to the store; one that cannot be written is kept by the session, with a warning. */
  async publish(token: OAuth2Token): Promise<void> {
    const key = this.#host.tokenKey
    if (key === undefined) return
    try {
      const written = await storeCall(this.store, key, 'set', this.leaseMs, () => this.store.set(key, token))
      this.#version = written?.version
      this.#unwritten = false
      this.#checkedAt = Date.now()
    } catch {
      // Kept as newer than anything stored so far: a peer's token is taken only once written after it.
      this.#unwritten = true
      process.emitWarning(`The new token of key ${key} could not be written to the token store; it is used by this session only.`)
    }
  }

  /** Makes `token` the session's, as the store's `version` of it (or one the store did not take). */
  adopt(token: OAuth2Token, version: number | undefined, unwritten = false): void {
    this.#host.setToken(token)
    this.#version = version
    this.#unwritten = unwritten
    this.#checkedAt = Date.now()
  }

  /** Drops the session's token, and its key in the store. */
  async forget(): Promise<void> {
    const key = this.#host.tokenKey
    this.adopt({}, undefined)
    this.#refusal = undefined
    if (key === undefined) return
    await storeCall(this.store, key, 'delete', this.leaseMs, () => this.store.delete(key))
  }
}

/** A token that can be sent as it is: it has an access token and has not expired. */
export function usableToken(token: OAuth2Token): boolean {
  return typeof token.access_token === 'string' && token.access_token !== '' && !isExpired(token)
}
