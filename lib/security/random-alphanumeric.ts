import { randomFillSync } from 'node:crypto'

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/** The character code each random byte stands for: `ALPHABET[byte % 62]`, or 0 for the bytes of 248 and above, which are skipped. */
const CODES = new Uint8Array(256)
for (let byte = 0; byte < 248; byte++) CODES[byte] = ALPHABET.charCodeAt(byte % 62)

/** Random bytes from `crypto.randomFillSync`, drawn in blocks so that a nonce or state costs no system call; each byte is used once. */
const pool = Buffer.alloc(4096)
let poolOffset = pool.length

/** Where the characters are put together before they become one string (no string per character). */
let scratch = Buffer.alloc(64)

/**
 * `length` characters from A-Z, a-z and 0-9, from `crypto.randomFillSync`: OAuth 1 nonces and
 * OAuth 2 states. Bytes of 248 and above are skipped so that every character is equally likely.
 *
 * @internal
 */
export function randomAlphanumeric(length: number): string {
  if (scratch.length < length) scratch = Buffer.alloc(length)
  let filled = 0
  // Each byte is kept with probability 248/256; 8 draws per character fail to fill the text
  // with negligible probability, and the bound keeps the loop finite.
  for (let draws = 0; draws < length * 8 && filled < length; draws++) {
    if (poolOffset === pool.length) {
      randomFillSync(pool)
      poolOffset = 0
    }
    const code = CODES[pool[poolOffset++] as number] as number
    if (code !== 0) scratch[filled++] = code
  }
  return scratch.toString('latin1', 0, filled)
}
