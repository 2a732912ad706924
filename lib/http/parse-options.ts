import type { z } from 'zod'
import { ConfigurationError } from '../errors.js'
import { zod } from './lazy-schema.js'

/**
 * A strict zod object: the one shape every public options object is parsed with.
 *
 * @internal
 */
// biome-ignore lint/suspicious/noExplicitAny: any shape; the schema's own type is kept by the generics below.
export type OptionsSchema = z.ZodObject<any, z.core.$strict>

const keyCache = new WeakMap<OptionsSchema, ReadonlySet<string>>()

/**
 * The option names a schema knows, computed once per schema: callers split options by schema,
 * never by a hand-kept list.
 *
 * @internal
 */
export function optionKeys(schema: OptionsSchema): ReadonlySet<string> {
  let keys = keyCache.get(schema)
  if (keys === undefined) {
    keys = new Set(Object.keys(schema.shape))
    keyCache.set(schema, keys)
  }
  return keys
}

/**
 * Parses options once at a public boundary (a constructor). A failure is a `ConfigurationError`
 * naming the first wrong option; an unknown key spelt like a known one (`max_redirects`) names
 * the known spelling. Never the value, which may be a secret.
 *
 * @param owner - the class or method whose options these are, used in the message
 * @internal
 */
export function parseOptions<S extends OptionsSchema>(schema: S, input: unknown, owner: string): z.output<S> {
  const result = schema.safeParse(input ?? {})
  if (!result.success) throw optionsError(schema, result.error, owner)
  return result.data
}

/**
 * The hot-path check of per-request options: only the keys are looked at, and zod runs only when
 * one is unknown (to build the error). `undefined` and `{}` cost a loop over nothing.
 *
 * @param owner - the class whose options these are
 * @param method - the method, joined to `owner` in the message only when one is wrong
 * @internal
 */
export function checkOptionKeys(schema: OptionsSchema, input: unknown, owner: string, method?: string): void {
  if (input === undefined || input === null) return
  if (typeof input === 'object' && input !== null) {
    const keys = optionKeys(schema)
    let unknown = false
    for (const key in input) {
      if (!keys.has(key)) {
        unknown = true
        break
      }
    }
    if (!unknown) return
  }
  if (method !== undefined) owner = `${owner}.${method}`
  parseOptions(schema, input, owner)
  // A schema that accepts a key its shape lacks would land here: report the key all the same.
  const key = Object.keys(input as object).find((name) => !optionKeys(schema).has(name)) ?? '(options)'
  throw new ConfigurationError(key, `Invalid ${owner} options: ${unknownKeyText(schema, [], key)}.`)
}

/** The zod failure as one ConfigurationError; unknown keys first, as the likeliest mistake. */
function optionsError(schema: OptionsSchema, error: z.ZodError, owner: string): ConfigurationError {
  const issues = [...error.issues].sort((a, b) => rank(a) - rank(b))
  const first = issues[0]
  if (first?.code !== 'unrecognized_keys') return ConfigurationError.fromZod(withUnionsDescribed(issues), owner)
  const texts = issues
    .filter((issue) => issue.code === 'unrecognized_keys')
    .flatMap((issue) => issue.keys.map((key) => unknownKeyText(schema, issue.path, key)))
  const option = pathText([...first.path, first.keys[0] ?? ''])
  const more = texts.length > 3 ? ` (and ${texts.length - 3} more)` : ''
  const listed = `${texts.slice(0, 3).join('; ')}${more}`
  return new ConfigurationError(option, `Invalid ${owner} options: ${listed}${listed.endsWith('?') ? '' : '.'} Options are camelCase; see docs/porting.md.`)
}

function rank(issue: z.core.$ZodIssue): number {
  return issue.code === 'unrecognized_keys' ? 0 : 1
}

/** `unknown option 'max_redirects': did you mean 'maxRedirects'?` for a known option spelt otherwise. */
function unknownKeyText(schema: OptionsSchema, path: readonly PropertyKey[], key: string): string {
  const name = pathText([...path, key])
  const known = knownKeysAt(schema, path)
  const wanted = looseName(key)
  const match = [...known].find((candidate) => candidate !== key && looseName(candidate) === wanted)
  const hint = match === undefined ? '' : `: did you mean '${pathText([...path, match])}'?`
  return `unknown option '${name}'${hint}`
}

/** snake_case, SCREAMING_CASE and wrong case all fold to the same name as the camelCase one. */
function looseName(key: string): string {
  return key.replace(/[_-]/g, '').toLowerCase()
}

function pathText(path: readonly PropertyKey[]): string {
  return path.map(String).join('.') || '(options)'
}

/** The keys of the object schema at a path (through optional, nullable, readonly and unions). */
function knownKeysAt(schema: z.core.$ZodType, path: readonly PropertyKey[]): Set<string> {
  let current: z.core.$ZodType[] = [schema]
  for (const segment of path) {
    current = current.flatMap(objectsIn).flatMap((object) => {
      const child = (object._zod.def as z.core.$ZodObjectDef).shape[String(segment)]
      return child === undefined ? [] : [child]
    })
  }
  return new Set(current.flatMap(objectsIn).flatMap((object) => Object.keys((object._zod.def as z.core.$ZodObjectDef).shape)))
}

function objectsIn(schema: z.core.$ZodType): z.core.$ZodType[] {
  const def = schema._zod.def as z.core.$ZodTypeDef & { innerType?: z.core.$ZodType; options?: readonly z.core.$ZodType[] }
  if (def.type === 'object') return [schema]
  if (def.type === 'union') return (def.options ?? []).flatMap(objectsIn)
  if (def.innerType !== undefined) return objectsIn(def.innerType)
  return []
}

/**
 * zod reports a failed union as "Invalid input". Say instead which types were expected when no
 * branch had the value's type, or what was wrong inside the one branch that had it (never the value).
 */
function withUnionsDescribed(issues: readonly z.core.$ZodIssue[]): z.ZodError {
  return new (zod().ZodError)(issues.flatMap(describeUnion))
}

function describeUnion(issue: z.core.$ZodIssue): z.core.$ZodIssue[] {
  if (issue.code !== 'invalid_union') return [issue]
  const wrongType = (branch: readonly z.core.$ZodIssue[]): boolean => branch.some((inner) => inner.code === 'invalid_type' && inner.path.length === 0)
  const matched = issue.errors.filter((branch) => !wrongType(branch))
  if (matched.length === 1) {
    return (matched[0] ?? []).flatMap((inner) => describeUnion({ ...inner, path: [...issue.path, ...inner.path] } as z.core.$ZodIssue))
  }
  if (matched.length > 0) return [issue]
  const expected = [
    ...new Set(issue.errors.flatMap((branch) => branch.flatMap((inner) => (inner.code === 'invalid_type' && inner.path.length === 0 ? [inner.expected] : [])))),
  ]
  const text = expected.length === 1 ? expected.join('') : `${expected.slice(0, -1).join(', ')} or ${expected.at(-1)}`
  return [{ code: 'invalid_type', expected: text as 'string', path: issue.path, message: `expected ${text}`, input: undefined }]
}
