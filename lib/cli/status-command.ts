import type { OAuth2Token } from '../oauth2/oauth2-token.js'
import { configPath, readConfig } from './cli-config.js'
import { UnknownProfileError } from './cli-errors.js'
import { openTokenStore } from './cli-token-store.js'
import type { CliIO, GlobalOptions } from './program.js'
import { describeToken, expiryText } from './token-command.js'

/**
 * `oauth-sessions status [profile]`: for each profile (or the one named), whether a token is
 * stored, its type, scope and expiry, and whether it can be refreshed (an OAuth 1 token: stored,
 * `token_type` `oauth1`, no expiry); never a token. With
 * `--json`: `{ "profiles": [{ name, flow, stored, expired?, token_type?, scope?, expires_at?, expires_in?, refreshable? }] }`.
 *
 * @internal
 */
export async function showStatus(name: string | undefined, globals: GlobalOptions, io: CliIO): Promise<void> {
  const path = configPath(globals.config, io.env)
  const config = readConfig(path)
  if (name !== undefined && !Object.hasOwn(config.profiles, name)) throw new UnknownProfileError(name, path)
  const names = name === undefined ? Object.keys(config.profiles).sort() : [name]
  const store = await openTokenStore(config, io, false)
  const rows: { json: Record<string, unknown>; text: string }[] = []
  for (const profile of names) {
    const flow = config.profiles[profile]?.flow
    const stored = await store.get(profile)
    if (stored === undefined) {
      rows.push({ json: { name: profile, flow, stored: false }, text: `${profile}\t${flow}\tno token (run \`oauth-sessions login ${profile}\`)` })
      continue
    }
    const token: OAuth2Token = stored.token
    if (token.token_type === 'encrypted') {
      rows.push({
        json: { name: profile, flow, stored: true, encrypted: true },
        text: `${profile}\t${flow}\tencrypted token: set OAUTH_SESSIONS_KEY to read it`,
      })
      continue
    }
    if (flow === 'oauth1' && typeof token.oauth_token === 'string') {
      // OAuth 1 tokens have no expiry and no refresh: stored is all there is to say.
      rows.push({
        json: { name: profile, flow, stored: true, expired: false, token_type: 'oauth1', refreshable: false },
        text: `${profile}\t${flow}\tOAuth 1 token stored (it does not expire)`,
      })
      continue
    }
    const expired = typeof token.expires_at === 'number' && token.expires_at <= Date.now() / 1000
    const refreshable = typeof token.refresh_token === 'string'
    rows.push({
      json: { name: profile, flow, stored: true, expired, ...describeToken(token), refreshable },
      text: `${profile}\t${flow}\t${expiryText(token)}`,
    })
  }
  if (globals.json === true) {
    io.stdout.write(`${JSON.stringify({ profiles: rows.map((row) => row.json) }, null, 2)}\n`)
    return
  }
  if (rows.length === 0) io.stdout.write(`No profiles in ${path}.\n`)
  for (const row of rows) io.stdout.write(`${row.text}\n`)
}
