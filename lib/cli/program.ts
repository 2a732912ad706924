import { readFileSync } from 'node:fs'
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander'
import { EXIT } from './cli-errors.js'
import { PRESET_NAMES } from './cli-presets.js'

/**
 * What a subcommand reads and writes: its streams and environment (the process's own, or a spec's).
 *
 * @internal
 */
export interface CliIO {
  stdout: NodeJS.WritableStream
  stderr: NodeJS.WritableStream
  env: NodeJS.ProcessEnv
}

/**
 * The global options of every subcommand.
 *
 * @internal
 */
export interface GlobalOptions {
  /** `--config <file>`: the config file instead of the XDG one. */
  config?: string
  /** `--json` of the subcommand that runs: machine-readable output (and errors as JSON on stderr). */
  json?: boolean
  /** `--trace`: every OAuth exchange on stderr (redacted), and the stack of an error; credentials are never printed. */
  trace?: boolean
}

const FLOW_CHOICES = ['code', 'device', 'client_credentials', 'oauth1']

/**
 * Runs the `oauth-sessions` command with `args` (without `node` and the script) and resolves with
 * its exit code (DESIGN §11: 0 ok, 1 error, 2 a person must log in, 64 usage). Each subcommand's
 * module is imported only when it runs, so `token` starts fast.
 *
 * @example
 * ```ts
 * process.exitCode = await runCli(['token', 'gh'])
 * ```
 * @internal
 */
export async function runCli(args: readonly string[], io: CliIO = { stdout: process.stdout, stderr: process.stderr, env: process.env }): Promise<number> {
  const run: RunState = { json: false }
  const program = buildProgram(io, run)
  try {
    await program.parseAsync([...args], { from: 'user' })
    return EXIT.ok
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and --version exit 0; every other commander error is a usage error, already printed by commander.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage
    }
    const { reportError } = await import('./report-error.js')
    return reportError(error, { ...program.opts<GlobalOptions>(), json: run.json }, io)
  }
}

/** What the running subcommand asked for that the error report needs: its `--json` flag. */
interface RunState {
  json: boolean
}

/** The `--json` flag of a subcommand. `request` has none: its `--json <data>` is the body, as curl's. */
const JSON_FLAG = ['--json', 'machine-readable output (errors too, as JSON on stderr)'] as const

/**
 * The commander program: global options, subcommands, help with examples. `--config` and `--trace`
 * are program options (anywhere on the line); `--json` belongs to each subcommand, so that
 * `request` can take curl's `--json <data>`.
 */
