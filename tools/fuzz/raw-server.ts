import { createServer, type Server, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'

/** One request as the raw server read it. */
export interface RawRequest {
  method: string
  path: string
  headers: Record<string, string>
  body: Buffer
  /** 0 for the first request this server received, then 1, 2 ... */
  serial: number
}

/** What a responder may do with the connection. */
export interface ReplyIO {
  /** The server's origin, `http://127.0.0.1:<port>`. */
  readonly origin: string
  write(bytes: string | Buffer): void
  /** Ends the connection after what was written (FIN). */
  end(): void
  /** Sends a TCP reset. */
  reset(): void
  /** Leaves the connection open and reads the next request on it (keep-alive). */
  keepAlive(): void
}

/** Answers one token request with raw bytes; doing nothing at all never answers. */
export type Responder = (io: ReplyIO, request: RawRequest) => void | Promise<void>

/** A node:net server on 127.0.0.1 that answers every request of one fuzz case. */
export interface RawServer extends AsyncDisposable {
  readonly origin: string
  /** Requests received, in order. */
  readonly requests: RawRequest[]
  close(): Promise<void>
}

const HEAD_END = Buffer.from('\r\n\r\n')
const MAX_HEAD = 64 * 1024

/**
 * Starts the server. A request whose path ends in `/resource` (the protected resource a fuzzed
 * client uses its token on) gets `200 ok`; every other request goes to `responder`.
 */
export async function startRawServer(responder: Responder): Promise<RawServer> {
  const sockets = new Set<Socket>()
  const requests: RawRequest[] = []
  let origin = ''
  const server: Server = createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => undefined)
    let buffer = Buffer.alloc(0)
    let busy = false
    const pump = (): void => {
      if (busy || socket.destroyed) return
      const headEnd = buffer.indexOf(HEAD_END)
      if (headEnd === -1) {
        if (buffer.length > MAX_HEAD) socket.destroy()
        return
      }
      const head = buffer.subarray(0, headEnd).toString('latin1').split('\r\n')
      const [method = '', path = ''] = (head[0] ?? '').split(' ')
      const headers: Record<string, string> = {}
      for (const line of head.slice(1)) {
        const colon = line.indexOf(':')
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
      }
      const length = Number(headers['content-length'] ?? 0)
      if (buffer.length < headEnd + 4 + length) return
      const body = buffer.subarray(headEnd + 4, headEnd + 4 + length)
      buffer = buffer.subarray(headEnd + 4 + length)
      const request: RawRequest = { method, path, headers, body: Buffer.from(body), serial: requests.length }
      requests.push(request)
      busy = true
      let keep = false
      const io: ReplyIO = {
        origin,
        write: (bytes) => {
          if (!socket.destroyed) socket.write(bytes)
        },
        end: () => socket.end(),
        reset: () => socket.resetAndDestroy(),
        keepAlive: () => {
          keep = true
        },
      }
      const answer = path.endsWith('/resource') ? resourceResponder : responder
      Promise.resolve()
        .then(() => answer(io, request))
        .catch(() => socket.destroy())
        .finally(() => {
          busy = false
          if (keep) pump()
        })
    }
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk])
      pump()
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  let closing: Promise<void> | undefined
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve())
      for (const socket of sockets) socket.destroy()
    })
    return closing
  }
  return { origin, requests, close, [Symbol.asyncDispose]: close }
}

const resourceResponder: Responder = (io) => {
  io.write('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok')
  io.keepAlive()
}

/** An HTTP/1.1 answer as bytes: a status line, the headers as given, a blank line, the body. */
export function httpMessage(status: number, headers: readonly (readonly [string, string])[], body: string | Buffer = '', reason = 'Fuzz'): Buffer {
  const head = [`HTTP/1.1 ${status} ${reason}`, ...headers.map(([name, value]) => `${name}: ${value}`)].join('\r\n')
  return Buffer.concat([Buffer.from(`${head}\r\n\r\n`, 'latin1'), typeof body === 'string' ? Buffer.from(body, 'utf8') : body])
}
