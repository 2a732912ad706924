import { type DeviceAuthorization, type OAuth2Session, Session } from '../../lib/index.js'

/**
 * Drives oidc-provider's development interaction pages (`features.devInteractions`) with the
 * session itself: GET each page without following redirects, follow every `Location` by hand, and
 * POST the login form (as `user`, any password) or the consent form back to the page's own URL,
 * until a redirect starts with `redirectPrefix`. Returns that redirect (the callback to the client);
 * throws after 12 hops so a misconfigured provider fails the spec instead of looping.
 *
 *   const [url] = session.authorizationUrl(`${issuer}/auth`, undefined, { prompt: 'consent' })
 *   const callback = await loginThroughDevInteractions(session, url, REDIRECT)
 */
export async function loginThroughDevInteractions(session: OAuth2Session, authorizationUrl: string, redirectPrefix: string, user = 'alice'): Promise<string> {
  let next = authorizationUrl
  for (let hop = 0; hop < 12; hop++) {
    const page = await session.get(next, { allowRedirects: false, withholdToken: true })
    const location = page.headers.get('location')
    if (location?.startsWith(redirectPrefix)) return location
    if (location !== undefined) {
      next = new URL(location, next).href
      continue
    }
    // A development interaction page: its form posts back to the page's own URL.
    const prompt = page.text.includes('name="login"') ? 'login' : 'consent'
    const fields = prompt === 'login' ? { prompt, login: user, password: 'any' } : { prompt }
    const submitted = await session.post(next, { data: fields, allowRedirects: false, withholdToken: true })
    next = new URL(submitted.headers.get('location') ?? '', next).href
  }
  throw new Error('the authorization did not come back to the client within 12 hops')
}

/** The form of a page, by its id: where it posts and its hidden fields. */
function readForm(page: { text: string; url: string }, id: string): { action: string; fields: Record<string, string> } {
  const form = new RegExp(`<form id="${id.replace('.', '\\.')}"[^>]*action="([^"]*)"[^>]*>([\\s\\S]*?)</form>`).exec(page.text)
  if (form === null) throw new Error(`no form ${id} on ${page.url}`)
  const fields: Record<string, string> = {}
  for (const [, name = '', value = ''] of (form[2] ?? '').matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) fields[name] = value
  return { action: new URL(form[1] ?? '', page.url).href, fields }
}

/**
 * The user at the provider's own device pages, in a browser of their own (a cookie-keeping
 * Session): enters the user code, confirms (or aborts), logs in and consents.
 */
export async function userAtDevicePages(issuer: string, device: DeviceAuthorization, choice: 'approve' | 'abort'): Promise<string> {
  await using browser = new Session({ timeout: null })
  const entry = await browser.get(device.verificationUri)
  const input = readForm(entry, 'op.deviceInputForm')
  const confirmPage = await browser.post(input.action, { data: { ...input.fields, user_code: device.userCode } })
  const confirm = readForm(confirmPage, 'op.deviceConfirmForm')
  let page = await browser.post(confirm.action, { data: choice === 'abort' ? { ...confirm.fields, abort: 'yes' } : confirm.fields, allowRedirects: false })
  let url = confirm.action
  for (let hop = 0; hop < 12; hop++) {
    const location = page.headers.get('location')
    if (location !== undefined) {
      url = new URL(location, url).href
      page = await browser.get(url, { allowRedirects: false })
      continue
    }
    if (page.text.includes('name="login"')) {
      page = await browser.post(url, { data: { prompt: 'login', login: 'alice', password: 'any' }, allowRedirects: false })
    } else if (page.text.includes('name="prompt" value="consent"')) {
      page = await browser.post(url, { data: { prompt: 'consent' }, allowRedirects: false })
    } else {
      return page.text
    }
  }
  throw new Error(`the device pages did not end within 12 hops (issuer ${issuer})`)
}
