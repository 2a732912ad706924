import { expect } from 'chai'
import { OAuth2Service, OAuth2Session, type OAuth2SessionOptions } from '../../../lib/index.js'
import { configurationError } from '../../support/expect-configuration-error.js'

/** A value no message may echo. */
const SECRET = 'value-never-shown-4f1a'

/** [option path the error names, options with a wrong value]. */
const WRONG: [option: string, options: Record<string, unknown>][] = [
  ['token', { token: SECRET }],
  ['token', { token: [SECRET] }],
  ['token.access_token', { token: { access_token: 5 } }],
  ['token.access_token', { token: { access_token: { value: SECRET } } }],
  ['token.refresh_token', { token: { access_token: 'a', refresh_token: 5 } }],
  ['token.token_type', { token: { access_token: 'a', token_type: ['Bearer'] } }],
  ['token.expires_in', { token: { access_token: 'a', expires_in: `${SECRET}` } }],
  ['token.expires_in', { token: { access_token: 'a', expires_in: { seconds: 3600 } } }],
  ['token.expires_at', { token: { access_token: 'a', expires_at: 'tomorrow' } }],
  ['token.scope', { token: { access_token: 'a', scope: 5 } }],
  ['clientSecret', { clientSecret: 42 }],
  ['pkce', { pkce: 'S257' }],
  ['pkce', { pkce: true }],
  ['tokenUpdater', { tokenUpdater: 'fn' }],
  ['autoRefreshUrl', { autoRefreshUrl: `not a url ${SECRET}` }],
  ['autoRefreshUrl', { autoRefreshUrl: 5 }],
  ['autoRefreshUrl', { autoRefreshUrl: `ftp://idp.example/${SECRET}` }],
  ['autoRefreshUrl', { autoRefreshUrl: '' }],
  // requests-oauthlib would replace an empty state with a generated one: here a state given is the one checked.
  ['state', { state: '' }],
  // An empty accessTokenKey is rauth's query parameter without a name (`?=token`).
  ['accessTokenKey', { accessTokenKey: '' }],
]

describe('OAuth2Session constructor options of the wrong type', () => {
  for (const [option, options] of WRONG) {
    it(`refuses ${JSON.stringify(options)} with a ConfigurationError naming ${option}, never the value`, () => {
      const error = configurationError(() => new OAuth2Session('client-1', options as OAuth2SessionOptions))

      expect(error.option).to.equal(option)
      expect(error.message).to.include(option.split('.').at(-1)).and.not.include(SECRET)
    })
  }

  for (const [label, clientId] of [
    ['a number', 42],
    ['an object', { secret: SECRET }],
    ['a list', [SECRET]],
  ] as const) {
    it(`refuses ${label} as the clientId (it would go on the wire as text such as [object Object])`, () => {
      const error = configurationError(() => new OAuth2Session(clientId as unknown as string))

      expect(error.option).to.equal('clientId')
      expect(error.message).to.include('clientId').and.not.include(SECRET)
    })
  }

  it('accepts no clientId (undefined or null, Python None) and an empty clientSecret, which oauthlib sends as client_secret=', () => {
    const sessions = [new OAuth2Session(), new OAuth2Session(null as unknown as string), new OAuth2Session('client-1', { clientSecret: '' })]

    expect(sessions.map((session) => session.clientId)).to.deep.equal([undefined, undefined, 'client-1'])
  })

  it('says what pkce takes', () => {
    const error = configurationError(() => new OAuth2Session('client-1', { pkce: 'S257' as never }))

    expect(error.message).to.include("'S256'").and.include("'plain'").and.include('false')
  })

  it('refuses the token of a custom accessTokenKey when it is not text', () => {
    const error = configurationError(() => new OAuth2Session('client-1', { accessTokenKey: 'token', token: { token: 5 } }))

    expect(error.option).to.equal('token.token')
  })

  it('accepts the values requests-oauthlib documents', () => {
    const updater = (): void => {}
    const sessions = [
      new OAuth2Session('client-1', {
        token: { access_token: 'a', refresh_token: 'r', token_type: 'Bearer', expires_in: '-30' as never },
        clientSecret: 's',
        pkce: 'S256',
        tokenUpdater: updater,
        autoRefreshUrl: 'https://idp.example/token',
      }),
      new OAuth2Session('client-1', { token: { access_token: 'a', expires_at: Date.now() / 1000 - 10, scope: ['read', 'write'] }, pkce: 'plain' }),
      new OAuth2Session('client-1', {
        token: { access_token: 'a', expires_in: 3600, scope: 'read write' as never, id_token: 'x.y.z', extra: { any: 1 } },
        pkce: false,
      }),
      new OAuth2Session('client-1', { token: {}, autoRefreshUrl: 'http://127.0.0.1:8080/token' }),
      new OAuth2Session('client-1', { accessTokenKey: 'token', token: { token: 'a' } }),
    ]

    expect(sessions.map((session) => session.token.access_token ?? session.token.token)).to.deep.equal(['a', 'a', 'a', undefined, 'a'])
    expect(sessions[0]?.token.expires_in).to.equal(-30)
  })
})

describe('OAuth2Session.token set to the wrong type', () => {
  it('refuses it with a ConfigurationError naming token, keeping the old token', () => {
    const session = new OAuth2Session('client-1', { token: { access_token: 'old' } })

    const error = configurationError(() => {
      session.token = { access_token: 5 } as never
    })

    expect(error.option).to.equal('token.access_token')
    expect(session.token.access_token).to.equal('old')
  })

  it('accepts a documented token', () => {
    const session = new OAuth2Session('client-1')

    session.token = { access_token: 'new', expires_in: '3600' } as never

    expect(session.token).to.include({ access_token: 'new', expires_in: 3600 })
  })
})

describe('OAuth2Service sessionOptions of the wrong type', () => {
  const endpoints = { clientId: 'id', clientSecret: 's', accessTokenUrl: 'https://idp.example/token' }
  for (const [option, options] of WRONG.filter(([name]) => name !== 'clientSecret')) {
    it(`refuses sessionOptions ${JSON.stringify(options)}, naming sessionOptions.${option}`, () => {
      const error = configurationError(() => new OAuth2Service({ ...endpoints, sessionOptions: options as OAuth2SessionOptions }))

      expect(error.option).to.equal(`sessionOptions.${option}`)
      expect(error.message).to.not.include(SECRET)
    })
  }

  it('refuses a clientSecret that is not text', () => {
    const error = configurationError(() => new OAuth2Service({ ...endpoints, clientSecret: 42 as never }))

    expect(error.option).to.equal('clientSecret')
  })
})
