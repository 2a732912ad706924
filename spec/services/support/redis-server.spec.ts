import { expect } from 'chai'
import { createClient } from 'redis'
import { startRedisServer } from '../../support/redis-server.js'

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe('spec support: startRedisServer', () => {
  it('starts redis-server on a unix socket that answers, and stops it by its pid', async () => {
    let pid: number | undefined
    {
      await using redis = await startRedisServer()
      pid = redis.pid
      expect(pid).to.be.a('number')
      const client = await createClient({ socket: { path: redis.socket, tls: false } }).connect()
      try {
        expect(await client.ping()).to.equal('PONG')
      } finally {
        client.destroy()
      }
    }
    expect(isRunning(pid as number)).to.equal(false)
  })

  it('starts again on the same socket after stop()', async () => {
    await using redis = await startRedisServer()
    const first = redis.pid
    await redis.stop()
    expect(redis.pid).to.equal(undefined)
    expect(isRunning(first as number)).to.equal(false)
    await redis.start()
    const client = await createClient({ socket: { path: redis.socket, tls: false } }).connect()
    try {
      expect(await client.ping()).to.equal('PONG')
    } finally {
      client.destroy()
    }
  })
})
