import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ConfigurationError } from '../errors.js'
import { FileTokenStore } from '../tokens/file-token-store.js'
import type { TokenStore } from '../tokens/token-store.js'
import { type CliConfig, stateFolder } from './cli-config.js'
import type { CliIO } from './program.js'

/** The environment variable holding the token encryption key (base64 of 32 bytes); it wins over `keyFile`. */
export const KEY_ENV = 'OAUTH_SESSIONS_KEY'

/** Beside the tokens: present once the plain-text warning was shown. */
const WARNED_MARKER = 'plaintext-warning-shown'

/**
 * Opens the command's token store: a {@link FileTokenStore} at `<state folder>/tokens.json`, shared
 * by every run (its lock makes parallel runs safe), wrapped in an {@link EncryptedTokenStore} when
 * a key is configured (`OAUTH_SESSIONS_KEY`, else the config's `keyFile`). Without a key the
 * tokens are kept in plain text (mode 0600), and `warn` says so on stderr, once per state folder.
 *
 * @internal
 */
export async function openTokenStore(config: CliConfig, io: CliIO, warn: boolean): Promise<TokenStore> {
  const folder = stateFolder(io.env)
  mkdirSync(folder, { recursive: true, mode: 0o700 })
  const files = new FileTokenStore(join(folder, 'tokens.json'))
  const key = readKey(config, io.env)
  if (key !== undefined) {
    const { EncryptedTokenStore } = await import('../tokens/encrypted-token-store.js')
    return new EncryptedTokenStore(files, { key })
  }
  const marker = join(folder, WARNED_MARKER)
  if (warn && !existsSync(marker)) {
    io.stderr.write(
      `oauth-sessions: warning: tokens are kept in plain text in ${files.path} (mode 0600). To encrypt them, set ${KEY_ENV} (or "keyFile" in the config) to a key made with \`openssl rand -base64 32\`.\n`,
    )
    writeFileSync(marker, '', { mode: 0o600 })
  }
  return files
}

/** The key text, from the environment or the key file; the file's content is never quoted. */
function readKey(config: CliConfig, env: NodeJS.ProcessEnv): string | undefined {
  const fromEnv = env[KEY_ENV]
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv
  if (config.keyFile === undefined) return undefined
  try {
    return readFileSync(config.keyFile, 'utf8').trim()
  } catch (error) {
    throw new ConfigurationError(
      'keyFile',
      `The key file named by "keyFile" in the config cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}).`,
    )
  }
}
