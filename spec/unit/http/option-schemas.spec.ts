import { Readable } from 'node:stream'
import { expect } from 'chai'
import nock from 'nock'
import { CookieJar } from 'tough-cookie'
import { checkOptionKeys, optionKeys, parseOptions } from '../../../lib/http/parse-options.js'
import { requestOptionsSchema, sendOptionsSchema, sessionOptionsSchema } from '../../../lib/http/session-options.js'
import {
  ConfigurationError,
  HTTPBasicAuth,
  OAuth2Handler,
  type OAuth2HandlerOptions,
  OAuth2Session,
  type RequestOptions,
  type SendOptions,
  Session,
  type SessionOptions,
} from '../../../lib/index.js'
import { configurationError } from '../../support/expect-configuration-error.js'
import { startServer } from '../../support/servers.js'
import { trafficCounter } from '../../support/traffic-counter.js'

const SECRET = 'sk_live_51HxQ9v2eZvKYlo2C0FAKEFAKE'

async function rejection(promise: Promise<unknown>): Promise<ConfigurationError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  if (error instanceof ConfigurationError) return error
  throw new Error(`expected a ConfigurationError, got ${String(error)}`)
}

describe('Session constructor options from the schema', () => {
  it('names an unknown option without a hint when nothing like it is known', () => {
    const error = configurationError(() => new Session({ colour: 'blue' } as unknown as SessionOptions))

    expect(error.option).to.equal('colour')
    expect(error.message).to.include("unknown option 'colour'").and.not.include('did you mean')
  })

  const snake: [string, string][] = [
    ['max_redirects', 'maxRedirects'],
    ['base_url', 'baseUrl'],
    ['trust_env', 'trustEnv'],
    ['allow_redirects', 'allowRedirects'],
  ]
  for (const [python, camel] of snake) {
    it(`names '${camel}' for the snake_case spelling '${python}'`, () => {
      const error = configurationError(() => new Session({ [python]: SECRET } as unknown as SessionOptions))

      expect(error.option).to.equal(python)
      expect(error.message).to.include(`unknown option '${python}': did you mean '${camel}'?`)
      expect(error.message).to.not.include(SECRET)
    })
  }

  it('gives the hint inside nested options too', () => {
    const error = configurationError(() => new Session({ retry: { limit: 2, status_codes: [503] } } as unknown as SessionOptions))

    expect(error.option).to.equal('retry.status_codes')
    expect(error.message).to.include("unknown option 'retry.status_codes': did you mean 'retry.statusCodes'?")
  })

  it("hints requests' own snake_case key no_proxy when it is spelt in camelCase", () => {
    const error = configurationError(() => new Session({ proxies: { noProxy: 'localhost' } } as unknown as SessionOptions))

    expect(error.message).to.include("did you mean 'proxies.no_proxy'?")
  })

  it('reports an unknown key before a wrong type elsewhere in the same options', () => {
    const error = configurationError(() => new Session({ timeout: 'soon', max_redirects: 3 } as unknown as SessionOptions))

    expect(error.option).to.equal('max_redirects')
  })

  const wrongTypes: [string, Record<string, unknown>, string][] = [
    ['timeout', { timeout: SECRET }, 'expected number, null or object'],
    ['baseUrl', { baseUrl: 42 }, 'baseUrl'],
    ['headers', { headers: SECRET }, 'an object of headers'],
    ['verify', { verify: 1 }, 'verify'],
    ['cert', { cert: { cert: SECRET } }, 'cert.key'],
  ]
  for (const [option, options, expected] of wrongTypes) {
    it(`names ${option} when its type is wrong, and never its value`, () => {
      const error = configurationError(() => new Session(options as SessionOptions))

      expect(error.option.startsWith(option)).to.equal(true, error.option)
      expect(error.message).to.include(expected).and.not.include(SECRET)
    })
  }

  it('accepts every documented SessionOptions entry, and the schema knows no other', async () => {
    const every: Required<SessionOptions> = {
      baseUrl: 'https://api.test/v1/',
      headers: { Accept: 'application/json' },
      params: { page: 1 },
      auth: new HTTPBasicAuth('me', 'pw'),
      cookies: new CookieJar(),
      timeout: { connect: 1_000, read: 2_000 },
      deadline: 10_000,
      maxResponseSize: 1024,
      maxTokenResponseSize: null,
      maxRedirects: 3,
      allowRedirects: false,
      retry: { limit: 1, methods: ['GET'], statusCodes: [503], backoffFactor: 0, maxBackoff: 10 },
      verify: true,
      cert: { cert: 'CERT', key: 'KEY', passphrase: 'pass' },
      ca: [],
      proxies: { http: 'http://proxy.test:3128', https: 'http://proxy.test:3128', all: 'http://proxy.test:3128', no_proxy: 'api.test' },
      trustEnv: false,
      agent: {},
    }

    const session = new Session({ ...every, cert: undefined })
    await session.close()

    expect(sessionOptionsSchema().safeParse(every).success).to.equal(true)
    expect([...optionKeys(sessionOptionsSchema())].sort()).to.deep.equal(Object.keys(every).sort())
  })
})

