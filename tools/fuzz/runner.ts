import { inspect } from 'node:util'
import { OAuthSessionsError } from '../../lib/index.js'
import { ENTRY_POINTS, type EntryPoint, type EntryResult } from './entry-points.js'
import { type CaseSecrets, FAMILIES, type Family, type FamilyContext, SECRET_MARK } from './families.js'
import { caseRng } from './prng.js'
import { startRawServer } from './raw-server.js'

/** How a fuzz run goes. */
export interface FuzzOptions {
  cases: number
  seed: number
  /** Runs only this case index (a repro); `cases` is then ignored. */
  only?: number | undefined
  /** Cases in flight at once. Default 48. */
  concurrency?: number | undefined
  /** Each client's per-phase timeout (ms). Default 300. */
  timeoutMs?: number | undefined
  /** When a case counts as hung (ms). Default 5000. */
  watchdogMs?: number | undefined
  /** Only the families / entry points whose names contain one of these. */
  families?: readonly string[] | undefined
  entries?: readonly string[] | undefined
}

/** Every outcome a case can have. The first three are good. */
export const OUTCOMES = ['token', 'response', 'typed', 'untyped', 'hang', 'unhandled', 'leak', 'garbage', 'polluted'] as const
export type Outcome = (typeof OUTCOMES)[number]
export const BAD_OUTCOMES: ReadonlySet<Outcome> = new Set(['untyped', 'hang', 'unhandled', 'leak', 'garbage', 'polluted'])

export interface CaseReport {
  index: number
  family: string
  entry: string
  outcome: Outcome
  /** Why a bad outcome is bad (never a secret: the marker's values are described, not quoted). */
  detail: string
  ms: number
}

export interface FuzzReport {
  seed: number
  cases: number
  wallMs: number
  /** Counts per outcome, by family and by entry point. */
  byFamily: Map<string, Record<Outcome, number>>
  byEntry: Map<string, Record<Outcome, number>>
  /** Every case with a bad outcome. */
  bad: CaseReport[]
  /** The number of bad outcomes (an unhandled rejection with no case of its own counts too). */
  badCount: number
}

/** The family and entry point of case `index`: every family meets every entry point within 275 cases. */
export function caseShape(index: number): { family: Family; entry: EntryPoint } {
  return {
    family: FAMILIES[index % FAMILIES.length] as Family,
    entry: ENTRY_POINTS[Math.floor(index / FAMILIES.length) % ENTRY_POINTS.length] as EntryPoint,
  }
}

function secretsOf(seed: number, index: number): CaseSecrets {
  const tag = `${(seed >>> 0).toString(36)}x${index.toString(36)}`
  return {
    accessToken: `at-${SECRET_MARK}-${tag}`,
    refreshToken: `rt-${SECRET_MARK}-${tag}`,
    idToken: `id-${SECRET_MARK}-${tag}`,
    oauthToken: `ot-${SECRET_MARK}-${tag}`,
    oauthTokenSecret: `ots-${SECRET_MARK}-${tag}`,
  }
}

function safeText(view: () => unknown): string {
  try {
    return String(view())
  } catch (error) {
    return `(threw ${(error as Error)?.name})`
  }
}

/** Where an error shows a secret: message, stack, String(), JSON.stringify or util.inspect. */
function leakIn(error: unknown): string | undefined {
  const views: [string, () => unknown][] = [
    ['message', () => (error as Error)?.message],
    ['stack', () => (error as Error)?.stack],
    ['String()', () => String(error)],
    ['JSON.stringify', () => JSON.stringify(error)],
    ['util.inspect', () => inspect(error, { depth: 8 })],
  ]
  for (const [name, view] of views) if (safeText(view).includes(SECRET_MARK)) return name
  return undefined
}

const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype).sort().join()

function prototypeTouched(): boolean {
  return Object.getOwnPropertyNames(Object.prototype).sort().join() !== PROTOTYPE_NAMES || ({} as Record<string, unknown>).polluted !== undefined
}

