import { debuglog, format } from 'node:util'

const debug = debuglog('oauth-sessions')

let sink: ((line: string) => void) | undefined

/**
 * Sends the Session's one line per exchange (`METHOD <redacted URL> -> <status> <scrubbed reason>
 * (<ms> ms)`) to `trace` as well as to `NODE_DEBUG=oauth-sessions`; `undefined` stops it. The
 * lines are the ones the debug log already writes: the URL through `redactUrl`, the reason
 * phrase scrubbed of the request's secret values, never a header or a body. The command's
 * `--trace` uses it.
 *
 * @example
 * ```ts
 * setExchangeTrace((line) => process.stderr.write(`trace: ${line}\n`))
 * ```
 * @internal
 */
export function setExchangeTrace(trace: ((line: string) => void) | undefined): void {
  sink = trace
}

/** Whether an exchange line is wanted (the debug log or a trace), so that it is built only then. @internal */
export function exchangeTraceEnabled(): boolean {
  return debug.enabled || sink !== undefined
}

/** Writes one exchange line, formatted as `util.format` does, to the debug log and the trace. @internal */
export function traceExchange(template: string, ...values: unknown[]): void {
  if (debug.enabled) debug(template, ...values)
  sink?.(format(template, ...values))
}
