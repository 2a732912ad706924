import { OAuthSessionsError } from '../errors.js'

/**
 * Thrown by a fetch from {@link authFetch} when a redirect that keeps the body (307, 308) would
 * send a streamed body (a `ReadableStream` or async iterable) a second time: a stream is read once,
 * as it is sent. Pass the body as a string, bytes or `URLSearchParams` to let the redirect be
 * followed, or `redirect: 'manual'` to handle it yourself.
 *
 * @example
 * ```ts
 * import { authFetch, BearerAuth, BodyNotReplayableError } from 'oauth-sessions'
 * const fetchWithAuth = authFetch(new BearerAuth(process.env.ACCESS_TOKEN ?? ''))
 * const upload = new Blob(['report']).stream()
 * try { await fetchWithAuth('https://api.example.com/upload', { method: 'PUT', body: upload, duplex: 'half' } as RequestInit) }
 * catch (error) { if (error instanceof BodyNotReplayableError) console.error(error.status) }
 * ```
 * @group Errors
 */
export class BodyNotReplayableError extends OAuthSessionsError {
  /** Always `'BodyNotReplayableError'`. */
  override name = 'BodyNotReplayableError'
  /** Always `'ERR_BODY_NOT_REPLAYABLE'`: a stable value to branch on, unlike the message. */
  override code = 'ERR_BODY_NOT_REPLAYABLE'
  /** The redirect status that asked for the body again. */
  readonly status: number

  constructor(status: number) {
    super(
      `The server answered ${status}, a redirect that re-sends the body, but the body was a stream, which is read only once. ` +
        "Pass the body as a string, bytes or URLSearchParams, or pass redirect: 'manual' to handle the redirect yourself.",
    )
    this.status = status
  }
}
