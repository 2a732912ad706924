// Lists the public surface of the package entry points: every exported name, its kind, and the
// signatures of exported functions and class constructors. `npm run api:surface` writes it to
// spec/fixtures/public-surface.json; spec/unit/package/public-surface.spec.ts fails when a name
// listed there is no longer exported with the same kind.
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

export const ENTRY_POINTS = { '.': 'lib/index.ts', './compliance': 'lib/compliance.ts', './testing': 'lib/testing/index.ts' } as const

export interface SurfaceEntry {
  kind: string
  signatures?: string[]
}

export type Surface = Record<string, Record<string, SurfaceEntry>>

function kindOf(symbol: ts.Symbol): string {
  const flags = symbol.flags
  if (flags & ts.SymbolFlags.Class) return 'class'
  if (flags & ts.SymbolFlags.Function) return 'function'
  if (flags & ts.SymbolFlags.Interface) return 'interface'
  if (flags & ts.SymbolFlags.TypeAlias) return 'type'
  if (flags & ts.SymbolFlags.Enum) return 'enum'
  if (flags & ts.SymbolFlags.Variable) return 'const'
  return 'other'
}

/** The surface of every entry point, read from the sources with the TypeScript checker. */
export function publicSurface(root: string): Surface {
  const files = Object.values(ENTRY_POINTS).map((file) => `${root}/${file}`)
  const program = ts.createProgram(files, {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2023,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    types: ['node'],
  })
  const checker = program.getTypeChecker()
  const surface: Surface = {}
  for (const [entry, file] of Object.entries(ENTRY_POINTS)) {
    const source = program.getSourceFile(`${root}/${file}`)
    const module = source && checker.getSymbolAtLocation(source)
    if (!module) throw new Error(`cannot read ${file}`)
    const names: Record<string, SurfaceEntry> = {}
    for (const exported of checker.getExportsOfModule(module).sort((a, b) => a.name.localeCompare(b.name))) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported
      const kind = kindOf(symbol)
      const item: SurfaceEntry = { kind }
      const declaration = symbol.valueDeclaration ?? symbol.declarations?.[0]
      if (declaration && (kind === 'function' || kind === 'class')) {
        const type = checker.getTypeOfSymbolAtLocation(symbol, declaration)
        const signatures = kind === 'class' ? type.getConstructSignatures() : type.getCallSignatures()
        item.signatures = signatures.map((signature) => checker.signatureToString(signature, undefined, ts.TypeFormatFlags.NoTruncation))
      }
      names[exported.name] = item
    }
    surface[entry] = names
  }
  return surface
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '')
  writeFileSync(`${root}/spec/fixtures/public-surface.json`, `${JSON.stringify(publicSurface(root), null, 2)}\n`)
}
