import { UsageError } from './cli-errors.js'
import { openTokenStore } from './cli-token-store.js'
import { oauth1SessionOf } from './cli-sessions.js'
import { nameValuePair } from './name-value.js'
import { profileOf } from './token-command.js'
import type { CliIO, GlobalOptions } from './program.js'

/**
 * `oauth-sessions explain <profile> <METHOD> <url>` (OAuth 1): signs the request as `request`
 * would, sends nothing, and prints what went into the signature (OAuth1Auth.explainSignature):
 * the normalised parameters, the signature base string, and the key's shape
 * (`<consumer secret: N chars>&<token secret: M chars>`), never a secret. `--query` and `--form`
 * items are signed too. Without a stored token it explains the consumer-only signature.
 *
 * @internal
 */
export async function explain(
  name: string,
  method: string,
  url: string,
  options: { query?: string[]; form?: string[] },
  globals: GlobalOptions,
  io: CliIO,
): Promise<void> {
  const { config, profile } = profileOf(name, globals, io)
  if (profile.flow !== 'oauth1') {
    throw new UsageError(`\`explain\` shows OAuth 1 signatures; profile ${JSON.stringify(name)} uses the ${profile.flow} flow, whose requests are not signed.`)
  }
  const store = await openTokenStore(config, io, false)
  await using session = await oauth1SessionOf(name, profile, store, io, false)
  const prepared = await session.prepareRequest(method.toUpperCase(), url, {
    ...(options.query === undefined ? {} : { params: options.query.map((item) => nameValuePair(item, '--query')) }),
    ...(options.form === undefined ? {} : { data: options.form.map((item) => nameValuePair(item, '--form')) }),
  })
  const explanation = session.oauth.explainSignature(prepared)
  if (globals.json === true) {
    const { signature: _signature, authorizationHeader: _header, ...shown } = explanation
    io.stdout.write(`${JSON.stringify(shown, null, 2)}\n`)
    return
  }
  const parameters = explanation.parameters.map(([key, value]) => `  ${key}=${value}`)
  io.stdout.write(
    [
      `Signature method: ${explanation.signatureMethod}`,
      `Base string URI:  ${explanation.baseStringUri}`,
      'Parameters (sorted, decoded):',
      ...parameters,
      `Normalized parameters: ${explanation.normalizedParameters}`,
      `Signature base string: ${explanation.baseString}`,
      `Signing key:           ${explanation.signingKey}`,
      '',
    ].join('\n'),
  )
}
