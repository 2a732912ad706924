import type { z } from 'zod'
import { lazySchema } from '../../http/lazy-schema.js'
import { parseOptions } from '../../http/parse-options.js'
import { millisecondsSchema } from '../../http/session-options.js'
import { pythonFormat } from './python-format.js'

/**
 * The options of {@link DisplaySettings}, requests-auth's `DisplaySettings` keywords in camelCase.
 *
 * @example
 * ```ts
 * import { DisplaySettings } from 'oauth-sessions'
 * new DisplaySettings({ successDisplayTime: 2000 })
 * ```
 * @group Auth
 */
export interface DisplaySettingsOptions {
  /** Milliseconds the success page stays before the tab closes itself (at most 2 147 483 647). Default 1. */
  successDisplayTime?: number
  /** The success page; `{display_time}` is replaced by `successDisplayTime`. */
  successHtml?: string
  /** Milliseconds the failure page stays before the tab closes itself (at most 2 147 483 647). Default 10 000. */
  failureDisplayTime?: number
  /** The failure page; `{information}` is replaced by what went wrong, `{display_time}` by `failureDisplayTime`. */
  failureHtml?: string
}

const displaySettingsSchema = lazySchema(
  (z) =>
    z
      .object({
        successDisplayTime: millisecondsSchema().optional(),
        successHtml: z.string().optional(),
        failureDisplayTime: millisecondsSchema().optional(),
        failureHtml: z.string().optional(),
      })
      .strict() satisfies z.ZodType<DisplaySettingsOptions>,
)

const SUCCESS_HTML = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Authentication success</title>
<style>body {{ font-family: sans-serif; margin: 3em; color: #1b5e20; }}</style>
</head>
<body onload="window.setTimeout(function () {{ window.close() }}, {display_time})">
<h1>You are now authenticated.</h1>
<p>You may close this tab; it closes by itself.</p>
</body>
</html>
`

const FAILURE_HTML = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Authentication failed</title>
<style>body {{ font-family: sans-serif; margin: 3em; color: #b71c1c; }}</style>
</head>
<body onload="window.setTimeout(function () {{ window.close() }}, {display_time})">
<h1>Authentication failed</h1>
<p>{information}</p>
<p>Return to the program that opened this page for details.</p>
</body>
</html>
`

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`)
}

/**
 * What the browser shows when the local redirect listener received a code or token, or failed:
 * requests-auth's `DisplaySettings`. Set the process-wide settings with {@link setDisplaySettings}
 * (`OAuth2.display = DisplaySettings(...)`). Templates use Python's format syntax, so a page
 * written for requests-auth, with `{{` `}}` around CSS blocks, works as it is.
 *
 * @example
 * ```ts
 * import { DisplaySettings, setDisplaySettings } from 'oauth-sessions'
 * setDisplaySettings(new DisplaySettings({ successDisplayTime: 3000, failureHtml: '<p>Sorry: {information}</p>' }))
 * ```
 * @see requests_auth.DisplaySettings
 * @group Auth
 */
export class DisplaySettings {
  /** Milliseconds the success page stays. */
  readonly successDisplayTime: number
  /** The success page template. */
  readonly successHtml: string
  /** Milliseconds the failure page stays. */
  readonly failureDisplayTime: number
  /** The failure page template. */
  readonly failureHtml: string

  constructor(options: DisplaySettingsOptions = {}) {
    parseOptions(displaySettingsSchema(), options, 'DisplaySettings')
    this.successDisplayTime = options.successDisplayTime ?? 1
    this.successHtml = options.successHtml || SUCCESS_HTML
    this.failureDisplayTime = options.failureDisplayTime ?? 10_000
    this.failureHtml = options.failureHtml || FAILURE_HTML
  }

  /** The success page as sent to the browser. */
  successPage(): string {
    const text = 'You are now authenticated. You may close this tab.'
    return pythonFormat(this.successHtml, { display_time: String(this.successDisplayTime), text })
  }

  /** The failure page as sent to the browser; `information` is HTML-escaped. */
  failurePage(information: string): string {
    const escaped = escapeHtml(information)
    return pythonFormat(this.failureHtml, { display_time: String(this.failureDisplayTime), information: escaped, text: escaped })
  }
}

/** Made on first use: a DisplaySettings parses its options, which loads zod (#20). */
let processDisplay: DisplaySettings | undefined

/**
 * Sets the pages every browser flow of the process shows (requests-auth's `OAuth2.display = ...`).
 *
 * @example
 * ```ts
 * import { DisplaySettings, setDisplaySettings } from 'oauth-sessions'
 * setDisplaySettings(new DisplaySettings({ successDisplayTime: 5000 }))
 * ```
 * @group Auth
 */
export function setDisplaySettings(settings: DisplaySettings): void {
  processDisplay = settings
}

/**
 * The process-wide {@link DisplaySettings}.
 *
 * @example
 * ```ts
 * import { displaySettings } from 'oauth-sessions'
 * console.log(displaySettings().failureDisplayTime)
 * ```
 * @group Auth
 */
export function displaySettings(): DisplaySettings {
  processDisplay ??= new DisplaySettings()
  return processDisplay
}