function errorSummary(error: unknown): string {
  if (!(error instanceof Error)) return `threw ${typeof error}`
  const code = (error as { code?: unknown }).code
  const message = error.message.slice(0, 240).replace(new RegExp(`[\\w.-]*${SECRET_MARK}[\\w.-]*`, 'g'), '<secret>')
  return `${error.name}${typeof code === 'string' ? ` ${code}` : ''}: ${message.length > 160 ? `${message.slice(0, 160)}…` : message}`
}

/** Runs one case: a fresh server with the family's answer, the entry point against it, the verdict. */
export async function runCase(seed: number, index: number, options: Pick<FuzzOptions, 'timeoutMs' | 'watchdogMs'> = {}): Promise<CaseReport> {
  const { family, entry } = caseShape(index)
  const secrets = secretsOf(seed, index)
  const familyContext: FamilyContext = { rng: caseRng(seed, index), dialect: entry.dialect, secrets, tokenType: undefined, accepted: new Set<string>() }
  const responder = family.make(familyContext)
  const started = performance.now()
  const report = (outcome: Outcome, detail = ''): CaseReport => ({
    index,
    family: family.name,
    entry: entry.name,
    outcome,
    detail,
    ms: performance.now() - started,
  })
  await using server = await startRawServer(responder)
  const base = `${server.origin}/c${index.toString(36)}`
  let timer: NodeJS.Timeout | undefined
  const watchdog = new Promise<'hang'>((resolve) => {
    timer = setTimeout(() => resolve('hang'), options.watchdogMs ?? 5000)
  })
  const attempt = entry
    .run({ server, base, secrets, tokenType: familyContext.tokenType, accepted: familyContext.accepted, timeoutMs: options.timeoutMs ?? 300 })
    .then(
      (result): { result: EntryResult } => ({ result }),
      (error: unknown): { error: unknown } => ({ error }),
    )
  const settled = await Promise.race([attempt, watchdog])
  clearTimeout(timer)
  if (prototypeTouched()) return report('polluted', 'Object.prototype changed')
  if (settled === 'hang') return report('hang', `no outcome after ${options.watchdogMs ?? 5000} ms`)
  if ('result' in settled) {
    const { kind, problems } = settled.result
    return problems.length > 0 ? report('garbage', problems.join('; ')) : report(kind)
  }
  const leak = leakIn(settled.error)
  if (leak !== undefined) return report('leak', `${errorSummary(settled.error)} (secret in ${leak})`)
  if (!(settled.error instanceof OAuthSessionsError)) return report('untyped', errorSummary(settled.error))
  return report('typed', errorSummary(settled.error))
}

/** How many multi-megabyte cases run at once: more would only measure the machine's memory bandwidth. */
const HEAVY_IN_FLIGHT = 4

/** A counting semaphore: `await acquire()` returns the release function. */
function slots(count: number): () => Promise<() => void> {
  let free = count
  const waiting: (() => void)[] = []
  const release = (): void => {
    const next = waiting.shift()
    if (next) next()
    else free += 1
  }
  return async () => {
    if (free > 0) free -= 1
    else await new Promise<void>((resolve) => waiting.push(resolve))
    return release
  }
}

function emptyCounts(): Record<Outcome, number> {
  return Object.fromEntries(OUTCOMES.map((outcome) => [outcome, 0])) as Record<Outcome, number>
}

function matches(name: string, filters: readonly string[] | undefined): boolean {
  return filters === undefined || filters.length === 0 || filters.some((filter) => name.toLowerCase().includes(filter.toLowerCase()))
}

