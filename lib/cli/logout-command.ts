import { openTokenStore } from './cli-token-store.js'
import { oauth1SessionOf, oauth2SessionOf } from './cli-sessions.js'
import { profileOf } from './token-command.js'
import type { CliIO, GlobalOptions } from './program.js'

/**
 * `oauth-sessions logout <profile>`: revokes the stored tokens at the provider's revocation
 * endpoint (RFC 7009: the refresh token, then the access token), the profile's `revocationUrl` or
 * the issuer's discovered one, then forgets them in the store. Without a revocation endpoint (and
 * for OAuth 1, which has none) it only forgets them, and says on stderr that the provider still
 * honours them until they expire. When the revocation fails, nothing is forgotten (exit 1).
 *
 * @internal
 */
export async function logout(name: string, globals: GlobalOptions, io: CliIO): Promise<void> {
  const { config, profile } = profileOf(name, globals, io)
  const store = await openTokenStore(config, io, false)
  const stored = await store.get(name)
  const say = (text: string, json: Record<string, unknown>): void => {
    if (globals.json === true) io.stdout.write(`${JSON.stringify({ profile: name, ...json })}\n`)
    else io.stdout.write(`${text}\n`)
  }
  if (stored === undefined) {
    say(`No token is stored for profile ${JSON.stringify(name)}; nothing to log out.`, { revoked: false, forgotten: false })
    return
  }
  if (profile.flow === 'oauth1') {
    await using _session = await oauth1SessionOf(name, profile, store, io, false)
    await store.delete(name)
    io.stderr.write(
      'oauth-sessions: OAuth 1 has no revocation endpoint: the token was forgotten here, and stays valid at the provider until it is revoked there.\n',
    )
    say(`Logged out: profile ${JSON.stringify(name)} (token forgotten, not revoked).`, { revoked: false, forgotten: true })
    return
  }
  await using session = await oauth2SessionOf(name, profile, store, io)
  if (session.revocationUrl === undefined && session.metadata?.revocation_endpoint === undefined) {
    await store.delete(name)
    io.stderr.write(
      `oauth-sessions: profile ${JSON.stringify(name)} has no revocation endpoint (add the profile again with \`oauth-sessions profile add ${name} --force ... --revocation-url <url>\`, or use --issuer): the token was forgotten here, and stays valid at the provider until it expires.\n`,
    )
    say(`Logged out: profile ${JSON.stringify(name)} (token forgotten, not revoked).`, { revoked: false, forgotten: true })
    return
  }
  // Revokes the refresh token, then the access token, and deletes the profile's key in the store.
  await session.revokeToken()
  await store.delete(name)
  say(`Logged out: profile ${JSON.stringify(name)} (token revoked at the provider and forgotten).`, { revoked: true, forgotten: true })
}
