import type { AuthStrategy } from '../auth/auth-strategy.js'

/**
 * How a strategy shows itself in a summary: its own `toJSON()` (secrets redacted), or its class name.
 *
 * @internal
 */
export function describeStrategy(strategy: AuthStrategy): unknown {
  const shown = strategy as unknown as { toJSON?: () => unknown }
  return typeof shown.toJSON === 'function' ? shown.toJSON() : (strategy.constructor?.name ?? 'AuthStrategy')
}
