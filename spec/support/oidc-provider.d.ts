// oidc-provider ships no type declarations; the specs use these documented members only.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http'
  /** The koa context of a request, as far as the specs read it. */
  export interface ProviderContext {
    path: string
    method: string
    req: IncomingMessage
    get(header: string): string
    respond: boolean
    status: number
    type: string
    body: unknown
    oidc?: { params?: Record<string, unknown> }
  }
  /** An access token or client-credentials token found by its value. */
  export interface FoundToken {
    readonly isExpired: boolean
  }
  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>)
    callback(): (request: IncomingMessage, response: ServerResponse) => void
    use(middleware: (ctx: ProviderContext, next: () => Promise<void>) => Promise<void>): void
    on(event: string, listener: (ctx: ProviderContext, ...rest: unknown[]) => void): this
    readonly AccessToken: { find(value: string): Promise<FoundToken | undefined> }
    readonly ClientCredentials: { find(value: string): Promise<FoundToken | undefined> }
  }
}
