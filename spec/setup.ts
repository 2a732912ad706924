import nock from 'nock'

// Root hooks: no spec may reach the network beyond loopback, and no interceptor outlives its spec.
export const mochaHooks = {
  beforeAll(): void {
    nock.disableNetConnect()
    nock.enableNetConnect(/^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/)
  },
  afterEach(): void {
    nock.cleanAll()
  },
  afterAll(): void {
    nock.enableNetConnect()
    nock.restore()
  },
}
