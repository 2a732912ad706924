import { expect } from 'chai'
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { inspect, promisify } from 'node:util'
import { runSecretsScenarios, SECRETS, type SweepResult } from '../../support/secrets-scenarios.js'

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

/** `scenario: rendering: secret` for every secret found, so a failure names each leak. */
function leaks(result: SweepResult): string[] {
  const found: string[] = []
  const entries = [...result.errors.map(({ scenario, error }) => ({ scenario, value: error })), ...result.objects]
  for (const { scenario, value } of entries) {
    for (const [how, text] of Object.entries(renderings(value))) {
      for (const [name, secret] of Object.entries(SECRETS)) if (text.includes(secret)) found.push(`${scenario}: ${how}: ${name}`)
    }
  }
  return found
}

describe('the secrets sweep', function () {
  this.timeout(30_000)

  it('finds no secret in any error, session, service or strategy, however it is shown', async () => {
    const result = await runSecretsScenarios()

    expect(result.errors.length, 'the error paths ran').to.be.greaterThan(80)
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
    const found = Object.entries(SECRETS).filter(([, secret]) => stderr.includes(secret) || stdout.includes(secret))
    expect(found.map(([name]) => name)).to.deep.equal([])
  })
})
