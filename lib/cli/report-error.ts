import { EXIT } from './cli-errors.js'
import type { CliIO, GlobalOptions } from './program.js'

/** Error codes after which only a person can go on: the command exits 2. */
const LOGIN_REQUIRED = new Set(['ERR_LOGIN_REQUIRED', 'ERR_REAUTHORIZATION_REQUIRED'])

/**
 * Prints a failed subcommand's error on stderr and returns the exit code: one line
 * (`oauth-sessions: <message>`), a JSON object with `--json`, the stack and its causes with
 * `--trace`. The library's messages never hold a credential, so neither does this.
 *
 * @internal
 */
export function reportError(error: unknown, globals: GlobalOptions, io: CliIO): number {
  const code = typeof (error as { code?: unknown })?.code === 'string' ? (error as { code: string }).code : 'ERR_UNEXPECTED'
  const exitCode = code === 'ERR_USAGE' ? EXIT.usage : LOGIN_REQUIRED.has(code) ? EXIT.loginRequired : EXIT.error
  const message = error instanceof Error ? error.message : String(error)
  if (globals.json === true) {
    io.stderr.write(`${JSON.stringify({ error: { code, message, exitCode } })}\n`)
  } else {
    io.stderr.write(`oauth-sessions: ${message.replace(/\s*\n\s*/g, ' ')}\n`)
  }
  if (globals.trace === true) io.stderr.write(`${traceOf(error)}\n`)
  return exitCode
}

/** The stack of the error and of each cause, never the thrown value's other properties (a response, a request). */
function traceOf(error: unknown): string {
  const lines: string[] = []
  let current: unknown = error
  for (let depth = 0; current !== undefined && depth < 5; depth++) {
    lines.push(depth === 0 ? '' : 'Caused by:', current instanceof Error ? (current.stack ?? current.message) : `(a ${typeof current} was thrown)`)
    current = current instanceof Error ? current.cause : undefined
  }
  return lines.filter(Boolean).join('\n')
}
