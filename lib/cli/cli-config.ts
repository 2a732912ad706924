import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, isAbsolute, join } from 'node:path'
import { randomBytes } from 'node:crypto'
import type { z } from 'zod'
import { lazySchema } from '../http/lazy-schema.js'
import { ConfigurationError } from '../errors.js'

/** The flows a profile can name (DESIGN §11). @internal */
export const FLOWS = ['code', 'device', 'client_credentials', 'oauth1'] as const

/** How a profile gets its tokens. @internal */
export type Flow = (typeof FLOWS)[number]

/**
 * One profile of the config file: where the provider is, who the client is, and where its secret
 * comes from (an environment variable or a file, never the config file itself).
 *
 * @internal
 */
export interface Profile {
  flow: Flow
  issuer?: string
  clientId?: string
  clientSecretEnv?: string
  clientSecretFile?: string
  scope?: string
  authorizationUrl?: string
  tokenUrl?: string
  deviceAuthorizationUrl?: string
  revocationUrl?: string
  /** `code` flow: the loopback redirect URI (`http://127.0.0.1/` by default); no port or port 0 is a free port. */
  redirectUri?: string
  requestTokenUrl?: string
  authorizeUrl?: string
  accessTokenUrl?: string
  consumerKey?: string
  consumerSecretEnv?: string
  consumerSecretFile?: string
}

/**
 * The config file: its profiles and, optionally, the file holding the token encryption key.
 *
 * @internal
 */
export interface CliConfig {
  version: 1
  /** A file holding the EncryptedTokenStore key (base64 of 32 bytes); `OAUTH_SESSIONS_KEY` wins over it. */
  keyFile?: string
  profiles: Record<string, Profile>
}

/** Profile names: a letter or digit, then letters, digits, `.`, `_` or `-`; at most 64. */
export const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/

const MAX_CONFIG_BYTES = 1024 * 1024
const url = lazySchema((z) => z.url({ protocol: /^https?$/ }).max(2048))

/**
 * Whether `value` is a URL the config file takes for an endpoint or an issuer (absolute http or
 * https, at most 2048 characters): true, or what is wrong, for a prompt to show as it is typed.
 *
 * @internal
 */
export function checkProfileUrl(value: string): true | string {
  return url().safeParse(value.trim()).success ? true : 'Give an absolute http(s) URL, such as https://idp.example/oauth/token.'
}
const text = lazySchema((z) => z.string().min(1).max(2048))
const envName = lazySchema((z) => z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'an environment variable name, such as GITHUB_CLIENT_SECRET'))

/**
 * Whether `value` is an environment variable name the config file takes: true, or what is wrong.
 *
 * @internal
 */
export function checkVariableName(value: string): true | string {
  return envName().safeParse(value.trim()).success
    ? true
    : 'Give an environment variable name, such as GITHUB_CLIENT_SECRET (the secret itself is never stored).'
}
const filePath = lazySchema((z) => z.string().min(1).max(4096))
const LOOPBACK_REDIRECT =
  'an http loopback URL for the redirect listener: http://127.0.0.1/, http://[::1]:8400/callback or http://localhost:8400/ (no port, or port 0, for a free port), without a fragment or user info'
const loopbackRedirect = lazySchema((z) =>
  z
    .url({ protocol: /^http$/, hostname: /^(127\.0\.0\.1|\[::1\]|localhost)$/, error: LOOPBACK_REDIRECT })
    .max(2048)
    .refine((value) => {
      if (!URL.canParse(value) || value.includes('#')) return false
      const { username, password } = new URL(value)
      return username === '' && password === ''
    }, LOOPBACK_REDIRECT),
)

const profileSchema = lazySchema(
  (z) =>
    z.strictObject({
      flow: z.enum(FLOWS),
      issuer: url().optional(),
      clientId: text().optional(),
      clientSecretEnv: envName().optional(),
      clientSecretFile: filePath().optional(),
      scope: z.string().max(2048).optional(),
      authorizationUrl: url().optional(),
      tokenUrl: url().optional(),
      deviceAuthorizationUrl: url().optional(),
      revocationUrl: url().optional(),
      redirectUri: loopbackRedirect().optional(),
      requestTokenUrl: url().optional(),
      authorizeUrl: url().optional(),
      accessTokenUrl: url().optional(),
      consumerKey: text().optional(),
      consumerSecretEnv: envName().optional(),
      consumerSecretFile: filePath().optional(),
    }) satisfies z.ZodType<Profile>,
)

