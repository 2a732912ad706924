import { expect } from 'chai'
import { ConfigurationError, Session, type SessionOptions } from '../../../lib/index.js'
import { configurationError } from '../../support/expect-configuration-error.js'

describe('Session options validation', () => {
  const wrong: [string, Record<string, unknown>][] = [
    ['timeout', { timeout: -5 }],
    ['maxRedirects', { maxRedirects: 1.5 }],
    ['retry', { retry: 'always' }],
    ['proxies.https', { proxies: { https: 'not a url' } }],
    ['cookies', { cookies: {} }],
    ['auth', { auth: { sign: () => undefined } }],
    ['verify', { verify: 'yes-please'.length }],
  ]
  for (const [option, options] of wrong) {
    it(`names ${option} when it is wrong`, () => {
      const error = configurationError(() => new Session(options as SessionOptions))

      expect(error.option).to.equal(option)
      expect(error.message).to.include(option).and.include('Invalid Session options')
    })
  }

  it('names an unknown option, such as a snake_case Python name', () => {
    const error = configurationError(() => new Session({ max_redirects: 3 } as unknown as SessionOptions))

    expect(error.message).to.include("unknown option 'max_redirects': did you mean 'maxRedirects'?")
  })

  it('never echoes the value of a wrong option, which may be a secret', () => {
    const error = configurationError(() => new Session({ proxies: { https: 'http//user:hunter2@proxy' } }))

    expect(error.message).to.not.include('hunter2')
  })

  it('reports a verify file that cannot be read at construction', () => {
    const error = configurationError(() => new Session({ verify: '/nonexistent/ca-bundle.pem' }))

    expect(error.option).to.equal('verify')
    expect(error.message).to.include('ENOENT')
  })

  it('names the subclass in the message when a subclass is constructed', () => {
    class ApiSession extends Session {}

    const error = configurationError(() => new ApiSession({ timeout: -1 }))

    expect(error.message).to.include('Invalid ApiSession options')
  })
})

describe('request URL validation', () => {
  it('rejects a relative URL without baseUrl before any traffic', async () => {
    const session = new Session()

    const error = await session.get('/relative').catch((e: unknown) => e)

    expect(error).to.be.instanceOf(ConfigurationError).and.include({ option: 'url' })
    expect((error as Error).message).to.include('baseUrl')
    await session.close()
  })

  it('rejects schemes other than http and https', async () => {
    const session = new Session()

    const error = await session.get('ftp://files.test/x').catch((e: unknown) => e)

    expect(error).to.be.instanceOf(ConfigurationError)
    expect((error as Error).message).to.include("'ftp:'")
    await session.close()
  })

  it('joins relative URLs with baseUrl like urljoin (rauth base_url)', async () => {
    const withSlash = new Session({ baseUrl: 'https://api.test/1/' })
    const withoutSlash = new Session({ baseUrl: 'https://api.test/1' })
    const { default: nock } = await import('nock')
    const scope = nock('https://api.test').get('/1/users').reply(200).get('/users').reply(200).get('/root').reply(200)

    const a = await withSlash.get('users')
    const b = await withoutSlash.get('users')
    const c = await withSlash.get('/root')

    expect([a.url, b.url, c.url]).to.deep.equal(['https://api.test/1/users', 'https://api.test/users', 'https://api.test/root'])
    scope.done()
    await withSlash.close()
    await withoutSlash.close()
  })
})

describe('URL credentials', () => {
  it('refuses a malformed percent escape in the user-info with ConfigurationError', async () => {
    const session = new Session()

    const error = await session.get('https://user:%E0%A4%A@api.test/').catch((e: unknown) => e)

    expect(error).to.be.instanceOf(ConfigurationError).and.include({ option: 'url' })
    await session.close()
  })
})
