import { redactUrl, safeDecode } from '../security/redact-url.js'
import { scrubSecrets } from '../security/scrub-secrets.js'
import { SECRET_PARAMS } from '../security/secret-names.js'
import { decodePairs } from './form-encoding.js'
import type { PreparedRequest } from './prepared-request.js'

/**
 * The credential values a request carries: its secret headers (the credentials of an
 * Authorization header, Basic both encoded and decoded; each cookie's value; the secret OAuth 1 header parameters, a PLAINTEXT signature
 * split into its two secrets), the values of secret query parameters and form fields (the usual
 * names and those marked with `markSecretParam`), and what earlier hops carried. A hostile server
 * may echo any of them back; errors and logs scrub them out.
 *
 * @internal
 */
export function requestSecretValues(request: PreparedRequest, remembered: ReadonlySet<string> | undefined): Set<string> {
  const values = new Set<string>(remembered)
  const marked = request.secretParams
  // Every listed name, oauth_token and oauth_signature included (isSecretParam spares those two only in shown base strings).
  const isSecret = (name: string): boolean => {
    const lower = name.toLowerCase()
    return SECRET_PARAMS.has(lower) || marked?.has(lower) === true
  }
  const addPair = (name: string, value: string): void => {
    if (!isSecret(name) || value === '') return
    values.add(value)
    // A PLAINTEXT signature is `consumer_secret&token_secret`.
    if (name === 'oauth_signature') for (const part of value.split('&')) if (part !== '') values.add(safeDecode(part))
  }
  for (const name of request.headers.secretNames()) {
    for (const value of request.headers.getAll(name)) {
      values.add(value)
      const space = value.indexOf(' ')
      const scheme = space === -1 ? '' : value.slice(0, space).toLowerCase()
      const credentials = space === -1 ? value : value.slice(space + 1).trim()
      if (name === 'cookie') {
        // Each cookie's value on its own: a server may echo one without the others or the name.
        for (const pair of value.split(';')) {
          const equals = pair.indexOf('=')
          if (equals !== -1 && pair.slice(equals + 1).trim() !== '') values.add(pair.slice(equals + 1).trim())
        }
      } else if (scheme === 'basic') {
        // The base64 credentials without the scheme too: what a server quoting the header most often echoes.
        values.add(credentials)
        const decoded = Buffer.from(credentials, 'base64').toString('utf8')
        const colon = decoded.indexOf(':')
        if (colon !== -1) {
          values.add(decoded.slice(colon + 1))
          values.add(safeDecode(decoded.slice(colon + 1)))
        }
      } else if (scheme === 'oauth') {
        for (const match of credentials.matchAll(/([A-Za-z0-9_]+)="([^"]*)"/g)) addPair(match[1] as string, safeDecode(match[2] as string))
      } else if (credentials !== '') {
        values.add(credentials)
      }
    }
  }
  const queryStart = request.url.indexOf('?')
  if (queryStart !== -1) for (const [name, value] of decodePairs(request.url.slice(queryStart + 1).split('#')[0] ?? '')) addPair(name, value)
  const form = request.formFields()
  if (form !== undefined) for (const [name, value] of form) addPair(name, value)
  return values
}

/**
 * A URL as an error or a log shows it: redacted (with the names the request marked secret), and
 * with the credential values the request carries scrubbed out (a hostile Location may echo them
 * under any name). Without a request, only redacted.
 *
 * @internal
 */
export function shownUrl(url: string, request: PreparedRequest | undefined): string {
  return request === undefined ? redactUrl(url) : scrubSecrets(redactUrl(url, request.secretParams), request.secretValues())
}
