import { expect } from 'chai'
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { inspect, promisify } from 'node:util'
import { runSecretsScenarios, SECRET_PAIRS, SECRETS, type SweepResult } from '../../support/secrets-scenarios.js'

const run = promisify(execFile)
const root = fileURLToPath(new URL('../../..', import.meta.url))

/** Every way a logger or a person sees an error or an object. */
function renderings(value: unknown): Record<string, string> {
  const shown: Record<string, string> = {
    'String()': safe(() => String(value)),
    'JSON.stringify': safe(() => JSON.stringify(value) ?? ''),
    'util.inspect': inspect(value, { depth: 10 }),
  }
  if (value instanceof Error) {
    shown.message = value.message
    shown.stack = value.stack ?? ''
    shown['util.inspect(cause)'] = inspect(value.cause, { depth: 10 })
  }
  return shown
}

function safe(render: () => string): string {
  try {
    return render()
  } catch (error) {
    return `<${(error as Error).message}>`
  }
}

/**
 * The base64 characters that stand for `text` wherever it sits in an encoded value: for each of
 * the three alignments, the groups that hold only its bytes (no padding, no neighbour's bits).
 */
function base64Runs(text: string, alphabet: 'base64' | 'base64url'): string[] {
  return [0, 1, 2].map((offset) => {
    const encoded = Buffer.from(`${'\0'.repeat(offset)}${text}`).toString(alphabet)
    const skip = offset === 0 ? 0 : 4
    return encoded.slice(skip, 4 * Math.floor((offset + Buffer.byteLength(text)) / 3))
  })
}

/** Every way a secret may be written: as it is, percent- and form-encoded, base64 and base64url of each. */
function encodings(secret: string): [how: string, needle: string][] {
  const form = new URLSearchParams({ s: secret }).toString().slice(2)
  const written: [string, string][] = [
    ['', secret],
    ['percent-encoded', encodeURIComponent(secret)],
    ['form-encoded', form],
  ]
  for (const [how, text] of [...written]) {
    for (const alphabet of ['base64', 'base64url'] as const)
      for (const run of base64Runs(text, alphabet)) written.push([`${alphabet}${how === '' ? '' : ` of ${how}`}`, run])
  }
  return written.filter(([, needle]) => needle.length >= 8)
}

/** Every secret in every encoding, and the Basic pairs (`id:secret`, form-encoded or not) in base64. */
const NEEDLES: [name: string, needle: string][] = [
  ...Object.entries(SECRETS).flatMap(([name, secret]) =>
    // A PEM line is base64 already: only as it is.
    name === 'privateKeyLine'
      ? [[name, secret] as [string, string]]
      : encodings(secret).map(([how, needle]): [string, string] => [how === '' ? name : `${name} (${how})`, needle]),
  ),
  ...SECRET_PAIRS.flatMap(([id, name]) =>
    [`${id}:${SECRETS[name]}`, `${encodeURIComponent(id)}:${new URLSearchParams({ s: SECRETS[name] }).toString().slice(2)}`].flatMap((pair) =>
      (['base64', 'base64url'] as const).map((alphabet): [string, string] => [
        `${id}:${name} (Basic ${alphabet})`,
        Buffer.from(pair).toString(alphabet).replace(/=+$/, ''),
      ]),
    ),
  ),
]

/** `scenario: rendering: secret` for every secret found, so a failure names each leak. */
function leaks(result: SweepResult): string[] {
  const found: string[] = []
  const entries = [...result.errors.map(({ scenario, error }) => ({ scenario, value: error })), ...result.objects]
  for (const { scenario, value } of entries) {
    for (const [how, text] of Object.entries(renderings(value))) {
      for (const [name, needle] of NEEDLES) if (text.includes(needle)) found.push(`${scenario}: ${how}: ${name}`)
    }
  }
  return found
}

/** The errors the sweep must reach, by name and, where it has one, reason or phase. */
const EXPECTED_KINDS = [
  'ResponseTooLargeError maxTokenResponseSize',
  'TokenRedirectRefusedError',
  'HTTPError',
  'ConnectionError',
  'ResponseTooLargeError maxResponseSize',
  'TimeoutError deadline',
  'AbortError',
  'InvalidRedirectError',
  'CredentialRedirectRefusedError',
  'IssuerMismatchError',
  'ProxyAuthenticationError wrong_credentials',
  'ProxyAuthenticationError two_factor',
  'ProxyAuthenticationError no_proxy_cookie',
  'ProxyAuthenticationError invalid_login_form',
]

function kinds(result: SweepResult): string[] {
  return result.errors.map(({ error }) => {
    const { name, reason, phase, option } = error as { name: string; reason?: string; phase?: string; option?: string }
    return [name, reason ?? (name === 'TimeoutError' ? phase : option)].filter((part) => part !== undefined).join(' ')
  })
}

describe('the secrets sweep', function () {
  this.timeout(30_000)

  it('finds no secret in any error, session, service or strategy, however it is shown', async () => {
    const result = await runSecretsScenarios()

    expect(result.errors.length, 'the error paths ran').to.be.greaterThan(80)
    const reached = new Set(kinds(result))
    expect(
      EXPECTED_KINDS.filter((kind) => !reached.has(kind)),
      'error kinds not reached',
    ).to.deep.equal([])
    expect(leaks(result)).to.deep.equal([])
  })

  it('finds no secret in the NODE_DEBUG=oauth-sessions output of the same scenarios', async () => {
    const script = `
      import { runSecretsScenarios } from './spec/support/secrets-scenarios.ts'
      const { errors } = await runSecretsScenarios()
      console.log('errors:', errors.length)`

    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: root,
      env: { ...process.env, NODE_DEBUG: 'oauth-sessions' },
      timeout: 25_000,
      maxBuffer: 16 * 1024 * 1024,
    })

    expect(stdout).to.match(/errors: \d+/)
    expect(stderr).to.include('OAUTH-SESSIONS')
    const found = NEEDLES.filter(([, needle]) => stderr.includes(needle) || stdout.includes(needle))
    expect(found.map(([name]) => name)).to.deep.equal([])
  })
})
