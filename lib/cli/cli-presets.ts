import type { Flow, Profile } from './cli-config.js'
import { UsageError } from './cli-errors.js'

/** The presets of `profile add --preset` (DESIGN §11). @internal */
export const PRESET_NAMES = ['github', 'google', 'gitlab', 'entra', 'okta', 'auth0', 'twitter'] as const

/** A preset name. @internal */
export type PresetName = (typeof PRESET_NAMES)[number]

/** What a preset needs from the command line to build its URLs. */
type Parameter = 'tenant' | 'domain'

/** A provider's endpoints (or issuer) and default flow; `{tenant}` and `{domain}` are filled in from the flags. */
interface Preset {
  /** The flow when `--flow` is not given. */
  flow: Flow
  /** The flags the URLs need. */
  needs?: readonly Parameter[]
  /** The profile fields the preset sets; explicit flags win over them. */
  fields: Partial<Record<keyof Profile, string>>
}

/**
 * The providers' endpoints, as data. Presets with an issuer are discovered at login (no network
 * here); the others name their endpoints. Flags given with `--preset` win over the preset's fields.
 */
const PRESETS: Readonly<Record<PresetName, Preset>> = {
  // GitHub has no discovery document: its endpoints are fixed. The device flow needs no redirect and no secret.
  github: {
    flow: 'device',
    fields: {
      authorizationUrl: 'https://github.com/login/oauth/authorize',
      tokenUrl: 'https://github.com/login/oauth/access_token',
      deviceAuthorizationUrl: 'https://github.com/login/device/code',
    },
  },
  google: { flow: 'code', fields: { issuer: 'https://accounts.google.com' } },
  gitlab: { flow: 'code', fields: { issuer: 'https://gitlab.com' } },
  // Microsoft Entra ID (v2.0 endpoints); the tenant is a GUID, a domain, or common / organizations / consumers.
  entra: { flow: 'code', needs: ['tenant'], fields: { issuer: 'https://login.microsoftonline.com/{tenant}/v2.0' } },
  // Okta's default custom authorization server (tokens for your own APIs); pass --issuer for another one.
  okta: { flow: 'code', needs: ['domain'], fields: { issuer: 'https://{domain}/oauth2/default' } },
  // Auth0's issuer ends with a slash.
  auth0: { flow: 'code', needs: ['domain'], fields: { issuer: 'https://{domain}/' } },
  // Twitter / X OAuth 1.0a (PIN flow).
  twitter: {
    flow: 'oauth1',
    fields: {
      requestTokenUrl: 'https://api.twitter.com/oauth/request_token',
      authorizeUrl: 'https://api.twitter.com/oauth/authorize',
      accessTokenUrl: 'https://api.twitter.com/oauth/access_token',
    },
  },
}

/** A host name (`dev-123.okta.com`, `me.eu.auth0.com`) or an Entra tenant (a GUID, `contoso.onmicrosoft.com`, `common`). */
const HOST_LIKE = /^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/

const EXAMPLES: Record<Parameter, string> = { tenant: 'contoso.onmicrosoft.com, a tenant GUID, or common', domain: 'dev-123.okta.com' }

/**
 * The profile fields of `preset`, with `{tenant}` / `{domain}` filled in from `values`, and its
 * default flow. A missing or malformed `--tenant` / `--domain` is a {@link UsageError} naming it.
 *
 * @example
 * ```ts
 * presetFields('okta', { domain: 'dev-123.okta.com' }) // { flow: 'code', fields: { issuer: 'https://dev-123.okta.com/oauth2/default' } }
 * ```
 * @internal
 */
export function presetFields(name: string, values: Partial<Record<Parameter, unknown>>): { flow: Flow; fields: Partial<Profile> } {
  if (!(PRESET_NAMES as readonly string[]).includes(name)) {
    throw new UsageError(`--preset ${JSON.stringify(name)} is not known; the presets are ${PRESET_NAMES.join(', ')}.`)
  }
  const preset = PRESETS[name as PresetName]
  const filled: Partial<Record<Parameter, string>> = {}
  for (const parameter of preset.needs ?? []) {
    const value = values[parameter]
    if (typeof value !== 'string' || value === '') throw new UsageError(`--preset ${name} needs --${parameter} (such as ${EXAMPLES[parameter]}).`)
    if (!HOST_LIKE.test(value) || value.includes('..') || value.length > 253) {
      throw new UsageError(`--${parameter} is a host name or tenant name without a scheme or path (such as ${EXAMPLES[parameter]}).`)
    }
    filled[parameter] = value
  }
  for (const parameter of ['tenant', 'domain'] as const) {
    if (values[parameter] !== undefined && !(preset.needs ?? []).includes(parameter)) {
      throw new UsageError(`--${parameter} is only for the presets that need it (${parameter === 'tenant' ? 'entra' : 'okta, auth0'}).`)
    }
  }
  const fields: Partial<Profile> = {}
  for (const [key, template] of Object.entries(preset.fields) as [keyof Profile, string][]) {
    ;(fields as Record<string, string>)[key] = template.replace(/\{(tenant|domain)\}/g, (_, parameter: Parameter) => filled[parameter] as string)
  }
  return { flow: preset.flow, fields }
}
