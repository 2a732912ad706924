import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import type { z } from 'zod'

/** zod's `z`, the namespace every schema is built from. */
type Zod = typeof z

let loaded: Zod | undefined

/**
 * zod, loaded the first time an option is parsed rather than at import (#20): zod and the
 * schemas built from it are about 50 ms of a cold start. It is required synchronously, so a
 * constructor parses its options as before. The file required is the ES module that
 * `import 'zod'` loads (Node's require of an ES module shares the instance with import), not zod's
 * CommonJS build, which would be a second zod beside the user's.
 *
 * @internal
 */
export function zod(): Zod {
  if (loaded === undefined) {
    const require = createRequire(import.meta.url)
    // Compiled to CommonJS (tsx running specs, a bundler) there is no import.meta.resolve, and
    // every `import 'zod'` there is a require('zod') too.
    const file = typeof import.meta.resolve === 'function' ? fileURLToPath(import.meta.resolve('zod')) : 'zod'
    loaded = (require(file) as { z: Zod }).z
  }
  return loaded
}

/**
 * A schema built on first use and kept: `const fooSchema = lazySchema((z) => z.object({ ... }))`,
 * read as `fooSchema()`. Building every schema at module level loaded zod on import.
 *
 * @internal
 */
export function lazySchema<T>(build: (z: Zod) => T): () => T {
  let schema: T | undefined
  let built = false
  return () => {
    if (!built) {
      schema = build(zod())
      built = true
    }
    return schema as T
  }
}
