import { expect } from 'chai'
import nock from 'nock'
import { optionKeys } from '../../../lib/http/parse-options.js'
import { sessionOptionsSchema } from '../../../lib/http/session-options.js'
import {
  ConfigurationError,
  ProxySession,
  type ProxySessionOptions,
  ProxySessionService,
  type ProxySessionServiceOptions,
  type SessionOptions,
} from '../../../lib/index.js'
import { proxySessionOptionsSchema } from '../../../lib/proxy/proxy-session.js'
import { configurationError } from '../../support/expect-configuration-error.js'

const PASSWORD = 'gh-pw-9c3f7a1e5b2d8f4a'

const own: Required<Omit<ProxySessionOptions, keyof SessionOptions>> = {
  oauth2Username: 'bot',
  oauth2Password: PASSWORD,
  authenticationBaseUrl: 'https://dash.test/oauth2/start',
  authenticationSessionUrl: 'https://github.test/session',
  authenticationPostdata: { commit: 'Sign in' },
  proxyCookieName: '_proxy',
}

describe('ProxySession options from the schema', () => {
  it('accepts every documented option, and the schema knows no other', async () => {
    const session = new ProxySession({ ...own, timeout: 1_000 })

    expect(session.authenticationSessionUrl).to.equal('https://github.test/session')
    expect(session.timeout).to.equal(1_000)
    expect([...optionKeys(proxySessionOptionsSchema())].sort()).to.deep.equal([...Object.keys(own), ...optionKeys(sessionOptionsSchema())].sort())
    await session.close()
  })

  it('names the camelCase option for a Python attribute name, never its value', () => {
    const error = configurationError(() => new ProxySession({ oauth2_password: PASSWORD } as never))

    expect(error.option).to.equal('oauth2_password')
    expect(error.message).to.include("unknown option 'oauth2_password': did you mean 'oauth2Password'?").and.not.include(PASSWORD)
  })

  it('names a wrong type, never its value', () => {
    const error = configurationError(() => new ProxySession({ oauth2Password: [PASSWORD] } as never))

    expect(error.option).to.equal('oauth2Password')
    expect(error.message).to.include('expected string').and.not.include(PASSWORD)
  })

  for (const [option, value] of [
    ['authenticationBaseUrl', `http://[${PASSWORD}`],
    ['authenticationBaseUrl', `/oauth2/start?${PASSWORD}`],
    ['authenticationSessionUrl', `ftp://github.test/${PASSWORD}`],
  ] as const) {
    it(`refuses ${option} that is not an absolute http(s) URL, naming it and never the value`, () => {
      const errors = [
        configurationError(() => new ProxySession({ ...own, [option]: value })),
        configurationError(() => new ProxySessionService({ authenticationBaseUrl: 'https://dash.test/oauth2/start', [option]: value })),
      ]

      for (const error of errors) {
        expect(error.option).to.equal(option)
        expect(error.message).to.include('absolute http or https URL').and.not.include(PASSWORD)
      }
    })
  }

  it('rejects an unknown per-request key before signing in, so no traffic at all', async () => {
    let traffic = 0
    const count = (): void => {
      traffic++
    }
    nock.emitter.on('no match', count)
    const session = new ProxySession(own)
    try {
      const error = await session.get('https://dash.test/status', { allow_redirects: false } as never).catch((e: unknown) => e)

      expect(error).to.be.instanceOf(ConfigurationError).and.include({ option: 'allow_redirects' })
      expect((error as Error).message).to.include("did you mean 'allowRedirects'?")
      expect(traffic).to.equal(0)
    } finally {
      nock.emitter.removeListener('no match', count)
      await session.close()
    }
  })
})

describe('ProxySessionService options from the schema', () => {
  it('accepts every documented option', async () => {
    const every: Required<ProxySessionServiceOptions> = {
      name: 'dash',
      authenticationBaseUrl: 'https://dash.test/oauth2/start',
      authenticationSessionUrl: 'https://github.test/session',
      authenticationPostdata: { commit: 'Sign in' },
      sessionOptions: { proxyCookieName: '_proxy', timeout: 2_000 },
    }

    const session = new ProxySessionService(every).getSession()

    expect(session.authenticationBaseUrl).to.equal('https://dash.test/oauth2/start')
    expect(session.timeout).to.equal(2_000)
    await session.close()
  })

  it('names an unknown option, and one inside sessionOptions, with the hint', () => {
    const top = configurationError(() => new ProxySessionService({ authentication_base_url: 'x' } as never))
    const nested = configurationError(
      () => new ProxySessionService({ authenticationBaseUrl: 'https://dash.test/', sessionOptions: { proxy_cookie_name: 'x' } } as never),
    )

    expect(top.message).to.include("did you mean 'authenticationBaseUrl'?").and.include('ProxySessionService')
    expect(nested.option).to.equal('sessionOptions.proxy_cookie_name')
    expect(nested.message).to.include("did you mean 'sessionOptions.proxyCookieName'?")
  })

  it('names the missing start URL', () => {
    const error = configurationError(() => new ProxySessionService({} as never))

    expect(error.option).to.equal('authenticationBaseUrl')
  })
})
