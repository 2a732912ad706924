declare module 'proxy-from-env' {
  /** The proxy URL for `url` from HTTP_PROXY / HTTPS_PROXY / ALL_PROXY / NO_PROXY, or ''. */
  export function getProxyForUrl(url: string | URL): string
}
