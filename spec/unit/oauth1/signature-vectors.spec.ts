import { expect } from 'chai'
import { createHmac, createPublicKey, verify } from 'node:crypto'
import { readFileSync } from 'node:fs'
import OAuth from 'oauth-1.0a'
import oauthSign from 'oauth-sign'
import { OAuth1Auth, PreparedRequest, percentEncode, Session, type SignatureMethodName } from '../../../lib/index.js'
import { hmacKeyObject, SIGNATURE_METHODS } from '../../../lib/oauth1/signature-methods.js'

function headerParams(header: string | undefined): Record<string, string> {
  const params: Record<string, string> = {}
  for (const match of (header ?? '').matchAll(/([a-z_]+)="([^"]*)"/g)) params[match[1] as string] = decodeURIComponent(match[2] as string)
  return params
}

describe('OAuth 1 signatures against published vectors', () => {
  it('reproduces the RFC 5849 section 1.2 example (HMAC-SHA1, realm Photos, no oauth_version)', async () => {
    // The RFC's request carries no oauth_version, which oauthlib always adds: explain the RFC's
    // own signed request and check the signature recomputed from its parameters.
    const auth = new OAuth1Auth('dpf43f3p2l4k3l03', {
      clientSecret: 'kd94hf93k423kf44',
      resourceOwnerKey: 'nnch734d00sl2jdk',
      resourceOwnerSecret: 'pfkkdhi9sl3r4s00',
    })
    const session = new Session()
    const rfcRequest = await session.prepareRequest('GET', 'http://photos.example.net/photos', {
      params: { file: 'vacation.jpg', size: 'original' },
      headers: {
        Authorization:
          'OAuth realm="Photos", oauth_consumer_key="dpf43f3p2l4k3l03", oauth_token="nnch734d00sl2jdk", oauth_signature_method="HMAC-SHA1", ' +
          'oauth_timestamp="137131202", oauth_nonce="chapoH", oauth_signature="MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D"',
      },
    })

    const explained = auth.explainSignature(rfcRequest)

    expect(explained.signature).to.equal('MdpQcU8iPSUjWoN/UDMsK2sui9I=')
    expect(explained.baseString).to.equal(
      'GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26oauth_consumer_key%3Ddpf43f3p2l4k3l03%26oauth_nonce%3DchapoH' +
        '%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131202%26oauth_token%3Dnnch734d00sl2jdk%26size%3Doriginal',
    )
  })

  it("reproduces Twitter's 'Creating a signature' example, base string included", async () => {
    const auth = new OAuth1Auth('xvz1evFS4wEEPTGEFPHBog', {
      clientSecret: 'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw',
      resourceOwnerKey: '370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb',
      resourceOwnerSecret: 'LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE',
      nonce: 'kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg',
      timestamp: 1318622958,
    })
    const session = new Session({ auth })

    const prepared = await session.prepareRequest('POST', 'https://api.twitter.com/1.1/statuses/update.json', {
      params: { include_entities: 'true' },
      data: { status: 'Hello Ladies + Gentlemen, a signed OAuth request!' },
    })
    const explained = auth.explainSignature(prepared)

    expect(headerParams(prepared.headers.get('authorization')).oauth_signature).to.equal('hCtSmYh+iHYCEqBWrE7C7hYmtUk=')
    expect(explained.baseString).to.equal(
      'POST&https%3A%2F%2Fapi.twitter.com%2F1.1%2Fstatuses%2Fupdate.json&include_entities%3Dtrue%26oauth_consumer_key%3Dxvz1evFS4wEEPTGEFPHBog' +
        '%26oauth_nonce%3DkYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1318622958' +
        '%26oauth_token%3D370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb%26oauth_version%3D1.0%26status%3DHello%2520Ladies%2520%252B%2520Gentlemen%252C%2520a%2520signed%2520OAuth%2520request%2521',
    )
    expect(explained.signingKey).to.equal('<consumer secret: 43 chars>&<token secret: 41 chars>')
    expect(JSON.stringify(explained)).to.not.include('kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw')
  })
})

