import { UsageError } from './cli-errors.js'

/**
 * `name=value` of `--query` and `--form` (request and explain).
 *
 * @internal
 */
export function nameValuePair(item: string, flag: string): [string, string] {
  const equals = item.indexOf('=')
  if (equals <= 0) throw new UsageError(`${flag} takes name=value, such as ${flag} page=2.`)
  return [item.slice(0, equals), item.slice(equals + 1)]
}