/** The case indices of a run: the first `cases` whose family and entry point pass the filters. */
function caseIndices(options: FuzzOptions): number[] {
  if (options.only !== undefined) return [options.only]
  const indices: number[] = []
  const period = FAMILIES.length * ENTRY_POINTS.length
  for (let index = 0; indices.length < options.cases; index += 1) {
    const { family, entry } = caseShape(index)
    if (matches(family.name, options.families) && matches(entry.name, options.entries)) indices.push(index)
    else if (index > period && indices.length === 0) break
  }
  return indices
}

/**
 * Runs a fuzz: the cases in bounded concurrency, every outcome counted. Unhandled rejections and
 * uncaught exceptions during the run are bad outcomes of their own.
 */
export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const indices = caseIndices(options)
  const byFamily = new Map<string, Record<Outcome, number>>(FAMILIES.map((family) => [family.name, emptyCounts()]))
  const byEntry = new Map<string, Record<Outcome, number>>(ENTRY_POINTS.map((entry) => [entry.name, emptyCounts()]))
  const bad: CaseReport[] = []
  const inFlight = new Set<number>()
  const onStray = (error: unknown): void => {
    bad.push({
      index: -1,
      family: '?',
      entry: '?',
      outcome: 'unhandled',
      detail: `${errorSummary(error)} ${(error as Error)?.stack?.split('\n').slice(1, 4).join(' ') ?? ''} (cases in flight: ${[...inFlight].join(', ')})`,
      ms: 0,
    })
  }
  process.on('unhandledRejection', onStray)
  process.on('uncaughtException', onStray)
  const started = performance.now()
  try {
    let next = 0
    const heavy = slots(HEAVY_IN_FLIGHT)
    const worker = async (): Promise<void> => {
      while (next < indices.length) {
        const index = indices[next++] as number
        const release = caseShape(index).family.heavy === true ? await heavy() : undefined
        inFlight.add(index)
        const result = await runCase(options.seed, index, options).finally(release)
        inFlight.delete(index)
        for (const [counts, name] of [
          [byFamily, result.family],
          [byEntry, result.entry],
        ] as const) {
          const row = counts.get(name) ?? emptyCounts()
          row[result.outcome] += 1
          counts.set(name, row)
        }
        if (BAD_OUTCOMES.has(result.outcome)) bad.push(result)
      }
    }
    await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 48, indices.length) }, worker))
    // A rejection the last cases left behind surfaces on a later turn.
    await new Promise((resolve) => setTimeout(resolve, 20))
  } finally {
    process.off('unhandledRejection', onStray)
    process.off('uncaughtException', onStray)
  }
  return { seed: options.seed, cases: indices.length, wallMs: performance.now() - started, byFamily, byEntry, bad, badCount: bad.length }
}

function table(title: string, rows: Map<string, Record<Outcome, number>>): string {
  const width = Math.max(title.length, ...[...rows.keys()].map((name) => name.length))
  const header = [title.padEnd(width), ...OUTCOMES.map((outcome) => outcome.padStart(9))].join(' ')
  const lines = [...rows].filter(([, counts]) => OUTCOMES.some((outcome) => counts[outcome] > 0))
  return [header, ...lines.map(([name, counts]) => [name.padEnd(width), ...OUTCOMES.map((outcome) => String(counts[outcome]).padStart(9))].join(' '))].join(
    '\n',
  )
}

/** The report as text: both tables, then each bad case with its repro command. */
export function formatReport(report: FuzzReport): string {
  const lines = [
    `seed ${report.seed}, ${report.cases} cases, ${(report.wallMs / 1000).toFixed(1)} s, ${report.badCount} bad`,
    '',
    table('family', report.byFamily),
    '',
    table('entry point', report.byEntry),
  ]
  if (report.bad.length > 0) {
    lines.push('', 'bad cases:')
    for (const item of report.bad) {
      const repro = item.index >= 0 ? `  repro: npm run fuzz -- --seed ${report.seed} --case ${item.index}` : ''
      lines.push(`  #${item.index} ${item.family} × ${item.entry}: ${item.outcome}: ${item.detail}${repro}`)
    }
  }
  return lines.join('\n')
}
