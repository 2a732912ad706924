import { spawn } from 'node:child_process'
import { delimiter } from 'node:path'

/**
 * Opens the authorization URL for the user. The browser flows call it once the redirect listener
 * is up; replace it with {@link setBrowserOpener} (tests use `BrowserMock` from
 * `oauth-sessions/testing`).
 *
 * @example
 * ```ts
 * import { setBrowserOpener, type BrowserOpener } from 'oauth-sessions'
 * const printUrl: BrowserOpener = (url) => console.log(`Sign in at ${url}`)
 * setBrowserOpener(printUrl)
 * ```
 * @group Auth
 */
export type BrowserOpener = (url: string) => void | Promise<void>

/** The platform command that opens a URL in the default browser, as Python's `webbrowser` picks it. */
function browserCommand(url: string): [string, string[]] {
  const configured = process.env.BROWSER?.split(delimiter).find((entry) => entry.trim() !== '')
  if (configured !== undefined) {
    const [command = configured, ...args] = configured.trim().split(/\s+/)
    return args.some((arg) => arg.includes('%s')) ? [command, args.map((arg) => arg.replace('%s', url))] : [command, [...args, url]]
  }
  if (process.platform === 'darwin') return ['open', [url]]
  // rundll32 hands the URL over as it is; `cmd /c start` would split it at every `&`.
  if (process.platform === 'win32') return ['rundll32', ['url.dll,FileProtocolHandler', url]]
  return ['xdg-open', [url]]
}

/**
 * Opens `url` in the system browser (`$BROWSER`, `open`, `rundll32` or `xdg-open`). Where there is
 * no browser to start (a server, a container), it prints the URL on stderr so the user can open it
 * elsewhere; requests-auth fell back to a GET of the URL, which cannot sign anyone in.
 *
 * @example
 * ```ts
 * import { setBrowserOpener, systemBrowser } from 'oauth-sessions'
 * setBrowserOpener(systemBrowser)
 * ```
 * @group Auth
 */
export function systemBrowser(url: string): Promise<void> {
  const [command, args] = browserCommand(url)
  return new Promise((resolve) => {
    const printUrl = (): void => {
      process.stderr.write(`Open this URL in a browser to sign in:\n  ${url}\n`)
      resolve()
    }
    try {
      const child = spawn(command, args, { detached: true, stdio: 'ignore' })
      child.once('error', printUrl)
      child.once('spawn', () => {
        child.unref()
        resolve()
      })
    } catch {
      printUrl()
    }
  })
}

let processOpener: BrowserOpener = systemBrowser

/**
 * Sets how every browser flow of the process opens the authorization URL; returns the opener it
 * replaces, so a test can put it back.
 *
 * @example
 * ```ts
 * import { setBrowserOpener } from 'oauth-sessions'
 * const previous = setBrowserOpener((url) => console.log(`Sign in at ${url}`))
 * setBrowserOpener(previous)
 * ```
 * @group Auth
 */
export function setBrowserOpener(opener: BrowserOpener): BrowserOpener {
  const previous = processOpener
  processOpener = opener
  return previous
}

/**
 * The opener the browser flows use now.
 *
 * @example
 * ```ts
 * import { browserOpener } from 'oauth-sessions'
 * await browserOpener()('https://idp.example.com/authorize?client_id=x')
 * ```
 * @group Auth
 */
export function browserOpener(): BrowserOpener {
  return processOpener
}
