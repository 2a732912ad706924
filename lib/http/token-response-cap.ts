import { ResponseTooLargeError } from './http-errors.js'
import type { Session } from './session.js'

/**
 * Sends a request whose answer is a token or another authorization answer under the Session's
 * `maxTokenResponseSize` instead of its API cap, so that a refusal names the option to raise.
 *
 * @internal
 */
export async function underTokenCap<T>(session: Session, send: (cap: { maxResponseSize: number | null }) => Promise<T>): Promise<T> {
  try {
    return await send({ maxResponseSize: session.maxTokenResponseSize })
  } catch (error) {
    if (!(error instanceof ResponseTooLargeError) || error.option !== 'maxResponseSize') throw error
    throw new ResponseTooLargeError(error.method, error.url, error.limit, error.received, 'maxTokenResponseSize')
  }
}
