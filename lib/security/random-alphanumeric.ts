import { randomBytes } from 'node:crypto'

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/** Random bytes drawn from `crypto.randomBytes` in blocks, so a nonce or state costs no system call. */
let pool = Buffer.alloc(0)
let poolOffset = 0

function randomByte(): number {
  if (poolOffset >= pool.length) {
    pool = randomBytes(4096)
    poolOffset = 0
  }
  return pool[poolOffset++] as number
}

/**
 * `length` characters from A-Z, a-z and 0-9, from `crypto.randomBytes`: OAuth 1 nonces and OAuth 2
 * states. Bytes of 248 and above are skipped so that every character is equally likely.
 *
 * @internal
 */
export function randomAlphanumeric(length: number): string {
  let text = ''
  // Each byte is kept with probability 248/256; 8 draws per character fail to fill the text
  // with negligible probability, and the bound keeps the loop finite.
  for (let draws = 0; draws < length * 8 && text.length < length; draws++) {
    const byte = randomByte()
    if (byte < 248) text += ALPHABET[byte % 62]
  }
  return text
}
