/**
 * Cold start of `import('oauth-sessions')` against got's own (#20): fresh processes of
 * `node -e 0`, `import('got')` and `import('<repo>/dist/index.js')` (the BUILT package: run
 * `npm run build` first; `npm run bench:import` does), interleaved in the same run. Prints runs,
 * median and spread (min–max, and the 10th–90th percentile) of each, the ratio of the package's
 * median to got's, and the target: within 1.25 × got. BENCH_RUNS changes the number of runs
 * (default 20).
 */
import { existsSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { coldStartTable, median, timeColdStarts } from './bench-kit.js'

const INDEX = fileURLToPath(new URL('../dist/index.js', import.meta.url))
const RUNS = Number(process.env.BENCH_RUNS ?? 20)
const TARGET = 1.25

if (!existsSync(INDEX)) {
  console.error(`${INDEX} is missing: run \`npm run build\` first (npm run bench:import does).`)
  process.exit(1)
}

const importing = (url: string): string[] => ['--input-type=module', '-e', `await import(${JSON.stringify(url)})`]
const times = timeColdStarts(
  [
    { name: 'node -e 0', args: ['-e', '0'], expected: '' },
    { name: "import('got')", args: importing(import.meta.resolve('got')), expected: '' },
    { name: "import('oauth-sessions')", args: importing(pathToFileURL(INDEX).href), expected: '' },
  ],
  RUNS,
  // A bare environment, as bench:cli uses: NODE_EXTRA_CA_CERTS (set on the development machine) adds about 20 ms to every process and would narrow the ratio.
  { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
)
const got = median(times.get("import('got')") ?? [])
const sdk = median(times.get("import('oauth-sessions')") ?? [])
console.log(`\nCold start: import in a fresh process, Node ${process.versions.node}\n`)
console.log(coldStartTable(times))
const verdict = sdk <= TARGET * got ? 'met' : 'MISSED'
console.log(`\noauth-sessions / got: ${(sdk / got).toFixed(2)}× (target ${TARGET}×, ${(TARGET * got).toFixed(0)} ms): ${verdict}.`)
if (verdict !== 'met') process.exitCode = 1
