import { ConfigurationError } from '../errors.js'
import { checkProfile, configPath, type Flow, PROFILE_NAME, type Profile, parseConfig, readConfig, writeConfig } from './cli-config.js'
import { UsageError } from './cli-errors.js'
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
  'requestTokenUrl',
  'authorizeUrl',
  'accessTokenUrl',
  'consumerKey',
  'consumerSecretEnv',
  'consumerSecretFile',
] as const satisfies readonly (keyof Profile)[]

/** `clientSecretEnv` → `--client-secret-env`. */
const flagOf = (field: string): string => `--${field.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`

/**
 * `oauth-sessions profile add <name> ...`: checks the flags as the config file's schema would,
 * refuses an inline secret, and writes the profile. An existing profile is replaced only with
 * `--force`.
 *
 * @internal
 */
export function addProfile(name: string, options: Record<string, unknown>, globals: GlobalOptions, io: CliIO): void {
  for (const inline of ['clientSecret', 'consumerSecret'] as const) {
    if (options[inline] !== undefined) {
      throw new UsageError(
        `${flagOf(inline)} is refused: a secret on the command line stays in shell history and is visible in \`ps\`. Use ${flagOf(`${inline}Env`)} VAR (an environment variable name) or ${flagOf(`${inline}File`)} PATH instead.`,
      )
    }
  }
  if (!PROFILE_NAME.test(name)) throw new UsageError('A profile name is a letter or digit, then letters, digits, ".", "_" or "-" (at most 64).')
  const profile: Profile = { flow: options.flow as Flow }
  for (const field of FIELDS) {
    if (typeof options[field] === 'string') profile[field] = options[field]
  }
  checkProfile(name, profile, '', flagOf)
  const path = configPath(globals.config, io.env)
  const config = readConfig(path)
  if (Object.hasOwn(config.profiles, name) && options.force !== true) {
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
  if (globals.json === true) io.stdout.write(`${JSON.stringify({ added: name, path })}\n`)
  else io.stdout.write(`Profile ${JSON.stringify(name)} saved in ${path}.\n`)
}

/**
 * `oauth-sessions profile list`: the profiles, their flow and endpoints, and where each secret
 * comes from (the variable name or file path, never the secret).
 *
 * @internal
 */
export function listProfiles(globals: GlobalOptions, io: CliIO): void {
  const path = configPath(globals.config, io.env)
  const { profiles } = readConfig(path)
  const names = Object.keys(profiles).sort()
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
