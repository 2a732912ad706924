import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect } from 'chai'
import { startExample } from '../../support/example-process.js'
import { RECORD_WORKER_REPORTS } from '../../support/record-worker-reports.js'
import { tempTokenFileEachSpec } from '../../support/temp-token-file.js'

// The example of docs/tokens-across-processes.md, run as a user runs it: it starts the sandbox,
// forks two workers sharing one FileTokenStore and prints what the provider saw.
describe('examples/shared-token-workers.ts', function () {
  this.timeout(60_000)

  const reportsFolder = tempTokenFileEachSpec('worker-reports-')

  it('refreshes once per expiry for both workers, with rotating refresh tokens, and no request fails', async () => {
    const { folder } = reportsFolder
    const { code, stdout, stderr } = await (async () => {
      await using example = startExample('examples/shared-token-workers.ts', {
        NODE_OPTIONS: `--import tsx --import ${RECORD_WORKER_REPORTS}`,
        RECORD_WORKER_REPORTS: folder,
      })
      return await example.exited(45_000) // awaited here: the example is disposed of when this function returns
    })()
    const reports = readdirSync(folder).map((file) => JSON.parse(readFileSync(join(folder, file), 'utf8')) as { accessTokens: string[] })

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
    // Each worker runs until it has used the fourth token: three expiries, one refresh for each, never one per worker.
    expect(refreshes, stdout).to.equal(3)
    expect(tokensUsed, stdout).to.equal(4)
    // The tokens themselves, as each worker reported them to the parent: both used the same ones, as many as printed.
    expect(reports, stdout).to.have.lengthOf(2)
    const [first, second] = reports.map((report) => [...report.accessTokens].sort())
    expect(first, stdout).to.have.lengthOf(tokensUsed)
    expect(first, stdout).to.not.include('') // a request that went out with no token in the session
    expect(second, stdout).to.deep.equal(first)
    expect(stderr).to.not.match(/Warning/)
  })
})
