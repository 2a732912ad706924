import { type OptionsSchema, optionKeys } from './parse-options.js'
import { sessionOptionsSchema, type SessionOptions } from './session-options.js'

/**
 * Splits a subclass's options into the Session's and its own, so that the Session's strict
 * parse sees only its own options. `own` is the subclass's schema: its keys the
 * Session does not know go to `own`, all others to `sessionOptions`, so that an unknown key
 * still reaches the Session's parse and is rejected by name.
 *
 * @internal
 */
export function splitOptions<T extends SessionOptions, K extends keyof T>(
  options: T,
  own: OptionsSchema,
): { sessionOptions: SessionOptions; own: Partial<Pick<T, K>> } {
  const sessionKeys = optionKeys(sessionOptionsSchema())
  const ownKeys = optionKeys(own)
  const sessionOptions: Record<string, unknown> = {}
  const picked: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(options as Record<string, unknown>)) {
    if (ownKeys.has(key) && !sessionKeys.has(key)) picked[key] = value
    else sessionOptions[key] = value
  }
  return { sessionOptions: sessionOptions as SessionOptions, own: picked as Partial<Pick<T, K>> }
}