describe('OAuth 1 signatures cross-checked with independent signers', () => {
  // [url, label, whether oauth-1.0a can take part: it does not decode percent-encoded parameter
  // names, so it signs `na%C3%AFve` twice encoded; requests-oauthlib agrees with us there]
  const tricky: [string, string, boolean][] = [
    ['https://Example.COM:443/a%20b/c', 'default https port and upper-case host', true],
    ['http://example.com:80/?x=1&x=0&y=', 'default http port, repeated names, blank value', true],
    ['http://example.com:8080/p?q=%7E%21%2A%27%28%29', 'non-default port, reserved characters', true],
    ['https://api.example.com/r%C3%A9sum%C3%A9?q=%E2%9C%93', 'unicode path and query value', true],
    ['https://api.example.com/p?na%C3%AFve=%E2%9C%93', 'unicode parameter name', false],
  ]
  const data: [string, string][] = [
    ['status', 'Hello Ladies + Gentlemen, a signed OAuth request!'],
    ['z', "~!*'()"],
    ['a', 'çå ✓'],
  ]

  for (const [url, label, withOAuth10a] of tricky) {
    it(`agrees with ${withOAuth10a ? 'oauth-1.0a and ' : ''}oauth-sign on ${label}`, async () => {
      const auth = new OAuth1Auth('ck', {
        clientSecret: 'c s&',
        resourceOwnerKey: 'tk',
        resourceOwnerSecret: 't~s',
        nonce: 'abcdefghijklmnopqrstuvwx',
        timestamp: 1700000000,
      })
      const session = new Session({ auth })

      const prepared = await session.prepareRequest('POST', url, { data })
      const ours = headerParams(prepared.headers.get('authorization'))

      const reference = new OAuth({
        consumer: { key: 'ck', secret: 'c s&' },
        signature_method: 'HMAC-SHA1',
        hash_function: (base, key) => createHmac('sha1', key).update(base).digest('base64'),
      })
      reference.getNonce = () => 'abcdefghijklmnopqrstuvwx'
      reference.getTimeStamp = () => 1700000000
      const theirs = reference.authorize({ url: prepared.url, method: 'POST', data: Object.fromEntries(data) }, { key: 'tk', secret: 't~s' })

      const parsed = new URL(prepared.url)
      const params: Record<string, string[]> = {}
      for (const [name, value] of [...parsed.searchParams, ...data, ...Object.entries(ours).filter(([n]) => n !== 'oauth_signature')]) {
        ;(params[name] ??= []).push(value)
      }
      const baseUri = `${parsed.protocol}//${parsed.host}${parsed.pathname}`
      const viaOauthSign = oauthSign.hmacsign('POST', baseUri, params, 'c s&', 't~s')

      if (withOAuth10a) expect(ours.oauth_signature).to.equal(theirs.oauth_signature)
      expect(ours.oauth_signature).to.equal(viaOauthSign)
      await session.close()
    })
  }

  it('signs a URL again from what it kept of it, as oauth-sign does, names sorting before, around and after the OAuth ones', () => {
    let count = 0
    const auth = new OAuth1Auth('c k', {
      clientSecret: 'cs',
      resourceOwnerKey: 'tk',
      resourceOwnerSecret: 'ts',
      nonce: () => `nonce ${++count}`,
      timestamp: 1700000000,
    })
    const url = 'https://api.example.com/p?zz=1&a=2&oauth=3&oauthz=4&a=1&%C3%A9=%E2%9C%93&b='
    const signed = (tokenSecret: string): void => {
      const request = new PreparedRequest('GET', url)
      auth.apply(request)
      const ours = headerParams(request.headers.get('authorization'))
      const params: Record<string, string[]> = {}
      for (const [name, value] of [...new URL(url).searchParams, ...Object.entries(ours).filter(([n]) => n !== 'oauth_signature')]) {
        ;(params[name] ??= []).push(value)
      }
      expect(ours.oauth_signature).to.equal(oauthSign.hmacsign('GET', 'https://api.example.com/p', params, 'cs', tokenSecret))
      expect(ours.oauth_nonce).to.equal(`nonce ${count}`)
      expect(request.signatureBaseString).to.equal(auth.explainSignature(request).baseString)
    }

    for (let i = 0; i < 3; i++) signed('ts')
    auth.setToken('tk2', 'ts2')
    signed('ts2')
    expect(count).to.equal(4)
  })

  const rsaPrivate = readFileSync(new URL('../../fixtures/oauth1/rsa-private.pem', import.meta.url), 'utf8')
  const rsaPublic = createPublicKey(readFileSync(new URL('../../fixtures/oauth1/rsa-public.pem', import.meta.url), 'utf8'))
  for (const [method, hash] of [
    ['RSA-SHA1', 'sha1'],
    ['RSA-SHA256', 'sha256'],
    ['RSA-SHA512', 'sha512'],
  ] as const) {
    it(`produces ${method} signatures that verify with the public key over oauth-sign's base string`, async () => {
      const auth = new OAuth1Auth('ck', {
        signatureMethod: method as SignatureMethodName,
        rsaKey: rsaPrivate,
        resourceOwnerKey: 'tk',
        nonce: 'n'.repeat(20),
        timestamp: 1,
      })
      const session = new Session({ auth })

      const prepared = await session.prepareRequest('GET', 'https://api.example.com/x', { params: { q: 'a b' } })
      const ours = headerParams(prepared.headers.get('authorization'))
      const params: Record<string, string> = { q: 'a b', ...ours }
      delete params.oauth_signature
      const base = oauthSign.generateBase('GET', 'https://api.example.com/x', params)

      expect(verify(hash, Buffer.from(base), rsaPublic, Buffer.from(ours.oauth_signature ?? '', 'base64'))).to.equal(true)
      await session.close()
    })
  }

  it('builds PLAINTEXT as oauth-sign does', async () => {
    const auth = new OAuth1Auth('ck', { signatureMethod: 'PLAINTEXT', clientSecret: 'a&b c', resourceOwnerKey: 't', resourceOwnerSecret: 'd~e' })
    const prepared = await new Session({ auth }).prepareRequest('GET', 'https://api.example.com/')

    expect(headerParams(prepared.headers.get('authorization')).oauth_signature).to.equal(oauthSign.plaintext('a&b c', 'd~e'))
  })

  it('percent-encodes like oauth-sign over every printable ASCII character and some unicode', () => {
    const sample = `${Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('')}é✓😀`

    expect(percentEncode(sample)).to.equal(oauthSign.rfc3986(sample))
  })
})

