import type { Agent as HttpAgent } from 'node:http'
import type { Agent as HttpsAgent } from 'node:https'
import { HttpProxyAgent } from 'http-proxy-agent'
import { HttpsProxyAgent } from 'https-proxy-agent'
import type { AgentPair } from './agent-pool.js'

/**
 * The agents of one proxy: http targets go to it in absolute form, https ones through a CONNECT
 * tunnel, as requests does. Its own module, imported when a Session first uses a proxy.
 *
 * @internal
 */
export function proxyAgentPair(proxy: string): AgentPair {
  return {
    http: new AbsoluteFormProxyAgent(proxy, { keepAlive: true }) as unknown as HttpAgent,
    https: new HttpsProxyAgent(proxy, { keepAlive: true }) as unknown as HttpsAgent,
  }
}

/** The parts of Node's ClientRequest that http-proxy-agent rewrites. */
interface QueuedRequest {
  outputData?: { data: unknown }[]
  _headerSent: boolean
}

/**
 * http-proxy-agent, with the request head sent once. When it connects it regenerates the head in
 * absolute form and patches it into the data already queued; regenerating also marks the head as
 * not sent, so the request's next write (got ends a body after it was queued) queued the head a
 * second time: the proxy received the request twice, a token request's password included.
 */
class AbsoluteFormProxyAgent extends HttpProxyAgent<string> {
  override connect(request: Parameters<HttpProxyAgent<string>['connect']>[0], options: Parameters<HttpProxyAgent<string>['connect']>[1]) {
    const connecting = super.connect(request, options)
    // The patch above runs before super.connect's first await: the head is queued already when data is.
    const queued = request as unknown as QueuedRequest
    if (queued.outputData !== undefined && queued.outputData.length > 0) queued._headerSent = true
    return connecting
  }
}
