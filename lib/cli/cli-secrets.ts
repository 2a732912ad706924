import { readFileSync } from 'node:fs'
import { ConfigurationError } from '../errors.js'
import type { Profile } from './cli-config.js'

/**
 * A profile's client secret, read from the environment variable or the file it names, or
 * `undefined` when it names neither. A missing variable or file is a {@link ConfigurationError}
 * naming the variable or the field, never a value.
 *
 * @internal
 */
export function clientSecretOf(name: string, profile: Profile, env: NodeJS.ProcessEnv): string | undefined {
  if (profile.clientSecretEnv !== undefined) {
    const secret = env[profile.clientSecretEnv]
    if (secret === undefined || secret === '') {
      throw new ConfigurationError(
        'clientSecretEnv',
        `Profile ${JSON.stringify(name)} reads its client secret from $${profile.clientSecretEnv}, which is not set. Export it and run again.`,
      )
    }
    return secret
  }
  if (profile.clientSecretFile !== undefined) {
    let secret: string
    try {
      secret = readFileSync(profile.clientSecretFile, 'utf8').trim()
    } catch (error) {
      throw new ConfigurationError(
        'clientSecretFile',
        `Profile ${JSON.stringify(name)} reads its client secret from ${profile.clientSecretFile}, which cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}).`,
      )
    }
    if (secret === '') throw new ConfigurationError('clientSecretFile', `The client secret file of profile ${JSON.stringify(name)} is empty.`)
    return secret
  }
  return undefined
}
