import { expect } from 'chai'
import {
  type ConfigurationError,
  OAuth1Session,
  OAuth2Session,
  OflySession,
  ProxySession,
  type RequestOptions,
  type SendOptions,
  Session,
} from '../../../lib/index.js'
import { configurationRejection } from '../../support/expect-configuration-error.js'
import { trafficCounter } from '../../support/traffic-counter.js'

const URL_ = 'https://api.test/x'

/** Every verb of a Session, called with the options under test. */
const verbs: [string, (session: Session, options: RequestOptions) => Promise<unknown>][] = [
  ['get', (s, o) => s.get(URL_, o)],
  ['post', (s, o) => s.post(URL_, o)],
  ['put', (s, o) => s.put(URL_, o)],
  ['patch', (s, o) => s.patch(URL_, o)],
  ['delete', (s, o) => s.delete(URL_, o)],
  ['head', (s, o) => s.head(URL_, o)],
  ['options', (s, o) => s.options(URL_, o)],
  ['request', (s, o) => s.request('POST', URL_, o)],
  ['prepareRequest', (s, o) => s.prepareRequest('POST', URL_, o)],
  [
    'send',
    async (s, o) => {
      // Prepared without credentials: only send's own check is under test.
      const prepared = await s.prepareRequest('POST', URL_, { auth: null })
      return s.send(prepared, o as SendOptions)
    },
  ],
]

/**
 * Each class built so that a request would make traffic before its own: an expired token with
 * a refresh URL, a sign-in that has not happened yet.
 */
const classes: [string, () => Session, Record<string, string>][] = [
  ['Session', () => new Session(), { max_response_size: 'maxResponseSize' }],
  ['OAuth1Session', () => new OAuth1Session('key', 'secret', 'token', 'token-secret'), { header_auth: 'headerAuth' }],
  [
    'OAuth2Session',
    () =>
      new OAuth2Session('client', {
        token: { access_token: 'at', refresh_token: 'rt', token_type: 'Bearer', expires_at: 1 },
        autoRefreshUrl: 'https://idp.test/token',
      }),
    { withhold_token: 'withholdToken' },
  ],
  ['OflySession', () => new OflySession('app', 'app-secret'), { user_id: 'userId' }],
  ['ProxySession', () => new ProxySession({ oauth2Username: 'bot', oauth2Password: 'pw', authenticationBaseUrl: 'https://proxy.test/' }), {}],
]

async function refused(session: Session, call: (session: Session, options: RequestOptions) => Promise<unknown>, options: object): Promise<ConfigurationError> {
  const traffic = trafficCounter()
  try {
    // Called outside the helper: a synchronous throw (not a rejection) fails the spec.
    const pending = call(session, options as RequestOptions)
    const error = await configurationRejection(() => pending)
    expect(traffic.count, 'no request may leave').to.equal(0)
    return error
  } finally {
    traffic.stop()
  }
}

for (const [name, make, ownSnake] of classes) {
  describe(`${name}: unknown per-request options (issue #15, item 3)`, () => {
    for (const [verb, call] of verbs) {
      it(`refuses Python's positional body ported as ${verb}(url, { status: 'hi' }) before any traffic`, async () => {
        const session = make()
        try {
          const error = await refused(session, call, { status: 'hi' })

          expect(error.option).to.equal('status')
          expect(error.message).to.include(name).and.include("unknown option 'status'")
        } finally {
          await session.close()
        }
      })

      it(`names allowRedirects for ${verb}(url, { allow_redirects: false })`, async () => {
        const session = make()
        try {
          const error = await refused(session, call, { allow_redirects: false })

          expect(error.option).to.equal('allow_redirects')
          expect(error.message).to.include("did you mean 'allowRedirects'?")
        } finally {
          await session.close()
        }
      })
    }

    for (const [verb, call] of verbs.filter(([verb]) => verb === 'post' || verb === 'head')) {
      it(`refuses a body passed where the options of ${verb}() go`, async () => {
        const session = make()
        try {
          const error = await refused(session, call, 'status=hi' as unknown as object)

          expect(error.message).to.include(name).and.include('expected object')
        } finally {
          await session.close()
        }
      })
    }

    for (const [snake, camel] of Object.entries(ownSnake)) {
      it(`names its own option ${camel} for the Python spelling ${snake}`, async () => {
        const session = make()
        try {
          const error = await refused(session, (s, o) => s.get(URL_, o), { [snake]: false })

          expect(error.option).to.equal(snake)
          expect(error.message).to.include(`did you mean '${camel}'?`)
        } finally {
          await session.close()
        }
      })
    }
  })
}
