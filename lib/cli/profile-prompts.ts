import { input, select } from '@inquirer/prompts'
import { checkProfileUrl, checkVariableName, FLOWS, type Flow, missingFields, type Profile } from './cli-config.js'

/** What each flow is, for the flow question. */
const FLOW_NAMES: Record<Flow, string> = {
  code: 'code: a browser login (authorization code + PKCE)',
  device: 'device: a code to type on another device',
  client_credentials: 'client_credentials: the client alone, with its secret (no person)',
  oauth1: 'oauth1: OAuth 1.0a (a PIN)',
}

/** The question for each field `profile add` may ask. */
const QUESTIONS: Partial<Record<keyof Profile, string>> = {
  clientId: 'Client id',
  clientSecretEnv: 'Environment variable holding the client secret (the secret itself is never stored)',
  authorizationUrl: 'Authorization endpoint URL',
  tokenUrl: 'Token endpoint URL',
  deviceAuthorizationUrl: 'Device authorization endpoint URL',
  requestTokenUrl: 'OAuth 1 request token URL',
  authorizeUrl: 'OAuth 1 authorization page URL',
  accessTokenUrl: 'OAuth 1 access token URL',
  consumerKey: 'OAuth 1 consumer key',
  consumerSecretEnv: 'Environment variable holding the consumer secret (the secret itself is never stored)',
}

/** Prompts go to stderr, so that stdout keeps only the command's output (`--json`). */
const context = { output: process.stderr }

/**
 * Asks on the terminal (`@inquirer/prompts`) for what `profile add` was not given: the flow, an
 * issuer or the endpoints, the client and where its secret is, the scope. Never a secret itself.
 *
 * @example
 * ```ts
 * const profile = await askMissing('gh', { flow: 'device' })
 * ```
 * @internal
 */
export async function askMissing(name: string, given: Partial<Profile>): Promise<Partial<Profile>> {
  const profile = { ...given }
  process.stderr.write(`Profile ${JSON.stringify(name)}: a few questions (Ctrl-C to stop; nothing is written until the end).\n`)
  if (profile.flow === undefined) {
    profile.flow = await select({ message: 'How are tokens obtained?', choices: FLOWS.map((value) => ({ value, name: FLOW_NAMES[value] })) }, context)
  }
  const endpoints = missingFields(profile as Profile).some(({ key }) => key.endsWith('Url'))
  if (profile.flow !== 'oauth1' && profile.issuer === undefined && endpoints) {
    const issuer = await input(
      {
        message: 'Issuer URL, whose endpoints are discovered (empty to give the endpoints instead)',
        validate: (value) => value.trim() === '' || checkProfileUrl(value),
      },
      context,
    )
    if (issuer.trim() !== '') profile.issuer = issuer.trim()
  }
  for (const { key } of missingFields(profile as Profile)) {
    // A URL is checked as it is typed, so that a wrong one is asked again instead of failing the whole profile at the end.
    const validate = key.endsWith('Url') ? checkProfileUrl : key.endsWith('Env') ? checkVariableName : undefined
    profile[key] = (await input({ message: QUESTIONS[key] ?? key, required: true, ...(validate === undefined ? {} : { validate }) }, context)).trim() as never
  }
  if ((profile.flow === 'code' || profile.flow === 'device') && profile.clientSecretEnv === undefined && profile.clientSecretFile === undefined) {
    // A confidential client's secret is needed at the token endpoint (the refresh too); a public client has none.
    const variable = await input(
      {
        message: 'Environment variable holding the client secret (empty for a public client without one)',
        validate: (value) => value.trim() === '' || checkVariableName(value),
      },
      context,
    )
    if (variable.trim() !== '') profile.clientSecretEnv = variable.trim()
  }
  if (profile.scope === undefined && profile.flow !== 'oauth1') {
    const scope = await input({ message: 'Scope, space-separated (empty for the provider default)' }, context)
    if (scope.trim() !== '') profile.scope = scope.trim()
  }
  return profile
}
