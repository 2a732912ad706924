import { createHash } from 'node:crypto'
import { type FileContents, isRecord, parseJsonObject, parseVersionedFile, record } from '../../tokens/file-token-store.js'
import type { StoredToken } from '../../tokens/token-store.js'
import { readTrustedFileAndTime, writePrivateFile } from '../../tokens/trusted-file.js'
import type { OAuth2Token } from '../oauth2-token.js'

// requests-auth's JsonTokenFileCache file, as requests_auth/_oauth2/tokens.py writes it with
// json.dump(self.tokens): `{ "<key>": [token, expiry, refresh_token] }`, expiry in Unix seconds (a
// float, or a JWT's integer `exp`) and refresh_token `null` when there is none (Python stores the
// tuple `(token, expiry, None)`). It reads `[token, expiry]` too. The format has no versions and
// no leases: those live in a sidecar file, `<path>.meta`, with a fingerprint of each entry, so an
// entry changed behind our back (by Python, which neither locks nor renames, or by a crash between
// the two writes) is seen and gets a new version.

/** One entry of the data file. */
type Entry = [token: string, expiry: number, refreshToken: string | null]

/** What the sidecar keeps per key. */
interface EntryMeta {
  version: number
  updatedAt: number
  fingerprint: string
}

/** The sidecar's contents. */
interface Meta {
  entries: Record<string, EntryMeta>
  retired: Record<string, number>
  leases: Record<string, { owner: string; until: number }>
}

/** The data file's text as read, for the contents built from it: an unchanged data file is not rewritten. */
const readText = new WeakMap<FileContents, string>()

/** How long requests-auth keeps a token whose lifetime is unknown: a year from now, Unix seconds. @internal */
export function yearFromNow(): number {
  return Date.now() / 1000 + 365 * 24 * 3600
}

/**
 * What requests-auth's format keeps of a token: the access token, its expiry (a year when there is
 * none, as requests-auth keeps tokens without a lifetime) and the refresh token.
 *
 * @internal
 */
export function requestsAuthToken(token: OAuth2Token): OAuth2Token {
  const kept: OAuth2Token = {
    access_token: String(token.access_token ?? ''),
    expires_at: typeof token.expires_at === 'number' ? token.expires_at : yearFromNow(),
  }
  if (typeof token.refresh_token === 'string') kept.refresh_token = token.refresh_token
  return kept
}

function entryOf(token: OAuth2Token): Entry {
  const kept = requestsAuthToken(token)
  return [kept.access_token as string, kept.expires_at as number, typeof kept.refresh_token === 'string' ? kept.refresh_token : null]
}

/** A hash of one entry as it is on disk, never the entry: the sidecar names no token. */
function fingerprint(entry: Entry): string {
  return createHash('sha256').update(JSON.stringify(entry)).digest('base64url').slice(0, 22)
}

/** The data file's entries, or undefined when it is not a requests-auth token file. */
function parseData(text: string): Record<string, Entry> | undefined {
  const data = parseJsonObject(text)
  if (data === undefined) return undefined
  const entries = record<Entry>()
  for (const [key, value] of Object.entries(data)) {
    if (!Array.isArray(value) || value.length < 2 || value.length > 3) return undefined
    const [token, expiry, refreshToken = null] = value as unknown[]
    if (typeof token !== 'string' || typeof expiry !== 'number' || !(refreshToken === null || typeof refreshToken === 'string')) return undefined
    entries[key] = [token, expiry, refreshToken]
  }
  return entries
}

function emptyMeta(): Meta {
  return { entries: record(), retired: record(), leases: record() }
}

/** The sidecar's contents, or undefined when it is not a sidecar. */
function parseMeta(text: string): Meta | undefined {
  return parseVersionedFile<EntryMeta>(
    text,
    'entries',
    (meta) => isRecord(meta) && typeof meta.version === 'number' && typeof meta.updatedAt === 'number' && typeof meta.fingerprint === 'string',
  )
}

/** A trusted file's text and time, or undefined when there is none. */
function readIfThere(path: string, what: string): { text: string; mtimeMs: number } | undefined {
  try {
    return readTrustedFileAndTime(path, what, 'the cache')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

/** The sidecar of a requests-auth token file. @internal */
export const metaPath = (path: string): string => `${path}.meta`

/**
 * Reads a requests-auth token file and its sidecar as a store's contents. Each entry keeps its
 * version while it matches the sidecar's fingerprint; an entry that does not (changed by another
 * program, or written without its sidecar) gets the next version, the same one for every reader
 * until a write records it, and a key gone from the data file is retired. `onCorrupt` is told when
 * a file is not what it should be: a corrupt data file reads as no token, a corrupt sidecar as no
 * versions. Untrusted files throw {@link ConfigurationError}, other filesystem errors are thrown.
 *
 * @internal
 */
export function readRequestsAuthFile(path: string, onCorrupt: () => void): FileContents {
  const metaFile = readIfThere(metaPath(path), 'Token cache metadata')
  let meta = metaFile === undefined ? emptyMeta() : parseMeta(metaFile.text)
  if (meta === undefined) {
    onCorrupt()
    meta = emptyMeta()
  }
  const dataFile = readIfThere(path, 'Token cache')
  let entries = dataFile === undefined ? record<Entry>() : parseData(dataFile.text)
  if (entries === undefined) {
    onCorrupt()
    entries = record<Entry>()
  }
  const contents: FileContents = { tokens: record<StoredToken>(), retired: record(meta.retired), leases: meta.leases }
  for (const [key, entry] of Object.entries(entries)) {
    const known = meta.entries[key]
    const token: OAuth2Token = { access_token: entry[0], expires_at: entry[1] }
    if (entry[2] !== null) token.refresh_token = entry[2]
    contents.tokens[key] =
      known !== undefined && known.fingerprint === fingerprint(entry)
        ? { token, version: known.version, updatedAt: known.updatedAt }
        : { token, version: Math.max(known?.version ?? 0, meta.retired[key] ?? 0) + 1, updatedAt: Math.trunc(dataFile?.mtimeMs ?? Date.now()) }
    delete contents.retired[key]
  }
  for (const [key, known] of Object.entries(meta.entries))
    if (contents.tokens[key] === undefined) contents.retired[key] = Math.max(contents.retired[key] ?? 0, known.version)
  if (dataFile !== undefined) readText.set(contents, dataFile.text)
  return contents
}

/**
 * Writes a store's contents as a requests-auth token file (only when its entries changed) and
 * then its sidecar, each to a temporary file (mode 0600) renamed over the old one. A crash between
 * the two leaves an entry the sidecar does not know, which the next read gives a new version.
 *
 * @internal
 */
export function writeRequestsAuthFile(path: string, contents: FileContents): void {
  const entries = record<Entry>()
  const meta = emptyMeta()
  for (const [key, stored] of Object.entries(contents.tokens)) {
    const entry = entryOf(stored.token)
    entries[key] = entry
    meta.entries[key] = { version: stored.version, updatedAt: stored.updatedAt, fingerprint: fingerprint(entry) }
  }
  Object.assign(meta.retired, contents.retired)
  Object.assign(meta.leases, contents.leases)
  const text = JSON.stringify(entries)
  if (readText.get(contents) !== text) writePrivateFile(path, text)
  writePrivateFile(metaPath(path), JSON.stringify(meta))
}
