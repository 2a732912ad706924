import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

// Which packages a fresh node process loads, without timing anything: a module hook writes the
// URL of every ES module as it is loaded, and the process writes its CommonJS cache as it exits
// (CommonJS packages required by CommonJS ones never reach the ES module hook).

const run = promisify(execFile)

/** The packages (`got`, `@inquirer/prompts`) a node process run with `args` loaded; `args` must exit 0. */
export async function loadedPackages(args: readonly string[], options: { cwd: string; env?: Record<string, string> }): Promise<Set<string>> {
  const folder = mkdtempSync(join(tmpdir(), 'oauth-sessions-loaded-'))
  const file = join(folder, 'loaded.txt')
  try {
    const hooks = `import { appendFileSync } from 'node:fs'
      export async function load(url, context, next) { appendFileSync(${JSON.stringify(file)}, url + '\\n'); return next(url, context) }`
    const register = `import { register, createRequire } from 'node:module'
      import { appendFileSync } from 'node:fs'
      register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hooks)}`)})
      process.on('exit', () => appendFileSync(${JSON.stringify(file)}, Object.keys(createRequire(${JSON.stringify(`${folder}/`)}).cache).join('\\n') + '\\n'))`
    await run(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(register)}`, ...args], {
      cwd: options.cwd,
      env: { ...process.env, NODE_OPTIONS: '', ...options.env },
      timeout: 15_000,
    })
    return new Set(
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line) => [...decodeURIComponent(line).matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)\//g)].map((match) => match[1] ?? '')),
    )
  } finally {
    rmSync(folder, { recursive: true, force: true })
  }
}