const configSchema = lazySchema(
  (z) =>
    z.strictObject({
      version: z.literal(1),
      keyFile: filePath().optional(),
      profiles: z.record(z.string().regex(PROFILE_NAME, 'a profile name: letters, digits, ".", "_" or "-"'), profileSchema()),
    }) satisfies z.ZodType<CliConfig>,
)

/** Keys that would put a secret in the file; refused with a pointer to the *Env / *File keys. */
const INLINE_SECRETS = ['clientSecret', 'consumerSecret', 'secret', 'password', 'accessToken', 'refreshToken'] as const

/**
 * Where the config file is: `--config`, else `$XDG_CONFIG_HOME/oauth-sessions/config.json`, else
 * `~/.config/oauth-sessions/config.json`. A relative XDG path is ignored, as the XDG spec says.
 *
 * @internal
 */
export function configPath(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit !== undefined) return explicit
  const base = env.XDG_CONFIG_HOME
  return join(base !== undefined && isAbsolute(base) ? base : join(homedir(), '.config'), 'oauth-sessions', 'config.json')
}

/**
 * Where the tokens are: `$XDG_STATE_HOME/oauth-sessions/`, else `~/.local/state/oauth-sessions/`.
 *
 * @internal
 */
export function stateFolder(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_STATE_HOME
  return join(base !== undefined && isAbsolute(base) ? base : join(homedir(), '.local', 'state'), 'oauth-sessions')
}

/**
 * Reads and checks the config file; a missing file is an empty config. Anything else wrong (not
 * JSON, too big, a wrong field, an inline secret) is a {@link ConfigurationError} naming the file
 * and the field, never a value.
 *
 * @internal
 */
export function readConfig(path: string): CliConfig {
  let raw: string
  try {
    if (statSync(path).size > MAX_CONFIG_BYTES) throw new ConfigurationError('config', `Config file ${path} is larger than 1 MB; it is not read.`)
    raw = readFileSync(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, profiles: {} }
    if (error instanceof ConfigurationError) throw error
    throw new ConfigurationError('config', `Config file ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}).`)
  }
  let data: unknown
  try {
    data = JSON.parse(raw)
  } catch {
    throw new ConfigurationError('config', `Config file ${path} is not valid JSON. Fix it, or move it away and add the profiles again.`)
  }
  return parseConfig(data, path)
}

/**
 * Checks parsed config data (from the file, or about to be written to it) against the schema and
 * each profile's flow, naming the file and the field of the first problem.
 *
 * @internal
 */
export function parseConfig(data: unknown, path: string): CliConfig {
  refuseInlineSecrets(data, path)
  const result = configSchema().safeParse(data)
  if (!result.success) {
    const error = ConfigurationError.fromZod(result.error, `config file ${path}`)
    throw new ConfigurationError(error.option, error.message)
  }
  const config = result.data as CliConfig
  for (const [name, profile] of Object.entries(config.profiles)) checkProfile(name, profile, `profiles.${name}`)
  return config
}

/**
 * Reads the config, lets `change` edit it, and writes it back, under a lock on the file
 * (proper-lockfile, as the token store uses): parallel `profile add` runs each keep their profile
 * instead of the last writer's copy replacing the others'. `change` may throw to write nothing.
 *
 * @internal
 */
export async function updateConfig<T>(path: string, change: (config: CliConfig) => T): Promise<T> {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
  const { lock } = await import('proper-lockfile')
  const release = await lock(path, {
    realpath: false,
    stale: 10_000,
    retries: { retries: 200, factor: 1, minTimeout: 5, maxTimeout: 25, randomize: true },
  }).catch(() => {
    throw new ConfigurationError('config', `Config file ${path} is locked by another oauth-sessions run (${path}.lock); try again.`)
  })
  try {
    const config = readConfig(path)
    const result = change(config)
    writeConfig(path, config)
    return result
  } finally {
    await release()
  }
}

/**
 * Writes the config file atomically (a temporary file renamed over it), mode 0600, creating its
 * folder (0700).
 *
 * @internal
 */
