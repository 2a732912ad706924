import { randomBytes } from 'node:crypto'
import { chmodSync, closeSync, constants, fchmodSync, fstatSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { ConfigurationError } from '../errors.js'

/**
 * Reads a token file only if it can be trusted: not a symbolic link (opened with O_NOFOLLOW), a
 * regular file owned by this user, writable by nobody else. A planted file is refused, never used.
 * O_NONBLOCK: opening a FIFO (or a device) planted there would otherwise block the whole process
 * until a writer comes; it opens at once, and fstat then refuses it. A file others may read (but not
 * write) is narrowed to 0600 here, rather than left readable until the next write.
 * `what` names the file in the refusal ("Token cache", "Token store"); `owner` names what creates it.
 * A missing file throws ENOENT, a directory EISDIR, as any unreadable path does.
 * @internal
 */
export function readTrustedFile(path: string, what = 'Token cache', owner = 'the cache'): string {
  return readTrustedFileAndTime(path, what, owner).text
}

/**
 * {@link readTrustedFile}, with the file's modification time (Unix milliseconds) from the same open file.
 * @internal
 */
export function readTrustedFileAndTime(path: string, what = 'Token cache', owner = 'the cache'): { text: string; mtimeMs: number } {
  const refuse = (why: string): never => {
    throw new ConfigurationError(
      'path',
      `${what} ${path} is ${why}; it is not used. Remove it, or pass a path of your own (${owner} creates it with mode 0600).`,
    )
  }
  let fd: number
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | (constants.O_NONBLOCK ?? 0))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') refuse('a symbolic link')
    throw error
  }
  try {
    const stat = fstatSync(fd)
    const ownUid = process.getuid?.()
    // A directory in the way is reported and worked around, as any unreadable path is.
    if (stat.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' })
    if (!stat.isFile()) refuse('not a regular file')
    if (ownUid !== undefined && stat.uid !== ownUid) refuse('owned by another user')
    if ((stat.mode & 0o022) !== 0) refuse('writable by other users')
    if ((stat.mode & 0o077) !== 0) fchmodSync(fd, 0o600)
    return { text: readFileSync(fd, 'utf8'), mtimeMs: stat.mtimeMs }
  } finally {
    closeSync(fd)
  }
}

/**
 * Replaces `path` with `text` atomically and privately: a temporary file beside it, created
 * exclusively (`wx`: a file or link planted under that name is never written through) with mode
 * 0600, then renamed over it. The temporary file holds tokens, so it never stays behind.
 *
 * @internal
 */
export function writePrivateFile(path: string, text: string): void {
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`
  try {
    writeFileSync(temporary, text, { mode: 0o600, flag: 'wx' })
    chmodSync(temporary, 0o600)
    renameSync(temporary, path)
  } catch (error) {
    try {
      rmSync(temporary, { force: true })
    } catch {
      // nothing more can be done: the caller reports the write as failed
    }
    throw error
  }
}
