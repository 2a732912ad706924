import type { OAuth2Session } from '../../lib/index.js'

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
