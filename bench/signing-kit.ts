/** What the signing benchmarks share (bench/report.ts, bench/oauth1-signing.ts): the credentials, the signers and the rates. */
import { createHmac } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import OAuth from 'oauth-1.0a'
import { HeaderMap, OAuth1Auth, PreparedRequest } from '../lib/index.js'

/** The credentials every OAuth 1 client of the benchmarks signs with (Twitter's documented example), the same as the Python helper's. */
export const CONSUMER = { key: 'xvz1evFS4wEEPTGEFPHBog', secret: 'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw' }
export const TOKEN = { key: '370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb', secret: 'LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE' }

/** Calls per second of `run` over `ops` calls, after a tenth as many not counted. */
export function opsPerSecond(run: () => unknown, ops: number): number {
  for (let i = 0; i < ops / 10; i++) run()
  const started = performance.now()
  for (let i = 0; i < ops; i++) run()
  return ops / ((performance.now() - started) / 1000)
}

/** Our signer and oauth-1.0a's, with the same credentials. */
export function signers(): { ours: OAuth1Auth; reference: OAuth } {
  return {
    ours: new OAuth1Auth(CONSUMER.key, { clientSecret: CONSUMER.secret, resourceOwnerKey: TOKEN.key, resourceOwnerSecret: TOKEN.secret }),
    reference: new OAuth({
      consumer: CONSUMER,
      signature_method: 'HMAC-SHA1',
      hash_function: (base, key) => createHmac('sha1', key).update(base).digest('base64'),
    }),
  }
}

/**
 * Header signatures of a form POST (Twitter's documented status update), `ops` of each: a bare
 * HMAC-SHA1 over its base string, oauth-1.0a's authorize + toHeader, and OAuth1Auth.apply, as a
 * Markdown table of signatures per second, µs each and the ratio to oauth-1.0a.
 */
export function headerSigningTable(ops: number): string[] {
  const url = 'https://api.twitter.com/1.1/statuses/update.json?include_entities=true'
  const body = 'status=Hello%20Ladies%20%2B%20Gentlemen%2C%20a%20signed%20OAuth%20request%21'
  const form = () => new HeaderMap({ 'Content-Type': 'application/x-www-form-urlencoded' })
  const { ours, reference } = signers()
  const probe = new PreparedRequest('POST', url, form(), body)
  ours.apply(probe)
  const baseString = ours.explainSignature(probe).baseString
  const key = `${encodeURIComponent(CONSUMER.secret)}&${encodeURIComponent(TOKEN.secret)}`
  const rates = {
    'bare HMAC-SHA1 over the base string (node:crypto)': opsPerSecond(() => createHmac('sha1', key).update(baseString).digest('base64'), ops),
    'oauth-1.0a authorize + toHeader': opsPerSecond(
      () => reference.toHeader(reference.authorize({ url, method: 'POST', data: { status: 'Hello Ladies + Gentlemen, a signed OAuth request!' } }, TOKEN)),
      ops,
    ),
    'OAuth1Auth.apply (header)': opsPerSecond(() => ours.apply(new PreparedRequest('POST', url, form(), body)), ops),
  }
  const reference10a = rates['oauth-1.0a authorize + toHeader']
  return [
    '| signer | signatures/s | µs each | vs oauth-1.0a |',
    '| --- | ---: | ---: | ---: |',
    ...Object.entries(rates).map(([name, rate]) => `| ${name} | ${rate.toFixed(0)} | ${(1e6 / rate).toFixed(2)} | ${(rate / reference10a).toFixed(2)}x |`),
  ]
}
