import { createServer, type RequestListener, type Server } from 'node:http'
import { createServer as createTlsServer, type Server as HttpsServer, type ServerOptions as HttpsServerOptions } from 'node:https'
import type { AddressInfo } from 'node:net'

// Servers a spec starts, closed even when an assertion or a hook fails: `.mocharc.json` keeps
// `exit: false`, so a leaked listener would hang the whole run instead of failing one spec.
//
//   it('…', async () => {
//     await using api = await startServer((request, response) => response.end('ok'))
//     …
//   })
//
//   describe('…', () => {
//     const closeLater = closeAfterAll()
//     let sandbox: Sandbox
//     before(async () => {
//       sandbox = await closeLater(startSandbox())
//     })
//   })

/** A listening loopback server that `await using` (or {@link closeAfterAll}) closes. */
export interface LoopbackServer<S extends Server | HttpsServer = Server> extends AsyncDisposable {
  readonly server: S
  readonly port: number
  /** `http://127.0.0.1:<port>` (or `https://`), without a trailing slash. */
  readonly url: string
  /** Drops open connections and stops listening; safe to call twice. */
  close(): Promise<void>
}

/** Listens on 127.0.0.1 (port 0 unless given) and wraps the server so that it can be disposed. */
export async function listenLoopback<S extends Server | HttpsServer>(server: S, port = 0): Promise<LoopbackServer<S>> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address() as AddressInfo
  const scheme = 'setSecureContext' in server ? 'https' : 'http'
  let closing: Promise<void> | undefined
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    })
    return closing
  }
  return { server, port: address.port, url: `${scheme}://127.0.0.1:${address.port}`, close, [Symbol.asyncDispose]: close }
}

/** Starts a plain HTTP server on 127.0.0.1. */
export function startServer(handler?: RequestListener, port = 0): Promise<LoopbackServer> {
  return listenLoopback(handler ? createServer(handler) : createServer(), port)
}

/** Starts an HTTPS server on 127.0.0.1. */
export function startTlsServer(options: HttpsServerOptions, handler?: RequestListener): Promise<LoopbackServer<HttpsServer>> {
  return listenLoopback(handler ? createTlsServer(options, handler) : createTlsServer(options))
}

/** A running oidc-provider on 127.0.0.1: `issuer` is its URL. */
export interface OidcProviderServer extends LoopbackServer {
  readonly issuer: string
}

/** Starts oidc-provider on 127.0.0.1; its configuration may depend on the issuer URL. */
export async function startOidcProvider(
  configuration: (issuer: string) => Record<string, unknown>,
  setup?: (provider: import('oidc-provider').default) => void,
): Promise<OidcProviderServer> {
  const listening = await startServer()
  try {
    // Loaded here so that specs without oidc-provider do not pay for it.
    const { default: Provider } = await import('oidc-provider')
    const provider = new Provider(listening.url, configuration(listening.url))
    setup?.(provider)
    listening.server.on('request', provider.callback())
  } catch (error) {
    await listening.close()
    throw error
  }
  return { ...listening, issuer: listening.url }
}

/**
 * Registers an `after` hook in the current `describe` that disposes, last first, every resource
 * handed to the returned function, even when a `before` hook or a spec failed half-way. Hand it the
 * promise or the started resource; it returns the resource.
 */
export function closeAfterAll(): <T extends AsyncDisposable>(resource: T | Promise<T>) => Promise<T> {
  const open: AsyncDisposable[] = []
  after(async () => {
    const errors: unknown[] = []
    for (const resource of open.splice(0).reverse()) {
      try {
        await resource[Symbol.asyncDispose]()
      } catch (error) {
        errors.push(error)
      }
    }
    if (errors.length === 1) throw errors[0]
    if (errors.length > 1) throw new AggregateError(errors, 'several resources failed to close')
  })
  return async <T extends AsyncDisposable>(resource: T | Promise<T>): Promise<T> => {
    const started = await resource
    open.push(started)
    return started
  }
}
