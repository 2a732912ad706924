import { OAuthSessionsError } from '../errors.js'

/**
 * The exit codes of the `oauth-sessions` command (DESIGN §11): 0 ok, 1 error, 2 a person must log
 * in, 64 usage (sysexits' EX_USAGE), and 130 when Ctrl-C stops a prompt (128 + SIGINT, what a shell
 * reports for a command stopped by Ctrl-C).
 *
 * @internal
 */
export const EXIT = { ok: 0, error: 1, loginRequired: 2, usage: 64, interrupted: 130 } as const

/**
 * Thrown when the command line is wrong in a way commander cannot see (an inline secret, a flow
 * that lacks a flag it needs); the command exits 64.
 *
 * @internal
 */
export class UsageError extends OAuthSessionsError {
  override name = 'UsageError'
  override code = 'ERR_USAGE'
}

/**
 * Thrown when a profile has no usable token and only a person can get one (`login <profile>`);
 * the command exits 2 so that a script can tell.
 *
 * @internal
 */
export class LoginRequiredError extends OAuthSessionsError {
  override name = 'LoginRequiredError'
  override code = 'ERR_LOGIN_REQUIRED'
  /** The profile to log in with. */
  readonly profile: string

  constructor(profile: string, why: string) {
    super(`${why}: a person must log in. Run \`oauth-sessions login ${profile}\`.`)
    this.profile = profile
  }
}

/**
 * Thrown when a subcommand names a profile the config file does not have.
 *
 * @internal
 */
export class UnknownProfileError extends OAuthSessionsError {
  override name = 'UnknownProfileError'
  override code = 'ERR_UNKNOWN_PROFILE'
  /** The name that was asked for. */
  readonly profile: string

  constructor(profile: string, configPath: string) {
    super(
      `No profile named ${JSON.stringify(profile)} in ${configPath}. Run \`oauth-sessions profile list\`, or add it with \`oauth-sessions profile add ${profile} ...\`.`,
    )
    this.profile = profile
  }
}

/**
 * Thrown when a device-flow `login` was not approved in time: within `login --timeout` seconds,
 * or within the device code's own lifetime when that is shorter. The command exits 1.
 *
 * @internal
 */
export class LoginTimeoutError extends OAuthSessionsError {
  override name = 'LoginTimeoutError'
  override code = 'ERR_LOGIN_TIMEOUT'
  /** The seconds waited. */
  readonly timeout: number

  constructor(profile: string, timeout: number, codeExpired: boolean) {
    super(
      codeExpired
        ? `The device code expired after ${timeout} seconds before it was approved. Run \`oauth-sessions login ${profile}\` again and approve the new code in time.`
        : `The device code was not approved within ${timeout} seconds (login --timeout ${timeout}). Run \`oauth-sessions login ${profile}\` again, with a longer --timeout if needed.`,
    )
    this.timeout = timeout
  }
}
