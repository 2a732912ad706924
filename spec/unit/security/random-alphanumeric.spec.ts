import { expect } from 'chai'
import { randomAlphanumeric } from '../../../lib/security/random-alphanumeric.js'

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

describe('randomAlphanumeric (OAuth 1 nonces, OAuth 2 states)', () => {
  it('gives exactly the length asked for, letters and digits only, also longer than its scratch space and its random pool', () => {
    for (const length of [1, 24, 30, 32, 64, 65, 5000]) {
      const text = randomAlphanumeric(length)
      expect(text).to.have.length(length)
      expect(text).to.match(/^[A-Za-z0-9]+$/)
    }
  })

  it('gives a different string each time, which later calls do not change', () => {
    const first = randomAlphanumeric(24)
    const copy = `${first}`
    const seen = new Set([first])
    for (let i = 0; i < 1000; i++) seen.add(randomAlphanumeric(24))
    expect(seen.size).to.equal(1001)
    expect(first).to.equal(copy)
  })

  it('draws every one of the 62 characters about equally often (no modulo bias)', () => {
    const counts = new Map<string, number>()
    const draws = 62 * 2000
    for (const character of randomAlphanumeric(draws)) counts.set(character, (counts.get(character) ?? 0) + 1)
    expect([...counts.keys()].sort().join('')).to.equal([...ALPHABET].sort().join(''))
    // Chi-square with 61 degrees of freedom: above 120 happens by chance about once in 100,000 runs.
    // Keeping bytes 248-255 (248 = 4 x 62) would make the first 8 characters 25% likelier: far above.
    const expected = draws / 62
    const chiSquare = [...counts.values()].reduce((sum, count) => sum + (count - expected) ** 2 / expected, 0)
    expect(chiSquare).to.be.below(120)
  })
})
