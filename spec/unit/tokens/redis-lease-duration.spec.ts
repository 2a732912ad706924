import { expect } from 'chai'
import { RedisTokenStore } from '../../../lib/index.js'
import { configurationRejection } from '../../support/expect-configuration-error.js'

// No server: the duration is checked before any command, and a command would fail the spec.
describe('RedisTokenStore lease durations', () => {
  const calls: unknown[][] = []
  const client = {
    eval: async (...args: unknown[]) => void calls.push(args),
    evalSha: async (...args: unknown[]) => void calls.push(args),
  }

  for (const ms of [1e21, Number.MAX_VALUE]) {
    it(`refuses ${ms} ms as a ConfigurationError, not a PX argument Redis cannot read ("${String(Math.ceil(ms))}")`, async () => {
      const store = new RedisTokenStore({ client })
      const error = await configurationRejection(() => store.lease('k', ms))
      expect(error.option).to.equal('ttlMs')
      expect(calls).to.deep.equal([])
    })
  }
})
