import { expect } from 'chai'
import { FileTokenStore } from '../../../lib/index.js'
import { kill, startWorker, type Worker } from '../../support/token-store-worker.js'
import { tempTokenFileEachSpec } from '../../support/temp-token-file.js'

describe('FileTokenStore shared by processes', function () {
  this.timeout(30_000)
  const files = tempTokenFileEachSpec('oauth-sessions-file-store-')

  it('keeps every key when two processes write different keys at once (2 × 50 writes)', async () => {
    let a: Worker | undefined
    let b: Worker | undefined
    try {
      a = await startWorker(files.path)
      b = await startWorker(files.path)
      await Promise.all([a.ask({ op: 'writeMany', prefix: 'a', count: 50 }), b.ask({ op: 'writeMany', prefix: 'b', count: 50 })])

      const store = new FileTokenStore(files.path)
      const missing: string[] = []
      for (const prefix of ['a', 'b'])
        for (let i = 0; i < 50; i++) if ((await store.get(`${prefix}-${i}`))?.token.access_token !== `${prefix}${i}`) missing.push(`${prefix}-${i}`)
      expect(missing).to.deep.equal([])
      expect(JSON.parse(JSON.stringify(store)).count).to.equal(100)
    } finally {
      kill(a)
      kill(b)
    }
  })

  it('lets exactly one of two processes win a compare-and-set on the same version, round after round', async () => {
    const store = new FileTokenStore(files.path)
    let a: Worker | undefined
    let b: Worker | undefined
    try {
      a = await startWorker(files.path)
      b = await startWorker(files.path)
      for (let round = 1; round <= 10; round++) {
        const results = await Promise.all([
          a.ask({ op: 'set', key: 'shared', value: `a${round}`, ifVersion: round - 1 }),
          b.ask({ op: 'set', key: 'shared', value: `b${round}`, ifVersion: round - 1 }),
        ])

        expect(
          results.filter((version) => version === null),
          `round ${round}`,
        ).to.have.length(1)
        expect(
          results.filter((version) => version === round),
          `round ${round}`,
        ).to.have.length(1)
        const winner = results[0] === round ? `a${round}` : `b${round}`
        expect((await store.get('shared'))?.token.access_token).to.equal(winner)
      }
    } finally {
      kill(a)
      kill(b)
    }
  })

  it('blocks a lease held by another process until that process releases it', async () => {
    const store = new FileTokenStore(files.path)
    let holder: Worker | undefined
    try {
      holder = await startWorker(files.path)
      expect(await holder.ask({ op: 'lease', key: 'refresh', ttlMs: 60_000 })).to.equal(true)

      expect(await store.lease('refresh', 60_000)).to.equal(undefined)
      await holder.ask({ op: 'release', key: 'refresh' })
      const mine = await store.lease('refresh', 60_000)

      expect(mine).to.not.equal(undefined)
      expect(await holder.ask({ op: 'lease', key: 'refresh', ttlMs: 60_000 })).to.equal(false)
    } finally {
      kill(holder)
    }
  })

  it('lets a lease held by a killed process expire by its TTL', async () => {
    const store = new FileTokenStore(files.path)
    let holder: Worker | undefined
    try {
      holder = await startWorker(files.path)
      expect(await holder.ask({ op: 'lease', key: 'refresh', ttlMs: 1_000 })).to.equal(true)
      const exited = new Promise((resolve) => holder?.child.once('exit', resolve))
      holder.child.kill('SIGKILL')
      await exited

      const whileHeld = await store.lease('refresh', 60_000)
      await new Promise((resolve) => setTimeout(resolve, 1_100))
      const afterExpiry = await store.lease('refresh', 60_000)

      expect(whileHeld).to.equal(undefined)
      expect(afterExpiry).to.not.equal(undefined)
    } finally {
      kill(holder)
    }
  })
})
