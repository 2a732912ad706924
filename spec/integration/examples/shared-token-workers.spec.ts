import { expect } from 'chai'
import { startExample } from '../../support/example-process.js'

// The example of docs/tokens-across-processes.md, run as a user runs it: it starts the sandbox,
// forks two workers sharing one FileTokenStore and prints what the provider saw.
describe('examples/shared-token-workers.ts', function () {
  this.timeout(60_000)

  it('refreshes once per expiry for both workers, with rotating refresh tokens, and no request fails', async () => {
    await using example = startExample('examples/shared-token-workers.ts', {})

    const { code, stdout, stderr } = await example.exited(45_000)

    expect(code, `${stdout}\n${stderr}`).to.equal(0)
    const number = (pattern: RegExp): number => Number(stdout.match(pattern)?.[1] ?? Number.NaN)
    const requests = number(/^requests: (\d+), failed: \d+/m)
    const failed = number(/^requests: \d+, failed: (\d+)/m)
    const tokensUsed = number(/^access tokens used: (\d+), the same ones in both workers$/m)
    const refreshes = number(/^refreshes at the provider: (\d+)/m)
    const reused = number(/^refresh tokens spent twice: (\d+)$/m)
    expect(requests, stdout).to.be.greaterThan(20)
    expect(failed, stdout).to.equal(0)
    expect(reused, stdout).to.equal(0)
    // Three 1-second lifetimes in 3.5 s: one refresh for each (a late one may fall outside), never one per worker.
    expect(refreshes, stdout).to.be.within(2, 4)
    expect(tokensUsed, stdout).to.equal(refreshes + 1)
    expect(stderr).to.not.match(/Warning/)
  })
})
