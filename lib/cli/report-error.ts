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
  // @inquirer/prompts rejects with ExitPromptError when Ctrl-C stops a question; every prompt comes
  // before anything is written.
  if ((error as { name?: unknown })?.name === 'ExitPromptError') {
    io.stderr.write(
      globals.json === true
        ? `${JSON.stringify({ error: { code: 'ERR_CANCELLED', message: 'cancelled', exitCode: EXIT.interrupted } })}\n`
        : 'oauth-sessions: cancelled; nothing was written.\n',
    )
    return EXIT.interrupted
  }
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

/**
 * The stack of the error, and of each cause its name, code and frames only: a cause may come from
 * outside the library (a token store of your own, a driver) and quote a token in its message, so
 * no cause's message is printed. Never the thrown value's other properties (a response, a request).
 */
function traceOf(error: unknown): string {
  const lines: string[] = []
  let current: unknown = error
  for (let depth = 0; current !== undefined && depth < 5; depth++) {
    if (!(current instanceof Error)) lines.push(`Caused by: (a ${typeof current} was thrown)`)
    else if (depth === 0) lines.push(current.stack ?? current.message)
    else lines.push(`Caused by: ${causeHeading(current)}`, ...framesOf(current))
    current = current instanceof Error ? current.cause : undefined
  }
  return lines.join('\n')
}

function causeHeading(cause: Error): string {
  const code = (cause as { code?: unknown }).code
  return typeof code === 'string' ? `${cause.name} (${code})` : cause.name
}

/** The `at …` lines of a stack, without the message above them. */
function framesOf(cause: Error): string[] {
  return (cause.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line))
}