describe('per-request options from the schema', () => {
  const every: Required<RequestOptions> = {
    params: { q: 'x' },
    data: { a: '1' },
    json: { a: 1 },
    body: Readable.from([]),
    headers: { 'X-A': '1' },
    cookies: { c: '1' },
    auth: null,
    timeout: 1_000,
    deadline: null,
    maxResponseSize: 2048,
    allowRedirects: true,
    stream: false,
    signal: new AbortController().signal,
  }

  it('knows every documented RequestOptions and SendOptions entry, and no other', () => {
    const send: Required<SendOptions> = {
      timeout: 1_000,
      deadline: 5_000,
      maxResponseSize: null,
      allowRedirects: true,
      stream: false,
      signal: new AbortController().signal,
      cookies: {},
      auth: null,
    }

    expect(requestOptionsSchema().safeParse(every).success).to.equal(true)
    expect([...optionKeys(requestOptionsSchema())].sort()).to.deep.equal(Object.keys(every).sort())
    expect(sendOptionsSchema().safeParse(send).success).to.equal(true)
    expect([...optionKeys(sendOptionsSchema())].sort()).to.deep.equal(Object.keys(send).sort())
  })

  it('sends a request with documented options as before', async () => {
    const scope = nock('https://api.test').post('/items?q=x', { a: 1 }).matchHeader('x-a', '1').reply(201, { ok: true })
    const session = new Session()

    const response = await session.post('https://api.test/items', { params: { q: 'x' }, json: { a: 1 }, headers: { 'X-A': '1' }, timeout: 5_000 })

    expect(response.status).to.equal(201)
    scope.done()
    await session.close()
  })

  const verbs: [string, (session: Session, options: RequestOptions) => Promise<unknown>][] = [
    ['get', (s, o) => s.get('https://api.test/x', o)],
    ['post', (s, o) => s.post('https://api.test/x', o)],
    ['put', (s, o) => s.put('https://api.test/x', o)],
    ['patch', (s, o) => s.patch('https://api.test/x', o)],
    ['delete', (s, o) => s.delete('https://api.test/x', o)],
    ['head', (s, o) => s.head('https://api.test/x', o)],
    ['options', (s, o) => s.options('https://api.test/x', o)],
    ['request', (s, o) => s.request('GET', 'https://api.test/x', o)],
    ['prepareRequest', (s, o) => s.prepareRequest('GET', 'https://api.test/x', o)],
  ]
  for (const [verb, call] of verbs) {
    it(`rejects an unknown key of ${verb}() with the camelCase hint, before any traffic`, async () => {
      nock.disableNetConnect()
      const traffic = trafficCounter()
      const session = new Session()
      try {
        const error = await rejection(call(session, { allow_redirects: false, data: SECRET } as unknown as RequestOptions))

        expect(error.option).to.equal('allow_redirects')
        expect(error.message).to.include("unknown option 'allow_redirects': did you mean 'allowRedirects'?").and.not.include(SECRET)
        expect(traffic.count).to.equal(0)
      } finally {
        traffic.stop()
        nock.enableNetConnect(/^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/)
        await session.close()
      }
    })
  }

  it('rejects an unknown key of send() before any traffic, naming the method', async () => {
    nock.disableNetConnect()
    const traffic = trafficCounter()
    const session = new Session()
    try {
      const prepared = await session.prepareRequest('GET', 'https://api.test/x')

      const error = await rejection(session.send(prepared, { json: { a: 1 } } as unknown as SendOptions))

      expect(error.option).to.equal('json')
      expect(error.message).to.include('Session.send').and.include("unknown option 'json'")
      expect(traffic.count).to.equal(0)
    } finally {
      traffic.stop()
      nock.enableNetConnect(/^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/)
      await session.close()
    }
  })

  it("accepts OAuth2Session's own per-request options and rejects a misspelt one before any traffic", async () => {
    const scope = nock('https://api.test')
      .get('/open')
      .reply(function () {
        return [200, { authorization: this.req.headers.authorization ?? null }]
      })
    const session = new OAuth2Session('client', { token: { access_token: 'at', token_type: 'Bearer' } })
    const traffic = trafficCounter()
    try {
      const open = await session.get('https://api.test/open', { withholdToken: true })
      const error = await rejection(session.get('https://api.test/open', { withold_token: true } as unknown as RequestOptions))

      expect(open.json()).to.deep.equal({ authorization: null })
      expect(error.option).to.equal('withold_token')
      expect(traffic.count).to.equal(0)
      scope.done()
    } finally {
      traffic.stop()
      await session.close()
    }
  })
})

