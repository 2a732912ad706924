// A small seeded PRNG (sfc32, seeded through splitmix32) so that every case is reproducible from
// the run's seed and its index alone.

/** A seeded source of random choices. */
export interface Rng {
  /** A float in [0, 1). */
  next(): number
  /** An integer in [min, max]. */
  int(min: number, max: number): number
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T
  /** True with probability `p`. */
  chance(p: number): boolean
}

function splitmix32(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x9e3779b9) >>> 0
    let z = state
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0
    return (z ^ (z >>> 16)) >>> 0
  }
}

/** The generator of case `index` of a run seeded with `seed`. */
export function caseRng(seed: number, index: number): Rng {
  const mix = splitmix32((Math.imul(seed >>> 0, 0x27d4eb2d) ^ index) >>> 0)
  let a = mix()
  let b = mix()
  let c = mix()
  let d = mix()
  const next = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0
    d = (d + 1) >>> 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) >>> 0
    c = ((c << 21) | (c >>> 11)) >>> 0
    c = (c + t) >>> 0
    return t / 4_294_967_296
  }
  for (let i = 0; i < 12; i += 1) next()
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)] as (typeof items)[number],
    chance: (p) => next() < p,
  }
}
