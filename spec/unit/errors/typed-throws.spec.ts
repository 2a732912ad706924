import { expect } from 'chai'
import nock from 'nock'
import {
  ConfigurationError,
  JSONDecodeError,
  OAuth1Service,
  OAuth1Session,
  OAuth2Service,
  OAuth2Session,
  OAuthSessionsError,
  OflyService,
  OflySession,
  parseJsonToken,
  Session,
} from '../../../lib/index.js'
import { SIGNATURE_METHODS } from '../../../lib/oauth1/signature-methods.js'

describe('registerComplianceHook with an unknown hook type', () => {
  it('throws ConfigurationError naming type and the hook types there are', () => {
    const session = new OAuth2Session('client-1')

    const error = (() => {
      try {
        session.registerComplianceHook('access_token_reponse' as 'access_token_response', (response) => response)
      } catch (e) {
        return e
      }
    })()

    expect(error).to.be.instanceOf(ConfigurationError).and.include({ option: 'type', code: 'ERR_CONFIGURATION' })
    expect((error as Error).message)
      .to.include("'access_token_reponse'")
      .and.include('access_token_response')
  })

  it('refuses a name inherited from Object.prototype instead of failing inside the registry', () => {
    const session = new OAuth2Session('client-1')

    expect(() => session.registerComplianceHook('constructor' as 'protected_request', (url, headers, body) => [url, headers, body]))
      .to.throw(ConfigurationError)
      .with.property('option', 'type')
  })
})

describe('an RSA signature method without a key', () => {
  it('throws ConfigurationError naming rsaKey', () => {
    const secrets = { consumerSecret: '', tokenSecret: '', key: '&', hmacKey: undefined as never, rsaKey: undefined }

    expect(() => SIGNATURE_METHODS['RSA-SHA1'].sign('GET&x&y', secrets))
      .to.throw(ConfigurationError, /RSA-SHA1 needs rsaKey/)
      .with.property('option', 'rsaKey')
  })
})

describe('an OAuth 1 token response that is not the JSON it claims', () => {
  const endpoints = {
    consumerKey: 'ck',
    consumerSecret: 'cs',
    requestTokenUrl: 'https://api.test/oauth/request_token',
    accessTokenUrl: 'https://api.test/oauth/access_token',
    authorizeUrl: 'https://api.test/oauth/authorize',
  }
  const page = '<html><body>oauth_token_secret=leaked-secret</body></html>'

  it('becomes JSONDecodeError with status and URL when the Content-Type says JSON', async () => {
    const service = new OAuth1Service(endpoints)
    const scope = nock('https://api.test').get('/oauth/request_token').reply(200, page, { 'Content-Type': 'application/json' })
    try {
      const error = await service.getRequestToken('GET').catch((e: unknown) => e)

      expect(error).to.be.instanceOf(JSONDecodeError).and.include({ status: 200, url: 'https://api.test/oauth/request_token', code: 'ERR_JSON_DECODE' })
      expect((error as JSONDecodeError).response?.text).to.equal(page)
      expect(printed(error)).not.to.include('leaked-secret')
      scope.done()
    } finally {
      await service.close()
    }
  })

  it('becomes JSONDecodeError with decoder parseJsonToken or JSON.parse and an HTML page', async () => {
    const service = new OAuth1Service(endpoints)
    const scope = nock('https://api.test').post('/oauth/request_token').twice().reply(200, page, { 'Content-Type': 'text/html' })
    try {
      const withParseJsonToken = await service.getRequestToken('POST', { decoder: parseJsonToken }).catch((e: unknown) => e)
      const withJsonParse = await service.getRequestToken('POST', { decoder: JSON.parse }).catch((e: unknown) => e)

      for (const error of [withParseJsonToken, withJsonParse]) {
        expect(error).to.be.instanceOf(JSONDecodeError).and.include({ status: 200 })
        expect((error as Error).message).to.include('text/html')
        expect(printed(error)).not.to.include('leaked-secret')
      }
      scope.done()
    } finally {
      await service.close()
    }
  })

  it('becomes JSONDecodeError from OAuth1Session.fetchRequestToken too', async () => {
    const session = new OAuth1Session('ck', 'cs')
    const scope = nock('https://api.test').post('/rt').reply(200, page, { 'Content-Type': 'application/json; charset=utf-8' })
    try {
      const error = await session.fetchRequestToken('https://api.test/rt').catch((e: unknown) => e)

      expect(error).to.be.instanceOf(JSONDecodeError).and.instanceOf(OAuthSessionsError)
      expect(printed(error)).not.to.include('leaked-secret')
      scope.done()
    } finally {
      await session.close()
    }
  })
})

describe('JSONDecodeError from Response.json()', () => {
  it('keeps the parser failure as its cause without the body text the parser quotes', async () => {
    const session = new Session()
    const scope = nock('https://api.test').get('/me').reply(200, 'tok-quoted', { 'Content-Type': 'application/json' })
    try {
      const response = await session.get('https://api.test/me')

      const error = (() => {
        try {
          response.json()
        } catch (e) {
          return e
        }
      })()

      expect(error).to.be.instanceOf(JSONDecodeError)
      expect((error as Error).cause).to.be.instanceOf(SyntaxError)
      expect(printed(error)).not.to.include('tok-quoted')
      scope.done()
    } finally {
      await session.close()
    }
  })
})

describe('fromJSON with text that is not the JSON it expects', () => {
  const restorers: Array<[string, (json: string) => unknown]> = [
    ['OAuth1Session', (json) => OAuth1Session.fromJSON(json)],
    ['OAuth1Service', (json) => OAuth1Service.fromJSON(json)],
    ['OflySession', (json) => OflySession.fromJSON(json)],
    ['OflyService', (json) => OflyService.fromJSON(json)],
    ['OAuth2Session', (json) => OAuth2Session.fromJSON(json)],
    ['OAuth2Service', (json) => OAuth2Service.fromJSON(json)],
  ]

  for (const [owner, restore] of restorers) {
    it(`${owner}.fromJSON throws ConfigurationError('json') for broken JSON, without echoing it`, () => {
      const broken = `{"type":"${owner}","clientSecret":"s3cret-value"`

      const error = (() => {
        try {
          restore(broken)
        } catch (e) {
          return e
        }
      })()

      expect(error).to.be.instanceOf(ConfigurationError).and.include({ option: 'json' })
      expect((error as Error).message).to.include(`${owner}.serialize()`)
      expect(printed(error)).not.to.include('s3cret-value')
    })

    it(`${owner}.fromJSON throws ConfigurationError('json') for JSON that is not an object`, () => {
      for (const json of ['null', '42', '"text"', '[]'])
        expect(() => restore(json), json)
          .to.throw(ConfigurationError)
          .with.property('option', 'json')
    })
  }
})

/** Everything a logger would print of an error: message, stack, own properties and the cause chain. */
function printed(error: unknown): string {
  const parts: string[] = []
  let current: unknown = error
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    parts.push(current.message, current.stack ?? '', JSON.stringify({ ...current }))
    current = current.cause
  }
  return parts.join('\n')
}
