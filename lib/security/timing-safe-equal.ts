import { createHash, timingSafeEqual } from 'node:crypto'

/**
 * Compares two secrets (tokens, passwords, `state` values) in constant time, whatever their
 * lengths: both are hashed first so that neither the content nor the length leaks through timing.
 *
 * @example
 * ```ts
 * import { timingSafeEqualText } from 'oauth-sessions'
 * if (!timingSafeEqualText(returnedState, expectedState)) throw new Error('state mismatch')
 * ```
 * @group Auth
 */
export function timingSafeEqualText(a: string, b: string): boolean {
  const left = createHash('sha256').update(a, 'utf8').digest()
  const right = createHash('sha256').update(b, 'utf8').digest()
  return timingSafeEqual(left, right)
}
