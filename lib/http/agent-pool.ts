import { Agent as HttpAgent } from 'node:http'
import { Agent as HttpsAgent } from 'node:https'
import { getProxyForUrl } from 'proxy-from-env'
import type { ProxiesOption } from './session-options.js'

/** @internal the agents got receives for one request. */
export interface AgentPair {
  http?: HttpAgent
  https?: HttpsAgent
}

/**
 * The keep-alive agents a Session owns, and the proxy agents it creates on demand. Every request
 * the Session makes, including those a flow makes on its behalf, picks its agent here, so a
 * configured proxy or agent is never bypassed.
 *
 * @internal
 */
export class AgentPool {
  readonly #direct: AgentPair
  readonly #owned: boolean
  readonly #proxies: ProxiesOption | undefined
  /** The `no_proxy` entries, split once (every request through a proxy is checked against them). */
  readonly #noProxy: readonly string[]
  readonly #trustEnv: boolean
  /** Whether a proxy variable was set when the Session was made (read once: env reads cost per request). */
  readonly #proxyEnvironment: boolean
  readonly #proxyAgents = new Map<string, AgentPair>()

  constructor(options: { agent?: AgentPair | undefined; proxies?: ProxiesOption | undefined; trustEnv: boolean }) {
    this.#owned = options.agent === undefined
    this.#direct = options.agent ?? {
      http: new HttpAgent({ keepAlive: true }),
      https: new HttpsAgent({ keepAlive: true }),
    }
    this.#proxies = options.agent === undefined ? options.proxies : undefined
    this.#noProxy = noProxyEntries(this.#proxies?.no_proxy)
    this.#trustEnv = options.agent === undefined && options.trustEnv
    this.#proxyEnvironment = this.#trustEnv && hasProxyEnvironment()
  }

  /** The Session's own agents (or the caller's), used when no proxy applies. */
  get direct(): AgentPair {
    return this.#direct
  }

  /**
   * The agents for a request to `url`: a proxy's when one applies, the Session's otherwise. A
   * promise only the first time a proxy is used: the proxy agents are imported then.
   */
  agentsFor(url: string): AgentPair | Promise<AgentPair> {
    if (this.#proxies === undefined && !this.#proxyEnvironment) return this.#direct
    const proxy = this.proxyFor(new URL(url))
    if (proxy === undefined) return this.#direct
    return this.#proxyAgents.get(proxy) ?? this.#createProxyAgents(proxy)
  }

  async #createProxyAgents(proxy: string): Promise<AgentPair> {
    const { proxyAgentPair } = await import('./proxy-agents.js')
    // Another request may have made them while this one waited for the import.
    let pair = this.#proxyAgents.get(proxy)
    if (pair === undefined) {
      pair = proxyAgentPair(proxy)
      this.#proxyAgents.set(proxy, pair)
    }
    return pair
  }

  /** The proxy URL a request to `url` goes through, or `undefined` to go direct (requests' `select_proxy`). */
  proxyFor(url: URL): string | undefined {
    if (this.#proxies === undefined && !this.#trustEnv) return undefined
    const scheme = url.protocol.slice(0, -1)
    if (isBypassed(url, this.#noProxy)) return undefined
    const explicit = this.#proxies?.[scheme as 'http' | 'https'] ?? this.#proxies?.all
    if (explicit !== undefined) return explicit
    if (!this.#proxyEnvironment) return undefined
    return getProxyForUrl(url) || undefined
  }

  /** Closes every socket of the agents this pool created (never a caller's own agents). */
  destroy(): void {
    if (this.#owned) {
      this.#direct.http?.destroy()
      this.#direct.https?.destroy()
    }
    for (const pair of this.#proxyAgents.values()) {
      pair.http?.destroy()
      pair.https?.destroy()
    }
    this.#proxyAgents.clear()
  }
}

const PROXY_VARIABLES = ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'ALL_PROXY', 'all_proxy']

/** Whether any proxy variable is set. */
function hasProxyEnvironment(): boolean {
  return PROXY_VARIABLES.some((name) => process.env[name])
}

/** The entries of a `no_proxy` list, lower case. */
function noProxyEntries(noProxy: string | undefined): readonly string[] {
  if (noProxy === undefined) return []
  return noProxy
    .toLowerCase()
    .split(/[,\s]+/)
    .filter(Boolean)
}

/** Whether the `no_proxy` entries name this URL's host (NO_PROXY from the environment is proxy-from-env's to read). */
function isBypassed(url: URL, list: readonly string[]): boolean {
  if (list.length === 0) return false
  if (list.includes('*')) return true
  const host = url.hostname.toLowerCase()
  const port = url.port || (url.protocol === 'https:' ? '443' : '80')
  return list.some((entry) => {
    const [name, entryPort] = entry.includes(']') || entry.split(':').length > 2 ? [entry, undefined] : entry.split(':')
    if (entryPort !== undefined && entryPort !== port) return false
    const bare = (name ?? '').replace(/^\*?\./, '')
    return host === bare || host.endsWith(`.${bare}`)
  })
}
