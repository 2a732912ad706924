import type { SessionOptions } from './session-options.js'

/**
 * Splits a subclass's options into its own keys and the Session's, so that the Session's
 * strict validation sees only its own options.
 *
 * @internal
 */
export function splitOptions<T extends SessionOptions, K extends keyof T>(
  options: T,
  ownKeys: readonly K[],
): { sessionOptions: SessionOptions; own: Partial<Pick<T, K>> } {
  const sessionOptions: Record<string, unknown> = { ...(options as Record<string, unknown>) }
  const own: Record<string, unknown> = {}
  for (const key of ownKeys) {
    if (key in sessionOptions) {
      own[key as string] = sessionOptions[key as string]
      delete sessionOptions[key as string]
    }
  }
  return { sessionOptions: sessionOptions as SessionOptions, own: own as Partial<Pick<T, K>> }
}
