import { ConfigurationError, parseSerialized } from '../errors.js'
import type { Session } from './session.js'
import { SessionPool } from './session-pool.js'

/**
 * A class a {@link Service} builds its sessions with (rauth's `session_obj`).
 *
 * @example
 * ```ts
 * import { OAuth2Session, type SessionClass } from 'oauth-sessions'
 * class AuditedSession extends OAuth2Session {}
 * const sessionClass: SessionClass<OAuth2Session> = AuditedSession
 * ```
 * @typeParam S - the sessions the class makes
 * @group HTTP
 */
export type SessionClass<S extends Session = Session> = new (...args: never[]) => S

/** How a concrete service describes itself to its base. */
interface ServiceDescription<C> {
  /** The `type` of `toJSON()` and the label of `String()` and `util.inspect`. */
  readonly type: string
  /** The service's session class; `sessionClass` must be it or a subclass of it. */
  readonly baseSessionClass: C
  /** The `toJSON()` keys that hold secrets, shown as `[redacted]` by `util.inspect`. */
  readonly secretKeys: readonly string[]
}

/**
 * The base of every service (rauth's `Service`): a provider's endpoints and client credentials
 * that hand out sessions. It holds the session memo (one session per token, as rauth memoises
 * them), the class sessions are built with (`sessionClass`, rauth's `session_obj`), `close()`,
 * `await using`, and keeps secrets out of `String()` and `util.inspect`.
 *
 * {@link OAuth1Service}, {@link OAuth2Service} and {@link OflyService} extend it.
 *
 * @example
 * ```ts
 * import { OAuth2Service, OAuth2Session, Service } from 'oauth-sessions'
 * class AuditedSession extends OAuth2Session {}
 * await using service = new OAuth2Service({ clientId: 'id', clientSecret: 'secret', sessionClass: AuditedSession })
 * const session = service.getSession('token')
 * console.log(service instanceof Service, session instanceof AuditedSession) // true true
 * ```
 * @typeParam S - the sessions this service hands out
 * @typeParam C - the class they are built with
 * @see rauth.service.Service
 * @group HTTP
 */
export abstract class Service<S extends Session = Session, C extends SessionClass<S> = SessionClass<S>> {
  /** The service's name. */
  readonly name: string | undefined
  readonly #description: ServiceDescription<C>
  readonly #sessions = new SessionPool<S>()
  #sessionClass: C

  /**
   * @param description - the concrete service's type name, session class and secret keys
   * @param name - the service's name
   * @param sessionClass - the class to build sessions with; default the service's own
   * @throws {@link ConfigurationError} naming `sessionClass` when it is not the service's session class or a subclass of it
   */
  protected constructor(
    description: { readonly type: string; readonly baseSessionClass: C; readonly secretKeys: readonly string[] },
    name: string | undefined,
    sessionClass: C | undefined,
  ) {
    this.#description = description
    this.name = name
    this.#sessionClass = checkSessionClass(sessionClass ?? description.baseSessionClass, description)
  }

  /**
   * The class sessions are built with (rauth's `session_obj`): the service's session class or a
   * subclass of it. Sessions made before it is changed are kept.
   *
   * @throws {@link ConfigurationError} naming `sessionClass` when set to anything else
   */
  get sessionClass(): C {
    return this.#sessionClass
  }

  /** Changes the class later sessions are built with; checked as in the constructor. */
  set sessionClass(value: C) {
    this.#sessionClass = checkSessionClass(value, this.#description)
  }

  /** Closes every session this service made. */
  async close(): Promise<void> {
    await this.#sessions.close()
  }

  /** Lets `await using service = new OAuth2Service(...)` close its sessions. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }

  /**
   * Everything the service's `fromJSON` (alias `deserialize`) needs, secrets included: calling it
   * is your explicit act, as pickling is in Python.
   */
  abstract serialize(): Record<string, unknown>

  /** What {@link Service.serialize} returns with every secret shown as `[redacted]`: JSON loggers call this. */
  toJSON(): Record<string, unknown> {
    const shown = this.serialize()
    for (const key of this.#description.secretKeys) if (shown[key] !== undefined) shown[key] = '[redacted]'
    return shown
  }

  /** @internal keeps secrets out of `console.log` and `util.inspect`. */
  [Symbol.for('nodejs.util.inspect.custom')](): object {
    return { [this.#description.type]: this.toJSON() }
  }

  /** @internal */
  toString(): string {
    return `<${this.#description.type} ${this.name ?? this.identifier}>`
  }

  /** What `String()` shows when the service has no name (the client id, never a secret). */
  protected abstract get identifier(): string

  /** The memoised session under `key`, built with `make` the first time. */
  protected memoSession(key: string, make: () => S): S {
    return this.#sessions.get(key, make)
  }
}

function checkSessionClass<C>(value: C, description: ServiceDescription<C>): C {
  const base = description.baseSessionClass as unknown as abstract new (...args: never[]) => unknown
  if (typeof value === 'function' && (value === base || value.prototype instanceof base)) return value
  throw new ConfigurationError('sessionClass', `${description.type} sessionClass must be ${base.name} or a subclass of it.`)
}

/**
 * The options in a service's `toJSON()` output, checked to be of `type`, keys with no value left out.
 *
 * @internal
 */
export function readServiceJSON(json: Record<string, unknown> | string, type: string, keys: readonly string[]): Record<string, unknown> {
  const data = parseSerialized(json, type)
  if (data.type !== type) throw new ConfigurationError('json', `This is not the output of ${type}.serialize().`)
  const options: Record<string, unknown> = {}
  for (const key of keys) if (data[key] !== undefined && data[key] !== null) options[key] = data[key]
  return options
}
