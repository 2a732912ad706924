import { OAuthSessionsError } from '../errors.js'
import type { TokenStore } from '../tokens/token-store.js'
import type { Profile } from './cli-config.js'
import { oauth1SessionOf, type StoredOAuth1Token } from './cli-sessions.js'
import type { CliIO } from './program.js'
import { headless, type UserLoginOptions } from './user-login.js'

/** The longest line read from a piped stdin as the PIN; a PIN is a few characters. */
const MAX_PIN_LINE = 1024

/**
 * Thrown when `login` of an `oauth1` profile got no PIN: an empty one, stdin ended before a line
 * (or sent a line too long to be one), or nobody entered it in time. The PIN is never quoted.
 *
 * @internal
 */
export class PinMissingError extends OAuthSessionsError {
  override name = 'PinMissingError'
  override code = 'ERR_PIN_MISSING'
}

/**
 * `login` for an `oauth1` profile, the PIN (out-of-band) flow of OAuth 1.0a: a request token with
 * `oauth_callback=oob`, the authorization URL on stderr (and opened as the code flow opens it:
 * `$BROWSER`, else the platform's opener; not with `--no-browser` or headless), the PIN read from
 * the terminal (`@inquirer/prompts` on stderr) or the first line of stdin, then the access token
 * into the store under the profile's name as `request` and `explain` read it: `oauth_token`,
 * `oauth_token_secret` and whatever else the provider sent (`screen_name` ...). The whole login
 * must finish within `options.timeoutSeconds` (`--timeout`, 300 by default). A refused request token or PIN is
 * {@link TokenRequestDeniedError} (exit 1).
 *
 * @internal
 */
export async function loginWithPin(name: string, profile: Profile, store: TokenStore, io: CliIO, options: UserLoginOptions): Promise<StoredOAuth1Token> {
  const signal = AbortSignal.timeout(options.timeoutSeconds * 1000)
  await using session = await oauth1SessionOf(name, profile, store, io, false, { callbackUri: 'oob' })
  await session.fetchRequestToken(profile.requestTokenUrl as string, undefined, { signal })
  const url = session.authorizationUrl(profile.authorizeUrl as string)
  // The URL on a line of its own: it is long (it carries the request token), and a terminal wraps it mid-sentence otherwise.
  io.stderr.write(`Open this page and enter the PIN it shows:\n  ${url}\n`)
  if (options.browser && !headless(io.env)) {
    const { browserOpener } = await import('../oauth2/requests-auth/browser-opener.js')
    await browserOpener()(url)
  }
  const pin = await readPin(name, io, signal, options.timeoutSeconds)
  const token = (await session.fetchAccessToken(profile.accessTokenUrl as string, pin, { signal })) as StoredOAuth1Token & Record<string, string>
  await store.set(name, { ...token })
  return token
}

/** The PIN: asked for on a terminal, else the first line of stdin; trimmed, and never empty. */
async function readPin(name: string, io: CliIO, signal: AbortSignal, seconds: number): Promise<string> {
  let text: string
  if (process.stdin.isTTY === true) {
    const { input } = await import('@inquirer/prompts')
    try {
      // On stderr, so that stdout keeps only the command's output; the answered prompt is cleared, PIN and all.
      text = await input({ message: 'PIN' }, { output: io.stderr, signal, clearPromptOnDone: true })
    } catch (error) {
      if (signal.aborted) throw timedOut(name, seconds)
      throw error
    }
  } else {
    text = await firstLine(name, process.stdin, signal, seconds)
  }
  const pin = text.trim()
  if (pin === '') throw new PinMissingError(`No PIN was entered for profile ${JSON.stringify(name)}. ${howTo(name)}`)
  return pin
}

function howTo(name: string): string {
  return `Run \`oauth-sessions login ${name}\` again and enter the PIN the authorization page shows, or give it on stdin: \`printf '%s\\n' "$PIN" | oauth-sessions login ${name}\`.`
}

function timedOut(name: string, seconds: number): PinMissingError {
  return new PinMissingError(`No PIN was entered within ${seconds} seconds for profile ${JSON.stringify(name)}. ${howTo(name)}`)
}

/**
 * The first line of `stream` (without its newline; text that ends without one counts as the line).
 * Stdin ending with nothing, a line over {@link MAX_PIN_LINE} characters, or `signal` are
 * {@link PinMissingError}. The stream is destroyed after, so that the command can exit.
 */
function firstLine(name: string, stream: NodeJS.ReadStream, signal: AbortSignal, seconds: number): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let text = ''
    const finish = (error: Error | undefined, line = ''): void => {
      stream.off('data', onData).off('end', onEnd).off('error', onError)
      signal.removeEventListener('abort', onAbort)
      stream.destroy()
      if (error === undefined) resolve(line)
      else reject(error)
    }
    const onData = (chunk: string): void => {
      text += chunk
      const end = text.indexOf('\n')
      if (end >= 0 && end <= MAX_PIN_LINE) finish(undefined, text.slice(0, end))
      else if (text.length > MAX_PIN_LINE) {
        finish(new PinMissingError(`The first line of stdin is over ${MAX_PIN_LINE} characters, too long to be a PIN. ${howTo(name)}`))
      }
    }
    const onEnd = (): void => {
      if (text.trim() !== '') finish(undefined, text)
      else finish(new PinMissingError(`Stdin ended before a PIN was read for profile ${JSON.stringify(name)}. ${howTo(name)}`))
    }
    const onError = (error: Error): void => finish(new PinMissingError(`Stdin could not be read for the PIN.`, { cause: error }))
    const onAbort = (): void => finish(timedOut(name, seconds))
    if (signal.aborted) return onAbort()
    signal.addEventListener('abort', onAbort, { once: true })
    stream.setEncoding('utf8').on('data', onData).once('end', onEnd).once('error', onError)
  })
}
