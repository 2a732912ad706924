import { readFileSync } from 'node:fs'
import { ConfigurationError } from '../errors.js'
import type { CertOption, SessionOptions } from './session-options.js'

/** @internal the subset of got's `https` options a Session sets. */
export interface TlsSettings {
  rejectUnauthorized?: boolean
  certificateAuthority?: string | Buffer | (string | Buffer)[]
  certificate?: string | Buffer
  key?: string | Buffer
  passphrase?: string
}

/**
 * Turns requests-style `verify` / `cert` / `ca` into got's https options, reading files once,
 * at construction, so that a missing file is reported before any request.
 *
 * @internal
 */
export function tlsSettings(options: Pick<SessionOptions, 'verify' | 'cert' | 'ca'>): TlsSettings {
  const settings: TlsSettings = {}
  const authorities: (string | Buffer)[] = []
  if (options.verify === false) settings.rejectUnauthorized = false
  if (typeof options.verify === 'string') authorities.push(readPem(options.verify, 'verify'))
  if (options.ca !== undefined) authorities.push(...(Array.isArray(options.ca) ? options.ca : [options.ca as string | Buffer]))
  if (authorities.length > 0) settings.certificateAuthority = authorities
  if (options.cert !== undefined) Object.assign(settings, clientCertificate(options.cert))
  return settings
}

function clientCertificate(cert: CertOption): TlsSettings {
  if (typeof cert === 'string') {
    const pem = readPem(cert, 'cert')
    return { certificate: pem, key: pem }
  }
  if (Array.isArray(cert)) {
    const [certFile, keyFile] = cert as readonly [string, string]
    return { certificate: readPem(certFile, 'cert[0]'), key: readPem(keyFile, 'cert[1]') }
  }
  const contents = cert as Exclude<CertOption, string | readonly [string, string]>
  const settings: TlsSettings = { certificate: contents.cert, key: contents.key }
  if (contents.passphrase !== undefined) settings.passphrase = contents.passphrase
  return settings
}

function readPem(path: string, option: string): Buffer {
  try {
    return readFileSync(path)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable'
    throw new ConfigurationError(option, `Cannot read the ${option} file (${code}). Pass the path of a PEM file.`)
  }
}