export function writeConfig(path: string, config: CliConfig): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`
  try {
    writeFileSync(temporary, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600, flag: 'wx' })
    renameSync(temporary, path)
  } catch (error) {
    rmSync(temporary, { force: true })
    throw error
  }
}

/**
 * Checks that a profile has what its flow needs, naming the first missing field as `prefix.field`
 * (`profiles.gh.tokenUrl` in the file, the flag name from `profile add`).
 *
 * @internal
 */
export function checkProfile(name: string, profile: Profile, prefix: string, field: (key: string) => string = (key) => `${prefix}.${key}`): void {
  if (profile.clientSecretEnv !== undefined && profile.clientSecretFile !== undefined) {
    throw new ConfigurationError(
      field('clientSecretFile'),
      `Profile ${JSON.stringify(name)} names both ${field('clientSecretEnv')} and ${field('clientSecretFile')}: keep one.`,
    )
  }
  if (profile.redirectUri !== undefined && profile.flow !== 'code') {
    throw new ConfigurationError(field('redirectUri'), `Profile ${JSON.stringify(name)} has ${field('redirectUri')}, which only the code flow uses: remove it.`)
  }
  const [first] = missingFields(profile)
  if (first !== undefined) throw new ConfigurationError(field(first.key), `Profile ${JSON.stringify(name)} needs ${field(first.key)}: ${first.why}.`)
}

/**
 * What a profile's flow needs and the profile lacks, in the order to ask for it: each field and
 * why it is needed. A secret wanted from a variable or a file is named by its variable field
 * (`clientSecretEnv`, `consumerSecretEnv`); endpoints an issuer would give are not wanted with one.
 *
 * @internal
 */
export function missingFields(profile: Profile): { key: keyof Profile; why: string }[] {
  const missing: { key: keyof Profile; why: string }[] = []
  const need = (key: keyof Profile, why: string): void => {
    if (profile[key] === undefined) missing.push({ key, why })
  }
  switch (profile.flow) {
    case 'oauth1':
      need('requestTokenUrl', 'the OAuth 1 flow starts there')
      need('authorizeUrl', 'the person approves there')
      need('accessTokenUrl', 'the OAuth 1 flow ends there')
      need('consumerKey', 'it identifies the application')
      if (profile.consumerSecretEnv === undefined && profile.consumerSecretFile === undefined)
        need('consumerSecretEnv', 'OAuth 1 signs with the consumer secret')
      break
    case 'client_credentials':
      need('clientId', 'it identifies the client')
      if (profile.clientSecretEnv === undefined && profile.clientSecretFile === undefined)
        need('clientSecretEnv', 'the client credentials grant authenticates with the client secret')
      if (profile.issuer === undefined) need('tokenUrl', 'the token endpoint (or an issuer to discover it from)')
      break
    case 'device':
      need('clientId', 'it identifies the client')
      if (profile.issuer === undefined) need('deviceAuthorizationUrl', 'the device authorization endpoint (or an issuer to discover it from)')
      if (profile.issuer === undefined) need('tokenUrl', 'the token endpoint (or an issuer to discover it from)')
      break
    case 'code':
      need('clientId', 'it identifies the client')
      if (profile.issuer === undefined) need('authorizationUrl', 'the authorization endpoint (or an issuer to discover it from)')
      if (profile.issuer === undefined) need('tokenUrl', 'the token endpoint (or an issuer to discover it from)')
      break
  }
  return missing
}

/** A config file holding a secret is refused outright, naming the key and where the secret goes instead. */
function refuseInlineSecrets(data: unknown, path: string): void {
  if (typeof data !== 'object' || data === null) return
  const profiles = (data as { profiles?: unknown }).profiles
  if (typeof profiles !== 'object' || profiles === null) return
  for (const [name, profile] of Object.entries(profiles)) {
    if (typeof profile !== 'object' || profile === null) continue
    for (const key of INLINE_SECRETS) {
      if (Object.hasOwn(profile, key)) {
        throw new ConfigurationError(
          `profiles.${name}.${key}`,
          `Config file ${path} holds a secret inline (profiles.${name}.${key}); secrets are never kept in the config file. Remove it and name an environment variable (clientSecretEnv, consumerSecretEnv) or a file (clientSecretFile, consumerSecretFile) instead.`,
        )
      }
    }
  }
}