describe('the per-request hot path', () => {
  function counted(): { schema: ReturnType<typeof requestOptionsSchema>; calls: () => number } {
    const schema = requestOptionsSchema().extend({})
    let calls = 0
    const original = schema.safeParse.bind(schema)
    schema.safeParse = ((input: unknown) => {
      calls++
      return original(input)
    }) as typeof schema.safeParse
    return { schema, calls: () => calls }
  }

  it('runs no zod parse for missing, empty or all-known options', () => {
    const { schema, calls } = counted()

    checkOptionKeys(schema, undefined, 'Test')
    checkOptionKeys(schema, {}, 'Test')
    checkOptionKeys(schema, { params: { a: 1 }, timeout: 5, allowRedirects: false }, 'Test')

    expect(calls()).to.equal(0)
  })

  it('parses with zod only to explain an unknown key', () => {
    const { schema, calls } = counted()

    const error = configurationError(() => checkOptionKeys(schema, { params: {}, max_redirects: 1 }, 'Test'))

    expect(calls()).to.equal(1)
    expect(error.message).to.include("unknown option 'max_redirects'")
  })

  it('rejects options that are not an object', () => {
    const error = configurationError(() => checkOptionKeys(requestOptionsSchema(), 'GET', 'Test'))

    expect(error.option).to.equal('(options)')
    expect(error.message).to.include('expected object')
  })
})

describe('parseOptions', () => {
  it('lists at most three unknown keys and counts the rest', () => {
    const error = configurationError(() => parseOptions(sessionOptionsSchema(), { a: 1, b: 2, c: 3, d: 4, e: 5 }, 'Session'))

    expect(error.option).to.equal('a')
    expect(error.message).to.include("'c'").and.include('(and 2 more)').and.not.include("'d'")
  })
})

describe('OAuth2Handler options from the schema', () => {
  it('accepts every documented option', async () => {
    const every: Required<OAuth2HandlerOptions> = { authorizationUrl: 'dialog/oauth', tokenUrl: 'oauth/access_token', sessionOptions: { timeout: 1_000 } }

    const handler = new OAuth2Handler('id', SECRET, 'https://idp.test/', 'https://app.test/cb', every)

    expect(handler.authorizeUrl()).to.match(/^https:\/\/idp\.test\/dialog\/oauth\?/)
    await handler.close()
  })

  it('names an unknown option, with the hint, inside sessionOptions too', () => {
    const top = configurationError(() => new OAuth2Handler('id', SECRET, 'https://idp.test/', 'https://app.test/cb', { token_url: 'x' } as never))
    const nested = configurationError(
      () => new OAuth2Handler('id', SECRET, 'https://idp.test/', 'https://app.test/cb', { sessionOptions: { max_redirects: 1 } } as never),
    )

    expect(top.message).to.include("unknown option 'token_url': did you mean 'tokenUrl'?").and.include('OAuth2Handler')
    expect(nested.option).to.equal('sessionOptions.max_redirects')
    expect(nested.message).to.include("did you mean 'sessionOptions.maxRedirects'?").and.not.include(SECRET)
  })
})

describe('the traffic counter these specs rely on', () => {
  it('sees a request that leaves for a host without an interceptor', async () => {
    const traffic = trafficCounter()
    const session = new Session()
    try {
      await session.get('https://api.test/x').catch(() => undefined)

      expect(traffic.count).to.be.greaterThan(0)
    } finally {
      traffic.stop()
      await session.close()
    }
  })

  it('sees a request to a host that has an interceptor, for a path it does not match', async () => {
    const scope = nock('https://api.test').get('/mocked').reply(200, 'ok')
    const traffic = trafficCounter()
    const session = new Session()
    try {
      await session.get('https://api.test/other').catch(() => undefined)

      expect(traffic.count).to.be.greaterThan(0)
      expect((await session.get('https://api.test/mocked')).text).to.equal('ok')
      scope.done()
    } finally {
      traffic.stop()
      await session.close()
    }
  })

  it('sees a request to a loopback server, which the root hook lets through', async () => {
    await using server = await startServer((_request, response) => response.end('real'))
    const traffic = trafficCounter()
    const session = new Session()
    try {
      const answer = await session.get(`${server.url}/x`)

      expect(answer.text).to.equal('real')
      expect(traffic.count).to.be.greaterThan(0)
    } finally {
      traffic.stop()
      await session.close()
    }
  })

  it('does not see a request an interceptor answered: a spec counting 0 must also end its scopes with done()', async () => {
    const scope = nock('https://api.test').get('/mocked').reply(200, 'ok')
    const traffic = trafficCounter()
    const session = new Session()
    try {
      await session.get('https://api.test/mocked')

      expect(traffic.count).to.equal(0)
      scope.done()
    } finally {
      traffic.stop()
      await session.close()
    }
  })
})
