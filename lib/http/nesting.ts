/**
 * Whether objects and lists nest in `value` more than `levels` deep. It stops looking at that
 * depth, so it never overflows the stack itself: a hostile JSON answer (`[[[[…]]]]`, 100 000
 * levels, which JSON.parse accepts) is caught before anything recursive (structuredClone,
 * JSON.stringify of a token store, a deep freeze) meets it.
 *
 * @internal
 */
export function nestedDeeperThan(value: unknown, levels: number): boolean {
  if (typeof value !== 'object' || value === null) return false
  if (levels === 0) return true
  for (const inner of Object.values(value)) if (nestedDeeperThan(inner, levels - 1)) return true
  return false
}

/** The deepest nesting an answer's field may have: OAuth documents need two or three levels. */
export const MAX_ANSWER_DEPTH = 32
