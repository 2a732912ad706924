/**
 * The main job, end to end, against the embedded sandbox provider: no credentials, no internet.
 * Run with `npm run demo`.
 */
import { HTTPBasicAuth, Session } from '../lib/index.js'
import { startSandbox } from '../lib/testing/index.js'

interface Echo {
  headers: Record<string, string>
  args: Record<string, string>
  cookies: Record<string, string>
}

const sandbox = await startSandbox()
const session = new Session({
  baseUrl: sandbox.url,
  headers: { 'X-Demo': 'oauth-sessions' },
  auth: new HTTPBasicAuth('demo-user', 'demo-password'),
})

try {
  step('Sandbox provider listening', `${sandbox.url} (second origin ${sandbox.otherUrl})`)

  const login = await session.get('/basic-auth/demo-user/demo-password')
  step('Authenticated request (HTTP Basic from the Session)', `${login.status} ${login.reason} ${JSON.stringify(login.json())}`)

  const echo = await session.get('/get', { params: { page: 2, tags: ['a', 'b'] } })
  step('Default headers and params on the wire', `${echo.request.url.replace(sandbox.url, '')}  X-Demo: ${echo.json<Echo>().headers['x-demo']}`)

  const setCookie = await session.get('/cookies/set', { params: { session_id: 'abc123' } })
  step('Cookie set during a redirect', `${setCookie.history[0]?.status} -> ${setCookie.status}, cookies set: ${JSON.stringify(setCookie.history[0]?.cookies)}`)
  const kept = await session.get('/cookies')
  step('Cookie kept by the jar for the next request', JSON.stringify(kept.json<Echo>().cookies))

  const chain = await session.get('/redirect/3')
  step('Redirect chain followed by the Session', `${chain.history.map((hop) => `${hop.status} ${new URL(hop.url).pathname}`).join(' -> ')} -> ${chain.status} ${new URL(chain.url).pathname}`)

  const crossOrigin = await session.get('/redirect-to', { params: { url: `${sandbox.otherUrl}/headers`, status_code: 307 } })
  const leaked = crossOrigin.json<{ headers: Record<string, string> }>().headers.authorization
  step('Cross-origin redirect drops credentials', `${crossOrigin.url.replace(sandbox.otherUrl, '<other origin>')} saw Authorization: ${leaked ?? 'none'}`)

  const missing = await session.get('/status/404')
  step('Error statuses are answers, not exceptions, until you ask', `${missing.status} ${missing.reason}; raiseForStatus() -> ${catchName(() => missing.raiseForStatus())}`)

  step('Secrets stay out of logs', JSON.stringify(session.toJSON().auth))
} finally {
  await session.close()
  await sandbox.close()
}

function step(title: string, detail: string): void {
  console.log(`\u2714 ${title}\n    ${detail}`)
}

function catchName(fn: () => unknown): string {
  try {
    fn()
    return 'no error'
  } catch (error) {
    return (error as Error).name
  }
}
