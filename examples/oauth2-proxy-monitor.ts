/**
 * A monitoring check of a page behind bitly's oauth2_proxy, signed in as a GitHub service user
 * (without two-factor authentication), as bitly-oauth2-proxy-session was made for.
 *
 *   PROXY_START_URL=https://dashboards.example.com/oauth2/start CHECK_URL=https://dashboards.example.com/status \
 *   GITHUB_USER=monitoring-bot GITHUB_PASSWORD=... npx tsx examples/oauth2-proxy-monitor.ts
 *
 * Exit code 0 when the page answers 2xx, 2 otherwise: usable from cron or a Nagios-style check.
 */
import { ProxyAuthenticationError, ProxySession } from '../lib/index.js'

const { PROXY_START_URL, CHECK_URL, GITHUB_USER, GITHUB_PASSWORD } = process.env
if (!PROXY_START_URL || !CHECK_URL || !GITHUB_USER || !GITHUB_PASSWORD) {
  console.error('Set PROXY_START_URL, CHECK_URL, GITHUB_USER and GITHUB_PASSWORD.')
  process.exit(1)
}

try {
  await using session = await ProxySession.create({
    oauth2Username: GITHUB_USER,
    oauth2Password: GITHUB_PASSWORD,
    authenticationBaseUrl: PROXY_START_URL,
    timeout: 20_000,
  })
  const page = await session.get(CHECK_URL)
  console.log(`${page.ok ? 'OK' : 'CRITICAL'} ${CHECK_URL}: ${page.status} ${page.reason} in ${Math.round(page.elapsed)} ms`)
  process.exitCode = page.ok ? 0 : 2
} catch (error) {
  const reason = error instanceof ProxyAuthenticationError ? ` (${error.reason})` : ''
  console.log(`CRITICAL sign-in failed${reason}: ${(error as Error).message}`)
  process.exitCode = 2
}
