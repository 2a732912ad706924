import { expect } from 'chai'
import got from 'got'
import type { IncomingHttpHeaders } from 'node:http'
import { authHooks, HeaderApiKey, OAuth1Auth, OAuth1Session, OflySession, type Session } from '../../../lib/index.js'
import { startServer } from '../../support/servers.js'

/** Another origin that redirects /one to /two on itself: the second hop is same-origin, but not the original request's origin. */
async function twoHopTarget() {
  const seen: { url: string; headers: IncomingHttpHeaders }[] = []
  const server = await startServer((request, response) => {
    seen.push({ url: request.url ?? '', headers: request.headers })
    if (request.url?.startsWith('/one')) response.writeHead(302, { Location: '/two' }).end()
    else response.end('ok')
  })
  return Object.assign(server, { seen })
}

/** Everything the other origin received that could carry a credential. */
function credentialsIn(seen: { url: string; headers: IncomingHttpHeaders }[]): string[] {
  return seen.flatMap(({ url, headers }) =>
    [headers.authorization, headers['x-api-key'], /[?&](oauth_|oflyApiSig|oflyAppId)/.test(url) ? url : undefined].filter(
      (value): value is string => value !== undefined,
    ),
  )
}

describe('re-signing on redirects (#14, attacks 1 and 5): only hops to the original origin are signed again', () => {
  const sessions: Record<string, () => Session> = {
    'OAuth1Session (PLAINTEXT)': () => new OAuth1Session('ckey-1', 'consumer-secret-1', 'token-1', 'token-secret-1', { signatureMethod: 'PLAINTEXT' }),
    'OAuth1Session (HMAC-SHA1)': () => new OAuth1Session('ckey-1', 'consumer-secret-1', 'token-1', 'token-secret-1'),
    OflySession: () => new OflySession('app-1', 'app-secret-1', 'user-1'),
  }
  for (const [label, make] of Object.entries(sessions)) {
    it(`${label}: A → B/one → B/two sends B nothing signed`, async () => {
      await using other = await twoHopTarget()
      await using origin = await startServer((_request, response) => response.writeHead(302, { Location: `${other.url}/one` }).end())
      const session = make()
      try {
        const response = await session.get(`${origin.url}/start`)

        expect(response.text).to.equal('ok')
        expect(other.seen.map(({ url }) => url.split('?')[0])).to.deep.equal(['/one', '/two'])
        expect(credentialsIn(other.seen)).to.deep.equal([])
      } finally {
        await session.close()
      }
    })
  }

  it('an OAuth1Session still re-signs a hop that comes back to the original origin', async () => {
    let back: IncomingHttpHeaders | undefined
    await using origin = await startServer((request, response) => {
      if (request.url?.startsWith('/back')) {
        back = request.headers
        response.end('back')
      } else response.writeHead(302, { Location: '/back' }).end()
    })
    const session = new OAuth1Session('ckey-1', 'consumer-secret-1', 'token-1', 'token-secret-1')
    try {
      expect((await session.get(`${origin.url}/start`)).text).to.equal('back')
      expect(back?.authorization).to.match(/^OAuth .*oauth_signature=/)
    } finally {
      await session.close()
    }
  })

  it('the got adapter: A → B/one → B/two sends B nothing signed, by OAuth1Auth or an API key', async () => {
    await using other = await twoHopTarget()
    await using origin = await startServer((_request, response) => response.writeHead(302, { Location: `${other.url}/one` }).end())
    for (const strategy of [
      new OAuth1Auth('ckey-1', { clientSecret: 'consumer-secret-1', resourceOwnerKey: 'token-1', resourceOwnerSecret: 'token-secret-1' }),
      new HeaderApiKey('api-key-1'),
    ]) {
      other.seen.length = 0
      const response = await got(`${origin.url}/start`, authHooks(strategy))

      expect(response.body).to.equal('ok')
      expect(credentialsIn(other.seen)).to.deep.equal([])
    }
  })
})
