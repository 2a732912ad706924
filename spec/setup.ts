import nock from 'nock'

// Under `npm run coverage` (c8), a process a spec starts with tsx would load lib/ transpiled as
// ES modules, while mocha's runs it as CommonJS: c8 merges coverage of one URL across processes
// by byte offset, so theirs would garble ours. Only this process is measured.
delete process.env.NODE_V8_COVERAGE

// Root hooks: no spec may reach the network beyond loopback, and no interceptor outlives its spec.
export const mochaHooks = {
  beforeAll(): void {
    nock.disableNetConnect()
    nock.enableNetConnect(/^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/)
  },
  afterEach(this: Mocha.Context): void {
    const pending = nock.pendingMocks()
    nock.cleanAll()
    // A spec that passed while an interceptor it set up was never used did not check what it
    // claims: fail that spec (Hook#error marks the current test failed and lets the run go on,
    // where a throw would abort every spec after it). A spec that already failed keeps its own
    // error; its leftovers are a symptom.
    if (pending.length > 0 && this.currentTest?.state === 'passed') {
      const hook = this.test as Mocha.Hook
      hook.error(
        new Error(
          `nock interceptors still pending after the spec: ${pending.join(', ')}. ` +
            'End every scope with scope.done(), or mark a mock that may go unused with .optionally().',
        ),
      )
    }
  },
  afterAll(): void {
    nock.enableNetConnect()
    nock.restore()
  },
}
