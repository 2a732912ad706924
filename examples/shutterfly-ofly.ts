/**
 * A Shutterfly-style Ofly API with rauth's OflyService: sign the authorize URL, let the user
 * approve, then call the API with requests signed by oflyApiSig.
 *
 *   OFLY_APP_ID=... OFLY_APP_SECRET=... OFLY_AUTHORIZE_URL=... OFLY_API_BASE=... npx tsx examples/shutterfly-ofly.ts
 *
 * Python original (rauth docs):
 *   service = OflyService(name='example', app_id='123', app_secret='456', authorize_url='http://example.com/authorize')
 *   session = service.get_auth_session('foo')
 *   r = session.get('bar')
 */
import { createInterface } from 'node:readline/promises'
import { OflyService } from '../lib/index.js'

const { OFLY_APP_ID, OFLY_APP_SECRET, OFLY_AUTHORIZE_URL, OFLY_API_BASE } = process.env
if (!OFLY_APP_ID || !OFLY_APP_SECRET || !OFLY_AUTHORIZE_URL || !OFLY_API_BASE) {
  console.error('Set OFLY_APP_ID, OFLY_APP_SECRET, OFLY_AUTHORIZE_URL and OFLY_API_BASE.')
  process.exit(1)
}

await using service = new OflyService({
  name: 'shutterfly',
  appId: OFLY_APP_ID,
  appSecret: OFLY_APP_SECRET,
  authorizeUrl: OFLY_AUTHORIZE_URL,
  baseUrl: OFLY_API_BASE,
})
console.log('Visit this URL and authorize the application:', service.getAuthorizeUrl())
const prompt = createInterface({ input: process.stdin, output: process.stdout })
const userId = (await prompt.question('Enter the oflyUserid the provider returned: ')).trim()
prompt.close()

const session = service.getAuthSession(userId)
console.log((await session.get('userid/albums', { params: { format: 'json' } })).raiseForStatus().text.slice(0, 500))
