import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import { publicSurface, type Surface } from '../../../tools/public-surface.js'

const root = fileURLToPath(new URL('../../..', import.meta.url)).replace(/\/$/, '')

describe('the public surface', () => {
  it('still exports every name of the recorded snapshot, with the same kind', function () {
    this.timeout(30_000)
    const recorded = JSON.parse(readFileSync(`${root}/spec/fixtures/public-surface.json`, 'utf8')) as Surface
    const current = publicSurface(root)

    const lost: string[] = []
    for (const [entry, names] of Object.entries(recorded)) {
      for (const [name, { kind }] of Object.entries(names)) {
        const now = current[entry]?.[name]
        if (now?.kind !== kind) lost.push(`${entry} ${name} (${kind}${now ? ` is now ${now.kind}` : ' is gone'})`)
      }
    }

    expect(lost, 'exports lost since spec/fixtures/public-surface.json was recorded').to.deep.equal([])
    expect(Object.keys(recorded['.'] ?? {})).to.include('OAuth2Session')
  })
})
