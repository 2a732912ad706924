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
  /** The context a grant registered with registerGrantType is handed: the checked params and the authenticated client. */
  export interface GrantContext extends ProviderContext {
    oidc: { params: Record<string, unknown>; client: { clientId: string } }
  }
  /** A token about to be issued: save() stores it and returns its value. */
  export interface NewToken {
    readonly expiration: number
    save(): Promise<string>
  }
  /** The OAuth 2 errors a grant handler throws; the provider answers them as RFC 6749 §5.2 bodies. */
  export const errors: Record<'InvalidGrant' | 'InvalidRequest' | 'InvalidTarget', new (description?: string) => Error>
  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>)
    callback(): (request: IncomingMessage, response: ServerResponse) => void
    use(middleware: (ctx: ProviderContext, next: () => Promise<void>) => Promise<void>): void
    on(event: string, listener: (ctx: ProviderContext, ...rest: unknown[]) => void): this
    readonly AccessToken: { find(value: string): Promise<FoundToken | undefined> }
    readonly ClientCredentials: {
      new (init: { client: unknown; scope?: string | undefined }): NewToken
      find(value: string): Promise<FoundToken | undefined>
    }
    registerGrantType(name: string, handler: (ctx: GrantContext) => Promise<void>, params?: string[], dupes?: string[]): void
  }
}
