// The seeded fuzzer of token responses (issue #14): every family of hostile answers against every
// token-reading entry point, through real sockets on 127.0.0.1.
//
//   npm run fuzz -- --cases 10000 --seed 42
//   npm run fuzz -- --seed 42 --case 317          (one case again)
//   npm run fuzz -- --cases 500 --family chunking --entry OAuth1
import { parseArgs } from 'node:util'
import { formatReport, runFuzz } from './runner.js'

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '1000' },
    seed: { type: 'string' },
    case: { type: 'string' },
    concurrency: { type: 'string', default: '48' },
    timeout: { type: 'string', default: '300' },
    family: { type: 'string', multiple: true },
    entry: { type: 'string', multiple: true },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
})

if (values.help) {
  console.log('usage: npm run fuzz -- [--cases N] [--seed N] [--case I] [--concurrency N] [--timeout MS] [--family NAME]... [--entry NAME]...')
  process.exit(0)
}

function integer(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback
  const value = Number(text)
  if (!Number.isSafeInteger(value) || value < 0) {
    console.error(`--${name} must be a non-negative integer`)
    process.exit(64)
  }
  return value
}

const seed = integer('seed', values.seed, Math.floor(Math.random() * 2 ** 31))
const report = await runFuzz({
  cases: integer('cases', values.cases, 1000),
  seed,
  only: values.case === undefined ? undefined : integer('case', values.case, 0),
  concurrency: Math.max(1, integer('concurrency', values.concurrency, 48)),
  timeoutMs: Math.max(1, integer('timeout', values.timeout, 300)),
  families: values.family,
  entries: values.entry,
})
console.log(formatReport(report))
process.exitCode = report.badCount > 0 ? 1 : 0
