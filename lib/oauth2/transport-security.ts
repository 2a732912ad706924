// The one transport check lives in lib/http (OAuth 1 PLAINTEXT uses it too); OAuth 2 code imports it from here.
export { assertSecureTransport, isSecureEnough } from '../http/secure-transport.js'