function buildProgram(io: CliIO, run: RunState): Command {
  const program = new Command('oauth-sessions')
  program
    .description('Log in to OAuth providers, keep their tokens safely, and print a fresh access token for scripts.')
    .version(packageVersion(), '-V, --version')
    .option('--config <file>', 'the config file (default: $XDG_CONFIG_HOME/oauth-sessions/config.json)')
    .option('--trace', 'print every OAuth exchange (method, URL, status, time) on stderr, and the stack of an error; never a credential')
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) })
    .showHelpAfterError('(run with --help for usage)')
    .hook('preAction', async (command, action) => {
      run.json = action.opts<{ json?: unknown }>().json === true
      const { trace } = command.opts<GlobalOptions>()
      const json = run.json
      if (trace !== true) return
      const { setExchangeTrace } = await import('../http/exchange-trace.js')
      // With --json, one JSON object a line on stderr too: {"trace": "..."} before a {"error": ...}.
      setExchangeTrace((line) => io.stderr.write(json === true ? `${JSON.stringify({ trace: line })}\n` : `oauth-sessions: trace: ${line}\n`))
    })
    .addHelpText(
      'after',
      `
Exit codes: 0 ok, 1 error, 2 a person must log in (run \`login\`), 64 usage, 130 Ctrl-C at a prompt.

Examples:
  $ oauth-sessions profile add ci --flow client_credentials --token-url https://idp.example/token \\
      --client-id my-client --client-secret-env CI_CLIENT_SECRET
  $ oauth-sessions login ci
  $ curl -H "Authorization: Bearer $(oauth-sessions token ci)" https://api.example/
  $ oauth-sessions status --json`,
    )
  const globals = (command: Command): GlobalOptions => ({ ...command.optsWithGlobals<GlobalOptions>(), json: run.json })

  const profile = program.command('profile').description('add and list profiles (a provider, a client and a flow)')
  profile
    .command('add')
    .description('add a profile to the config file; secrets only by environment variable name or file path')
    .argument('<name>', 'the profile name: letters, digits, ".", "_" or "-"')
    .addOption(new Option('--flow <flow>', "how tokens are obtained (default: the preset's)").choices(FLOW_CHOICES))
    .addOption(new Option('--preset <provider>', "fill in a provider's endpoints and flow (flags win)").choices(PRESET_NAMES))
    .option('--tenant <tenant>', 'with --preset entra: the tenant (a GUID, a domain, or common)')
    .option('--domain <host>', 'with --preset okta or auth0: your domain (dev-123.okta.com)')
    .option('--issuer <url>', 'the issuer, whose endpoints are discovered')
    .option('--client-id <id>', 'the client id')
    .option('--client-secret-env <VAR>', 'the environment variable holding the client secret')
    .option('--client-secret-file <path>', 'the file holding the client secret')
    .option('--scope <scope>', 'the scope to ask for, space-separated ("read write")')
    .option('--authorization-url <url>', 'the authorization endpoint (instead of --issuer)')
    .option('--token-url <url>', 'the token endpoint (instead of --issuer)')
    .option('--device-authorization-url <url>', 'the device authorization endpoint (instead of --issuer)')
    .option('--revocation-url <url>', 'the revocation endpoint')
    .option('--redirect-uri <url>', 'code flow: the loopback redirect URI (default http://127.0.0.1/; no port or :0 for a free port)')
    .option('--request-token-url <url>', 'OAuth 1: the request token endpoint')
    .option('--authorize-url <url>', 'OAuth 1: the authorization page')
    .option('--access-token-url <url>', 'OAuth 1: the access token endpoint')
    .option('--consumer-key <key>', 'OAuth 1: the consumer key')
    .option('--consumer-secret-env <VAR>', 'OAuth 1: the environment variable holding the consumer secret')
    .option('--consumer-secret-file <path>', 'OAuth 1: the file holding the consumer secret')
    .option('--force', 'replace a profile of the same name')
    .option(...JSON_FLAG)
    // Inline secrets are refused with a clear message (they would stay in shell history and `ps`), not as unknown options.
    .addOption(new Option('--client-secret <secret>').hideHelp())
    .addOption(new Option('--consumer-secret <secret>').hideHelp())
    .addHelpText(
      'after',
      `
Flags that are missing are asked for when stdin is a terminal; otherwise they are a usage error (64).

Examples:
  $ oauth-sessions profile add gh --preset github --client-id Iv1.0123456789abcdef
  $ oauth-sessions profile add work --preset entra --tenant contoso.onmicrosoft.com --client-id 00000000-0000-0000-0000-000000000000
  $ oauth-sessions profile add ci --flow client_credentials --issuer https://idp.example \\
      --client-id my-client --client-secret-env CI_CLIENT_SECRET --scope "read write"
  $ oauth-sessions profile add api --flow client_credentials --token-url https://idp.example/oauth/token \\
      --client-id my-client --client-secret-file ~/.secrets/api-client`,
    )
    .action(async (name: string, options: Record<string, unknown>, command: Command) => {
      const { addProfile } = await import('./profile-command.js')
      await addProfile(name, options, globals(command), io)
    })
  profile
    .command('list')
    .description('list the profiles of the config file (never a secret)')
    .option(...JSON_FLAG)
    .option('--names', 'only the names, one a line (for scripts and shell completion)')
    .addHelpText(
      'after',
      '\nExamples:\n  $ oauth-sessions profile list\n  $ oauth-sessions profile list --json\n  $ for p in $(oauth-sessions profile list --names); do oauth-sessions status "$p"; done',
    )
    .action(async (options: { names?: boolean }, command: Command) => {
      const { listProfiles } = await import('./profile-command.js')
      listProfiles(globals(command), io, options.names === true)
    })

  program
    .command('login')
    .description('get tokens for a profile and store them (client_credentials, device, code, oauth1 with a PIN)')
    .argument('<profile>', 'the profile name')
    .option('--no-browser', 'code and oauth1 flows: print the sign-in URL on stderr instead of opening a browser')
    .option('--timeout <seconds>', 'code, device and oauth1 flows: how long to wait for the person (default: 300)', positiveSeconds)
    .option(...JSON_FLAG)
    .addHelpText(
      'after',
      `
oauth1: the PIN the authorization page shows is asked for on a terminal, else read from the first line of stdin.

Examples:
  $ oauth-sessions login ci
  $ oauth-sessions login gh --no-browser --timeout 600
  $ printf '%s\\n' 1234567 | oauth-sessions login tw`,
    )
    .action(async (name: string, options: { browser?: boolean; timeout?: number }, command: Command) => {
      const { login } = await import('./token-command.js')
      await login(name, globals(command), io, options)
    })

  program
    .command('token')
    .description('print a fresh access token (and nothing else) on stdout, renewing it through the store when needed')
    .argument('<profile>', 'the profile name')
    .option(...JSON_FLAG)
    .addHelpText(
      'after',
      `
With --json: {"access_token", "token_type", "scope", "expires_at" (ISO 8601), "expires_in" (seconds)}; never the refresh token.
Exits 2 when a person must log in first.

Examples:
  $ curl -H "Authorization: Bearer $(oauth-sessions token ci)" https://api.example/
  $ oauth-sessions token ci --json | jq .expires_at`,
    )
    .action(async (name: string, _options: unknown, command: Command) => {
      const { printToken } = await import('./token-command.js')
      await printToken(name, globals(command), io)
    })

  program
    .command('status')
    .description('show which profiles have tokens and when they expire (never the tokens)')
    .argument('[profile]', 'one profile (default: all)')
    .option(...JSON_FLAG)
    .addHelpText('after', '\nExamples:\n  $ oauth-sessions status\n  $ oauth-sessions status ci --json')
    .action(async (name: string | undefined, _options: unknown, command: Command) => {
      const { showStatus } = await import('./status-command.js')
      await showStatus(name, globals(command), io)
    })
  const collect = (value: string, previous: string[] = []): string[] => [...previous, value]
  program
    .command('request')
    .description("send one request with the profile's credentials (curl-like) and print the answer")
    .argument('<profile>', 'the profile name')
    .argument('<url...>', '[METHOD] <url>: the method is GET by default, POST when a body is given')
    .usage('[options] <profile> [METHOD] <url>')
    .option('-H, --header <header>', "a request header, 'Name: value' (repeatable)", collect)
    .option('-d, --data <data>', 'a form-encoded body, as it is (repeatable, joined with &)', collect)
    .option('-j, --json <data>', "a JSON body, as curl's --json (sent with Content-Type: application/json)")
    .option('--form <name=value>', 'a form field, form-encoded (repeatable)', collect)
    .option('--query <name=value>', 'a query parameter appended to the URL (repeatable)', collect)
    .option('-o, --output <file>', 'write the body to this file instead of stdout')
    .option('-i, --include', 'print the status line and the headers before the body')
    .addHelpText(
      'after',
      `
JSON answers are pretty-printed and coloured when stdout is a terminal (NO_COLOR turns the colours off,
FORCE_COLOR forces them); raw otherwise. Exits 0 for 1xx-3xx, 1 for a 4xx or 5xx answer (its body is still
printed), 2 when a person must log in.

Examples:
  $ oauth-sessions request gh https://api.github.com/user
  $ oauth-sessions request api POST https://api.example/items --json '{"name": "x"}' -H 'Accept: application/json'
  $ oauth-sessions request api GET https://api.example/items --query page=2 --include
  $ oauth-sessions request api https://api.example/export -o export.csv`,
    )
    .action(async (name: string, words: string[], options: Record<string, unknown>, command: Command) => {
      const { sendRequest } = await import('./request-command.js')
      await sendRequest(name, words, options, globals(command), io)
    })

  program
    .command('logout')
    .description('revoke the tokens of a profile at the provider (when it can) and forget them')
    .argument('<profile>', 'the profile name')
    .option(...JSON_FLAG)
    .addHelpText('after', '\nExamples:\n  $ oauth-sessions logout gh')
    .action(async (name: string, _options: unknown, command: Command) => {
      const { logout } = await import('./logout-command.js')
      await logout(name, globals(command), io)
    })

  program
    .command('explain')
    .description('OAuth 1: show the normalised parameters, base string and key shape of a signature (never a secret)')
    .argument('<profile>', 'an oauth1 profile')
    .argument('<method>', 'the HTTP method')
    .argument('<url>', 'the URL, with its query')
    .option('--query <name=value>', 'a query parameter to sign too (repeatable)', collect)
    .option('--form <name=value>', 'a form field to sign too (repeatable)', collect)
    .option(...JSON_FLAG)
    .addHelpText('after', '\nExamples:\n  $ oauth-sessions explain tw GET "https://api.x.com/1.1/statuses/home_timeline.json?count=5"')
    .action(async (name: string, method: string, url: string, options: Record<string, unknown>, command: Command) => {
      const { explain } = await import('./explain-command.js')
      await explain(name, method, url, options, globals(command), io)
    })

  program
    .command('completion')
    .description('print a shell completion script (subcommands, options, profile names)')
    .argument('<shell>', 'bash or zsh')
    .addHelpText(
      'after',
      `
Examples:
  $ source <(oauth-sessions completion bash)                  # this shell
  $ oauth-sessions completion bash > ~/.local/share/bash-completion/completions/oauth-sessions
  $ oauth-sessions completion zsh > ~/.zfunc/oauth-sessions.zsh   # then source it from ~/.zshrc`,
    )
    .action(async (shell: string) => {
      const { printCompletion } = await import('./completion-command.js')
      printCompletion(shell, program, io)
    })
  return program
}

/** `--timeout`: a whole number of seconds, at least 1 (a day at most); anything else is a usage error (64). */
function positiveSeconds(value: string): number {
  if (!/^[1-9][0-9]{0,4}$/.test(value) || Number(value) > 86_400) throw new InvalidArgumentError('expected a whole number of seconds from 1 to 86400.')
  return Number(value)
}

/** The package's version, from its package.json (two folders up from both lib/cli and dist/cli). */
function packageVersion(): string {
  const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
  return version
}
