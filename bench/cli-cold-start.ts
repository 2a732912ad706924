/**
 * Cold start of `oauth-sessions token <profile>` with a valid cached token (#19): fresh processes
 * of the BUILT command (`npm run build` first; `npm run bench:cli` does), against a bare
 * `node -e 0`, alternating in the same run so background load hits both alike. Prints runs, median
 * and spread (min–max, and the 10th–90th percentile) of each, and the target: the command's median
 * within 1.5 × node's median + 150 ms. BENCH_RUNS changes the number of runs (default 20).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { FileTokenStore } from '../lib/index.js'
import { coldStartTable, median, timeColdStarts } from './bench-kit.js'

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

  const times = timeColdStarts(
    [
      { name: 'node -e 0', args: ['-e', '0'], expected: '' },
      { name: 'oauth-sessions token ci', args: [MAIN, 'token', 'ci'], expected: 'bench-access-token\n' },
    ],
    RUNS,
    env,
  )
  const node = times.get('node -e 0') ?? []
  const cli = times.get('oauth-sessions token ci') ?? []
  const target = 1.5 * median(node) + 150
  console.log('\nCold start: `oauth-sessions token ci` with a valid cached token (fresh processes)\n')
  console.log(coldStartTable(times))
  const verdict = median(cli) <= target ? 'met' : 'MISSED'
  console.log(`\nTarget: 1.5 × ${median(node).toFixed(0)} ms + 150 ms = ${target.toFixed(0)} ms; median ${median(cli).toFixed(0)} ms: ${verdict}.`)
  if (verdict !== 'met') process.exitCode = 1
} finally {
  rmSync(home, { recursive: true, force: true })
}