describe('OAuth 1 signatures over generated requests, against oauth-sign', () => {
  // A small seeded generator (mulberry32), so every run checks the same 200 requests.
  function random(seed: number): () => number {
    let state = seed
    return () => {
      state = (state + 0x6d2b79f5) | 0
      let t = Math.imul(state ^ (state >>> 15), 1 | state)
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296
    }
  }
  const alphabet = ['a', 'Z', '0', '-', '.', '_', '~', ' ', '+', '&', '=', '%', '/', '?', '#', '!', '*', "'", '(', ')', 'é', '✓', '😀', '[', ']', '@', ':']

  it('agrees on 200 requests with reserved characters, unicode, repeated names and ports', async () => {
    const next = random(20261124)
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T
    const text = (length: number): string => Array.from({ length }, () => pick(alphabet)).join('')
    const session = new Session()
    let checked = 0

    for (let i = 0; i < 200; i++) {
      const scheme = pick(['http', 'https'])
      const port = pick(['', ':80', ':443', ':8080'])
      const params: [string, string][] = Array.from({ length: 1 + Math.floor(next() * 4) }, () => [pick(['q', 'tag', text(3)]), text(Math.floor(next() * 6))])
      const data: [string, string][] = Array.from({ length: Math.floor(next() * 3) }, () => [pick(['status', 'tag', text(2)]), text(5)])
      const method = data.length > 0 ? 'POST' : 'GET'
      const auth = new OAuth1Auth('ck', {
        clientSecret: text(4),
        resourceOwnerKey: 'tk',
        resourceOwnerSecret: text(4),
        nonce: 'abcdefghijklmnopqrstuvwx',
        timestamp: 1700000000,
      })
      const prepared = await session.prepareRequest(method, `${scheme}://API.Example.com${port}/p/${encodeURIComponent(text(3))}`, { params, data, auth })

      const header = headerParams(prepared.headers.get('authorization'))
      const parsed = new URL(prepared.url)
      const all: Record<string, string[]> = {}
      for (const [name, value] of [...parsed.searchParams, ...data, ...Object.entries(header).filter(([n]) => n !== 'oauth_signature')])
        (all[name] ??= []).push(value)
      const explained = auth.explainSignature(prepared)
      const reference = oauthSign.generateBase(method, `${parsed.protocol}//${parsed.host}${parsed.pathname}`, all)

      expect(explained.baseString, prepared.url).to.equal(reference)
      checked++
    }

    expect(checked).to.equal(200)
  })
})

describe('the HMAC signature methods against node:crypto createHmac', () => {
  const keys = [
    '',
    'short&',
    `${'k'.repeat(63)}&`,
    'x'.repeat(64),
    'consumer-secret-of-forty-three-characters!!&token-secret-of-forty-one-characters!!!!!',
    'é✓&😀'.repeat(40),
  ]
  const bases = ['', 'GET&https%3A%2F%2Fapi.example.com%2F&a%3D1', 'POST&x&é✓😀'.repeat(50)]
  for (const [method, algorithm] of [
    ['HMAC-SHA1', 'sha1'],
    ['HMAC-SHA256', 'sha256'],
    ['HMAC-SHA512', 'sha512'],
  ] as const) {
    it(`${method} equals createHmac for keys shorter, equal to and longer than the block`, async () => {
      for (const key of keys) {
        for (const base of bases) {
          const secrets = { consumerSecret: '', tokenSecret: '', key, hmacKey: hmacKeyObject(key), rsaKey: undefined }

          expect(SIGNATURE_METHODS[method].sign(base, secrets), `${key.length}-char key`).to.equal(createHmac(algorithm, key).update(base).digest('base64'))
        }
      }
    })
  }
})

describe('base string URI of URLs not in WHATWG form', () => {
  it('normalises scheme, host and default port when a strategy is given a raw URL', async () => {
    const auth = new OAuth1Auth('ck', { clientSecret: 'cs', nonce: 'n'.repeat(20), timestamp: 1 })

    const raw = auth.explainSignature(new PreparedRequest('GET', 'HTTP://Photos.Example.NET:80/photos?size=original'))
    const normal = auth.explainSignature(new PreparedRequest('GET', 'http://photos.example.net/photos?size=original'))

    expect(raw.baseStringUri).to.equal('http://photos.example.net/photos')
    expect(raw.baseString).to.equal(normal.baseString)
  })
})
