/**
 * Cold start of `oauth-sessions token <profile>` with a valid cached token (#19): fresh processes
 * of the BUILT command (`npm run build` first; `npm run bench:cli` does), against a bare
 * `node -e 0`, alternating in the same run so background load hits both alike. Prints runs, median
 * and spread (min–max, and the 10th–90th percentile) of each, and the target: the command's median
 * within 1.5 × node's median + 150 ms. BENCH_RUNS changes the number of runs (default 20).
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { FileTokenStore } from '../lib/index.js'
import { median } from './bench-kit.js'

const MAIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url))
const RUNS = Number(process.env.BENCH_RUNS ?? 20)

if (!existsSync(MAIN)) {
  console.error(`${MAIN} is missing: run \`npm run build\` first (npm run bench:cli does).`)
  process.exit(1)
}

const home = mkdtempSync(join(tmpdir(), 'oauth-sessions-bench-cli-'))
try {
  const config = join(home, 'config')
  const state = join(home, 'state')
  mkdirSync(join(config, 'oauth-sessions'), { recursive: true })
  mkdirSync(join(state, 'oauth-sessions'), { recursive: true, mode: 0o700 })
  // The profile's endpoint is never called: the cached token is valid for an hour.
  const profile = { flow: 'client_credentials', tokenUrl: 'https://idp.invalid/token', clientId: 'bench', clientSecretEnv: 'BENCH_SECRET' }
  writeFileSync(join(config, 'oauth-sessions', 'config.json'), JSON.stringify({ version: 1, profiles: { ci: profile } }), { mode: 0o600 })
  writeFileSync(join(state, 'oauth-sessions', 'plaintext-warning-shown'), '')
  const token = { access_token: 'bench-access-token', token_type: 'Bearer', expires_at: Math.floor(Date.now() / 1000) + 3600 }
  await new FileTokenStore(join(state, 'oauth-sessions', 'tokens.json')).set('ci', token)
  const env = { PATH: process.env.PATH ?? '', HOME: home, XDG_CONFIG_HOME: config, XDG_STATE_HOME: state }

  const time = (args: string[], expected: string): number => {
    const started = performance.now()
    const result = spawnSync(process.execPath, args, { env, encoding: 'utf8' })
    const elapsed = performance.now() - started
    if (result.status !== 0 || result.stdout !== expected) throw new Error(`node ${args.join(' ')} failed (${result.status}): ${result.stderr}`)
    return elapsed
  }
  const node: number[] = []
  const cli: number[] = []
  time(['-e', '0'], '') // warm the file cache for both
  time([MAIN, 'token', 'ci'], 'bench-access-token\n')
  for (let run = 0; run < RUNS; run++) {
    // Alternate which goes first, so neither always follows the other.
    if (run % 2 === 0) {
      node.push(time(['-e', '0'], ''))
      cli.push(time([MAIN, 'token', 'ci'], 'bench-access-token\n'))
    } else {
      cli.push(time([MAIN, 'token', 'ci'], 'bench-access-token\n'))
      node.push(time(['-e', '0'], ''))
    }
  }
  const quantile = (values: number[], q: number): number => [...values].sort((a, b) => a - b)[Math.round(q * (values.length - 1))] ?? 0
  const row = (name: string, values: number[]): string =>
    `| ${name} | ${values.length} | ${median(values).toFixed(0)} ms | ${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)} ms | ${quantile(values, 0.1).toFixed(0)}–${quantile(values, 0.9).toFixed(0)} ms |`
  const target = 1.5 * median(node) + 150
  console.log('\nCold start: `oauth-sessions token ci` with a valid cached token (fresh processes)\n')
  console.log('| process | runs | median | min–max | p10–p90 |')
  console.log('| ------- | ---- | ------ | ------- | ------- |')
  console.log(row('node -e 0', node))
  console.log(row('oauth-sessions token ci', cli))
  const verdict = median(cli) <= target ? 'met' : 'MISSED'
  console.log(`\nTarget: 1.5 × ${median(node).toFixed(0)} ms + 150 ms = ${target.toFixed(0)} ms; median ${median(cli).toFixed(0)} ms: ${verdict}.`)
  if (verdict !== 'met') process.exitCode = 1
} finally {
  rmSync(home, { recursive: true, force: true })
}
