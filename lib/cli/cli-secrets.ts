import { readFileSync } from 'node:fs'
import { ConfigurationError } from '../errors.js'
import type { Profile } from './cli-config.js'

/** Where a profile names one of its secrets: the variable and the file fields, and what the secret is called. */
const SECRET_FIELDS = {
  client: { env: 'clientSecretEnv', file: 'clientSecretFile', label: 'client secret' },
  consumer: { env: 'consumerSecretEnv', file: 'consumerSecretFile', label: 'consumer secret' },
} as const

/**
 * A profile's client secret (or, with `kind: 'consumer'`, its OAuth 1 consumer secret), read from
 * the environment variable or the file it names, or `undefined` when it names neither. A missing
 * variable or file is a {@link ConfigurationError} naming the variable or the field, never a value.
 *
 * @internal
 */
export function clientSecretOf(name: string, profile: Profile, env: NodeJS.ProcessEnv, kind: keyof typeof SECRET_FIELDS = 'client'): string | undefined {
  const fields = SECRET_FIELDS[kind]
  const variable = profile[fields.env]
  if (variable !== undefined) {
    const secret = env[variable]
    if (secret === undefined || secret === '') {
      throw new ConfigurationError(
        fields.env,
        `Profile ${JSON.stringify(name)} reads its ${fields.label} from $${variable}, which is not set. Export it and run again.`,
      )
    }
    return secret
  }
  const file = profile[fields.file]
  if (file !== undefined) {
    let secret: string
    try {
      secret = readFileSync(file, 'utf8').trim()
    } catch (error) {
      throw new ConfigurationError(
        fields.file,
        `Profile ${JSON.stringify(name)} reads its ${fields.label} from ${file}, which cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}).`,
      )
    }
    if (secret === '') throw new ConfigurationError(fields.file, `The ${fields.label} file of profile ${JSON.stringify(name)} is empty.`)
    return secret
  }
  return undefined
}
