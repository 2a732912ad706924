/**
 * requests-auth's WakaTimeAuthorizationCode: the browser opens at wakatime.com, the code comes back
 * to http://localhost:5000/ (the app's redirect URI), and the secret goes to the token endpoint only.
 *
 *   WAKATIME_CLIENT_ID=... WAKATIME_CLIENT_SECRET=waka_sec_... npx tsx examples/wakatime-requests-auth.ts
 */
import { Session, WakaTimeAuthorizationCode } from '../lib/index.js'

const { WAKATIME_CLIENT_ID, WAKATIME_CLIENT_SECRET } = process.env
if (!WAKATIME_CLIENT_ID || !WAKATIME_CLIENT_SECRET) {
  console.error('Set WAKATIME_CLIENT_ID and WAKATIME_CLIENT_SECRET from https://wakatime.com/apps.')
  process.exit(1)
}

const wakaTime = new WakaTimeAuthorizationCode(WAKATIME_CLIENT_ID, WAKATIME_CLIENT_SECRET, ['email', 'read_stats'])

await using session = new Session({ auth: wakaTime })
const user = await session.get('https://wakatime.com/api/v1/users/current')
console.log(user.raiseForStatus().json<{ data: { username: string } }>().data.username)
const stats = await session.get('https://wakatime.com/api/v1/users/current/stats/last_7_days')
console.log(stats.raiseForStatus().json<{ data: { human_readable_total: string } }>().data.human_readable_total)
