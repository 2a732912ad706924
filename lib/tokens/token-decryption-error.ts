import { OAuthSessionsError } from '../errors.js'

/**
 * Why an {@link EncryptedTokenStore} could not read an entry: `'not_encrypted'` (the inner store
 * holds something that is not this store's ciphertext, such as a plain token), `'unknown_key'`
 * (it was encrypted with a key that is neither `key` nor one of `previousKeys`), `'malformed'` (a
 * ciphertext that is cut or badly encoded) or `'authentication_failed'` (AES-GCM refused it: it
 * was changed, or copied from another store key).
 *
 * @example
 * ```ts
 * import { TokenDecryptionError, type TokenDecryptionReason } from 'oauth-sessions'
 * const rotate = (error: TokenDecryptionError): boolean => error.reason === ('unknown_key' satisfies TokenDecryptionReason)
 * ```
 * @group Errors
 */
export type TokenDecryptionReason = 'not_encrypted' | 'unknown_key' | 'malformed' | 'authentication_failed'

const WHY: Record<TokenDecryptionReason, string> = {
  not_encrypted: 'the inner store holds a value that is not an EncryptedTokenStore ciphertext (a token written without encryption?)',
  unknown_key: 'it was encrypted with a key that is neither `key` nor one of `previousKeys`',
  malformed: 'its ciphertext is cut or badly encoded',
  authentication_failed: 'AES-GCM authentication failed: it was changed, or copied from another store key',
}

/**
 * Thrown when an {@link EncryptedTokenStore} cannot decrypt the entry under a store key: it was
 * tampered with, encrypted with another key, copied from another store key, or never encrypted.
 * The entry is not treated as missing (that would hide a wrong key and make every compare-and-set
 * on it lose): pass the old key in `previousKeys`, or `delete()` the entry and log in again. The
 * message names the store key and the reason, never any of the stored text.
 *
 * @example
 * ```ts
 * import { TokenDecryptionError, type TokenStore } from 'oauth-sessions'
 * declare const store: TokenStore
 * try { await store.get('api') }
 * catch (error) { if (error instanceof TokenDecryptionError) await store.delete(error.storeKey) }
 * ```
 * @group Errors
 */
export class TokenDecryptionError extends OAuthSessionsError {
  /** Always `'TokenDecryptionError'`. */
  override name = 'TokenDecryptionError'
  /** Always `'ERR_TOKEN_DECRYPTION'`: a stable value to branch on, unlike the message. */
  override code = 'ERR_TOKEN_DECRYPTION'
  /** The store key (the `key` argument of `get`) whose entry could not be read. */
  readonly storeKey: string
  /** Why it could not be read. */
  readonly reason: TokenDecryptionReason

  constructor(storeKey: string, reason: TokenDecryptionReason) {
    super(
      `EncryptedTokenStore cannot decrypt the token under "${storeKey}": ${WHY[reason]}. ` +
        'If the key was rotated, pass the old one in previousKeys; otherwise delete the entry and fetch a new token.',
    )
    this.storeKey = storeKey
    this.reason = reason
  }
}
