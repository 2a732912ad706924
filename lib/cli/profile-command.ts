import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { ConfigurationError } from '../errors.js'
import { checkProfile, configPath, type Flow, missingFields, PROFILE_NAME, type Profile, parseConfig, readConfig, writeConfig } from './cli-config.js'
import { UsageError } from './cli-errors.js'
import { presetFields } from './cli-presets.js'
import type { CliIO, GlobalOptions } from './program.js'

/** `profile add` flags (commander's camelCase) → profile fields; the same names, on purpose. */
const FIELDS = [
  'issuer',
  'clientId',
  'clientSecretEnv',
  'clientSecretFile',
  'scope',
  'authorizationUrl',
  'tokenUrl',
  'deviceAuthorizationUrl',
  'revocationUrl',
  'redirectUri',
  'requestTokenUrl',
  'authorizeUrl',
  'accessTokenUrl',
  'consumerKey',
  'consumerSecretEnv',
  'consumerSecretFile',
] as const satisfies readonly (keyof Profile)[]

/** `clientSecretEnv` → `--client-secret-env`. */
const flagOf = (field: string): string => `--${field.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`

/** How `profile add` names a missing field: its flag, and the alternative for a secret. */
const describeFlag = (key: string): string =>
  key === 'clientSecretEnv' || key === 'consumerSecretEnv' ? `${flagOf(key)} (or ${flagOf(key.replace(/Env$/, 'File'))})` : flagOf(key)

/**
 * `oauth-sessions profile add <name> ...`: fills in a `--preset`'s endpoints and flow (explicit
 * flags win), asks for what is still missing when stdin is a terminal (or names every missing
 * flag, exit 64, when it is not), checks the profile as the config file's schema would, refuses
 * an inline secret, and writes the profile. An existing profile is replaced only with `--force`.
 *
 * @internal
 */
export async function addProfile(name: string, options: Record<string, unknown>, globals: GlobalOptions, io: CliIO): Promise<void> {
  for (const inline of ['clientSecret', 'consumerSecret'] as const) {
    if (options[inline] !== undefined) {
      throw new UsageError(
        `${flagOf(inline)} is refused: a secret on the command line stays in shell history and is visible in \`ps\`. Use ${flagOf(`${inline}Env`)} VAR (an environment variable name) or ${flagOf(`${inline}File`)} PATH instead.`,
      )
    }
  }
  if (!PROFILE_NAME.test(name)) throw new UsageError('A profile name is a letter or digit, then letters, digits, ".", "_" or "-" (at most 64).')
  const preset = typeof options.preset === 'string' ? presetFields(options.preset, { tenant: options.tenant, domain: options.domain }) : undefined
  if (preset === undefined && (options.tenant !== undefined || options.domain !== undefined)) {
    throw new UsageError(`--${options.tenant !== undefined ? 'tenant' : 'domain'} goes with --preset (entra needs --tenant; okta and auth0 need --domain).`)
  }
  const flow = (options.flow as Flow | undefined) ?? preset?.flow
  let profile: Partial<Profile> = { ...preset?.fields, ...(flow === undefined ? {} : { flow }) }
  for (const field of FIELDS) {
    if (typeof options[field] === 'string') profile[field] = options[field]
  }
  const missing = profile.flow === undefined ? ['flow'] : missingFields(profile as Profile).map(({ key }) => key)
  if (missing.length > 0) {
    if (process.stdin.isTTY !== true) {
      throw new UsageError(
        `profile add ${name} is missing ${missing.map((key) => (key === 'flow' ? '--flow (or --preset)' : describeFlag(key))).join(', ')}; stdin is not a terminal, so nothing can be asked. Pass them as flags.`,
      )
    }
    const { askMissing } = await import('./profile-prompts.js')
    profile = await askMissing(name, profile)
  }
  checkProfile(name, profile as Profile, '', flagOf)
  const path = configPath(globals.config, io.env)
  // Read, change and write under a lock: two `profile add` at once would each write the file they
  // read, and one profile would be lost.
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
  const { lock } = await import('proper-lockfile')
  const release = await lock(path, { realpath: false, stale: 10_000, retries: { retries: 50, minTimeout: 20, maxTimeout: 200 } })
  try {
    addToConfig(path, name, profile as Profile, options.force === true)
  } finally {
    await release()
  }
  if (globals.json === true) io.stdout.write(`${JSON.stringify({ added: name, path })}\n`)
  else io.stdout.write(`Profile ${JSON.stringify(name)} saved in ${path}.\n`)
}

/** The read-change-write of `profile add`, run under the config file's lock. */
function addToConfig(path: string, name: string, profile: Profile, force: boolean): void {
  const config = readConfig(path)
  if (Object.hasOwn(config.profiles, name) && !force) {
    throw new UsageError(`Profile ${JSON.stringify(name)} exists already in ${path}; pass --force to replace it.`)
  }
  config.profiles[name] = profile
  // Checked as the file will be read back, so a wrong URL or variable name is refused now, naming its flag.
  try {
    parseConfig(config, path)
  } catch (error) {
    // The schema names `profiles.<name>.<field>`; the person typed a flag.
    if (error instanceof ConfigurationError && error.option.startsWith(`profiles.${name}.`)) {
      const flag = flagOf(error.option.slice(`profiles.${name}.`.length))
      throw new ConfigurationError(flag, `${flag} is not valid: ${error.message.replace(/^.*?profiles\.[^:]+: /, '')}`)
    }
    throw error
  }
  writeConfig(path, config)
}

/**
 * `oauth-sessions profile list`: the profiles, their flow and endpoints, and where each secret
 * comes from (the variable name or file path, never the secret); `namesOnly` (`--names`): the
 * names alone, one a line.
 *
 * @internal
 */
export function listProfiles(globals: GlobalOptions, io: CliIO, namesOnly = false): void {
  const path = configPath(globals.config, io.env)
  const { profiles } = readConfig(path)
  const names = Object.keys(profiles).sort()
  if (namesOnly) {
    io.stdout.write(names.map((name) => `${name}\n`).join(''))
    return
  }
  if (globals.json === true) {
    io.stdout.write(`${JSON.stringify({ path, profiles: names.map((name) => ({ name, ...profiles[name] })) }, null, 2)}\n`)
    return
  }
  if (names.length === 0) {
    io.stdout.write(`No profiles in ${path}. Add one with \`oauth-sessions profile add <name> --flow ...\`.\n`)
    return
  }
  for (const name of names) {
    const profile = profiles[name] as Profile
    const where = profile.issuer ?? profile.tokenUrl ?? profile.requestTokenUrl ?? ''
    io.stdout.write(`${name}\t${profile.flow}\t${where}\n`)
  }
}
