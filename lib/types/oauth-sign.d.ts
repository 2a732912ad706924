declare module 'oauth-sign' {
  type Params = Record<string, string | readonly string[]>
  /** HMAC-SHA1 signature over the base string oauth-sign builds from the arguments. */
  export function hmacsign(httpMethod: string, baseUri: string, params: Params, consumerSecret: string, tokenSecret?: string): string
  /** HMAC-SHA256 signature over the base string oauth-sign builds from the arguments. */
  export function hmacsign256(httpMethod: string, baseUri: string, params: Params, consumerSecret: string, tokenSecret?: string): string
  /** RSA-SHA1 signature over the base string oauth-sign builds from the arguments. */
  export function rsasign(httpMethod: string, baseUri: string, params: Params, privateKey: string, tokenSecret?: string): string
  /** The PLAINTEXT signature: percent-encoded consumer secret, `&`, percent-encoded token secret. */
  export function plaintext(consumerSecret: string, tokenSecret?: string): string
  /** oauth-sign's RFC 3986 percent-encoder. */
  export function rfc3986(text: string): string
  /** oauth-sign's signature base string. */
  export function generateBase(httpMethod: string, baseUri: string, params: Params): string
  const oauthSign: {
    hmacsign: typeof hmacsign
    hmacsign256: typeof hmacsign256
    rsasign: typeof rsasign
    plaintext: typeof plaintext
    rfc3986: typeof rfc3986
    generateBase: typeof generateBase
  }
  export default oauthSign
}
