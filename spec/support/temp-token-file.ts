import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Where a spec keeps its token file: a folder of its own and `tokens.json` in it (not yet written). */
export interface TempTokenFile {
  readonly folder: string
  readonly path: string
}

/**
 * Gives each spec of the calling `describe` a fresh folder under the OS temp folder, named from
 * `prefix`, removed with all it holds after the spec. Read `folder` and `path` inside the spec:
 * they change from one spec to the next.
 */
export function tempTokenFileEachSpec(prefix: string): TempTokenFile {
  const current = { folder: '', path: '' }
  beforeEach(() => {
    current.folder = mkdtempSync(join(tmpdir(), prefix))
    current.path = join(current.folder, 'tokens.json')
  })
  afterEach(() => rmSync(current.folder, { recursive: true, force: true }))
  return current
}
